/* What changed between two runs, inside the overlap of their coverage:
 * which earlier run to compare with (the audit's change section, reports of
 * stored runs, `dormant diff` without run ids), and the comparison itself. */
#include "pipeline/run-changes.h"
#include <stdlib.h>
#include <string.h>

static bool scans(const char *kind)
{
	/* nmap, masscan, zmap: runs `dormant import` made of their files */
	return !strcmp(kind, "scan") || !strcmp(kind, "audit") || !strcmp(kind, "creds") ||
	       !strcmp(kind, "nmap") || !strcmp(kind, "masscan") || !strcmp(kind, "zmap");
}

int64_t run_comparable_before(struct store *st, int64_t run, const char *kind, struct dm_err *e)
{
	struct run_info *runs = NULL;
	size_t n = 0;
	struct coverage now = { 0 };
	int64_t found = 0;
	int r;
	if ((r = store_runs_list(st, &runs, &n, e)) < 0) return r;
	if (run && (r = store_run_coverage(st, run, &now, e)) < 0) goto out;
	/* only a run of the same site: another site's 10.0.0.5 is another host */
	const char *site = NULL;
	for (size_t i = 0; run && i < n; i++)
		if (runs[i].id == run) site = runs[i].site;
	for (size_t i = n; i-- > 0 && !found;) {
		const struct run_info *ri = &runs[i];
		if ((run && ri->id >= run) || strcmp(ri->status, "done")) continue;
		if (site && strcmp(ri->site, site)) continue;
		if (kind ? strcmp(ri->kind, kind) != 0 : !scans(ri->kind)) continue;
		if (!run) {
			found = ri->id;
			break;
		}
		struct coverage c;
		if ((r = store_run_coverage(st, ri->id, &c, e)) < 0) goto out;
		if (coverage_overlaps(&c, &now)) found = ri->id;
		coverage_release(&c);
	}
	r = 0;
out:
	coverage_release(&now);
	free(runs);
	return r < 0 ? r : found;
}

int run_compare(struct store *st, int64_t a, int64_t b, const struct resultset *rs_a,
		const struct findings *fs_a, const struct resultset *rs_b, const struct findings *fs_b,
		struct rundiff *d, struct dm_err *e)
{
	struct coverage ca, cb;
	struct coverage_overlap ov;
	int r;
	memset(d, 0, sizeof(*d));
	if ((r = store_run_coverage(st, a, &ca, e)) < 0) return r;
	if ((r = store_run_coverage(st, b, &cb, e)) < 0) {
		coverage_release(&ca);
		return r;
	}
	coverage_intersect(&ca, &cb, &ov);
	rundiff_compute(rs_a, rs_b, &ov, d);
	rundiff_findings(fs_a, fs_b, rs_b, &ov, d);
	coverage_overlap_release(&ov);
	coverage_release(&ca);
	coverage_release(&cb);
	return 0;
}

int64_t run_changes(struct store *st, int64_t run, const char *kind, const struct resultset *now,
		    const struct findings *fs_now, struct rundiff *d)
{
	memset(d, 0, sizeof(*d));
	int64_t prev = run_comparable_before(st, run, kind, NULL);
	struct resultset old = { 0 };
	struct findings fs_old = { 0 };
	if (prev > 0 && store_load_results(st, prev, &old, NULL) == 0 &&
	    store_load_findings(st, prev, &fs_old, NULL) == 0) {
		resultset_sort(&old);
		if (run_compare(st, prev, run, &old, &fs_old, now, fs_now, d, NULL) < 0) prev = 0;
	} else {
		prev = 0;
	}
	resultset_release(&old);
	findings_release(&fs_old);
	return prev;
}
