/* `dormant report`: print a stored run (default: the newest finished one)
 * as text, JSON Lines, nmap XML, CSV or the HTML page; --list shows the
 * runs in the store. An audit's run is shown with what the audit showed:
 * the ranked assets, the register's names, what changed since the run
 * before it, and exposure against use from the stored traffic. */
#include "cmd/cmd.h"
#include "pipeline/stored-extras.h"
#include "cmd/opts.h"
#include "cmd/report-sites.h"
#include "pipeline/run-groups.h"
#include "base/escape.h"
#include "base/safe-write.h"
#include "base/log.h"
#include "base/redact.h"
#include "base/timeutil.h"
#include "analyze/assets.h"
#include "pipeline/run-changes.h"
#include "model/risk.h"
#include "report/report.h"
#include "report/report-diff.h"
#include "report/report-untag.h"
#include "store/store.h"
#include <errno.h>
#include <string.h>

enum {
	R_RUN = 1,
	R_FORMAT,
	R_OUT,
	R_LIST,
	R_DB,
	R_CONFIG,
	R_HELP,
	R_REDACT,
	R_OPEN,
	R_SITE,
	R_ALLSITES,
	R_GROUP
};

static const struct opt report_opts[] = {
	{ "--run", R_RUN, true, "ID", "the run to print (default: the newest)" },
	{ "--format", R_FORMAT, true, "FMT", "text, json (JSON Lines), xml (nmap XML), csv or html" },
	{ "--config", R_CONFIG, true, "FILE",
	  "site policy for the HTML's exposure-vs-use chart (usage window)" },
	{ "-o", R_OUT, true, "FILE", "write to FILE instead of standard output (- is standard output)" },
	{ "--list", R_LIST, false, NULL, "list the runs in the store (--format text or json)" },
	{ "--open", R_OPEN, false, NULL, "text: only open ports, and only hosts with one" },
	{ "--site", R_SITE, true, "NAME", "only this site's runs (the newest finished one, or --list)" },
	{ "--run-group", R_GROUP, true, "ID",
	  "the run group's shards as one run (each shard's newest finished run); says which are missing" },
	{ "--all-sites", R_ALLSITES, false, NULL,
	  "the newest finished scan of every site, its assets ranked together with a site column (text or "
	  "json)" },
	{ "--db", R_DB, true, "PATH", "store database" },
	{ "--redact", R_REDACT, true, "MODE",
	  "secrets: tag (first character, length, the store's keyed tag) or full (length only); default tag, "
	  "full for csv and html" },
	{ "--help", R_HELP, false, NULL, "this help" },
	{ "-h", R_HELP, false, NULL, NULL },
};

struct report_args {
	uint64_t run;
	const char *format, *out, *db, *config, *site, *group;
	bool list, help, only_open, all_sites;
	int redact; /* REDACT_DEFAULT: by format */
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct report_args *a = ctx;
	switch (id) {
	case 0: return dm_fail(e, DM_EINPUT, "unexpected argument \"%s\"", arg);
	case R_RUN: return parse_u64(name, arg, 1, INT64_MAX, &a->run, e);
	case R_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json") && strcmp(arg, "xml") && strcmp(arg, "csv") &&
		    strcmp(arg, "html"))
			return dm_fail(e, DM_EINPUT, "--format \"%s\": expected text, json, xml, csv or html",
				       arg);
		a->format = arg;
		return 0;
	case R_OUT: a->out = arg; return 0;
	case R_LIST: a->list = true; return 0;
	case R_OPEN: a->only_open = true; return 0;
	case R_SITE: a->site = arg; return store_site_check(name, arg, e);
	case R_ALLSITES: a->all_sites = true; return 0;
	case R_GROUP: a->group = arg; return 0;
	case R_DB: a->db = arg; return 0;
	case R_CONFIG: a->config = arg; return 0;
	case R_REDACT:
		if ((a->redact = redact_mode_parse(arg)) < 0)
			return dm_fail(e, DM_EINPUT, "%s: \"%s\" is not tag or full", name, arg);
		return 0;
	case R_HELP: a->help = true; return 0;
	}
	return 0;
}

/* --list --format json: a "run" record per run, named like the fields of
 * the JSON Lines run record, with the status the table shows. */
static int list_json(const struct run_info *runs, size_t n, const char *path, struct dm_err *e)
{
	struct out_file o = { 0 };
	struct buf b = BUF_INIT;
	int r = out_open(&o, path ? path : "-", "-o", OUT_PRIVATE, e);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char ts[40];
		buf_reset(&b);
		fmt_rfc3339(runs[i].started, ts, sizeof(ts));
		buf_printf(&b, "{\"type\":\"run\",\"run\":%lld,\"command\":", (long long)runs[i].id);
		json_put_str(&b, runs[i].kind);
		buf_puts(&b, ",\"status\":");
		json_put_str(&b, runs[i].status);
		buf_printf(&b, ",\"start\":\"%s\",\"end\":", ts);
		if (runs[i].finished) {
			fmt_rfc3339(runs[i].finished, ts, sizeof(ts));
			buf_printf(&b, "\"%s\"", ts);
		} else {
			buf_puts(&b, "null");
		}
		buf_printf(&b, ",\"hosts_up\":%llu,\"open_ports\":%llu,\"site\":",
			   (unsigned long long)runs[i].hosts_up, (unsigned long long)runs[i].open_ports);
		json_put_str(&b, runs[i].site);
		buf_puts(&b, ",\"args\":");
		json_put_str(&b, runs[i].args);
		buf_puts(&b, "}\n");
		fwrite(b.data, 1, b.len, o.f);
	}
	if (r == 0) r = out_commit(&o, e);
	out_discard(&o);
	buf_release(&b);
	return r;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { .format = "text" };
	struct dm_err e = { "" };
	struct store *st = NULL;
	struct resultset rs = { 0 };
	struct findings fs = { 0 };
	struct run_info *runs = NULL;
	size_t n = 0;
	struct out_file o = { 0 };
	char *db = NULL;
	struct stored_extras x = { 0 };
	int r, code = EXIT_OK;
	if ((r = opts_parse(argc, argv, report_opts, ARRAY_SIZE(report_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help) {
		opts_help(
		    stdout,
		    "dormant report [--run ID] [--site NAME] [--format text|json|xml|csv|html] [-o FILE] | "
		    "--list | --all-sites",
		    "Print a run from the store.", report_opts, ARRAY_SIZE(report_opts));
		goto out;
	}
	db = a.db ? xstrdup(a.db) : store_default_path();
	if ((r = store_open_mode(db, STORE_EXISTING, &st, &e)) < 0) goto fail;
	if ((r = store_runs_list(st, &runs, &n, &e)) < 0) goto fail;
	if (a.all_sites &&
	    (a.site || a.list || a.run || (strcmp(a.format, "text") && strcmp(a.format, "json")))) {
		r = dm_fail(&e, DM_EINPUT,
			    "--all-sites prints text or json, without --site, --run or --list");
		goto fail;
	}
	if (a.all_sites) {
		if ((r = out_open(&o, a.out ? a.out : "-", "-o", OUT_PRIVATE, &e)) < 0 ||
		    (r = report_all_sites(st, runs, n, !strcmp(a.format, "json"), o.f, &e)) < 0 ||
		    (r = out_commit(&o, &e)) < 0)
			goto fail;
		goto out;
	}
	if (a.site) { /* only the site's runs */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(runs[i].site, a.site)) runs[k++] = runs[i];
		n = k;
	}
	if (a.list && strcmp(a.format, "text") && strcmp(a.format, "json")) {
		r = dm_fail(&e, DM_EINPUT, "--list prints text or json, not %s", a.format);
		goto fail;
	}
	if (a.list && strcmp(a.format, "text")) {
		if ((r = list_json(runs, n, a.out, &e)) < 0) goto fail;
		goto out;
	}
	if (a.list) {
		struct buf b = BUF_INIT;
		printf("%-6s %-24s %-8s %-12s %8s %8s  %-12s %s\n", "RUN", "STARTED", "KIND", "STATUS",
		       "HOSTS", "OPEN", "SITE", "ARGS");
		for (size_t i = 0; i < n; i++) {
			char ts[40];
			fmt_rfc3339(runs[i].started, ts, sizeof(ts));
			printf("%-6lld %-24s %-8s %-12s %8llu %8llu  %-12s %s\n", (long long)runs[i].id, ts,
			       runs[i].kind, runs[i].status, (unsigned long long)runs[i].hosts_up,
			       (unsigned long long)runs[i].open_ports, term_str(&b, runs[i].site),
			       runs[i].args);
		}
		buf_release(&b);
		goto out;
	}
	const struct run_info *ri = NULL;
	/* by default the newest finished run: an interrupted or failed one saved nothing */
	for (size_t i = 0; i < n && !a.group; i++)
		if (a.run ? runs[i].id == (int64_t)a.run : !strcmp(runs[i].status, "done")) ri = &runs[i];
	/* a run group: its shards' newest finished runs, read as one */
	double group_start = 0;
	for (size_t i = 0; a.group && i < n; i++) {
		if (!run_group_member(runs, n, i, a.group)) continue;
		if (!group_start || runs[i].started < group_start) group_start = runs[i].started;
		if ((r = store_load_results(st, runs[i].id, &rs, &e)) < 0 ||
		    (r = store_load_findings(st, runs[i].id, &fs, &e)) < 0)
			goto fail;
		ri = &runs[i];
	}
	if (a.group && !ri) {
		r = dm_fail(&e, DM_EINPUT, "--run-group %s: no finished run of that group in %s", a.group,
			    db);
		goto fail;
	}
	if (a.run && a.group) {
		r = dm_fail(&e, DM_EINPUT, "--run and --run-group: give one");
		goto fail;
	}
	if (!ri) {
		r = a.run && a.site ? dm_fail(&e, DM_EINPUT, "--run %llu: no such run of site %s in %s",
					      (unsigned long long)a.run, a.site, db)
		    : a.run         ? dm_fail(&e, DM_EINPUT, "--run %llu: no such run in %s",
					      (unsigned long long)a.run, db)
		    : a.site && !n  ? dm_fail(&e, DM_EEMPTY, "%s holds no runs of site %s", db, a.site)
		    : n ? dm_fail(&e, DM_EEMPTY, "%s holds no finished run yet (run %lld is %s)", db,
				  (long long)runs[n - 1].id, runs[n - 1].status)
			: dm_fail(&e, DM_EEMPTY, "%s holds no runs yet", db);
		goto fail;
	}
	if (strcmp(ri->status, "done"))
		log_warn("report: run %lld is %s: it saved no results", (long long)ri->id, ri->status);
	struct caveats caveats;
	/* the register and the changes are the run's site's */
	if ((r = store_set_site(st, ri->site, &e)) < 0) goto fail;
	if ((!a.group && ((r = store_load_results(st, ri->id, &rs, &e)) < 0 ||
			  (r = store_load_findings(st, ri->id, &fs, &e)) < 0)) ||
	    (r = stored_findings_allow(a.config, &fs, &e)) < 0 ||
	    (r = store_load_caveats(st, ri->id, &caveats, &e)) < 0)
		goto fail;
	if (a.group) {
		struct run_group *g = NULL;
		size_t ng = run_groups_list(runs, n, &g);
		for (size_t i = 0; i < ng; i++) {
			if (strcmp(g[i].id, a.group)) continue;
			if (g[i].done < g[i].shards || g[i].disagree)
				caveats_add(&caveats, "shards-missing",
					    "run group %s is incomplete: %u of %u shards reported; missing "
					    "shard%s %s%s",
					    a.group, g[i].done, g[i].shards,
					    strchr(g[i].missing.data ? g[i].missing.data : "", ',') ? "s"
												    : "",
					    g[i].missing.len ? g[i].missing.data : "-",
					    g[i].disagree ? " (its runs name different shard counts)" : "");
			else
				log_info("report: run group %s: all %u shards reported", a.group,
					 g[i].shards);
		}
		run_groups_release(g, ng);
	}
	resultset_sort(&rs);
	uint64_t targets = 0;
	struct report_meta m = { .command = ri->kind,
				 .args = ri->args,
				 .start = a.group ? group_start : ri->started,
				 .end = ri->finished ? ri->finished : ri->started,
				 .targets = targets,
				 .run_id = ri->id,
				 .only_open = a.only_open,
				 .findings = fs.n ? &fs : NULL,
				 .caveats = &caveats };
	if (!strcmp(ri->kind, "audit") || !strcmp(ri->kind, "external")) {
		m.findings = &fs; /* an audit analysed, even when it found nothing */
		if ((r = stored_extras_load(st, ri, &rs, &fs, a.config, &x, &m, &e)) < 0) goto fail;
	}
	/* csv and html are the formats made to be shared: no tags unless asked */
	if (a.redact == REDACT_FULL || (!a.redact && (!strcmp(a.format, "csv") || !strcmp(a.format, "html"))))
		report_untag(&rs, &fs, &x.changes, NULL);
	if ((r = out_open(&o, a.out ? a.out : "-", "-o", OUT_PRIVATE, &e)) < 0) goto fail;
	FILE *f = o.f;
	if (!strcmp(a.format, "json"))
		r = report_jsonl(f, &rs, &m);
	else if (!strcmp(a.format, "xml"))
		r = report_nmap_xml(f, &rs, &m);
	else if (!strcmp(a.format, "csv"))
		r = report_csv(f, &rs, &m);
	else if (!strcmp(a.format, "html"))
		r = report_html(f, &rs, &m);
	else if ((r = report_text(f, &rs, &m)) == 0 && !strcmp(ri->kind, "audit")) {
		/* the change section, as the audit printed it */
		fputc('\n', f);
		if (m.changes)
			r = report_diff(f, m.changes, m.changes_from, m.run_id, false);
		else
			fprintf(f, "first audit in this database: nothing to compare with yet\n");
	}
	if (r < 0) {
		r = dm_fail(&e, r, "writing the report: %s", dm_strerror(r));
		goto fail;
	}
	if ((r = out_commit(&o, &e)) < 0) goto fail;
	goto out;
fail:
	code = cmd_error("report", r, &e);
out:
	out_discard(&o);
	free(runs);
	free(db);
	resultset_release(&rs);
	findings_release(&fs);
	stored_extras_release(&x);
	store_close(st);
	return code;
}
