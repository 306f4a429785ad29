/* `dormant vulndb import|stats|lookup|match`: offline vulnerability data.
 * import reads NVD (API 2.0 pages, bare records, JSON Lines), CISA KEV,
 * CVE List V5 and FIRST EPSS files, plain or gzip, one transaction per
 * file; stats summarises the store; lookup shows one CVE; match shows
 * what a CPE or a "product version" is exposed to (pipeline/vulndb.h). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/log.h"
#include "pipeline/vulndb.h"
#include <string.h>

enum { V_DB = 1, V_QUIET, V_VERBOSE, V_HELP, V_MINCONF, V_JSON, V_ALIASES, V_FROM };

static const struct opt vulndb_opts[] = {
	{ "--db", V_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--min-confidence", V_MINCONF, true, "LEVEL", "match: hide hits below low, medium or high" },
	{ "--json", V_JSON, false, NULL, "lookup, match, stats: print JSON" },
	{ "--from", V_FROM, true, "FILE",
	  "match: also every line of FILE (a CPE or \"PRODUCT VERSION\"; - for stdin)" },
	{ "--aliases", V_ALIASES, true, "FILE", "product aliases (default data/vuln/aliases.csv)" },
	{ "-q", V_QUIET, false, NULL, "quiet: errors only" },
	{ "-v", V_VERBOSE, false, NULL, "verbose" },
	{ "--help", V_HELP, false, NULL, "this help" },
	{ "-h", V_HELP, false, NULL, NULL },
};

struct vulndb_args {
	const char *db, *aliases, *from;
	bool help, json;
	enum confidence min;
	char **pos;
	int n_pos;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct vulndb_args *a = ctx;
	switch (id) {
	case 0: a->pos[a->n_pos++] = (char *)arg; return 0;
	case V_DB: a->db = arg; return 0;
	case V_ALIASES: a->aliases = arg; return 0;
	case V_FROM: a->from = arg; return 0;
	case V_MINCONF: {
		int lvl, r = parse_confidence(name, arg, &lvl, e);
		a->min = (enum confidence)lvl;
		return r;
	}
	case V_JSON: a->json = true; return 0;
	case V_QUIET: log_level = LOG_WARN; return 0;
	case V_VERBOSE: log_level = LOG_DEBUG; return 0;
	case V_HELP: a->help = true; return 0;
	}
	return 0;
}

int cmd_vulndb(int argc, char **argv)
{
	struct vulndb_args a = { 0 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	a.pos = xcalloc((size_t)argc + 1, sizeof(*a.pos));
	if ((r = opts_parse(argc, argv, vulndb_opts, ARRAY_SIZE(vulndb_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help || a.n_pos == 0) {
		opts_help(a.help ? stdout : stderr,
			  "dormant vulndb import FILE|DIR...\n       dormant vulndb stats\n"
			  "       dormant vulndb lookup CVE-ID...\n       dormant vulndb match CPE|\"PRODUCT "
			  "VERSION\"...",
			  "Offline vulnerability data: NVD CVE API 2.0 JSON (pages or single records, .gz "
			  "too), CISA KEV,\n"
			  "CVE List V5 records and FIRST EPSS CSV. Each file is imported in one transaction; "
			  "re-importing\n"
			  "updates the records whose lastModified changed.",
			  vulndb_opts, ARRAY_SIZE(vulndb_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	const char *sub = a.pos[0];
	if (strcmp(sub, "import") && strcmp(sub, "stats") && strcmp(sub, "lookup") && strcmp(sub, "match")) {
		r = dm_fail(&e, DM_EINPUT, "unknown action \"%s\": expected import, stats, lookup or match",
			    sub);
		goto fail;
	}
	if (strcmp(sub, "stats") && a.n_pos < 2 && !(a.from && !strcmp(sub, "match"))) {
		r = dm_fail(&e, DM_EINPUT, "%s needs %s", sub,
			    !strcmp(sub, "import")   ? "files or folders"
			    : !strcmp(sub, "lookup") ? "CVE ids"
						     : "a CPE or \"PRODUCT VERSION\"");
		goto fail;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open(dbpath, &st, &e)) < 0) goto fail;
	struct vulndb_query q = { .json = a.json, .min = a.min, .aliases = a.aliases, .from = a.from };
	if (!strcmp(sub, "import")) {
		unsigned files = 0;
		for (int i = 1; i < a.n_pos && r == 0; i++) r = vulndb_import(st, a.pos[i], &files, &e);
		if (r == 0 && files == 0)
			r = dm_fail(&e, DM_EINPUT, "no feed files (.json, .json.gz, .csv, ...) found");
	} else if (!strcmp(sub, "stats")) {
		r = vulndb_stats(st, &q, &e);
	} else if (!strcmp(sub, "lookup")) {
		r = vulndb_lookup(st, a.pos + 1, a.n_pos - 1, &q, &e);
	} else if ((r = store_vuln_any(st, &e)) == 0) {
		/* "0 CVEs" from an empty store would read as "not vulnerable" */
		r = dm_fail(&e, DM_EEMPTY,
			    "--db %s holds no vulnerability data: nothing can be matched; import NVD, CVE 5 "
			    "and KEV files first: dormant vulndb import FILE...",
			    dbpath);
	} else if (r > 0) {
		r = vulndb_match(st, a.pos + 1, a.n_pos - 1, &q, &e);
	}
	if (r < 0) goto fail;
	goto out;
fail:
	code = cmd_error("vulndb", r, &e);
out:
	store_close(st);
	free(dbpath);
	free(a.pos);
	return code;
}
