/* `dormant import FILE...`: nmap XML, masscan JSON or list and ZMap CSV
 * files stored as runs, their services matched against the vulnerability
 * data as an audit's are (pipeline/stage-import.h). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "store/store.h"
#include "base/log.h"
#include "base/redact.h"
#include "pipeline/stage-import.h"
#include "vuln/nmap-names.h"
#include <string.h>

enum {
	I_DB = 1,
	I_OJ,
	I_OX,
	I_ON,
	I_HTML,
	I_CSV,
	I_MINCONF,
	I_FP,
	I_PROBES,
	I_REDACT,
	I_SITE,
	I_QUIET,
	I_VERBOSE,
	I_HELP
};

static const struct opt import_opts[] = {
	{ "--db", I_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--site", I_SITE, true, "NAME",
	  "the site the files observed: their assets and findings are that site's (default: default)" },
	{ "-oJ", I_OJ, true, "FILE", "write JSON Lines (- for stdout); one FILE at a time" },
	{ "-oX", I_OX, true, "FILE", "write nmap-compatible XML" },
	{ "-oN", I_ON, true, "FILE", "write the text table" },
	{ "--html", I_HTML, true, "FILE", "write the HTML report" },
	{ "--csv", I_CSV, true, "FILE", "write the findings (or open ports) as CSV" },
	{ "--min-confidence", I_MINCONF, true, "LEVEL", "vulnerabilities at low, medium or high and above" },
	{ "--fingerprints", I_FP, true, "DIR", "more Recog-format databases to name banners with" },
	{ "--service-probes", I_PROBES, true, "FILE",
	  "product names from nmap's probes (default " NMAP_PROBES_DEFAULT_PATH ")" },
	{ "--redact", I_REDACT, true, "MODE", "secrets in the outputs: tag or full" },
	{ "-q", I_QUIET, false, NULL, "quiet: errors only" },
	{ "-v", I_VERBOSE, false, NULL, "verbose" },
	{ "--help", I_HELP, false, NULL, "this help" },
	{ "-h", I_HELP, false, NULL, NULL },
};

struct import_args {
	struct import_config c;
	bool help;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct import_args *a = ctx;
	switch (id) {
	case 0: ((char **)a->c.files)[a->c.n_files++] = (char *)arg; return 0;
	case I_DB: a->c.db = arg; return 0;
	case I_OJ: a->c.out.jsonl = arg; return 0;
	case I_OX: a->c.out.xml = arg; return 0;
	case I_ON: a->c.out.text = arg; return 0;
	case I_HTML: a->c.out.html = arg; return 0;
	case I_CSV: a->c.out.csv = arg; return 0;
	case I_FP: a->c.fpdir = arg; return 0;
	case I_PROBES: a->c.service_probes = arg; return 0;
	case I_MINCONF: {
		int lvl, r = parse_confidence(name, arg, &lvl, e);
		a->c.min_conf = (enum confidence)lvl;
		return r;
	}
	case I_REDACT:
		if ((a->c.redact = redact_mode_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not tag or full", name, arg);
		return 0;
	case I_SITE: a->c.site = arg; return store_site_check(name, arg, e);
	case I_QUIET: log_level = LOG_WARN; return 0;
	case I_VERBOSE: log_level = LOG_DEBUG; return 0;
	case I_HELP: a->help = true; return 0;
	}
	return 0;
}

int cmd_import(int argc, char **argv)
{
	struct import_args a = { .c = { .table = true } };
	struct dm_err e = { "" };
	int r, code = EXIT_OK;
	a.c.files = xcalloc((size_t)argc + 1, sizeof(char *));
	if ((r = opts_parse(argc, argv, import_opts, ARRAY_SIZE(import_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help || a.c.n_files == 0) {
		opts_help(
		    a.help ? stdout : stderr, "dormant import [options] FILE...",
		    "Store other scanners' results as runs: nmap XML (-oX, with -sV services and scripts'\n"
		    "output), masscan JSON (-oJ) or list (-oL), ZMap CSV; the format is told by the "
		    "content.\n"
		    "Each file becomes a run whose kind is the scanner and whose times are the file's; its\n"
		    "services are named from their banners and matched against the vulnerability data, so\n"
		    "report, diff and the findings work on it as on an audit.",
		    import_opts, ARRAY_SIZE(import_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	size_t findings = 0;
	if ((r = import_files(&a.c, &findings, &e)) < 0) goto fail;
	(void)findings; /* exit 0 with findings, as audit without --fail-on */
	goto out;
fail:
	code = cmd_error("import", r, &e);
out:
	free((void *)a.c.files);
	return code;
}
