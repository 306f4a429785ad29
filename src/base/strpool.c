/* The string interning pool (strpool.h): SipHash-keyed open addressing. */
#include "base/strpool.h"
#include "base/siphash.h"
#include "base/util.h"
#include <string.h>

static const struct sipkey pool_key = { 0x646f726d616e7421ull, 0x7374726f6f6c2121ull };

void strpool_init(struct strpool *p) { *p = (struct strpool){ 0 }; }

static uint32_t slot_of(const struct strpool *p, const char *s, size_t len)
{
	uint32_t mask = p->n_slots - 1, i = (uint32_t)siphash24(&pool_key, s, len) & mask;
	while (p->slots[i] && strcmp(p->by_id[p->slots[i]], s)) i = (i + 1) & mask;
	return i;
}

static void grow_slots(struct strpool *p)
{
	uint32_t old = p->n_slots;
	uint32_t *olds = p->slots;
	p->n_slots = old ? old * 2 : 1024;
	p->slots = xcalloc(p->n_slots, sizeof(*p->slots));
	for (uint32_t i = 0; i < old; i++) {
		if (!olds[i]) continue;
		const char *s = p->by_id[olds[i]];
		p->slots[slot_of(p, s, strlen(s))] = olds[i];
	}
	free(olds);
}

uint32_t strpool_add(struct strpool *p, const char *s)
{
	if (!s || !*s) return 0;
	if (2 * (p->n + 1) >= p->n_slots) grow_slots(p);
	size_t len = strlen(s);
	uint32_t i = slot_of(p, s, len);
	if (p->slots[i]) return p->slots[i];
	if (p->n + 2 > p->cap_ids) {
		p->cap_ids = p->cap_ids ? 2 * p->cap_ids : 256;
		p->by_id = xrealloc(p->by_id, p->cap_ids * sizeof(*p->by_id));
		p->by_id[0] = NULL;
	}
	char *copy = arena_strndup(&p->mem, s, len);
	if (!copy) return 0; /* past the arena's cap: the record goes without its name */
	p->by_id[++p->n] = copy;
	p->slots[i] = p->n;
	return p->n;
}

uint32_t strpool_find(const struct strpool *p, const char *s)
{
	if (!s || !*s || !p->n_slots) return 0;
	return p->slots[slot_of(p, s, strlen(s))];
}

const char *strpool_get(const struct strpool *p, uint32_t id)
{
	return id && id <= p->n ? p->by_id[id] : NULL;
}

void strpool_release(struct strpool *p)
{
	arena_release(&p->mem);
	free(p->by_id);
	free(p->slots);
	*p = (struct strpool){ 0 };
}
