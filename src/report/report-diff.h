/* Reporter for run-to-run changes. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include "model/rundiff.h"

int report_diff(FILE *f, const struct rundiff *d, int64_t run_a, int64_t run_b, bool json);
