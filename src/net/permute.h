/* A seeded pseudo-random permutation of the index space [0, n): the
 * multiplicative group modulo a prime p > n, walked from a seeded start by
 * a seeded generator, skipping values >= n. Position k of the walk is
 * start * g^k. Shard i of m takes the positions k = i, i+m, i+2m, ... so
 * the shards of one seed partition the space exactly, and a walk can be
 * resumed from any position. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

struct permutation {
	uint64_t n;     /* size of the index space */
	uint64_t p;     /* prime > n */
	uint64_t g;     /* generator of (Z/pZ)* */
	uint64_t start; /* element at position 0 */
	uint64_t shard, shards;
};

struct perm_iter {
	const struct permutation *perm;
	uint64_t x;    /* element at position pos */
	uint64_t step; /* g^shards mod p */
	uint64_t pos;  /* position in the whole walk, in [0, p-1) */
};

int permutation_init(struct permutation *pm, uint64_t n, uint64_t seed, uint64_t shard, uint64_t shards);
/* Starts at the first position of this shard at or after pos. */
void perm_iter_init(struct perm_iter *it, const struct permutation *pm, uint64_t pos);
/* Next index in [0, n); false at the end of the walk. */
bool perm_iter_next(struct perm_iter *it, uint64_t *ret);

uint64_t mulmod64(uint64_t a, uint64_t b, uint64_t m);
uint64_t powmod64(uint64_t a, uint64_t e, uint64_t m);
bool is_prime64(uint64_t n);
