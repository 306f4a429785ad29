/* `dormant fingerprint verify DIR...`: every <example> of a Recog-format
 * directory against the matcher, like Recog's own verifier.
 * `dormant fingerprint match KEY TEXT`: what the databases say of TEXT.
 * `dormant fingerprint stats`: nmap's service probe database (fingerprint-nmap.c).
 * `dormant fingerprint webapps URL|FILE`: web applications (fingerprint-webapps.c). */
#include "cmd/cmd.h"
#include "base/escape.h"
#include "cmd/fingerprint-nmap.h"
#include "cmd/fingerprint-webapps.h"
#include "probe/wappalyzer.h"
#include "cmd/opts.h"
#include "probe/fingerprint.h"
#include <string.h>
#include "base/datadir.h"

enum { F_DIR = 1, F_MAX, F_HELP, F_PROBES, F_WEBAPPS };

static const struct opt fp_opts[] = {
	{ "--fingerprints", F_DIR, true, "DIR", "match, webapps: also load the databases of DIR" },
	{ "--max-failures", F_MAX, true, "N", "verify: describe at most N failures (default 50)" },
	{ "--service-probes", F_PROBES, true, "FILE",
	  "stats, match nmap:PROBE: nmap's database (default " NMAP_SERVICE_PROBES_PATH ")" },
	{ "--webapps", F_WEBAPPS, true, "DIR",
	  "webapps: Wappalyzer's rules (technologies.json; default " WA_DEFAULT_DIR ")" },
	{ "--help", F_HELP, false, NULL, "this help" },
	{ "-h", F_HELP, false, NULL, NULL },
};

struct fp_args {
	char *pos[64];
	int n;
	const char *extra;
	const char *probes;
	const char *webapps;
	uint64_t max;
	bool help;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct fp_args *a = ctx;
	switch (id) {
	case 0:
		if (a->n == 64) return dm_fail(e, DM_EINPUT, "too many arguments");
		a->pos[a->n++] = (char *)arg;
		return 0;
	case F_DIR: a->extra = arg; return 0;
	case F_MAX: return parse_u64(name, arg, 0, 1000000, &a->max, e);
	case F_HELP: a->help = true; return 0;
	case F_PROBES: a->probes = arg; return 0;
	case F_WEBAPPS: a->webapps = arg; return 0;
	}
	return 0;
}

int cmd_fingerprint(int argc, char **argv)
{
	struct fp_args a = { .max = 50, .probes = NMAP_SERVICE_PROBES_PATH, .webapps = WA_DEFAULT_DIR };
	struct dm_err e = { "" };
	struct fp_set set = { 0 };
	int r, code = EXIT_OK;
	if ((r = opts_parse(argc, argv, fp_opts, ARRAY_SIZE(fp_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help || a.n == 0) {
		opts_help(
		    a.help ? stdout : stderr,
		    "dormant fingerprint verify DIR... | match KEY TEXT | stats | webapps URL|FILE",
		    "verify: check every <example> of Recog-format databases against dormant's matcher.\n"
		    "match: print what the databases for KEY (ssh.banner, http_header.server, ...) say of "
		    "TEXT;\n"
		    "  KEY nmap:PROBE (nmap:NULL, nmap:GetRequest, nmap:UDP:DNSStatusRequest) asks nmap's "
		    "database,\n"
		    "  with nmap's escapes in TEXT (\\r\\n, \\x00).\n"
		    "stats: the version and counts of nmap's service probe database.\n"
		    "webapps: the web applications on a page: a live one (http://IP:PORT/PATH, probed\n"
		    "  like a scan does) or a saved one (an HTTP response or bare HTML).",
		    fp_opts, ARRAY_SIZE(fp_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (!strcmp(a.pos[0], "verify")) {
		if (a.n < 2) {
			r = dm_fail(&e, DM_EINPUT, "verify needs a directory of Recog-format XML files");
			goto fail;
		}
		for (int i = 1; i < a.n; i++)
			if ((r = fp_set_load_dir(&set, a.pos[i], &e)) < 0) goto fail;
		struct fp_verify_stats st;
		fp_set_verify(&set, stdout, (unsigned)a.max, &st);
		if (st.failed > a.max)
			printf("(%llu more failures not shown)\n", (unsigned long long)(st.failed - a.max));
		printf("%llu databases, %llu fingerprints, %llu examples: %llu passed, %llu failed (%llu "
		       "with an expression PCRE2 refused)\n",
		       (unsigned long long)st.dbs, (unsigned long long)st.fingerprints,
		       (unsigned long long)st.examples, (unsigned long long)st.passed,
		       (unsigned long long)st.failed, (unsigned long long)st.unsupported);
		code = st.failed ? EXIT_FINDINGS : EXIT_OK;
	} else if (!strcmp(a.pos[0], "stats") && a.n == 1) {
		code = fingerprint_nmap_stats(a.probes, &e);
	} else if (!strcmp(a.pos[0], "match") && a.n == 3 && !strncmp(a.pos[1], "nmap:", 5)) {
		code = fingerprint_nmap_match(a.probes, a.pos[1] + 5, a.pos[2], &e);
	} else if (!strcmp(a.pos[0], "match")) {
		if (a.n != 3) {
			r = dm_fail(&e, DM_EINPUT, "match takes KEY and TEXT");
			goto fail;
		}
		if ((r = fp_set_load_dir(&set, dm_data("fingerprints"), &e)) < 0) goto fail;
		if (a.extra && (r = fp_set_load_dir(&set, a.extra, &e)) < 0) goto fail;
		struct fp_result res;
		if (!fp_set_match(&set, a.pos[1], a.pos[2], strlen(a.pos[2]), &res)) {
			printf("no match\n");
			code = EXIT_FINDINGS;
			goto out;
		}
		FILE *t = term_open(stdout); /* the values are captured from TEXT, a device's words */
		fprintf(t, "%s:%u: %s\n", res.db->path, res.fp->line,
			res.fp->description ? res.fp->description : "");
		for (size_t i = 0; i < res.n; i++)
			fprintf(t, "  %s = %s\n", res.attrs[i].name, res.attrs[i].value);
		term_close_stream(t);
	} else if (!strcmp(a.pos[0], "webapps")) {
		if (a.n != 2) {
			r = dm_fail(&e, DM_EINPUT, "webapps takes one URL or FILE");
			goto fail;
		}
		if ((r = fp_set_load_dir(&set, dm_data("fingerprints"), &e)) < 0) goto fail;
		if (a.extra && (r = fp_set_load_dir(&set, a.extra, &e)) < 0) goto fail;
		if ((r = fingerprint_webapps(a.pos[1], &set, a.webapps, &e)) < 0) goto fail;
		code = r;
	} else {
		r = dm_fail(&e, DM_EINPUT,
			    "unknown fingerprint action \"%s\" (verify, match, stats or webapps)", a.pos[0]);
		goto fail;
	}
	goto out;
fail:
	code = cmd_error("fingerprint", r, &e);
out:
	fp_set_release(&set);
	return code;
}
