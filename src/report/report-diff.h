/* Reporter for run-to-run changes. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include "base/buf.h"
#include "model/rundiff.h"

/* Changes from run_a to run_b: a line (or a JSON "comparison" record) on
 * what was compared and what lay outside the overlap, then the changes. */
int report_diff(FILE *f, const struct rundiff *d, int64_t run_a, int64_t run_b, bool json);
/* The sentence on what was compared: "compared: 3 addresses x 2 ports ...;
 * outside the overlap: 998 ports of run 21 not scanned in run 22 ...". */
void report_diff_scope(struct buf *b, const struct rundiff *d, int64_t run_a, int64_t run_b);
