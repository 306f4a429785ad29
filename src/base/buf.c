/* Capped growable buffer. */
#include "base/buf.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int grow(struct buf *b, size_t extra)
{
	size_t max = b->max ? b->max : (64u << 20);
	if (b->err) return b->err;
	if (b->len + extra + 1 > max) return b->err = DM_ETOOBIG;
	if (b->len + extra + 1 <= b->cap) return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) cap *= 2;
	if (cap > max) cap = max;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	int r = grow(b, n);
	if (r < 0) return r;
	if (n) memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int buf_puts(struct buf *b, const char *s) { return buf_append(b, s, strlen(s)); }
int buf_putc(struct buf *b, char c) { return buf_append(b, &c, 1); }

int buf_printf(struct buf *b, const char *fmt, ...)
{
	if (b->err) return b->err;
	/* formatted once into the room there is; again only when it did not fit */
	size_t room = b->cap - b->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->cap ? b->data + b->len : NULL, b->cap ? room : 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < room && (!b->max || b->len + (size_t)n + 1 <= b->max)) {
		b->len += (size_t)n;
		return 0;
	}
	if (b->cap) b->data[b->len] = 0; /* what did not fit is not kept */
	if (n < 0) return b->err = DM_EINPUT;
	int r = grow(b, (size_t)n);
	if (r < 0) return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int buf_error(const struct buf *b) { return b->err; }

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data) b->data[0] = 0;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

char *buf_detach(struct buf *b)
{
	char *s = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
	return s;
}

int buf_read_file(struct buf *b, const char *path, size_t max, const char *what, struct dm_err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	b->max = max;
	char chunk[65536];
	size_t n;
	int r = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(b, chunk, n) < 0) {
			r = dm_fail(e, DM_ETOOBIG, "%s: larger than %zu MiB: not %s", path, max >> 20, what);
			break;
		}
	if (!r && ferror(f)) r = dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	fclose(f);
	return r;
}
