/* Growable byte buffer with a hard cap: every buffer that grows from input
 * has a limit, and hitting it is an error (-DM_ETOOBIG), not a crash.
 * data is always NUL-terminated. The error is sticky (as curl's dynbuf):
 * once an append fails, every later append is a no-op returning the same
 * error, so a builder of a whole document checks buf_error() once, at the
 * end; buf_reset and buf_release clear it. */
#pragma once
#include <stddef.h>
#include <stdarg.h>
#include "base/err.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* bytes; 0 means the default of 64 MiB */
	int err;    /* the first failed append's error, 0 while none */
};

#define BUF_INIT  \
	{         \
		0 \
	}

int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* 0, or the error of the first append that failed since the last reset. */
int buf_error(const struct buf *b);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Appends the whole file at path; more than max bytes is an error naming
 * the file as "not WHAT" (a register, a lease file). */
int buf_read_file(struct buf *b, const char *path, size_t max, const char *what, struct dm_err *e);
/* Returns the string and leaves b empty; the caller frees it. */
char *buf_detach(struct buf *b);
