/* SipHash-2-4 (Aumasson and Bernstein), a keyed 64-bit PRF: the scanner's
 * reply cookies and the seeded permutation use it. */
#pragma once
#include <stdint.h>
#include <stddef.h>

struct sipkey {
	uint64_t k0, k1;
};

uint64_t siphash24(const struct sipkey *key, const void *data, size_t len);
