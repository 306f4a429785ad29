/* The report stage: every output file of a run (JSON Lines, nmap XML, the
 * text table, HTML, CSV) and the table on the terminal. The files are
 * opened by the prepare stage, before privileges are dropped, through
 * outputs_open(), and closed by outputs_close(): those two functions are the
 * only places output files are opened and closed. */
#include "pipeline/stages.h"
#include "base/redact.h"
#include "report/report-diff.h"
#include "report/report-untag.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

static int (*const writers[5])(FILE *, const struct resultset *, const struct report_meta *) = {
	report_jsonl, report_nmap_xml, report_text, report_html, report_csv,
};

int outputs_open(const struct output_paths *paths, bool public, struct outputs *out, struct dm_err *e)
{
	const char *p[5] = { paths->jsonl, paths->xml, paths->text, paths->html, paths->csv };
	static const char *const opt[5] = { "-oJ", "-oX", "-oN", "--html", "--csv" };
	*out = (struct outputs){ 0 };
	for (size_t i = 0; i < 5; i++) {
		out->v[i] = (struct output_file){
			.path = p[i], .opt = opt[i], .shared = i >= 3, .o = { .dirfd = -1 }
		};
		if (!p[i]) continue;
		if (!strcmp(p[i], "-")) {
			for (size_t k = 0; k < i; k++)
				if (p[k] && !strcmp(p[k], "-"))
					return dm_fail(
					    e, DM_EINPUT,
					    "%s - and %s -: only one output can go to standard output",
					    opt[k], opt[i]);
			out->stdout_taken = true;
		}
		/* hosts, ports and services may be read by others, as nmap's are;
		 * findings, credentials and the reports may not */
		int r = out_open(&out->v[i].o, p[i], opt[i], public && i < 3 ? OUT_PUBLIC : OUT_PRIVATE, e);
		if (r < 0) return r;
	}
	return 0;
}

int outputs_close(struct outputs *o, bool keep, struct dm_err *e)
{
	int r = 0;
	for (size_t i = 0; i < 5; i++) {
		struct out_file *of = &o->v[i].o;
		if (!of->f) continue;
		if (!keep)
			out_discard(of); /* a failed run leaves the old file, not a partial report */
		else if (r == 0)
			r = out_commit(of, e);
		else
			out_discard(of);
	}
	return r;
}

/* The table, the credential outcomes and the changes on the terminal. */
static void print_table(const struct report_in *in)
{
	const struct report_meta *m = in->meta;
	report_text(stdout, in->rs, m);
	if (in->creds) cred_stage_print(in->creds, in->cred_opts, stdout);
	if (in->outside) {
		printf("\nseen from outside, joined with the inside (dormant exposure lists it again):\n");
		report_exposure_rows_text(stdout, in->outside);
	}
	if (in->changes && m->changes_from) {
		printf("\n");
		report_diff(stdout, m->changes, m->changes_from, m->run_id, false);
	} else if (in->changes) {
		printf("\nfirst audit in this database: nothing to compare with yet\n");
	}
	if (in->html) printf("HTML report: %s\n", in->html);
}

int stage_report(const struct report_in *in, struct dm_err *e)
{
	if (in->redact == REDACT_FULL) {
		/* the store keeps the tags (a later report may show them); no output does */
		report_untag(in->rs_mut, in->fs_mut, in->changes_mut, NULL);
		for (size_t i = 0; in->creds_mut && i < in->creds_mut->results.n; i++) {
			redact_untag(in->creds_mut->results.v[i].pass_shown);
			redact_untag(in->creds_mut->results.v[i].identity);
			redact_untag(in->creds_mut->results.v[i].detail);
		}
	}
	for (size_t i = 0; i < 5; i++) {
		struct output_file *of = &in->outs->v[i];
		if (!of->o.f) continue;
		struct untag_undo u = { 0 };
		if (!in->redact && of->shared) report_untag(in->rs_mut, in->fs_mut, in->changes_mut, &u);
		int r = writers[i](of->o.f, in->rs, in->meta);
		report_untag_undo(&u);
		if (r < 0) return dm_fail(e, r, "%s %s: %s", of->opt, of->path, dm_strerror(r));
	}
	int r = outputs_close(in->outs, true, e);
	if (r < 0) return r;
	if (in->table && !in->outs->stdout_taken) print_table(in);
	return 0;
}
