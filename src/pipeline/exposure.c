/* The exposure commands' work (exposure.h): reading exports through the
 * readers of src/exposure/, saving them, and the join of the outside with
 * the register and the latest stored run (analyze/exposure.h). */
#include "pipeline/exposure.h"
#include "analyze/exposure.h"
#include "base/buf.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "exposure/exposure.h"
#include "report/report.h"
#include "vuln/aliases.h"
#include <stdio.h>
#include <string.h>

int exposure_import(struct store *st, char *const *files, int n, struct dm_err *e)
{
	struct ext_set *sets = xcalloc((size_t)n, sizeof(*sets));
	enum ext_platform *pl = xcalloc((size_t)n, sizeof(*pl));
	struct buf b = BUF_INIT;
	size_t bad = 0;
	int r = 0, first_fail = 0;
	struct dm_err fe = { "" };
	for (int i = 0; i < n; i++) {
		struct dm_err one = { "" };
		int k = ext_read_file(files[i], &sets[i], &pl[i], &one);
		for (size_t j = 0; j < sets[i].n_errors && j < EXT_ERRORS_KEPT; j++)
			fprintf(stderr, "dormant: exposure: %s\n", term_str(&b, sets[i].errors[j]));
		if (sets[i].n_errors > EXT_ERRORS_KEPT)
			fprintf(stderr, "dormant: exposure: %s: ... and %zu more\n", term_str(&b, files[i]),
				sets[i].n_errors - EXT_ERRORS_KEPT);
		bad += sets[i].n_errors;
		if (k < 0 && !first_fail) {
			first_fail = k;
			fe = one;
		} else if (k < 0) {
			fprintf(stderr, "dormant: exposure: %s\n", term_str(&b, one.msg));
		}
	}
	if (first_fail)
		r = dm_fail(e, first_fail, "%s", fe.msg);
	else if (bad)
		r = dm_fail(e, DM_EINPUT, "%zu bad record%s (each named above); nothing was imported", bad,
			    bad == 1 ? "" : "s");
	double now = now_real();
	for (int i = 0; i < n && r == 0; i++) {
		size_t added = 0;
		r = store_exposure_save(st, files[i], ext_platform_name(pl[i]), now, sets[i].v, sets[i].n,
					&added, e);
		if (r == 0 && log_level >= LOG_INFO)
			printf("%s: %s export, %zu service%s, %zu new (%zu already stored)\n",
			       term_str(&b, files[i]), ext_platform_name(pl[i]), sets[i].n,
			       sets[i].n == 1 ? "" : "s", added, sets[i].n - added);
	}
	for (int i = 0; i < n; i++) ext_set_release(&sets[i]);
	free(sets);
	free(pl);
	buf_release(&b);
	return r;
}

int exposure_inside_run(struct store *st, int64_t *ret, struct dm_err *e)
{
	struct run_info *runs = NULL;
	size_t n = 0;
	int r = store_runs_list(st, &runs, &n, e);
	const char *site = store_site(st);
	*ret = 0;
	for (size_t i = n; r == 0 && i-- > 0;)
		if (strcmp(runs[i].status, "running") && runs[i].hosts_up &&
		    strcmp(runs[i].kind, "external") && (!site || !strcmp(runs[i].site, site))) {
			*ret = runs[i].id;
			break;
		}
	free(runs);
	return r;
}

/* The gateways' mappings of the latest run that read any: of the handle's
 * site when one is set (another site's gateway forwards to its own 10.x). */
static int edge_of_site(struct store *st, struct edge_set *out, int64_t *ret_run, struct dm_err *e)
{
	const char *site = store_site(st);
	if (!site) return store_edge_load(st, 0, out, ret_run, e);
	struct run_info *runs = NULL;
	size_t n = 0;
	int r = store_runs_list(st, &runs, &n, e);
	*ret_run = 0;
	for (size_t i = n; r == 0 && !*ret_run && i-- > 0;) {
		if (strcmp(runs[i].site, site) || !strcmp(runs[i].status, "running")) continue;
		edge_set_release(out);
		r = store_edge_load(st, runs[i].id, out, ret_run, e);
	}
	free(runs);
	return r;
}

int exposure_list(struct store *st, const struct exposure_list_opts *o, struct dm_err *e)
{
	struct ext_set ext = { 0 };
	struct inventory inv = { 0 };
	struct resultset rs = { 0 };
	struct exposure_rows rows = { 0 };
	struct findings fs = { 0 };
	struct aliases al = { 0 };
	struct vuln_matcher m;
	bool have_m = false;
	int64_t run = 0;
	int r = store_exposure_load(st, &ext, e);
	if (r == 0) r = store_inventory_load(st, &inv, e);
	if (r == 0) r = exposure_inside_run(st, &run, e);
	if (r == 0 && run) r = store_load_results(st, run, &rs, e);
	int any = r == 0 ? store_vuln_any(st, e) : 0;
	if (any < 0) r = any;
	if (r == 0 && any == 1 &&
	    (r = aliases_load(&al, o->aliases ? o->aliases : ALIASES_DEFAULT_PATH, e)) == 0) {
		vuln_matcher_init(&m, st, &al);
		have_m = true;
	}
	if (r == 0 && !ext.n)
		log_warn(
		    "no external observations stored: dormant exposure import FILE... reads a platform's "
		    "export");
	if (r == 0 && !any)
		log_info("no vulnerability data: the external banners are not matched (dormant vulndb)");
	if (r == 0 && !run) log_info("no stored run: the inside is not compared (dormant audit)");
	struct edge_set edge = { 0 };
	int64_t edge_run = 0;
	if (r == 0) r = edge_of_site(st, &edge, &edge_run, e);
	struct exposure_input in = { .edge = edge_run ? &edge : NULL,
				     .ext = &ext,
				     .inv = &inv,
				     .rs = run ? &rs : NULL,
				     .run = run,
				     .m = have_m ? &m : NULL,
				     .al = &al };
	if (r == 0) r = exposure_join(&in, &rows, &fs, e);
	if (r == 0 && !ext.n && edge_run)
		log_info("the edge's port mappings of run %lld follow", (long long)edge_run);
	if (r == 0) {
		findings_sort(&fs);
		r = o->json ? report_exposure_jsonl(stdout, &rows, &fs)
			    : report_exposure_text(stdout, &rows, &fs);
		/* what the gateways themselves forward (dormant audit --upnp) */
		if (r == 0 && edge_run) {
			if (!o->json) fputc('\n', stdout);
			r = o->json ? report_edge_jsonl(stdout, &edge, &inv, edge_run)
				    : report_edge_text(stdout, &edge, &inv, edge_run);
		} else if (r == 0 && !o->json) {
			printf("\nno edge port mappings stored (dormant audit --upnp reads the gateways)\n");
		}
		if (r == 0 && fs.n) r = 1;
	}
	edge_set_release(&edge);
	if (have_m) vuln_matcher_release(&m);
	aliases_release(&al);
	findings_release(&fs);
	exposure_rows_release(&rows);
	resultset_release(&rs);
	inventory_release(&inv);
	ext_set_release(&ext);
	return r;
}
