/* `dormant report --all-sites`: the newest finished run of every site, its
 * assets ranked together across sites (risk, then findings) with a site
 * column, so that one list says what to fix first everywhere. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include "base/err.h"
#include "store/store.h"

/* runs: the store's, oldest first. Text or JSON Lines (a "site" record per
 * site, then an "asset" record per asset) on f. */
int report_all_sites(struct store *st, const struct run_info *runs, size_t n, bool json, FILE *f,
		     struct dm_err *e);
