/* How fresh the vulnerability data is: each feed's fetch and import time,
 * kept in the store's vulnerability meta table (feed.<name>.fetched,
 * .imported, and feed.nvd.through, the lastModified the NVD data reaches),
 * shown by `vulndb stats`; and the small helpers the fetcher and the bundle
 * share (times, gzip). */
#include "pipeline/vulndb.h"
#include "pipeline/vulndb-fetch.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

void fmt_utc(double t, char *out, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double parse_utc(const char *s)
{
	struct tm tm = { 0 };
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!end) return 0;
	return (double)timegm(&tm);
}

int gunzip_mem(const void *p, size_t n, const char *what, struct buf *out, struct dm_err *e)
{
	z_stream z = { 0 };
	if (n < 2 || ((const unsigned char *)p)[0] != 0x1f || ((const unsigned char *)p)[1] != 0x8b)
		return dm_fail(e, DM_EINPUT, "%s: not gzip data", what);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return dm_fail(e, -ENOMEM, "%s: zlib", what);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	unsigned char chunk[65536];
	int zr;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) break;
		if (buf_append(out, chunk, sizeof(chunk) - z.avail_out) < 0) {
			inflateEnd(&z);
			return dm_fail(e, DM_ETOOBIG, "%s: more than %zu bytes uncompressed", what, out->max);
		}
	} while (zr != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
	uLong at = z.total_in;
	inflateEnd(&z);
	if (zr != Z_STREAM_END)
		return dm_fail(e, DM_EINPUT, "%s: byte %lu: damaged or truncated gzip data", what, at);
	return 0;
}

int fetch_record_meta(struct store *st, int feed, double fetched, double through, struct dm_err *e)
{
	char key[48], t[64];
	int r = 0;
	if (fetched > 0) {
		snprintf(key, sizeof(key), "feed.%s.fetched", feed_names[feed]);
		fmt_utc(fetched, t, sizeof(t));
		r = store_vuln_meta_set(st, key, t, e);
	}
	if (r == 0 && through > 0) {
		snprintf(key, sizeof(key), "feed.%s.through", feed_names[feed]);
		fmt_utc(through, t, sizeof(t));
		r = store_vuln_meta_set(st, key, t, e);
	}
	return r;
}

int fetch_note_import(struct store *st, const char *kind, struct dm_err *e)
{
	static const char *const known[] = { "nvd", "kev", "epss", "cve5", "debian", "ubuntu", "redhat" };
	bool ok = false;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) ok |= !strcmp(kind, known[i]);
	if (!ok) return 0;
	char key[48], t[64];
	snprintf(key, sizeof(key), "feed.%s.imported", kind);
	fmt_utc(now_real(), t, sizeof(t));
	return store_vuln_meta_set(st, key, t, e);
}

int vulndb_feed_ages(struct store *st, bool json, struct dm_err *e)
{
	static const char *const kinds[] = { "nvd", "kev", "epss", "cve5", "debian", "ubuntu", "redhat" };
	double now = now_real();
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		char key[48], fetched[64] = "", imported[64] = "", through[64] = "";
		int r;
		snprintf(key, sizeof(key), "feed.%s.fetched", kinds[i]);
		if ((r = store_vuln_meta_get(st, key, fetched, sizeof(fetched), e)) < 0) return r;
		snprintf(key, sizeof(key), "feed.%s.imported", kinds[i]);
		if ((r = store_vuln_meta_get(st, key, imported, sizeof(imported), e)) < 0) return r;
		snprintf(key, sizeof(key), "feed.%s.through", kinds[i]);
		if ((r = store_vuln_meta_get(st, key, through, sizeof(through), e)) < 0) return r;
		if (!fetched[0] && !imported[0]) continue;
		/* The data's age is known when dormant fetched it; a file imported by
		 * hand may have been made long before. */
		double age = fetched[0] ? (now - parse_utc(fetched)) / 86400.0 : -1;
		if (age < 0 && fetched[0]) age = 0;
		if (json) {
			printf("%s\"%s\":{\"fetched\":\"%s\",\"imported\":\"%s\",\"through\":\"%s\",\"age_"
			       "days\":",
			       any ? "," : "", kinds[i], fetched, imported, through);
			if (age < 0)
				printf("null}");
			else
				printf("%.1f}", age);
		} else if (fetched[0]) {
			printf("%-4s fetched         %s (%.1f days ago)%s%s\n", kinds[i], fetched, age,
			       imported[0] ? ", imported " : "", imported);
		} else {
			printf("%-4s imported        %s from a file (its age is unknown)\n", kinds[i],
			       imported);
		}
		any = true;
	}
	if (!any && !json) printf("feeds                never fetched (dormant vulndb fetch)\n");
	return 0;
}
