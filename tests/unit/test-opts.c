/* cmd/opts: option forms operators type. */
#include "test.h"
#include "cmd/opts.h"

struct seen {
	char log[512];
};

static int cb(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	(void)e;
	struct seen *s = ctx;
	size_t n = strlen(s->log);
	snprintf(s->log + n, sizeof(s->log) - n, "[%d %s %s]", id, name ? name : "-", arg ? arg : "-");
	return 0;
}

static const struct opt table[] = {
	{ "-p", 1, true, "PORTS", "" },
	{ "--rate", 2, true, "PPS", "" },
	{ "-oJ", 3, true, "FILE", "" },
	{ "-Pn", 4, false, NULL, "" },
};

static void forms(void)
{
	struct seen s = { "" };
	struct dm_err e;
	char *argv[] = { "-p22,80",    "--rate=500", "-oJ",    "out.json", "-Pn",
			 "198.18.0.1", "--",         "-weird", "-p",       "1-" };
	CHECK_INT(opts_parse(10, argv, table, 4, cb, &s, &e), 0);
	CHECK_STR(s.log, "[1 -p 22,80][2 --rate 500][3 -oJ out.json][4 -Pn -][0 - 198.18.0.1][0 - -weird][0 "
			 "- -p][0 - 1-]");
}

static void errors(void)
{
	struct seen s = { "" };
	struct dm_err e;
	char *a1[] = { "198.18.0.1", "--bogus" };
	CHECK_INT(opts_parse(2, a1, table, 4, cb, &s, &e), DM_EINPUT);
	CHECK_STR(e.msg, "unknown option \"--bogus\" (argument 2); see --help");
	char *a2[] = { "--rate" };
	CHECK_INT(opts_parse(1, a2, table, 4, cb, &s, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "needs an argument") != NULL);
	char *a3[] = { "-Pn=1" };
	CHECK_INT(opts_parse(1, a3, table, 4, cb, &s, &e), DM_EINPUT);
	double d;
	CHECK_INT(parse_seconds("--wait", "250ms", &d, &e), 0);
	CHECK(d > 0.2499 && d < 0.2501);
	CHECK_INT(parse_seconds("--wait", "2m", &d, &e), 0);
	CHECK(d == 120);
	CHECK_INT(parse_seconds("--wait", "2x", &d, &e), DM_EINPUT);
	uint64_t u;
	CHECK_INT(parse_u64("--retries", "-1", 0, 20, &u, &e), DM_EINPUT);
	CHECK_INT(parse_u64("--retries", "21", 0, 20, &u, &e), DM_EINPUT);
	CHECK_INT(parse_double("--rate", "nan", 0, 1e6, &d, &e), DM_EINPUT);
}

/* A single-valued option given twice, under one spelling or two, names both;
 * flags and repeat options may come again. */
static void twice(void)
{
	static const struct opt t[] = {
		{ "-p", 1, true, "PORTS", "" },     { "--ports", 1, true, "PORTS", "" },
		{ "-v", 2, false, NULL, "" },       { "--exclude", 3, true, "LIST", "", true },
		{ "--format", 4, true, "FMT", "" },
	};
	struct seen s = { "" };
	struct dm_err e;
	char *ok[] = { "-v", "-v", "--exclude", "a", "--exclude=b", "-p1" };
	CHECK_INT(opts_parse(6, ok, t, 5, cb, &s, &e), 0);
	char *a1[] = { "-p", "22", "x", "-p80" };
	CHECK_INT(opts_parse(4, a1, t, 5, cb, &s, &e), DM_EINPUT);
	CHECK_STR(e.msg, "-p given twice (\"-p 22\", then \"-p80\"); give it once");
	char *a2[] = { "--ports=1", "-p", "2" };
	CHECK_INT(opts_parse(3, a2, t, 5, cb, &s, &e), DM_EINPUT);
	CHECK_STR(e.msg, "-p given twice (\"--ports=1\", then \"-p 2\"); give it once");
	/* --json is --format json where the table has no --json */
	s.log[0] = 0;
	char *a3[] = { "--json" };
	CHECK_INT(opts_parse(1, a3, t, 5, cb, &s, &e), 0);
	CHECK_STR(s.log, "[4 --format json]");
	char *a4[] = { "--format", "text", "--json" };
	CHECK_INT(opts_parse(3, a4, t, 5, cb, &s, &e), DM_EINPUT);
	CHECK_STR(e.msg, "--format given twice (\"--format text\", then \"--json\"); give it once");
	/* and --format json is --json where the table has only --json */
	static const struct opt j[] = { { "--json", 5, false, NULL, "" } };
	s.log[0] = 0;
	char *a5[] = { "--format", "json", "--format=text" };
	CHECK_INT(opts_parse(3, a5, j, 1, cb, &s, &e), 0);
	CHECK_STR(s.log, "[5 --json -]");
	char *a6[] = { "--format=yaml" };
	CHECK_INT(opts_parse(1, a6, j, 1, cb, &s, &e), DM_EINPUT);
	CHECK_STR(e.msg, "--format \"yaml\": expected text or json");
}

SUITE(suite_opts, "opts", T(forms), T(errors), T(twice));
