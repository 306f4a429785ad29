/* Product aliases (data/vuln/aliases.csv): product names to NVD's CPE
 * vendor:product, CPE names NVD files one product under (nginx is both
 * f5:nginx and igor_sysoev:nginx), and products whose version suffix NVD
 * keeps as the CPE update (OpenSSH 7.7p1 = 7.7 + p1). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "model/cpe.h"
#include "model/vuln.h"
#include "base/datadir.h"

struct alias_rule {
	char kind; /* 'n' name, 'c' cpe, 'u' update */
	char part; /* name rules: the CPE part ('a', 'o', 'h'); 0: 'a' */
	char from[128], to[128];
};

struct aliases {
	struct alias_rule *v;
	size_t n, cap;
	size_t *by_name;  /* indexes of the name rules, by name then order: thousands with nmap's */
	size_t n_by_name; /* of them; valid while indexed == n */
	size_t *others;   /* indexes of the cpe and update rules, in order: a few among the names */
	size_t n_others;  /* of them; valid while indexed == n */
	size_t indexed;
};

#define ALIASES_DEFAULT_PATH dm_data("vuln/aliases.csv")

int aliases_load(struct aliases *a, const char *path, struct dm_err *e);
void aliases_release(struct aliases *a);
/* vendor and product, then every pair the cpe rules make equal (at most max). */
size_t aliases_expand(const struct aliases *a, const char *vendor, const char *product,
		      struct vuln_product *out, size_t max);
/* "vendor:product" for a product name, NULL if unknown. */
const char *aliases_by_name(const struct aliases *a, const char *name);
/* Sorts the name rules for lookups (the loaders call it; a rule added
 * since is found by a linear search until the next call). */
void aliases_index(struct aliases *a);
/* Among the rules of the last aliases_index() only (a loader adding many). */
const struct alias_rule *aliases_indexed_by_name(const struct aliases *a, const char *name);
/* The name rule for a product name (the first loaded), NULL if none. */
const struct alias_rule *aliases_rule_by_name(const struct aliases *a, const char *name);
/* Builds a CPE for a product found on the network: from its CPE when it has
 * one, else from its name; version and update split as NVD keeps them.
 * False when there is no product or no version to match. */
bool aliases_subject(const struct aliases *a, const char *cpe23, const char *product, const char *version,
		     const char *update, struct cpe *ret);
