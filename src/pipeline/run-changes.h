/* What changed since the previous finished run of the same kind: for the
 * audit's summary and HTML, and for reports of stored runs. */
#pragma once
#include <stdint.h>
#include "model/finding.h"
#include "model/resultset.h"
#include "model/rundiff.h"
#include "store/store.h"

/* Fills d against the newest earlier "done" run of kind; returns that
 * run's id, or 0 when there is none (d is then empty). */
int64_t run_changes(struct store *st, int64_t run, const char *kind, const struct resultset *now,
		    const struct findings *fs_now, struct rundiff *d);
