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
	struct coverage now = { 0 };
	int r;
	if (run && (r = store_run_coverage(st, run, &now, e)) < 0) return r;
	int64_t found = run_comparable_to(st, run, kind, &now, e);
	coverage_release(&now);
	return found;
}

int64_t run_comparable_to(struct store *st, int64_t run, const char *kind, const struct coverage *cov,
			  struct dm_err *e)
{
	struct run_info *runs = NULL;
	size_t n = 0;
	int64_t found = 0;
	int r;
	if ((r = store_runs_list(st, &runs, &n, e)) < 0) return r;
	/* only a run of the same site: another site's 10.0.0.5 is another host;
	 * without a run, the handle's site when one is set */
	const char *site = run ? NULL : store_site(st);
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
		if (coverage_overlaps(&c, cov)) found = ri->id;
		coverage_release(&c);
	}
	r = 0;
out:
	free(runs);
	return r < 0 ? r : found;
}

/* A device the stored identities follow from one address in a to another
 * in b moved: not one host gone and one new (model/identity.h). The pairs
 * taken go to *ret_moves (old, new; the caller frees) for their findings. */
static int follow_moves(struct store *st, int64_t a, int64_t b, const struct resultset *rs_a,
			const struct resultset *rs_b, const struct coverage_overlap *ov, struct rundiff *d,
			struct ipaddr **ret_moves, size_t *ret_n, struct dm_err *e)
{
	struct ident_set ia = { 0 }, ib = { 0 };
	struct ident_link *links = NULL;
	int r = store_idents_load(st, a, &ia, e);
	if (r == 0) r = store_idents_load(st, b, &ib, e);
	size_t n = r == 0 ? ident_link(&ia, &ib, &links) : 0, k = 0;
	struct ipaddr *mv = n ? calloc(2 * n, sizeof(*mv)) : NULL;
	for (size_t i = 0; i < n && mv; i++) {
		const struct ipaddr *o = &ia.v[links[i].prev].ip, *w = &ib.v[links[i].cur].ip;
		if (rundiff_moved(d, rs_a, rs_b, ov, o, w)) mv[2 * k] = *o, mv[2 * k++ + 1] = *w;
	}
	*ret_moves = mv;
	*ret_n = k;
	free(links);
	ident_set_release(&ia);
	ident_set_release(&ib);
	return r;
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
	struct ipaddr *moves = NULL;
	size_t n_moves = 0;
	r = follow_moves(st, a, b, rs_a, rs_b, &ov, d, &moves, &n_moves, e);
	if (r == 0) rundiff_findings(fs_a, fs_b, rs_b, &ov, d);
	for (size_t i = 0; r == 0 && i < n_moves; i++)
		rundiff_moved_findings(d, &moves[2 * i], &moves[2 * i + 1]);
	free(moves);
	coverage_overlap_release(&ov);
	coverage_release(&ca);
	coverage_release(&cb);
	return r;
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
