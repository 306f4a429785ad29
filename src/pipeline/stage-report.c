/* The report stage: every output file of a run (JSON Lines, nmap XML, the
 * text table, HTML, CSV) and the table on the terminal. The files are
 * opened by the prepare stage, before privileges are dropped, through
 * outputs_open(), and closed by outputs_close(): those two functions are the
 * only places output files are opened and closed. */
#include "pipeline/stages.h"
#include "report/report-diff.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

static int (*const writers[5])(FILE *, const struct resultset *, const struct report_meta *) = {
	report_jsonl, report_nmap_xml, report_text, report_html, report_csv,
};

int outputs_open(const struct output_paths *paths, struct outputs *out, struct dm_err *e)
{
	const char *p[5] = { paths->jsonl, paths->xml, paths->text, paths->html, paths->csv };
	static const char *const opt[5] = { "-oJ", "-oX", "-oN", "--html", "--csv" };
	*out = (struct outputs){ 0 };
	for (size_t i = 0; i < 5; i++) {
		out->v[i] = (struct output_file){ p[i], opt[i], NULL };
		if (!p[i]) continue;
		if (!strcmp(p[i], "-")) {
			for (size_t k = 0; k < i; k++)
				if (p[k] && !strcmp(p[k], "-"))
					return dm_fail(e, DM_EINPUT, "%s - and %s -: only one output can go to standard output",
						       opt[k], opt[i]);
			out->v[i].f = stdout;
			out->stdout_taken = true;
		} else if (!(out->v[i].f = fopen(p[i], "w"))) {
			return dm_fail(e, -errno, "%s %s: %s", opt[i], p[i], strerror(errno));
		}
	}
	return 0;
}

int outputs_close(struct outputs *o, bool keep, struct dm_err *e)
{
	int r = 0;
	for (size_t i = 0; i < 5; i++) {
		struct output_file *of = &o->v[i];
		if (!of->f) continue;
		int err = 0;
		if (of->f == stdout) err = fflush(stdout) != 0 ? errno : 0;
		else if (fclose(of->f) != 0) err = errno;
		if (!keep && of->f != stdout) unlink(of->path); /* a failed run leaves no partial report */
		of->f = NULL;
		if (err && r == 0) r = dm_fail(e, -err, "%s %s: %s", of->opt, of->path, strerror(err));
	}
	return r;
}

/* The table, the credential outcomes and the changes on the terminal. */
static void print_table(const struct report_in *in)
{
	const struct report_meta *m = in->meta;
	report_text(stdout, in->rs, m);
	if (in->creds) cred_stage_print(in->creds, in->cred_opts, stdout);
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
	for (size_t i = 0; i < 5; i++) {
		struct output_file *of = &in->outs->v[i];
		if (!of->f) continue;
		int r = writers[i](of->f, in->rs, in->meta);
		if (of->f == stdout) fflush(stdout);
		if (r < 0) return dm_fail(e, r, "%s %s: %s", of->opt, of->path, strerror(-r));
	}
	int r = outputs_close(in->outs, true, e);
	if (r < 0) return r;
	if (in->table && !in->outs->stdout_taken) print_table(in);
	return 0;
}
