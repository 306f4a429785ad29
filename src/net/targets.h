/* The scan's target set: what the operator named (addresses, CIDR blocks,
 * nmap-style ranges and octet patterns, host names, -iL files) minus every
 * exclusion, minus addresses that are never probed. Exclusions always win.
 * IPv4 is an interval set; IPv6 is a sorted list of single addresses. */
#pragma once
#include "net/rangeset.h"
#include "net/addr.h"
#include "net/cidr.h"
#include "base/err.h"

struct targets {
	struct rangeset v4;  /* after targets_finalize: what is scanned */
	struct in6_addr *v6; /* sorted, unique, after finalize */
	size_t n_v6, cap_v6;
	struct rangeset excl_v4;
	struct in6_addr *excl_v6;
	size_t n_excl_v6, cap_excl_v6;
	struct origin {
		uint32_t lo, hi;
		char *spec;
	} * origins; /* for messages */
	size_t n_origins, cap_origins;
	uint64_t removed_never; /* multicast/broadcast/reserved dropped */
};

/* where names the input position for error messages ("argument 3", "hosts.txt:12"). */
int targets_add(struct targets *t, const char *spec, const char *where, struct dm_err *e);
int targets_exclude(struct targets *t, const char *spec, const char *where, struct dm_err *e);
/* -iL / --exclude-file: specs separated by white space or commas, '#' comments. */
int targets_add_file(struct targets *t, const char *path, bool exclude, struct dm_err *e);
/* Applies exclusions and the never/public rules; an empty result is an error. */
int targets_finalize(struct targets *t, bool allow_public, struct dm_err *e);
uint64_t targets_count(const struct targets *t);
bool targets_is_excluded_v4(const struct targets *t, uint32_t a);
/* Whether a is scanned (after finalize). */
bool targets_contains(const struct targets *t, const struct ipaddr *a);
/* Whether every address t scans (after finalize) lies in l; if not, the
 * lowest one outside in ret_outside. */
bool targets_within(const struct targets *t, const struct cidr_list *l, struct ipaddr *ret_outside);
void targets_release(struct targets *t);
