/* model/cpe (NISTIR 7695/7696) and vuln/version (ordering of real versions). */
#include "test.h"
#include "base/err.h"
#include "model/cpe.h"
#include "vuln/version.h"

static void cpe_bindings(void)
{
	struct cpe c;
	char out[300];
	CHECK_INT(cpe_parse("cpe:2.3:a:openbsd:openssh:7.7:p1:*:*:*:*:*:*", &c), 0);
	CHECK_STR(c.v[CPE_VENDOR], "openbsd");
	CHECK_STR(c.v[CPE_UPDATE], "p1");
	cpe_format(&c, out, sizeof(out));
	CHECK_STR(out, "cpe:2.3:a:openbsd:openssh:7.7:p1:*:*:*:*:*:*");
	CHECK_INT(cpe_parse("cpe:2.3:a:igor_sysoev:nginx:1.0\\:x:*:*:*:*:*:*:*", &c), 0); /* quoted colon */
	CHECK_STR(c.v[CPE_VERSION], "1.0\\:x");
	CHECK_INT(cpe_parse("cpe:/a:openbsd:openssh:7.7p1", &c), 0);
	CHECK_STR(c.v[CPE_VERSION], "7.7p1");
	CHECK_STR(c.v[CPE_UPDATE], "*");
	CHECK_INT(cpe_parse("cpe:/h:hikvision:ds-2cd2142fwd-i:-", &c), 0);
	CHECK_STR(c.v[CPE_VERSION], "-");
	CHECK_INT(cpe_parse("cpe:/a:foo%21bar:baz", &c), 0); /* percent-encoded '!' becomes quoted */
	CHECK_STR(c.v[CPE_VENDOR], "foo\\!bar");
	cpe_format_uri(&c, out, sizeof(out));
	CHECK_STR(out, "cpe:/a:foo!bar:baz");
	CHECK_INT(cpe_parse("cpe:2.3:x:a:b:*:*:*:*:*:*:*:*", &c), DM_EINPUT);   /* no such part */
	CHECK_INT(cpe_parse("cpe:2.3:a:b:c", &c), DM_EINPUT);                   /* too few */
	CHECK_INT(cpe_parse("cpe:2.3:a:b:c:*:*:*:*:*:*:*:*:*", &c), DM_EINPUT); /* too many */
	CHECK_INT(cpe_parse("cpe:2.3:a:b:c:*:*:*:*:*:*:*:\\", &c), DM_EINPUT);  /* dangling quote */
	CHECK_INT(cpe_parse("cpe:/a:b:c:%zz", &c), DM_EINPUT);
	CHECK_INT(cpe_parse("openssh", &c), DM_EINPUT);
	cpe_init(&c);
	cpe_set(&c, CPE_PRODUCT, "Internet Information Services");
	CHECK_STR(c.v[CPE_PRODUCT], "internet_information_services");
}

static void cpe_matching(void)
{
	/* NISTIR 7696 table 6-2 outcomes */
	CHECK_INT(cpe_compare_attr("*", "*"), CPE_EQUAL);
	CHECK_INT(cpe_compare_attr("*", "-"), CPE_SUPERSET);
	CHECK_INT(cpe_compare_attr("*", "7.7"), CPE_SUPERSET);
	CHECK_INT(cpe_compare_attr("-", "*"), CPE_SUBSET);
	CHECK_INT(cpe_compare_attr("-", "-"), CPE_EQUAL);
	CHECK_INT(cpe_compare_attr("-", "7.7"), CPE_DISJOINT);
	CHECK_INT(cpe_compare_attr("7.7", "*"), CPE_SUBSET);
	CHECK_INT(cpe_compare_attr("7.7", "-"), CPE_DISJOINT);
	CHECK_INT(cpe_compare_attr("7.7", "7.7"), CPE_EQUAL);
	CHECK_INT(cpe_compare_attr("7.7", "7.8"), CPE_DISJOINT);
	CHECK_INT(cpe_compare_attr("7.*", "7.7"), CPE_SUPERSET);
	CHECK_INT(cpe_compare_attr("7.?", "7.7"), CPE_SUPERSET);
	CHECK_INT(cpe_compare_attr("7.?", "7.10"), CPE_DISJOINT);
	CHECK_INT(cpe_compare_attr("7\\*", "7*"),
		  CPE_DISJOINT); /* a quoted * is a character; the target has a wildcard */
	CHECK_INT(cpe_compare_attr("7\\*", "7\\*"), CPE_EQUAL);
	CHECK_INT(cpe_compare_attr("7.7", "7.*"), CPE_DISJOINT); /* wildcard in the target: undefined */
	struct cpe nvd, found;
	cpe_parse("cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", &nvd);
	cpe_parse("cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*", &found);
	CHECK(cpe_matches(&nvd, &found));
	CHECK(!cpe_matches(&found, &nvd));
	cpe_parse("cpe:2.3:a:openbsd:openssh:8.5:-:*:*:*:*:*:*", &nvd);
	CHECK(!cpe_matches(&nvd, &found));
}

static void version_order(void)
{
	static const char *const ascending[] = {
		"1.0-alpha", "1.0-beta2", "1.0-rc1", "1.0",   "1.0.1", "1.0.2", "1.0.2a",
		"1.0.2k",    "1.0.2l",    "1.0.10",  "1.1",   "2.3.4", "7.7",   "7.7p1",
		"7.7p2",     "8.5p1",     "9.8",     "9.8p1", "10.0",
	};
	for (size_t i = 0; i + 1 < sizeof(ascending) / sizeof(*ascending); i++) {
		if (version_cmp(ascending[i], ascending[i + 1]) >= 0)
			test_fail(__FILE__, __LINE__, "%s < %s", ascending[i], ascending[i + 1]);
		if (version_cmp(ascending[i + 1], ascending[i]) <= 0)
			test_fail(__FILE__, __LINE__, "%s > %s", ascending[i + 1], ascending[i]);
	}
	CHECK_INT(version_cmp("1.0", "1.0.0"), 0);
	CHECK_INT(version_cmp("2.4.49", "2.4.49"), 0);
	CHECK_INT(version_cmp("1:2.3", "2.3"), 0); /* Debian epoch */
	CHECK(version_cmp("2.4.50", "2.4.49") > 0);
	CHECK(version_cmp("1.3.5a", "1.3.5") > 0);
	/* NVD splits OpenSSH's release from its portable update */
	CHECK_INT(version_cmp_update("7.7", "p1", "7.7p1", NULL), 0);
	CHECK(version_cmp_update("8.5", "p1", "9.8", "*") < 0);
	CHECK(version_cmp_update("9.8", "p1", "9.8", "-") > 0);
}

SUITE(suite_cpe_version, "cpe-version", T(cpe_bindings), T(cpe_matching), T(version_order));
