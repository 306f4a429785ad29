/* The distinct addresses of a flow set, each with its rank in ipaddr_cmp's
 * order: sort keys of a few bits in place of 24-byte addresses
 * (base/keysort.h), for the summaries' and the rules' sorts. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "model/flowset.h"

struct addr_ranks {
	struct ipaddr *addr; /* distinct, as met */
	uint32_t *rank;      /* rank[i] of addr[i]: 0 .. n - 1 */
	uint32_t *slots;     /* open addressing: index + 1, 0 empty */
	uint32_t n, n_slots;
};

/* The ranks of every src and dst of s->v; false (and nothing held) when an
 * address is of neither family, which ipaddr_cmp does not order. */
bool addr_ranks_build(struct addr_ranks *ar, const struct flowset *s);
/* The same for any addresses: init, add each (AF_INET or AF_INET6 only),
 * then sort before asking a rank. */
void addr_ranks_init(struct addr_ranks *ar);
void addr_ranks_add(struct addr_ranks *ar, const struct ipaddr *a);
void addr_ranks_sort(struct addr_ranks *ar);
/* The rank of a, one of the set's addresses. */
uint32_t addr_rank(const struct addr_ranks *ar, const struct ipaddr *a);
void addr_ranks_release(struct addr_ranks *ar);
