/* `dormant exposure import FILE...` and `dormant exposure [list]`: what
 * internet mapping platforms indexed of our public addresses, and how it
 * joins with the register and the inside (pipeline/exposure.h). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/log.h"
#include "base/util.h"
#include "pipeline/exposure.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>

enum { X_DB = 1, X_JSON, X_FORMAT, X_ALIASES, X_SITE, X_QUIET, X_HELP };

static const struct opt exposure_opts[] = {
	{ "--db", X_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--format", X_FORMAT, true, "FMT",
	  "list: text (default) or json (JSON Lines \"exposure\" records, then \"finding\" records)" },
	{ "--json", X_JSON, false, NULL, "same as --format json" },
	{ "--aliases", X_ALIASES, true, "FILE",
	  "product aliases for matching (default data/vuln/aliases.csv)" },
	{ "--site", X_SITE, true, "NAME",
	  "list: join with this site's register, newest inside run and gateways (default: any site's)" },
	{ "-q", X_QUIET, false, NULL, "quiet: errors only" },
	{ "--help", X_HELP, false, NULL, "this help" },
	{ "-h", X_HELP, false, NULL, NULL },
};

struct exposure_args {
	const char *db, *aliases, *site;
	bool json, help;
	char **pos;
	int n_pos;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct exposure_args *a = ctx;
	switch (id) {
	case 0: a->pos[a->n_pos++] = (char *)arg; return 0;
	case X_DB: a->db = arg; return 0;
	case X_JSON: a->json = true; return 0;
	case X_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return dm_fail(e, DM_EINPUT, "%s \"%s\": expected text or json", name, arg);
		a->json = !strcmp(arg, "json");
		return 0;
	case X_ALIASES: a->aliases = arg; return 0;
	case X_SITE: a->site = arg; return store_site_check(name, arg, e);
	case X_QUIET: log_level = LOG_WARN; return 0;
	case X_HELP: a->help = true; return 0;
	}
	return 0;
}

int cmd_exposure(int argc, char **argv)
{
	struct exposure_args a = { 0 };
	struct dm_err e = { "" };
	struct store *st = NULL;
	char *dbpath = NULL;
	int r, code = EXIT_OK;
	a.pos = xcalloc((size_t)argc + 1, sizeof(*a.pos));
	if ((r = opts_parse(argc, argv, exposure_opts, ARRAY_SIZE(exposure_opts), on_opt, &a, &e)) < 0)
		goto fail;
	if (a.help) {
		opts_help(
		    stdout,
		    "dormant exposure import FILE...\n       dormant exposure [list] [--site NAME] [--format "
		    "json]",
		    "What internet mapping platforms indexed of your public addresses. import reads exports\n"
		    "of your own ranges: Shodan (JSON Lines of `shodan download`, or a search answer), "
		    "Censys\n"
		    "(hosts JSON), and the CSV or JSON exports of FOFA, ZoomEye and Hunter, told apart by\n"
		    "their field names. Every bad record is named by file and line and nothing is imported\n"
		    "until all files read cleanly; a service already stored (same platform, address, port,\n"
		    "transport and time indexed) is not added twice. The listing joins each service with "
		    "the\n"
		    "asset behind the address (the register's public_ip column, or the asset's own "
		    "address),\n"
		    "what the latest run identified there, and the CVEs its external banner matches; a\n"
		    "service nothing inside explains is an external-only finding; one dormant reached from\n"
		    "outside (audit --external) on an inside service no mapping forwards is "
		    "internet-exposed\n"
		    "(exit 1 on either).",
		    exposure_opts, ARRAY_SIZE(exposure_opts));
		goto out;
	}
	const char *sub = a.n_pos ? a.pos[0] : "list";
	if (strcmp(sub, "import") && strcmp(sub, "list")) {
		r = dm_fail(&e, DM_EINPUT, "unknown action \"%s\": expected import or list", sub);
		goto fail;
	}
	bool import = !strcmp(sub, "import");
	if (import && a.n_pos < 2) {
		r = dm_fail(&e, DM_EINPUT, "import needs at least one export file");
		goto fail;
	}
	if (!import && a.n_pos > 1) {
		r = dm_fail(&e, DM_EINPUT, "list takes no files (did you mean exposure import?)");
		goto fail;
	}
	/* an export is of public addresses, which no two sites share: its rows
	 * are every site's, and a site is chosen when they are joined */
	if (import && (a.json || a.aliases || a.site)) {
		r = dm_fail(&e, DM_EINPUT, "%s belongs to the listing",
			    a.json      ? "--format"
			    : a.aliases ? "--aliases"
					: "--site");
		goto fail;
	}
	dbpath = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open_mode(dbpath, import ? STORE_CREATE : STORE_EXISTING, &st, &e)) < 0 ||
	    (a.site && (r = store_set_site(st, a.site, &e)) < 0))
		goto fail;
	if (import) {
		if ((r = exposure_import(st, a.pos + 1, a.n_pos - 1, &e)) < 0) goto fail;
	} else {
		struct exposure_list_opts o = { .json = a.json, .aliases = a.aliases };
		if ((r = exposure_list(st, &o, &e)) < 0) goto fail;
		code = r == 1 ? EXIT_FINDINGS : EXIT_OK;
	}
	goto out;
fail:
	code = cmd_error("exposure", r, &e);
out:
	store_close(st);
	free(dbpath);
	free(a.pos);
	return code;
}
