/* The distributions' security data: dpkg and rpm version ordering on the
 * examples their documentation and test suites publish, a banner's build
 * (distribution, release, package version), the three importers (records,
 * verdicts, bad records named with their position). */
#include "test.h"
#include "base/json.h"
#include "vuln/distro-build.h"
#include "vuln/feeds.h"
#include "vuln/pkg-version.h"
#include <string.h>

#define SIGN(x) ((x) < 0 ? -1 : (x) > 0)

/* deb-version(7) and dpkg's own test cases (lib/dpkg/t/t-version.c) */
static void dpkg_order(void)
{
	static const struct {
		const char *a, *b;
		int want;
	} t[] = {
		{ "1.0", "1.0", 0 },
		{ "0:1.0", "1.0", 0 },
		{ "1.0-0", "1.0", 0 },
		{ "1:0.1", "2.0", 1 },
		{ "1.0", "1.0-1", -1 },
		{ "1.0~rc1", "1.0", -1 },
		{ "~~", "~~a", -1 },
		{ "~~a", "~", -1 },
		{ "~", "", -1 },
		{ "", "a", -1 },
		{ "1.0a", "1.0", 1 },
		{ "1.0+b1", "1.0", 1 },
		{ "1.2.3", "1.2.10", -1 },
		{ "0001", "1", 0 },
		{ "1:9.2p1-2+deb12u10", "1:9.2p1-2+deb12u3", 1 },
		{ "1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3", -1 },
		{ "1:9.2p1-2", "1:9.2p1-2+deb12u1", -1 },
		{ "2.4.62-1~deb12u1", "2.4.62-1", -1 },
		{ "1:8.9p1-3ubuntu0.10", "1:8.9p1-3ubuntu0.5", 1 },
		{ "9.2p1-2+deb12u10", "1:9.2p1-2+deb12u3", -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		CHECK_INT(SIGN(dpkg_version_cmp(t[i].a, t[i].b)), t[i].want);
		CHECK_INT(SIGN(dpkg_version_cmp(t[i].b, t[i].a)), -t[i].want);
	}
}

/* rpm's tests/rpmvercmp.at */
static void rpm_order(void)
{
	static const struct {
		const char *a, *b;
		int want;
	} t[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "2.0", -1 },
		{ "2.0.1", "2.0", 1 },
		{ "2.0.1a", "2.0.1", 1 },
		{ "5.5p1", "5.5p2", -1 },
		{ "5.5p10", "5.5p1", 1 },
		{ "10xyz", "10.1xyz", -1 },
		{ "xyz10", "xyz10.1", -1 },
		{ "xyz.4", "8", -1 },
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0~rc1", "1.0~rc2", -1 },
		{ "1.0~rc1~git123", "1.0~rc1", -1 },
		{ "1.0^", "1.0", 1 },
		{ "1.0^git1", "1.0", 1 },
		{ "1.0^git1", "1.0.1", -1 },
		{ "1.0^git1~pre", "1.0^git1", -1 },
		{ "1.0^20160101", "1.0.1", -1 },
		{ "1b.fc17", "1b.fc17", 0 },
		{ "1.1.α", "1.1.α", 0 },
		{ "20101121", "20101122", -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		CHECK_INT(rpmvercmp(t[i].a, t[i].b), t[i].want);
		CHECK_INT(rpmvercmp(t[i].b, t[i].a), -t[i].want);
	}
	/* EVR: epoch first, then version, then release */
	CHECK_INT(SIGN(rpm_version_cmp("1:1.0-1", "2.0-1")), 1);
	CHECK_INT(SIGN(rpm_version_cmp("0:8.7p1-38.el9_4.1", "8.7p1-34.el9")), 1);
	CHECK_INT(SIGN(rpm_version_cmp("8.7p1-38.el9", "8.7p1-38.el9_4.1")), -1);
	CHECK_INT(SIGN(rpm_version_cmp("8.7p1", "8.7p1-38.el9")), 0); /* no release: versions only */
}

static void build_parse(void)
{
	struct distro_tables t;
	struct dm_err e;
	CHECK_INT(distro_tables_load(&t, &e), 0);
	struct distro_build b;
	CHECK_INT(distro_build_parse(&t, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10", "openbsd", "openssh",
				     "9.2p1", &b),
		  1);
	CHECK_STR(b.distro, "debian");
	CHECK_STR(b.release, "bookworm");
	CHECK_STR(b.package, "openssh");
	CHECK_STR(b.revision, "2+deb12u10");
	char v[128];
	distro_build_version(&b, "1:9.2p1-2+deb12u3", true, v, sizeof(v));
	CHECK_STR(v, "1:9.2p1-2+deb12u10");
	CHECK_INT(distro_build_parse(&t, "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10", "openbsd", "openssh",
				     "8.9p1", &b),
		  1);
	CHECK_STR(b.distro, "ubuntu");
	CHECK_STR(b.release, ""); /* told later from the data */
	CHECK_STR(b.revision, "3ubuntu0.10");
	CHECK_INT(distro_build_parse(&t, "OpenSSH 8.2p1 Ubuntu-4ubuntu0.20.04.1", "openbsd", "openssh",
				     "8.2p1", &b),
		  1);
	CHECK_STR(b.release, "focal");
	CHECK_INT(distro_build_parse(&t, "Apache/2.4.62 (Debian)", "apache", "http_server", "2.4.62", &b), 1);
	CHECK_STR(b.distro, "debian");
	CHECK_STR(b.package, "apache2");
	CHECK_STR(b.revision, "");
	CHECK_INT(distro_build_parse(&t, "Apache/2.4.57 (Red Hat Enterprise Linux)", "apache", "http_server",
				     "2.4.57", &b),
		  1);
	CHECK_STR(b.package, "httpd");
	CHECK_INT(
	    distro_build_parse(&t, "OpenSSH 8.7p1-38.el9_4.1", "openbsd", "openssh", "8.7p1-38.el9_4.1", &b),
	    1);
	CHECK_STR(b.distro, "rhel");
	CHECK_STR(b.release, "9");
	CHECK_STR(b.upstream, "8.7p1");
	CHECK_STR(b.revision, "38.el9_4.1");
	CHECK_INT(
	    distro_build_parse(&t, "nginx 1.20.1-1.module+el8.6.0+1234+abcd", "f5", "nginx", "1.20.1", &b),
	    1);
	CHECK_STR(b.release, "8");
	/* no distribution, or a product no distribution data is kept for */
	CHECK_INT(distro_build_parse(&t, "SSH-2.0-OpenSSH_9.8", "openbsd", "openssh", "9.8", &b), 0);
	CHECK_INT(distro_build_parse(&t, "Frob/1.0 (Debian)", "frob", "frob", "1.0", &b), 0);
	char d[16], r[32];
	CHECK(distro_from_os_cpe(&t, "cpe:/o:debian:debian_linux:12", d, sizeof(d), r, sizeof(r)));
	CHECK_STR(r, "bookworm");
	CHECK(distro_from_os_cpe(&t, "cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:*:*:*:*", d, sizeof(d), r,
				 sizeof(r)));
	CHECK_STR(d, "ubuntu");
	CHECK_STR(r, "jammy");
	CHECK(!distro_from_os_cpe(&t, "cpe:/o:microsoft:windows", d, sizeof(d), r, sizeof(r)));
	CHECK(distro_from_os_cpe(&t, "cpe:/o:redhat:rhel_eus:9.2::baseos", d, sizeof(d), r, sizeof(r)));
	CHECK_STR(r, "9.2-eus");
	CHECK(!distro_from_os_cpe(&t, "cpe:/o:redhat:rhel_eus:42.2", d, sizeof(d), r, sizeof(r)));
	const char *canon;
	CHECK(distro_release_known(&t, "debian", "12", &canon) && !strcmp(canon, "bookworm"));
	/* Red Hat's extended streams: of a known major release, of the four kinds */
	CHECK(distro_release_known(&t, "rhel", "8.6-e4s", &canon) && !strcmp(canon, "8.6-e4s"));
	CHECK(!distro_release_known(&t, "rhel", "42.1-eus", &canon));
	CHECK(!distro_release_known(&t, "rhel", "9.2-els", &canon));
	CHECK(!distro_release_known(&t, "debian", "12.1-eus", &canon));
	CHECK(distro_release_refines("rhel", "9", "9.2-tus"));
	CHECK(!distro_release_refines("rhel", "8", "9.2-eus"));
	CHECK(!distro_release_refines("rhel", "9", "9"));
	distro_upstream_of("1:9.2p1-2+deb12u3", v, sizeof(v));
	CHECK_STR(v, "9.2p1");
	distro_tables_release(&t);
}

struct got {
	int n;
	char rows[16][160];
	char meta[64];
};

static int on_fix(void *ctx, const struct vuln_distro_fix *f, struct dm_err *e)
{
	(void)e;
	struct got *g = ctx;
	char id[32];
	cve_format(f->num, id, sizeof(id));
	if (g->n < 16)
		snprintf(g->rows[g->n], sizeof(g->rows[0]), "%s %s %s %s %s %s", f->distro, f->release,
			 f->package, id, distro_status_name(f->status),
			 f->fixed_version ? f->fixed_version : "-");
	g->n++;
	return 0;
}

static int on_meta(void *ctx, const char *k, const char *v, struct dm_err *e)
{
	(void)e;
	struct got *g = ctx;
	snprintf(g->meta, sizeof(g->meta), "%s=%s", k, v);
	return 0;
}

static int run(const char *text, struct got *g, struct feed_counts *fc, struct dm_err *e)
{
	memset(g, 0, sizeof(*g));
	struct vuln_sink s = { .ctx = g, .distro_fix = on_fix, .meta = on_meta };
	return feed_import_mem(text, strlen(text), "t.json", &s, fc, e);
}

static bool has(const struct got *g, const char *row)
{
	for (int i = 0; i < g->n && i < 16; i++)
		if (!strcmp(g->rows[i], row)) return true;
	return false;
}

static void importers(void)
{
	struct got g;
	struct feed_counts fc;
	struct dm_err e;
	/* Debian: told by content; TEMP- entries skipped; "0" is not affected */
	CHECK_INT(run("{\"openssh\": {\"TEMP-0000000-ABCDEF\": {\"releases\": {}},"
		      " \"CVE-2024-6387\": {\"releases\": {\"bookworm\": {\"status\": \"resolved\", "
		      "\"fixed_version\":"
		      " \"1:9.2p1-2+deb12u3\", \"urgency\": \"high\", \"repositories\": {\"bookworm\": "
		      "\"1:9.2p1-2+deb12u7\"}},"
		      " \"bullseye\": {\"status\": \"resolved\", \"fixed_version\": \"0\"},"
		      " \"trixie\": {\"status\": \"open\"}, \"forky\": {\"status\": \"undetermined\"}}}}}",
		      &g, &fc, &e),
		  0);
	CHECK_STR(fc.kind, "debian");
	CHECK_INT(g.n, 4);
	CHECK(has(&g, "debian bookworm openssh CVE-2024-6387 fixed 1:9.2p1-2+deb12u3"));
	CHECK(has(&g, "debian bullseye openssh CVE-2024-6387 not-affected -"));
	CHECK(has(&g, "debian trixie openssh CVE-2024-6387 open -"));
	CHECK(has(&g, "debian forky openssh CVE-2024-6387 undetermined -"));
	/* a bad record is named with its position */
	CHECK(run("{\"openssh\": {\"CVE-2024-6387\": {\"releases\": {}}}, \"nginx\": {\"CVE-X\": {}}}", &g,
		  &fc, &e) < 0);
	CHECK(strstr(e.msg, "t.json: byte 58: package nginx, CVE-X: not a CVE id") != NULL);
	CHECK(run("{\"a\": {\"CVE-2024-1\": {\"releases\": {\"bookworm\": {\"status\": \"resolved\"}}}}}", &g,
		  &fc, &e) < 0);
	CHECK(strstr(e.msg, "resolved without a fixed_version") != NULL);
	/* Ubuntu's CVE JSON */
	CHECK_INT(run("{\"cves\": [{\"id\": \"CVE-2024-6387\", \"priority\": \"high\", \"updated_at\": "
		      "\"2024-07-03\","
		      " \"packages\": [{\"name\": \"openssh\", \"statuses\": ["
		      "{\"release_codename\": \"jammy\", \"status\": \"released\", \"description\": "
		      "\"1:8.9p1-3ubuntu0.10\"},"
		      "{\"release_codename\": \"focal\", \"status\": \"not-affected\", \"description\": "
		      "\"code not present\"},"
		      "{\"release_codename\": \"esm-infra/xenial\", \"status\": \"needed\"},"
		      "{\"release_codename\": \"upstream\", \"status\": \"released\", \"description\": "
		      "\"1:9.8p1-1\"},"
		      "{\"release_codename\": \"noble\", \"status\": \"needed\"}]}]}], \"total_results\": 1}",
		      &g, &fc, &e),
		  0);
	CHECK_STR(fc.kind, "ubuntu");
	CHECK_INT(g.n, 3);
	CHECK(has(&g, "ubuntu jammy openssh CVE-2024-6387 fixed 1:8.9p1-3ubuntu0.10"));
	CHECK(has(&g, "ubuntu focal openssh CVE-2024-6387 not-affected -"));
	CHECK(has(&g, "ubuntu noble openssh CVE-2024-6387 open -"));
	CHECK_STR(g.meta, "ubuntu.date=2024-07-03");
	CHECK(run("{\"cves\": [{\"id\": \"CVE-2024-6387\", \"packages\": 3}]}", &g, &fc, &e) < 0);
	CHECK(strstr(e.msg, "t.json: byte 10: CVE-2024-6387: an Ubuntu CVE needs an id and packages") !=
	      NULL);
	/* Red Hat VEX: streams by CPE, the highest fix of the release, an extended stream a release of its own */
	CHECK_INT(
	    run("{\"document\": {\"csaf_version\": \"2.0\", \"tracking\": {\"current_release_date\": "
		"\"2024-07-09\"}},"
		" \"product_tree\": {\"branches\": [{\"branches\": ["
		"{\"product\": {\"product_id\": \"BaseOS-9.4.0.Z.MAIN\", \"product_identification_helper\":"
		" {\"cpe\": \"cpe:/o:redhat:enterprise_linux:9::baseos\"}}},"
		"{\"product\": {\"product_id\": \"BaseOS-9.2.0.Z.EUS\", \"product_identification_helper\":"
		" {\"cpe\": \"cpe:/o:redhat:rhel_eus:9.2::baseos\"}}},"
		"{\"product\": {\"product_id\": \"rhel8\", \"product_identification_helper\":"
		" {\"cpe\": \"cpe:/o:redhat:enterprise_linux:8\"}}},"
		"{\"product\": {\"product_id\": \"ocp\", \"product_identification_helper\":"
		" {\"cpe\": \"cpe:/a:redhat:openshift:4\"}}}]}]},"
		" \"vulnerabilities\": [{\"cve\": \"CVE-2024-6387\", \"product_status\": {\"fixed\": ["
		"\"BaseOS-9.2.0.Z.EUS:openssh-0:8.7p1-30.el9_2.4.src\", "
		"\"BaseOS-9.4.0.Z.MAIN:openssh-0:8.7p1-38.el9_4.1.src\","
		"\"BaseOS-9.4.0.Z.MAIN:openssh-server-0:8.7p1-38.el9_4.1.x86_64\"],"
		" \"known_affected\": [\"rhel8:nginx:1.22/nginx\", \"ocp:openssh\"], \"known_not_affected\": "
		"[\"rhel8:openssh\"]},"
		" \"threats\": [{\"category\": \"impact\", \"details\": \"Important\"}]}]}",
		&g, &fc, &e),
	    0);
	CHECK_STR(fc.kind, "redhat");
	CHECK(has(&g, "rhel 9 openssh CVE-2024-6387 fixed 0:8.7p1-38.el9_4.1"));
	CHECK(has(&g, "rhel 9 openssh-server CVE-2024-6387 fixed 0:8.7p1-38.el9_4.1"));
	CHECK(has(&g, "rhel 8 openssh CVE-2024-6387 not-affected -"));
	CHECK(has(&g, "rhel 8 nginx CVE-2024-6387 open -"));
	CHECK(has(&g, "rhel 9.2-eus openssh CVE-2024-6387 fixed 0:8.7p1-30.el9_2.4"));
	CHECK_INT(g.n, 5); /* openshift is not a RHEL release */
	CHECK_STR(g.meta, "rhel.date=2024-07-09");
	CHECK(run("{\"document\": {}, \"vulnerabilities\": [{\"cve\": \"CVE-2024-1\", \"product_status\": "
		  "[]}]}",
		  &g, &fc, &e) < 0);
	CHECK(strstr(e.msg, "a VEX vulnerability needs a cve and a product_status") != NULL);
}

static void json_members(void)
{
	/* Debian's tracker told from its first bytes */
	CHECK(debian_sniff((const unsigned char *)"  {\"a\" : {\"CVE-1", 16) == 1);
	CHECK(debian_sniff((const unsigned char *)"{\"vulnerabilities\": [", 21) == 0);
	CHECK(debian_sniff((const unsigned char *)"{\"a\": {\"TEMP-1", 14) == 1);
	CHECK(debian_sniff((const unsigned char *)"{\"a\": {\"x", 9) == 0);
}

SUITE(suite_distro, "distro", T(dpkg_order), T(rpm_order), T(build_parse), T(importers), T(json_members));
