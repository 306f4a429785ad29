/* SipHash-2-4 written from the paper's description (2 compression rounds,
 * 4 finalization rounds, little-endian words, length in the last byte). */
#include "base/siphash.h"
#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static inline void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static inline uint64_t load_le64(const unsigned char *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--) x = (x << 8) | p[i];
	return x;
}

uint64_t siphash24(const struct sipkey *key, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v[4] = {
		key->k0 ^ 0x736f6d6570736575ULL,
		key->k1 ^ 0x646f72616e646f6dULL,
		key->k0 ^ 0x6c7967656e657261ULL,
		key->k1 ^ 0x7465646279746573ULL,
	};
	size_t full = len & ~(size_t)7;
	for (size_t i = 0; i < full; i += 8) {
		uint64_t m = load_le64(p + i);
		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	unsigned char last[8] = { 0 };
	memcpy(last, p + full, len - full);
	last[7] = (unsigned char)len;
	uint64_t m = load_le64(last);
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++) sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
