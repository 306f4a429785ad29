/* Sorting by a precomputed 128-bit key: the traffic rules and the hourly
 * summaries sort millions of flows' sides; a key beside the index keeps
 * the sort in its own array (no flow record read, no call a comparison)
 * and in place (no copy beside it, as glibc's merge sort makes). */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct sortkey {
	uint64_t hi, lo; /* compared hi first, as unsigned */
};

/* Ascending, in place, O(n log n) whatever the order of v (introsort).
 * Not stable: keys that must keep an order carry it in their low bits. */
void sortkeys(struct sortkey *v, size_t n);
/* An unsigned integer that orders as d does (-0 and 0 alike; not NaN). */
uint64_t sortkey_double(double d);
/* Bits needed to hold values up to max (0 for 0). */
unsigned sortkey_bits(uint64_t max);
/* Appends the low bits of v below what k holds (k shifted up by bits). */
static inline void sortkey_push(struct sortkey *k, uint64_t v, unsigned bits)
{
	if (!bits) return;
	if (bits >= 64) {
		k->hi = k->lo;
		k->lo = v;
		return;
	}
	k->hi = k->hi << bits | k->lo >> (64 - bits);
	k->lo = k->lo << bits | (v & ((UINT64_C(1) << bits) - 1));
}
