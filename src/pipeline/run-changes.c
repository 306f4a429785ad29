/* What changed since the previous finished run of the same kind (the save
 * stage of an audit, and `dormant report` of a stored run). */
#include "pipeline/run-changes.h"
#include <stdlib.h>
#include <string.h>

int64_t run_changes(struct store *st, int64_t run, const char *kind, const struct resultset *now,
		    const struct findings *fs_now, struct rundiff *d)
{
	struct run_info *runs = NULL;
	size_t n = 0;
	memset(d, 0, sizeof(*d));
	if (store_runs_list(st, &runs, &n, NULL) < 0) return 0;
	int64_t prev = 0;
	for (size_t i = 0; i < n; i++)
		if (runs[i].id < run && !strcmp(runs[i].kind, kind) && !strcmp(runs[i].status, "done"))
			prev = runs[i].id;
	free(runs);
	struct resultset old = { 0 };
	struct findings fs_old = { 0 };
	if (prev && store_load_results(st, prev, &old, NULL) == 0 &&
	    store_load_findings(st, prev, &fs_old, NULL) == 0) {
		resultset_sort(&old);
		rundiff_compute(&old, now, d);
		rundiff_findings(&fs_old, fs_now, now, d);
	} else {
		prev = 0;
	}
	resultset_release(&old);
	findings_release(&fs_old);
	return prev;
}
