/* Bump allocator with reusable blocks. */
#include "base/arena.h"
#include "base/util.h"
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t size, off;
	_Alignas(16) unsigned char data[];
};

enum { BLOCK_MIN = 64 << 10 };

void *arena_alloc(struct arena *a, size_t n)
{
	size_t max = a->max ? a->max : (256u << 20);
	n = (n + 15) & ~(size_t)15;
	if (n > max || a->used + n > max) return NULL;
	struct arena_block *b = a->head;
	if (!b || b->size - b->off < n) {
		/* Reuse a kept block big enough, else make one. */
		struct arena_block **pp = &a->free;
		while (*pp && (*pp)->size < n) pp = &(*pp)->next;
		if (*pp) {
			b = *pp;
			*pp = b->next;
		} else {
			size_t size = n > BLOCK_MIN ? n : BLOCK_MIN;
			b = xmalloc(sizeof(*b) + size);
			b->size = size;
		}
		b->off = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->off;
	b->off += n;
	a->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p) return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void arena_reset(struct arena *a)
{
	while (a->head) {
		struct arena_block *b = a->head;
		a->head = b->next;
		b->next = a->free;
		a->free = b;
	}
	a->used = 0;
}

static void free_list(struct arena_block *b)
{
	while (b) {
		struct arena_block *n = b->next;
		free(b);
		b = n;
	}
}

void arena_release(struct arena *a)
{
	free_list(a->head);
	free_list(a->free);
	*a = (struct arena){ .max = a->max };
}
