/* Sets of IPv4 addresses as sorted, disjoint [lo, hi] intervals, with
 * rank/select so that a permutation index maps to an address in O(log n). */
#pragma once
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct v4range {
	uint32_t lo, hi;
};

struct rangeset {
	struct v4range *r;
	size_t n, cap;
	uint64_t *cum; /* cum[i] = addresses in r[0..i-1]; valid after rangeset_index() */
	uint64_t count;
	bool normalized;
};

void rangeset_add(struct rangeset *s, uint32_t lo, uint32_t hi);
void rangeset_normalize(struct rangeset *s);                              /* sort and merge */
void rangeset_subtract(struct rangeset *s, const struct rangeset *minus); /* both normalized */
void rangeset_subtract_one(struct rangeset *s, uint32_t lo, uint32_t hi);
void rangeset_index(struct rangeset *s);                        /* fills cum and count */
uint32_t rangeset_select(const struct rangeset *s, uint64_t i); /* i < count */
bool rangeset_contains(const struct rangeset *s, uint32_t a);
void rangeset_release(struct rangeset *s);

/* Index of address a in the set (inverse of select); false if absent. */
bool rangeset_rank(const struct rangeset *s, uint32_t a, uint64_t *ret);
