/* `dormant exposure`: imports of mapping-platform exports into the store,
 * and the listing that joins them with the register and the latest run. */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "store/store.h"

/* Reads every file first (every bad record named on stderr); only when all
 * read cleanly are they saved, one transaction each. */
int exposure_import(struct store *st, char *const *files, int n, struct dm_err *e);
struct exposure_list_opts {
	bool json;
	const char *aliases; /* product aliases; NULL: data/vuln/aliases.csv */
};
/* Prints the listing; 1 when there are findings (external-only, internet-exposed), else 0. */
int exposure_list(struct store *st, const struct exposure_list_opts *o, struct dm_err *e);
/* The latest finished run that saw hosts from inside (not an audit
 * --external), of the handle's site when one is set: what "inside" means
 * to the joins. 0 when there is none. */
int exposure_inside_run(struct store *st, int64_t *ret, struct dm_err *e);
