/* What changed between two runs, stated only inside the overlap of what
 * both covered (model/coverage.h, stored with each run): for the audit's
 * summary and HTML, reports of stored runs, and `dormant diff`. */
#pragma once
#include <stdint.h>
#include "model/finding.h"
#include "model/resultset.h"
#include "model/rundiff.h"
#include "store/store.h"

/* Fills d against the newest earlier "done" run of kind whose coverage
 * overlaps run's; returns that run's id, or 0 when there is none (d is
 * then empty). */
int64_t run_changes(struct store *st, int64_t run, const char *kind, const struct resultset *now,
		    const struct findings *fs_now, struct rundiff *d);
/* The newest "done" run before run (0: after every run) of kind (NULL: any
 * kind that scans: scan, audit, creds) of run's site whose coverage
 * overlaps run's (run 0: any, of the handle's site when one is set); 0 when
 * none, or a negative error. */
int64_t run_comparable_before(struct store *st, int64_t run, const char *kind, struct dm_err *e);
/* The same for a run whose coverage cov is not stored yet (the join, before
 * the save stores it). */
int64_t run_comparable_to(struct store *st, int64_t run, const char *kind, const struct coverage *cov,
			  struct dm_err *e);
/* d: run b (results rs_b, sorted, and findings fs_b) against run a (rs_a
 * sorted, fs_a), inside the overlap of their stored coverage. */
int run_compare(struct store *st, int64_t a, int64_t b, const struct resultset *rs_a,
		const struct findings *fs_a, const struct resultset *rs_b, const struct findings *fs_b,
		struct rundiff *d, struct dm_err *e);
