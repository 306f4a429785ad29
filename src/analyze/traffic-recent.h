/* A direct-mapped memory of the records just appended to an array, by a
 * hash of their key. The judge's per-flow appends (the state's pairs,
 * chatter and days seen, the prevalence's pairs) repeat a few thousand keys
 * over an hour's 200k flows, and every repeat was sorted with the rest
 * before it was merged away. A record whose key is remembered is merged
 * into the one appended before; a key forgotten (another took its slot) is
 * appended again and merged by the sort as before, so what the sort leaves
 * is the same. */
#pragma once
#include "net/addr.h"
#include "base/util.h"
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct traffic_recent {
	uint32_t *pos; /* position + 1 in the caller's array; 0: none */
	unsigned bits; /* 1 << bits slots */
};

/* Room for the keys of n appends: twice as many slots, from 1k to 256k
 * (1 MB), so few of a few thousand keys share a slot. */
static inline void traffic_recent_init(struct traffic_recent *r, size_t n)
{
	r->bits = 10;
	while (r->bits < 18 && ((size_t)1 << r->bits) < 2 * n) r->bits++;
	r->pos = xcalloc((size_t)1 << r->bits, sizeof(*r->pos));
}

static inline void traffic_recent_release(struct traffic_recent *r)
{
	free(r->pos);
	r->pos = NULL;
}

static inline uint64_t traffic_recent_mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x9e3779b97f4a7c15ull + (h >> 29);
}

/* h mixed with what ipaddr_cmp compares of a. */
static inline uint64_t traffic_recent_addr(uint64_t h, const struct ipaddr *a)
{
	h = traffic_recent_mix(h, (uint64_t)(a->family == AF_INET));
	if (a->family == AF_INET) return traffic_recent_mix(h, a->v4);
	uint64_t w[2];
	memcpy(w, &a->v6, sizeof(w));
	return traffic_recent_mix(traffic_recent_mix(h, w[0]), w[1]);
}

/* The slot of hash h: when not 0, *slot - 1 is the position last appended
 * with a key of this slot (the caller compares the keys). */
static inline uint32_t *traffic_recent_slot(struct traffic_recent *r, uint64_t h)
{
	h = traffic_recent_mix(h, 0);
	return &r->pos[h >> (64 - r->bits)];
}
