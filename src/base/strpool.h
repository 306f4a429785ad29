/* Interned strings: each distinct string gets a small id (1, 2, ...; 0 is
 * "no string"), so millions of records can name a few thousand TLS names
 * with four bytes each. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "base/arena.h"

struct strpool {
	struct arena mem;
	const char **by_id; /* by_id[id] */
	uint32_t *slots;    /* open addressing; 0 empty */
	uint32_t n, cap_ids, n_slots;
};

void strpool_init(struct strpool *p);
/* The id of s (added if new); NULL or "" gives 0. */
uint32_t strpool_add(struct strpool *p, const char *s);
const char *strpool_get(const struct strpool *p, uint32_t id); /* NULL for 0 */
/* The id of s when the pool holds it, else 0 (nothing added). */
uint32_t strpool_find(const struct strpool *p, const char *s);
void strpool_release(struct strpool *p);
