/* `dormant vulndb fetch|import|stats|lookup|match`: offline vulnerability
 * data. fetch downloads NVD, KEV and EPSS and imports them or writes a
 * bundle; import reads NVD (API 2.0 pages, bare records, JSON Lines), CISA
 * KEV, CVE List V5 and FIRST EPSS files, plain or gzip, and bundles, one
 * transaction per file; stats summarises the store; lookup shows one CVE;
 * match shows what a CPE or a "product version" is exposed to
 * (pipeline/vulndb.h). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/log.h"
#include "pipeline/vulndb.h"
#include "vuln/nmap-names.h"
#include <string.h>

enum {
	V_DB = 1,
	V_QUIET,
	V_VERBOSE,
	V_HELP,
	V_MINCONF,
	V_JSON,
	V_ALIASES,
	V_FROM,
	V_BUNDLE,
	V_BASE_URL,
	V_NVD_URL,
	V_KEV_URL,
	V_EPSS_URL,
	V_API_KEY,
	V_FEEDS,
	V_PAGE,
	V_MAXWAIT,
	V_FULL,
	V_RELEASE,
	V_EXPLAIN,
	V_PROBES
};

static const struct opt vulndb_opts[] = {
	{ "--db", V_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--min-confidence", V_MINCONF, true, "LEVEL", "match: hide hits below low, medium or high" },
	{ "--json", V_JSON, false, NULL, "lookup, match, stats: print JSON" },
	{ "--from", V_FROM, true, "FILE",
	  "match: also every line of FILE (a CPE or \"PRODUCT VERSION\"; - for stdin)" },
	{ "--aliases", V_ALIASES, true, "FILE", "product aliases (default data/vuln/aliases.csv)" },
	{ "--release", V_RELEASE, true, "NAME",
	  "match: the distribution release (bookworm, jammy, 9; Red Hat's extended streams 9.2-eus, 8.6-aus, "
	  "e4s, tus) when the banner does not name it" },
	{ "--explain", V_EXPLAIN, false, NULL,
	  "match: say per CVE why it is reported or not (the distribution's verdict)" },
	{ "--service-probes", V_PROBES, true, "FILE",
	  "match: product names from nmap's probes (default " NMAP_PROBES_DEFAULT_PATH ")" },
	{ "--bundle", V_BUNDLE, true, "FILE",
	  "fetch: write the feeds to FILE for `vulndb import` elsewhere" },
	{ "--feeds", V_FEEDS, true, "LIST",
	  "fetch: some of nvd,kev,epss,debian,ubuntu,redhat (default all)" },
	{ "--full", V_FULL, false, NULL,
	  "fetch: all NVD records, not only those changed since the last fetch" },
	{ "--api-key", V_API_KEY, true, "KEY",
	  "fetch: NVD API key (default $NVD_API_KEY): 50 requests/30 s, not 5" },
	{ "--base-url", V_BASE_URL, true, "URL", "fetch: one server for all feeds (a mirror, tests)" },
	{ "--nvd-url", V_NVD_URL, true, "URL", "fetch: NVD CVE API 2.0 endpoint" },
	{ "--kev-url", V_KEV_URL, true, "URL", "fetch: CISA KEV catalogue (JSON)" },
	{ "--epss-url", V_EPSS_URL, true, "URL", "fetch: FIRST EPSS scores (CSV.gz)" },
	{ "--page-size", V_PAGE, true, "N", "fetch: NVD records per request, 1 to 2000 (default 2000)" },
	{ "--max-wait", V_MAXWAIT, true, "SECONDS",
	  "fetch: longest pause a Retry-After may ask (default 120)" },
	{ "-q", V_QUIET, false, NULL, "quiet: errors only" },
	{ "-v", V_VERBOSE, false, NULL, "verbose" },
	{ "--help", V_HELP, false, NULL, "this help" },
	{ "-h", V_HELP, false, NULL, NULL },
};

struct vulndb_args {
	struct vulndb_fetch_opts f;
	const char *db, *aliases, *from, *release, *probes;
	bool help, json, explain;
	enum confidence min;
	char **pos;
	int n_pos;
};

static int parse_feeds(const char *arg, bool *on, struct dm_err *e)
{
	static const char *const names[] = { "nvd", "kev", "epss", "debian", "ubuntu", "redhat" };
	enum { N = ARRAY_SIZE(names) };
	memset(on, 0, N * sizeof(*on));
	bool any = false;
	for (const char *p = arg; *p;) {
		size_t n = strcspn(p, ","), i;
		for (i = 0; i < N && !(strlen(names[i]) == n && !strncmp(p, names[i], n)); i++) {
		}
		if (i == N)
			return dm_fail(
			    e, DM_EINPUT,
			    "--feeds: \"%.*s\" is not one of nvd, kev, epss, debian, ubuntu, redhat", (int)n,
			    p);
		on[i] = any = true;
		p += n + (p[n] == ',');
	}
	return any ? 0 : dm_fail(e, DM_EINPUT, "--feeds: name nvd, kev or epss (or debian, ubuntu, redhat)");
}

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct vulndb_args *a = ctx;
	switch (id) {
	case 0: a->pos[a->n_pos++] = (char *)arg; return 0;
	case V_DB: a->db = arg; return 0;
	case V_ALIASES: a->aliases = arg; return 0;
	case V_FROM: a->from = arg; return 0;
	case V_RELEASE: a->release = arg; return 0;
	case V_EXPLAIN: a->explain = true; return 0;
	case V_PROBES: a->probes = arg; return 0;
	case V_MINCONF: {
		int lvl, r = parse_confidence(name, arg, &lvl, e);
		a->min = (enum confidence)lvl;
		return r;
	}
	case V_JSON: a->json = true; return 0;
	case V_BUNDLE: a->f.bundle = arg; return 0;
	case V_BASE_URL: a->f.base_url = arg; return 0;
	case V_NVD_URL: a->f.nvd_url = arg; return 0;
	case V_KEV_URL: a->f.kev_url = arg; return 0;
	case V_EPSS_URL: a->f.epss_url = arg; return 0;
	case V_API_KEY: a->f.api_key = arg; return 0;
	case V_FULL: a->f.full = true; return 0;
	case V_FEEDS: return parse_feeds(arg, a->f.feed, e);
	case V_PAGE: {
		uint64_t n = 0;
		int r = parse_u64(name, arg, 1, 2000, &n, e);
		a->f.page_size = (unsigned)n;
		return r;
	}
	case V_MAXWAIT: return parse_seconds(name, arg, &a->f.max_wait, e);
	case V_QUIET: log_level = LOG_WARN; return 0;
	case V_VERBOSE: log_level = LOG_DEBUG; return 0;
	case V_HELP: a->help = true; return 0;
	}
	return 0;
}

int cmd_vulndb(int argc, char **argv)
{
	struct vulndb_args a = {
		.f = { .feed = { true, true, true, true, true, true }, .page_size = 2000, .max_wait = 120 }
	};
	struct dm_err e = { "" };
	struct store *st = NULL;
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	a.pos = xcalloc((size_t)argc + 1, sizeof(*a.pos));
	if ((r = opts_parse(argc, argv, vulndb_opts, ARRAY_SIZE(vulndb_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help || a.n_pos == 0) {
		opts_help(
		    a.help ? stdout : stderr,
		    "dormant vulndb fetch [--bundle FILE]\n       dormant vulndb import FILE|DIR|BUNDLE...\n"
		    "       dormant vulndb stats\n"
		    "       dormant vulndb lookup CVE-ID...\n       dormant vulndb match CPE|\"PRODUCT "
		    "VERSION\"|BANNER... [--release NAME] [--explain]",
		    "Offline vulnerability data: NVD CVE API 2.0 JSON (pages or single records, .gz "
		    "too), CISA KEV,\n"
		    "CVE List V5 records, FIRST EPSS CSV, and the distributions' security data (Debian's "
		    "tracker JSON,\nUbuntu's CVE JSON, Red Hat's CSAF VEX). Each file is imported in one "
		    "transaction; "
		    "re-importing\n"
		    "updates the records whose lastModified changed. fetch downloads NVD (the changes since "
		    "the last\nfetch), CISA KEV and FIRST EPSS, and imports them or writes a bundle that "
		    "import takes.",
		    vulndb_opts, ARRAY_SIZE(vulndb_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	const char *sub = a.pos[0];
	if (strcmp(sub, "import") && strcmp(sub, "stats") && strcmp(sub, "lookup") && strcmp(sub, "match") &&
	    strcmp(sub, "fetch")) {
		r = dm_fail(&e, DM_EINPUT,
			    "unknown action \"%s\": expected fetch, import, stats, lookup or match", sub);
		goto fail;
	}
	if (strcmp(sub, "stats") && strcmp(sub, "fetch") && a.n_pos < 2 &&
	    !(a.from && !strcmp(sub, "match"))) {
		r = dm_fail(&e, DM_EINPUT, "%s needs %s", sub,
			    !strcmp(sub, "import")   ? "files or folders"
			    : !strcmp(sub, "lookup") ? "CVE ids"
						     : "a CPE or \"PRODUCT VERSION\"");
		goto fail;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open(dbpath, &st, &e)) < 0) goto fail;
	struct vulndb_query q = { .json = a.json,
				  .min = a.min,
				  .aliases = a.aliases,
				  .from = a.from,
				  .release = a.release,
				  .explain = a.explain,
				  .service_probes = a.probes };
	if (!strcmp(sub, "fetch")) {
		r = a.n_pos > 1 ? dm_fail(&e, DM_EINPUT, "fetch takes no arguments (\"%s\")", a.pos[1])
				: vulndb_fetch(st, dbpath, &a.f, &e);
	} else if (!strcmp(sub, "import")) {
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
