/* The feed fetcher's pieces that need no server: the NVD rate limiter's
 * arithmetic, the bundle's tar writer and checked reader, gzip checks. */
#include "test.h"
#include "base/tar.h"
#include "pipeline/vulndb.h"
#include "pipeline/vulndb-fetch.h"
#include <math.h>
#include <stdlib.h>

static void rate_limit_window(void)
{
	double t[6] = { 0, 1, 2, 3, 4, 5 };
	/* without a key: 5 requests in 30 s; the 6th waits for the first to age out */
	CHECK(fabs(fetch_window_wait(t, 5, 5, 30, 5) - 25) < 1e-9);
	CHECK_INT(fetch_window_wait(t, 4, 5, 30, 5), 0);
	CHECK_INT(fetch_window_wait(t, 5, 5, 30, 31), 0);
	CHECK(fabs(fetch_window_wait(t, 6, 5, 30, 6) - 25) < 1e-9); /* the 5th latest is t[1] */
	/* with a key: 50 */
	CHECK_INT(fetch_window_wait(t, 6, 50, 30, 6), 0);
}

struct members {
	int n;
	char names[4][32];
	size_t lens[4];
	char first[16];
};

static int on_member(void *ctx, const char *name, const void *data, size_t len, struct dm_err *e)
{
	(void)e;
	struct members *m = ctx;
	if (m->n < 4) {
		snprintf(m->names[m->n], sizeof(m->names[0]), "%s", name);
		m->lens[m->n] = len;
		if (m->n == 0)
			snprintf(m->first, sizeof(m->first), "%.*s", (int)(len < 15 ? len : 15),
				 (const char *)data);
	}
	m->n++;
	return 0;
}

static FILE *archive(void)
{
	FILE *f = tmpfile();
	struct dm_err e = { "" };
	CHECK_INT(tar_put(f, "manifest.json", "{\"a\":1}", 7, 1700000000, &e), 0);
	char big[1300];
	memset(big, 'x', sizeof(big));
	CHECK_INT(tar_put(f, "nvd-000001.json", big, sizeof(big), 1700000000, &e), 0);
	CHECK_INT(tar_put(f, "empty", "", 0, 0, &e), 0);
	CHECK_INT(tar_end(f, &e), 0);
	char longname[120];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	CHECK_INT(tar_put(f, longname, "", 0, 0, &e), DM_EINPUT);
	rewind(f);
	return f;
}

static void tar_round_trip(void)
{
	FILE *f = archive();
	struct members m = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(tar_read(f, "b", 1 << 20, on_member, &m, &e), 3);
	CHECK_STR(m.names[0], "manifest.json");
	CHECK_STR(m.first, "{\"a\":1}");
	CHECK_STR(m.names[1], "nvd-000001.json");
	CHECK_INT(m.lens[1], 1300);
	CHECK_INT(m.lens[2], 0);
	/* a member over the cap */
	rewind(f);
	memset(&m, 0, sizeof(m));
	CHECK_INT(tar_read(f, "b", 1000, on_member, &m, &e), DM_ETOOBIG);
	CHECK(strstr(e.msg, "b: byte 1024: member nvd-000001.json is larger than 1000 bytes") != NULL);
	fclose(f);
}

static void tar_refuses_damage(void)
{
	struct dm_err e = { "" };
	struct members m = { 0 };
	/* a changed header byte breaks its checksum */
	FILE *f = archive();
	fseek(f, 512 + 512, SEEK_SET); /* the second header */
	fputc('N', f);
	rewind(f);
	CHECK_INT(tar_read(f, "b", 1 << 20, on_member, &m, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "b: byte 1024: not a ustar header (bad checksum)") != NULL);
	fclose(f);
	/* cut inside a member */
	f = archive();
	char buf[2000];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	f = tmpfile();
	fwrite(buf, 1, n, f);
	rewind(f);
	CHECK_INT(tar_read(f, "b", 1 << 20, on_member, &m, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "member nvd-000001.json is cut short") != NULL);
	fclose(f);
	/* not an archive at all */
	f = tmpfile();
	fputs("{\"vulnerabilities\":[]}", f);
	rewind(f);
	CHECK_INT(tar_read(f, "b", 1 << 20, on_member, &m, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "not a bundle?") != NULL);
	fclose(f);
}

static void gzip_checked(void)
{
	static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
					    0x4b, 0x2e, 0x4b, 0xd5, 0x49, 0x2d, 0x28, 0x2e, 0xe6, 0x02,
					    0x00, 0x54, 0xda, 0xa5, 0xc8, 0x09, 0x00, 0x00, 0x00 };
	struct buf b = BUF_INIT;
	struct dm_err e = { "" };
	CHECK_INT(gunzip_mem(gz, sizeof(gz), "u", &b, &e), 0);
	CHECK_STR(b.data, "cve,epss\n");
	buf_reset(&b);
	CHECK_INT(gunzip_mem(gz, sizeof(gz) - 6, "u", &b, &e), DM_EINPUT); /* the trailer cut */
	CHECK(strstr(e.msg, "u: byte") && strstr(e.msg, "damaged or truncated gzip data"));
	buf_reset(&b);
	CHECK_INT(gunzip_mem("cve,epss", 8, "u", &b, &e), DM_EINPUT);
	CHECK_STR(e.msg, "u: not gzip data");
	buf_release(&b);
	/* times for the NVD's parameters and the meta table */
	char t[64];
	fmt_utc(1700000000, t, sizeof(t));
	CHECK_STR(t, "2023-11-14T22:13:20Z");
	CHECK_INT(parse_utc(t), 1700000000);
	CHECK_INT(parse_utc("2023-11-14T22:13:20.123"), 1700000000);
	CHECK_INT(parse_utc("yesterday"), 0);
}

SUITE(suite_fetch, "fetch", T(rate_limit_window), T(tar_round_trip), T(tar_refuses_damage), T(gzip_checked));
