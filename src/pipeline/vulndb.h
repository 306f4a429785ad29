/* The vulnerability data's operations, for `dormant vulndb` and a service
 * that keeps the data fresh: import of feed files and folders into the
 * store (one transaction per file), CVE lookup, matching of a product. */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "model/vuln.h"
#include "store/store.h"

/* Imports a feed file, or every feed file (.json, .json.gz, .jsonl, .csv...)
 * of a folder and its sub-folders in name order; counts them in *files. */
int vulndb_import(struct store *st, const char *path, unsigned *files, struct dm_err *e);

struct vulndb_query {
	bool json;           /* JSON Lines instead of text */
	enum confidence min; /* match: hits below are hidden */
	const char *aliases; /* match: product aliases; NULL: data/vuln/aliases.csv */
	const char *from;    /* match: also every line of this file ("-": stdin) */
};
/* Prints each CVE of ids (CVE-YYYY-NNNN) on stdout. */
int vulndb_lookup(struct store *st, char *const *ids, int n, const struct vulndb_query *q, struct dm_err *e);
/* Prints what each CPE or "PRODUCT VERSION" of subjects (and of q->from) is exposed to. */
int vulndb_match(struct store *st, char *const *subjects, int n, const struct vulndb_query *q,
		 struct dm_err *e);
/* Prints what the store holds. */
int vulndb_stats(struct store *st, const struct vulndb_query *q, struct dm_err *e);
