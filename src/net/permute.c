/* Cyclic-group permutation (the scheme ZMap made popular), generalised to
 * any index space size by choosing the next prime above it. */
#include "net/permute.h"
#include "base/err.h"
#include "base/siphash.h"

uint64_t mulmod64(uint64_t a, uint64_t b, uint64_t m)
{
	/* 128-bit division is slow; index spaces below 2^32 (the usual case) fit in 64 bits */
	if (m <= UINT32_MAX) return (a % m) * (b % m) % m;
	return (uint64_t)((unsigned __int128)a * b % m);
}

uint64_t powmod64(uint64_t a, uint64_t e, uint64_t m)
{
	uint64_t r = 1 % m;
	a %= m;
	while (e) {
		if (e & 1) r = mulmod64(r, a, m);
		a = mulmod64(a, a, m);
		e >>= 1;
	}
	return r;
}

/* Deterministic Miller-Rabin for 64-bit integers. */
bool is_prime64(uint64_t n)
{
	if (n < 2) return false;
	static const uint64_t small[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
	for (unsigned i = 0; i < 12; i++) {
		if (n == small[i]) return true;
		if (n % small[i] == 0) return false;
	}
	uint64_t d = n - 1;
	int s = 0;
	while (!(d & 1)) d >>= 1, s++;
	for (unsigned i = 0; i < 12; i++) {
		uint64_t x = powmod64(small[i], d, n);
		if (x == 1 || x == n - 1) continue;
		bool composite = true;
		for (int j = 1; j < s && composite; j++) {
			x = mulmod64(x, x, n);
			if (x == n - 1) composite = false;
		}
		if (composite) return false;
	}
	return true;
}

/* Distinct prime factors of m by trial division; m < 2^49 keeps it short. */
static int factor(uint64_t m, uint64_t *f, int max)
{
	int k = 0;
	for (uint64_t d = 2; d * d <= m; d += (d == 2 ? 1 : 2)) {
		if (m % d) continue;
		if (k < max) f[k++] = d;
		while (m % d == 0) m /= d;
	}
	if (m > 1 && k < max) f[k++] = m;
	return k;
}

int permutation_init(struct permutation *pm, uint64_t n, uint64_t seed, uint64_t shard, uint64_t shards)
{
	if (n == 0 || shards == 0 || shard >= shards) return DM_EINPUT;
	if (n > (1ULL << 49)) return DM_ETOOBIG;
	uint64_t p = n + 1;
	while (!is_prime64(p)) p++;
	uint64_t f[64];
	int nf = factor(p - 1, f, 64);
	struct sipkey key = { seed, 0x646f726d616e74ULL };
	uint64_t g = 1;
	if (p > 2) {
		for (uint64_t ctr = 0;; ctr++) {
			g = 2 + siphash24(&key, &ctr, sizeof(ctr)) % (p - 2);
			bool ok = true;
			for (int i = 0; i < nf && ok; i++) ok = powmod64(g, (p - 1) / f[i], p) != 1;
			if (ok) break;
		}
	}
	uint64_t c = ~0ULL;
	*pm = (struct permutation){
		.n = n,
		.p = p,
		.g = g,
		.start = 1 + siphash24(&key, &c, sizeof(c)) % (p - 1),
		.shard = shard,
		.shards = shards,
	};
	return 0;
}

void perm_iter_init(struct perm_iter *it, const struct permutation *pm, uint64_t pos)
{
	/* first position >= pos that belongs to this shard */
	uint64_t rem = pos % pm->shards;
	if (rem != pm->shard) pos += (pm->shard + pm->shards - rem) % pm->shards;
	it->perm = pm;
	it->pos = pos;
	it->step = powmod64(pm->g, pm->shards, pm->p);
	it->x = mulmod64(pm->start, powmod64(pm->g, pos, pm->p), pm->p);
}

bool perm_iter_next(struct perm_iter *it, uint64_t *ret)
{
	const struct permutation *pm = it->perm;
	while (it->pos < pm->p - 1) {
		uint64_t v = it->x - 1;
		it->x = mulmod64(it->x, it->step, pm->p);
		it->pos += pm->shards;
		if (v < pm->n) {
			*ret = v;
			return true;
		}
	}
	return false;
}
