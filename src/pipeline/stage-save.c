/* The save stage: what the run covered, its results and findings into the
 * store, the run marked done, and what changed since the previous run of
 * the same kind that covered any of the same targets (pipeline/run-changes.c). */
#include "pipeline/stages.h"
#include "pipeline/run-changes.h"
#include "pipeline/lifecycle.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <stdlib.h>

/* The findings' states and the alerts they queue: what the run judged (its
 * checks' rules, its addresses) and did not see is resolved. After the run
 * is marked done, in its own transaction: a failure here loses no result.
 * Each finding learns whether its record is suppressed or acknowledged
 * (finding.quiet), which --fail-on reads. */
static int save_life(const struct save_in *in, struct life_apply_out *ret, struct dm_err *e)
{
	struct buf rules = BUF_INIT;
	if (in->cov && in->cov->known) lifecycle_rules_for_checks(in->cov->checks, &rules);
	bool *quiet = xcalloc(in->fs->n + 1, sizeof(*quiet));
	struct lifecycle_scope sc = { .rules = rules.data ? rules.data : "",
				      .cov = in->cov && in->cov->known ? in->cov : NULL,
				      .ret_quiet = quiet };
	int r = buf_error(&rules);
	if (r == 0) r = lifecycle_apply(in->st, in->run, in->fs, in->site, &sc, now_real(), ret, e);
	for (size_t i = 0; r == 0 && i < in->fs->n; i++) in->fs->v[i].quiet = quiet[i];
	free(quiet);
	buf_release(&rules);
	return r;
}

/* [retention]: what is older than the site keeps goes after each saved
 * run. A failure costs the run nothing: it is said, and the next run tries. */
static void retain(struct store *st, const struct site_config *site)
{
	double now = now_real();
	struct store_retain_out o;
	struct dm_err e = { "" };
	double flow = site->retain_flow_days > 0 ? now - site->retain_flow_days * 86400 : 0;
	double runs = site->retain_runs_days > 0 ? now - site->retain_runs_days * 86400 : 0;
	if (store_retain(st, flow, runs, &o, &e) < 0)
		log_warn("retention: %s", e.msg);
	else if (o.flow_rows || o.runs)
		log_info("retention: %llu flow summary rows (%llu day partitions) and %llu runs dropped",
			 (unsigned long long)o.flow_rows, (unsigned long long)o.flow_partitions,
			 (unsigned long long)o.runs);
}

int stage_save(const struct save_in *in, struct save_out *out, struct dm_err *e)
{
	struct store *st = in->st;
	int r;
	*out = (struct save_out){ 0 };
	/* one transaction where the backend has them (PostgreSQL): a run is
	 * stored done with its results and findings, or not at all */
	if ((r = store_save_begin(st, e)) < 0) return r;
	if ((in->cov && (r = store_run_set_coverage(st, in->run, in->cov, e)) < 0) ||
	    (r = store_save_results(st, in->run, in->rs, e)) < 0 ||
	    (in->fs && (r = store_save_findings(st, in->run, in->fs, e)) < 0) ||
	    (in->caveats && (r = store_save_caveats(st, in->run, in->caveats, e)) < 0) ||
	    (r = store_run_finish(st, in->run, "done", in->finished > 0 ? in->finished : now_real(), e)) <
		0) {
		store_save_end(st, false, NULL);
		return r;
	}
	if ((r = store_save_end(st, true, e)) < 0) return r;
	if (in->fs && store_has_life(st) && (r = save_life(in, &out->life, e)) < 0) return r;
	if (in->site) retain(st, in->site);
	if (in->changes && in->fs)
		out->changes_from = run_changes(st, in->run, in->kind, in->rs, in->fs, &out->changes);
	return 0;
}
