/* The save stage: what the run covered, its results and findings into the
 * store, the run marked done, and what changed since the previous run of
 * the same kind that covered any of the same targets (pipeline/run-changes.c). */
#include "pipeline/stages.h"
#include "pipeline/run-changes.h"
#include "base/timeutil.h"

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
	if (in->changes && in->fs)
		out->changes_from = run_changes(st, in->run, in->kind, in->rs, in->fs, &out->changes);
	return 0;
}
