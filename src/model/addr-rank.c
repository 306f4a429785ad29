/* Address ranks (addr-rank.h): a hash of the distinct addresses, sorted
 * once; a flow set has far fewer addresses than flows. */
#include "model/addr-rank.h"
#include "base/util.h"
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static uint32_t addr_hash(const struct ipaddr *a)
{
	uint64_t h;
	if (a->family == AF_INET) {
		h = a->v4;
	} else {
		uint64_t w[2];
		memcpy(w, &a->v6, sizeof(w));
		h = w[0] * 0x9e3779b97f4a7c15u ^ w[1];
	}
	h *= 0xff51afd7ed558ccdu;
	return (uint32_t)(h >> 32 ^ h);
}

static uint32_t *slot_of(const struct addr_ranks *ar, const struct ipaddr *a)
{
	uint32_t mask = ar->n_slots - 1, i = addr_hash(a) & mask;
	while (ar->slots[i] && ipaddr_cmp(&ar->addr[ar->slots[i] - 1], a)) i = (i + 1) & mask;
	return &ar->slots[i];
}

static void grow(struct addr_ranks *ar)
{
	uint32_t old = ar->n_slots, *slots = ar->slots;
	ar->n_slots = old ? 2 * old : 1024;
	ar->slots = xcalloc(ar->n_slots, sizeof(*ar->slots));
	for (uint32_t i = 0; i < old; i++)
		if (slots[i]) *slot_of(ar, &ar->addr[slots[i] - 1]) = slots[i];
	free(slots);
	ar->addr = xrealloc(ar->addr, (size_t)ar->n_slots / 2 * sizeof(*ar->addr));
}

void addr_ranks_add(struct addr_ranks *ar, const struct ipaddr *a)
{
	uint32_t *s = slot_of(ar, a);
	if (*s) return;
	if (ar->n + 1 > ar->n_slots / 2) { /* at most half full */
		grow(ar);
		s = slot_of(ar, a);
	}
	ar->addr[ar->n] = *a;
	*s = ++ar->n;
}

static int cmp_index(const void *pa, const void *pb, void *ctx)
{
	const struct ipaddr *addr = ctx;
	return ipaddr_cmp(&addr[*(const uint32_t *)pa], &addr[*(const uint32_t *)pb]);
}

void addr_ranks_init(struct addr_ranks *ar)
{
	*ar = (struct addr_ranks){ 0 };
	grow(ar);
}

void addr_ranks_sort(struct addr_ranks *ar)
{
	uint32_t *order = xmalloc(((size_t)ar->n + 1) * sizeof(*order));
	for (uint32_t i = 0; i < ar->n; i++) order[i] = i;
	qsort_r(order, ar->n, sizeof(*order), cmp_index, ar->addr);
	free(ar->rank);
	ar->rank = xmalloc(((size_t)ar->n + 1) * sizeof(*ar->rank));
	for (uint32_t k = 0; k < ar->n; k++) ar->rank[order[k]] = k;
	free(order);
}

bool addr_ranks_build(struct addr_ranks *ar, const struct flowset *s)
{
	addr_ranks_init(ar);
	for (size_t i = 0; i < s->n; i++) {
		const struct flowrec *r = &s->v[i];
		if ((r->src.family != AF_INET && r->src.family != AF_INET6) ||
		    (r->dst.family != AF_INET && r->dst.family != AF_INET6)) {
			addr_ranks_release(ar);
			return false;
		}
		addr_ranks_add(ar, &r->src);
		addr_ranks_add(ar, &r->dst);
	}
	addr_ranks_sort(ar);
	return true;
}

uint32_t addr_rank(const struct addr_ranks *ar, const struct ipaddr *a)
{
	uint32_t i = *slot_of(ar, a);
	return i ? ar->rank[i - 1] : 0;
}

void addr_ranks_release(struct addr_ranks *ar)
{
	free(ar->addr);
	free(ar->rank);
	free(ar->slots);
	*ar = (struct addr_ranks){ 0 };
}
