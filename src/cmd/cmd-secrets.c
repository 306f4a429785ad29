/* `dormant secrets PATH...`: files that hold credentials for other
 * systems, every secret redacted in every output. */
#include "analyze/credentials.h"
#include "base/safe-write.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/redact.h"
#include "base/timeutil.h"
#include "cmd/cmd.h"
#include "creds/secret-baseline.h"
#include "creds/cred-db.h"
#include "cmd/opts.h"
#include "pipeline/lifecycle.h"
#include "creds/secret-rows.h"
#include "creds/secrets.h"
#include "report/report.h"
#include "report/report-untag.h"
#include "store/store.h"
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include "base/datadir.h"

enum {
	S_OJ = 1,
	S_OUT,
	S_FORMAT,
	S_BASELINE,
	S_MAXSIZE,
	S_DEPTH,
	S_ENGINE,
	S_FAILON,
	S_QUIET,
	S_VERBOSE,
	S_CREDDB,
	S_HELP,
	S_DB,
	S_REDACT,
	S_SITE
};

static const struct opt sec_opts[] = {
	{ "-oJ", S_OJ, true, "FILE",
	  "also write the findings as JSON Lines to FILE (-: standard output, then the report only with "
	  "-o)" },
	{ "-o", S_OUT, true, "FILE",
	  "write the report to FILE instead of standard output (- is standard output)" },
	{ "--format", S_FORMAT, true, "FMT", "text (default) or json (JSON Lines)" },
	{ "--baseline", S_BASELINE, true, "FILE",
	  "accept the items whose fingerprints FILE holds (an earlier -oJ output, or one fingerprint per "
	  "line)" },
	{ "--max-file-size", S_MAXSIZE, true, "BYTES",
	  "skip larger files (default 268435456); also an archive member's cap is a quarter of it" },
	{ "--max-depth", S_DEPTH, true, "N", "open archives nested N deep at most (default 3)" },
	{ "--engine", S_ENGINE, true, "NAME", "prefilter: auto (default), hyperscan or pcre2" },
	{ "--fail-on", S_FAILON, true, "SEV",
	  "exit 1 when a finding is at least SEV (info, low, medium, high, critical)" },
	{ "--credentials", S_CREDDB, true, "FILE",
	  "a credential database whose passwords count as secrets on sight (default data/credentials.csv)" },
	{ "--db", S_DB, true, "PATH",
	  "the store whose key tags the secrets (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--site", S_SITE, true, "NAME",
	  "the site whose files these are: the run and its findings are kept as its (default: default)" },
	{ "--redact", S_REDACT, true, "MODE",
	  "secrets: tag (first character, length, the store's keyed tag; default) or full (length only)" },
	{ "-q", S_QUIET, false, NULL, "no warnings about single files" },
	{ "-v", S_VERBOSE, false, NULL, "say more (files cut or skipped)" },
	{ "--help", S_HELP, false, NULL, "this help" },
	{ "-h", S_HELP, false, NULL, NULL },
};

struct sec_args {
	char **paths;
	size_t n;
	const char *oj, *out, *baseline, *creddb, *db, *site;
	bool json, help;
	int redact;
	int fail_on;
	struct secrets_opts o;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct sec_args *a = ctx;
	uint64_t v;
	int r;
	switch (id) {
	case 0:
		a->paths = xrealloc(a->paths, (a->n + 1) * sizeof(*a->paths));
		a->paths[a->n++] = (char *)arg;
		return 0;
	case S_OJ: a->oj = arg; return 0;
	case S_OUT: a->out = arg; return 0;
	case S_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not text or json", name, arg);
		a->json = !strcmp(arg, "json");
		return 0;
	case S_BASELINE: a->baseline = arg; return 0;
	case S_CREDDB: a->creddb = arg; return 0;
	case S_DB: a->db = arg; return 0;
	case S_SITE: a->site = arg; return store_site_check(name, arg, e);
	case S_REDACT:
		if ((a->redact = redact_mode_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not tag or full", name, arg);
		return 0;
	case S_MAXSIZE:
		if ((r = parse_u64(name, arg, 1024, 1ull << 40, &v, e)) < 0) return r;
		a->o.max_file = v, a->o.max_member = v / 4 > 1024 ? v / 4 : 1024;
		return 0;
	case S_DEPTH:
		if ((r = parse_u64(name, arg, 0, 16, &v, e)) < 0) return r;
		a->o.max_depth = (int)v;
		return 0;
	case S_ENGINE:
		if (!strcmp(arg, "auto"))
			a->o.engine = PF_AUTO;
		else if (!strcmp(arg, "hyperscan"))
			a->o.engine = PF_HYPERSCAN;
		else if (!strcmp(arg, "pcre2"))
			a->o.engine = PF_PCRE2;
		else
			return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not auto, hyperscan or pcre2", name, arg);
		return 0;
	case S_FAILON:
		if ((a->fail_on = severity_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT, "%s: unknown severity \"%s\"", name, arg);
		return 0;
	case S_QUIET: log_level = LOG_QUIET; return 0;
	case S_VERBOSE: log_level = LOG_INFO; return 0;
	case S_HELP: a->help = true; return 0;
	}
	return 0;
}

/* The run's findings into the store as its site's, the run done, then
 * their life: a plaintext-credentials record of a file under the paths
 * read this time and not found again is resolved; one of a path not read
 * this time (not named, or unreadable, too large, read in part) is left as
 * it was. Each finding learns whether its record is suppressed or
 * acknowledged, which --fail-on reads. */
static int save_run(struct store *st, int64_t run, const struct secrets_reach *reach, struct findings *fs,
		    bool *done, struct dm_err *e)
{
	int r;
	if ((r = store_save_findings(st, run, fs, e)) < 0 ||
	    (r = store_run_finish(st, run, "done", now_real(), e)) < 0)
		return r;
	*done = true;
	if (!store_has_life(st)) return 0;
	bool *quiet = xcalloc(fs->n + 1, sizeof(*quiet));
	struct lifecycle_scope sc = { .rules = "plaintext-credentials",
				      .paths = reach->roots,
				      .n_paths = reach->n_roots,
				      .unread = reach->unread,
				      .n_unread = reach->n_unread,
				      .ret_quiet = quiet };
	r = lifecycle_apply(st, run, fs, NULL, &sc, now_real(), NULL, e);
	for (size_t i = 0; r == 0 && i < fs->n; i++) fs->v[i].quiet = quiet[i];
	free(quiet);
	return r;
}

int cmd_secrets_check(int argc, char **argv, struct dm_err *e)
{
	struct sec_args a = { .fail_on = -1, .o = SECRETS_OPTS_DEFAULT };
	int r = opts_parse(argc, argv, sec_opts, ARRAY_SIZE(sec_opts), on_opt, &a, e);
	if (r >= 0 && a.help) r = dm_fail(e, DM_EINPUT, "--help runs nothing");
	if (r >= 0 && !a.n) r = dm_fail(e, DM_EINPUT, "no PATH to read");
	free(a.paths);
	return r;
}

int cmd_secrets(int argc, char **argv)
{
	struct sec_args a = { .fail_on = -1, .o = SECRETS_OPTS_DEFAULT };
	struct dm_err e = { "" };
	struct secrets *s = NULL;
	struct secret_items items = { 0 }, kept = { 0 };
	struct findings fs = { 0 };
	struct buf base = BUF_INIT;
	struct out_file out_o = { 0 }, oj_o = { 0 };
	FILE *out = NULL, *oj = NULL;
	struct store *st = NULL;
	int64_t run = 0;
	bool saved = false;
	int r, code = EXIT_OK;
	if ((r = opts_parse(argc, argv, sec_opts, ARRAY_SIZE(sec_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help || !a.n) {
		opts_help(a.help ? stdout : stderr, "dormant secrets [options] PATH...",
			  "Find files that hold credentials for other systems: password tables (CSV/TSV/TXT, "
			  "XLSX, ODS,\n"
			  "DOCX, ODT), browser and password-manager exports, .netrc, .pgpass, .env, .rdp, "
			  "PuTTY/WinSCP/\n"
			  "FileZilla sessions, shell histories with passwords, private keys without a "
			  "passphrase; inside\n"
			  "zip archives too. Secrets are never printed: first character, length and a short "
			  "tag keyed\n"
			  "by the store (--redact full: the length only). The run and its findings are kept "
			  "in the store\n"
			  "as --site's; a later run resolves only findings of files under the paths it read.",
			  sec_opts, ARRAY_SIZE(sec_opts));
		code = a.help ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (a.baseline && (r = secret_baseline_load(a.baseline, &base, &e)) < 0) goto fail;
	{
		/* Tags (and so fingerprints) are keyed by the store's key: comparable
		 * between runs on one store, useless to a dictionary elsewhere; the
		 * run and its findings are kept there, as the site's. Without a
		 * usable default store (a user with no writable home) the key is
		 * this run's own and nothing is kept, unless the fingerprints must
		 * match a baseline's or a site was named. */
		char *dbpath = a.db ? xstrdup(a.db) : store_default_path();
		r = store_open(dbpath, &st, &e);
		free(dbpath);
		if (r < 0 && (a.db || a.baseline || a.site)) goto fail;
		if (r < 0) {
			log_warn("secrets: %s; tags are this run's own, not comparable with other runs', and "
				 "the run is not stored",
				 e.msg);
			store_close(st);
			st = NULL;
		} else {
			if (a.site && (r = store_set_site(st, a.site, &e)) < 0) goto fail;
			redact_set_key(store_redact_key(st));
		}
	}
	{
		/* the defaults devices ship with count as passwords on sight */
		struct cred_db db = { 0 };
		if ((r = cred_db_load(&db, a.creddb ? a.creddb : dm_data("credentials.csv"), &e)) < 0)
			goto fail;
		for (size_t i = 0; i < db.n; i++) secret_common_add(db.v[i].pass);
		cred_db_release(&db);
	}
	if (!(s = secrets_new(&a.o, &e))) {
		r = DM_EINPUT;
		goto fail;
	}
	/* every path must exist before any is read: a typo is a usage error */
	for (size_t i = 0; i < a.n; i++)
		if (access(a.paths[i], F_OK) < 0) {
			r = dm_fail(&e, DM_EINPUT, "%s: %s", a.paths[i], strerror(errno));
			goto fail;
		}
	/* -oJ - takes standard output for itself, as nmap's -oX - does: the report
	 * goes there only when -o names it too, which would mix the two */
	bool oj_stdout = a.oj && !strcmp(a.oj, "-");
	if (oj_stdout && a.out && !strcmp(a.out, "-")) {
		r = dm_fail(&e, DM_EINPUT, "-o - and -oJ -: only one output can go to standard output");
		goto fail;
	}
	/* opened before the walk, so that a bad path fails at once; renamed into place after it */
	if ((!oj_stdout || a.out) && (r = out_open(&out_o, a.out ? a.out : "-", "-o", OUT_PRIVATE, &e)) < 0)
		goto fail;
	out = out_o.f;
	if (a.oj && (r = out_open(&oj_o, a.oj, "-oJ", OUT_PRIVATE, &e)) < 0) goto fail;
	oj = oj_o.f;
	if (st) {
		/* the run's arguments are the paths it reads */
		struct buf args = BUF_INIT;
		for (size_t i = 0; i < a.n; i++) buf_printf(&args, "%s%s", i ? " " : "", a.paths[i]);
		r = buf_error(&args);
		if (r == 0) r = store_run_begin(st, "secrets", args.data, now_real(), &run, &e);
		buf_release(&args);
		if (r < 0) goto fail;
	}
	for (size_t i = 0; i < a.n; i++)
		if ((r = secrets_scan_path(s, a.paths[i], &items, &e)) < 0) goto fail;
	size_t accepted = 0;
	for (size_t i = 0; i < items.n; i++) {
		if (base.len && secret_baseline_has(&base, items.v[i].fingerprint)) {
			accepted++;
			continue;
		}
		*secret_items_add(&kept) = items.v[i];
		memset(&items.v[i], 0, sizeof(items.v[i]));
	}
	plaintext_credentials(&kept, now_real(), &fs);
	findings_sort(&fs);
	if (a.redact == REDACT_FULL) report_untag(NULL, &fs, NULL, NULL);
	if (run && (r = save_run(st, run, secrets_reach(s), &fs, &saved, &e)) < 0) goto fail;
	const struct secrets_stats *ss = secrets_stats(s);
	char by[32];
	fmt_bytes(ss->bytes, by, sizeof(by));
	/* with -oJ - alone there is no report: the JSON Lines are the output */
	if (out && a.json)
		report_findings_jsonl(out, &fs, 0);
	else if (out) {
		fprintf(out,
			"secrets: %llu files, %s read (%s); %llu looked at closely; skipped %llu larger than "
			"the limit, "
			"%llu binary, %llu special, %llu unreadable; %llu archives (%llu members), %llu past "
			"a limit, %llu damaged",
			(unsigned long long)ss->files, by, secrets_engine(s),
			(unsigned long long)ss->candidates, (unsigned long long)ss->skipped_size,
			(unsigned long long)ss->skipped_binary, (unsigned long long)ss->skipped_special,
			(unsigned long long)ss->unreadable, (unsigned long long)ss->archives,
			(unsigned long long)ss->members, (unsigned long long)ss->archive_limits,
			(unsigned long long)ss->damaged);
		if (base.len) fprintf(out, "; %zu accepted by the baseline", accepted);
		fputc('\n', out);
		report_findings_text(out, &fs, NULL);
	}
	if (oj) report_findings_jsonl(oj, &fs, 0);
	if ((oj && (r = out_commit(&oj_o, &e)) < 0) || (out && (r = out_commit(&out_o, &e)) < 0)) goto fail;
	if (a.fail_on >= 0)
		for (size_t i = 0; i < fs.n; i++)
			if ((int)fs.v[i].severity >= a.fail_on && !fs.v[i].quiet) code = EXIT_FINDINGS;
	goto out;
fail:
	if (run && !saved) store_run_finish(st, run, "failed", now_real(), NULL);
	code = cmd_error("secrets", r, &e);
out:
	store_close(st);
	out_discard(&oj_o);
	out_discard(&out_o);
	findings_release(&fs);
	secret_items_release(&items);
	secret_items_release(&kept);
	buf_release(&base);
	secrets_free(s);
	free(a.paths);
	return code;
}
