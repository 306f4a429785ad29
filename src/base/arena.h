/* A bump allocator for data that dies together (one parsed record, one
 * request). Blocks are kept across arena_reset() so a loop over records
 * allocates from the system only while records grow. Has a cap: hostile
 * input cannot make it take all memory (arena_alloc returns NULL). */
#pragma once
#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head, *free; /* in use, kept for reuse */
	size_t used;                     /* bytes handed out since the last reset */
	size_t max;                      /* cap in bytes; 0 means 256 MiB */
};

/* NULL when the cap would be passed. Memory is 16-byte aligned. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of n bytes, NULL past the cap. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_reset(struct arena *a);
void arena_release(struct arena *a);
