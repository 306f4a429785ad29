/* Small language helpers shared by every module: array size, min/max,
 * cleanup attributes and ownership transfer. No allocation, no I/O. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define UNUSED __attribute__((unused))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

static inline void freep(void *p) { free(*(void **)p); }
static inline void fclosep(FILE **f)
{
	if (*f) fclose(*f);
}
static inline void closep(int *fd)
{
	if (*fd >= 0) close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Hands a pointer out of a cleanup scope: returns it and leaves NULL behind. */
#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _t = (p); \
		(p) = NULL;             \
		_t;                     \
	})
#define TAKE_FD(fd)            \
	({                     \
		int _t = (fd); \
		(fd) = -1;     \
		_t;            \
	})

/* Raises the open-file limit to its hard maximum and returns how many of
 * want descriptors may be used at once, keeping 64 spare. */
unsigned fd_budget(unsigned want);

/* Aborts on allocation failure: input cannot trigger it, only exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* n bytes of address space, 2 MiB-aligned and zero, whose pages are taken
 * only when touched: an array that grows in place (no copy, no second
 * array at its peak). Freed with xunreserve and the same n. */
void *xreserve(size_t n);
void xunreserve(void *p, size_t n);
char *xstrdup(const char *s);

/* "1.5 MB": a byte count for people (decimal units). */
void fmt_bytes(uint64_t n, char *out, size_t len);
/* Whether a comma-separated list (rule ids, names) holds item exactly. */
bool list_has(const char *list, const char *item);
