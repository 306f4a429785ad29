/* probe/fingerprint: Recog format, Ruby expression semantics, extraction. */
#include "test.h"
#include "probe/fingerprint.h"
#include <stdlib.h>
#include <unistd.h>
#include "base/datadir.h"

static const char *write_db(const char *tag, const char *xml)
{
	static char path[256];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-fp-%d-%s.xml", (int)getpid(), tag);
	FILE *f = fopen(path, "w");
	fputs(xml, f);
	fclose(f);
	return path;
}

static void ruby_semantics(void)
{
	const char *p = write_db(
	    "ruby",
	    "<fingerprints matches=\"t\">"
	    "<fingerprint pattern=\"^id:(\\h+)$\"><param pos=\"1\" name=\"x.id\"/></fingerprint>"
	    "<fingerprint pattern=\"(?m)^a.b$\"><param pos=\"0\" name=\"x.kind\" "
	    "value=\"dotall\"/></fingerprint>"
	    "<fingerprint pattern=\"^line2$\"><param pos=\"0\" name=\"x.kind\" "
	    "value=\"lines\"/></fingerprint>"
	    "<fingerprint pattern=\"^Sign in . Git$\"><param pos=\"0\" name=\"x.kind\" "
	    "value=\"utf8\"/></fingerprint>"
	    "<fingerprint pattern=\"^v\\x84(\\d)\"><param pos=\"1\" name=\"x.v\"/></fingerprint>"
	    "<fingerprint pattern=\"^(\\w+) (\\d+)?\" flags=\"REG_ICASE\"><param pos=\"1\" name=\"x.name\"/>"
	    "<param pos=\"2\" name=\"x.num\"/><param pos=\"0\" name=\"x.cpe\" "
	    "value=\"cpe:/a:{x.name}:{x.num}\"/></fingerprint>"
	    "</fingerprints>");
	struct fp_set set = { 0 };
	struct dm_err e;
	CHECK_INT(fp_set_load_file(&set, p, &e), 0);
	struct fp_result r;
	CHECK(fp_set_match(&set, "t", "id:0aF9", 7, &r)); /* Ruby's \h is a hex digit */
	CHECK_STR(fp_result_get(&r, "x.id"), "0aF9");
	CHECK(fp_set_match(&set, "t", "a\nb", 3, &r)); /* Ruby's (?m): dot matches newline */
	CHECK_STR(fp_result_get(&r, "x.kind"), "dotall");
	CHECK(fp_set_match(&set, "t", "line1\nline2\n", 12, &r)); /* ^ and $ anchor at lines */
	CHECK_STR(fp_result_get(&r, "x.kind"), "lines");
	CHECK(fp_set_match(&set, "t", "Sign in \xc2\xb7 Git", 14, &r)); /* one character, two bytes */
	CHECK_STR(fp_result_get(&r, "x.kind"), "utf8");
	CHECK(fp_set_match(&set, "t",
			   "v\x84"
			   "7",
			   3, &r)); /* binary banner: byte by byte */
	CHECK_STR(fp_result_get(&r, "x.v"), "7");
	CHECK(fp_set_match(&set, "t", "Foo bar", 7,
			   &r)); /* optional group unset: no value, empty in templates */
	CHECK_STR(fp_result_get(&r, "x.name"), "Foo");
	CHECK(fp_result_get(&r, "x.num") == NULL);
	CHECK_STR(fp_result_get(&r, "x.cpe"), "cpe:/a:Foo:");
	CHECK(!fp_set_match(&set, "other", "id:00", 5, &r));
	fp_set_release(&set);
	unlink(p);
}

static void hostile_input(void)
{
	struct fp_set set = { 0 };
	struct dm_err e;
	const char *p = write_db(
	    "broken", "<fingerprints matches=\"t\"><fingerprint pattern=\"x\">\n<oops></fingerprints>");
	CHECK_INT(fp_set_load_file(&set, p, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "not well-formed XML") && strstr(e.msg, ":2:"));
	p = write_db("root", "<other/>");
	CHECK_INT(fp_set_load_file(&set, p, &e), DM_EINPUT);
	p = write_db("badre", "<fingerprints matches=\"t\"><fingerprint pattern=\"(unclosed\"/>"
			      "<fingerprint pattern=\"^(a+)+$\"><param pos=\"0\" name=\"x\" "
			      "value=\"y\"/></fingerprint></fingerprints>");
	CHECK_INT(fp_set_load_file(&set, p, &e), 0);
	CHECK_INT(set.unsupported, 1);
	/* catastrophic backtracking is cut off by the match limit, not a hang */
	char evil[64];
	memset(evil, 'a', sizeof(evil));
	evil[63] = '!';
	struct fp_result r;
	CHECK(!fp_set_match(&set, "t", evil, sizeof(evil), &r));
	fp_set_release(&set);
	unlink(p);
	CHECK(fp_set_load_dir(&set, "/nonexistent", &e) < 0);
}

static void own_databases_verify(void)
{
	struct fp_set set = { 0 };
	struct dm_err e;
	CHECK_INT(fp_set_load_dir(&set, dm_data("fingerprints"), &e), 0);
	struct fp_verify_stats st;
	fp_set_verify(&set, stdout, 20, &st);
	CHECK(st.examples >= 50);
	CHECK_INT(st.failed, 0);
	struct fp_result r;
	CHECK(fp_set_match(&set, "ssh.banner", "OpenSSH_8.5p1", 13, &r));
	CHECK_STR(fp_result_get(&r, "service.version"), "8.5");
	CHECK_STR(fp_result_get(&r, "service.version.update"), "p1");
	fp_set_release(&set);
}

static void recog_databases_verify(void)
{
	struct fp_set set = { 0 };
	struct dm_err e;
	const char *dir = DORMANT_SOURCEDIR "/../shared/recog";
	if (access(dir, R_OK) != 0) {
		printf("    skip: %s is not beside the checkout\n", dir);
		return;
	}
	CHECK_INT(fp_set_load_dir(&set, dir, &e), 0);
	struct fp_verify_stats st;
	fp_set_verify(&set, NULL, 0, &st);
	CHECK(st.examples >= 7500);
	CHECK_INT(st.unsupported, 0);
	/* smtp_banners.xml's NAVIEG entry, "(.+)* http", passes through the
	 * rewrite of nested quantifiers (probe/pcre-util.c) */
	CHECK_INT(st.failed, 0);
	fp_set_release(&set);
}

SUITE(suite_fingerprint, "fingerprint", T(ruby_semantics), T(hostile_input), T(own_databases_verify),
      T(recog_databases_verify));
