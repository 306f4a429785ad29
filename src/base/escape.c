/* JSON, XML and terminal escaping with UTF-8 validation: one decoder, so
 * that every output agrees on what is a character and what is a stray byte. */
#include "base/escape.h"
#include <errno.h>
#include <math.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid; the code
 * point in *ret_cp. */
static size_t utf8_decode(const unsigned char *p, size_t n, unsigned *ret_cp)
{
	*ret_cp = p[0];
	if (p[0] < 0x80) return 1;
	size_t len;
	unsigned cp;
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n) return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return len;
}

/* Bidirectional embeddings, overrides and isolates ("Trojan Source"). */
static bool is_bidi(unsigned cp) { return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069); }

int json_put_bytes(struct buf *b, const void *data, size_t n)
{
	const unsigned char *p = data;
	int r = buf_putc(b, '"');
	for (size_t i = 0; r == 0 && i < n;) {
		unsigned char c = p[i];
		unsigned cp;
		size_t l = utf8_decode(p + i, n - i, &cp);
		if (c == '"' || c == '\\')
			r = buf_printf(b, "\\%c", c);
		else if (c == '\n')
			r = buf_puts(b, "\\n");
		else if (c == '\r')
			r = buf_puts(b, "\\r");
		else if (c == '\t')
			r = buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f || l == 0)
			r = buf_printf(b, "\\u%04x", c);
		else if ((cp >= 0x80 && cp <= 0x9f) || is_bidi(cp)) {
			/* the same character, spelt so that a JSONL file shown on a terminal cannot drive it */
			r = buf_printf(b, "\\u%04x", cp);
			i += l;
			continue;
		} else {
			r = buf_append(b, p + i, l);
			i += l;
			continue;
		}
		i++;
	}
	return r ? r : buf_putc(b, '"');
}

int json_put_str(struct buf *b, const char *s) { return json_put_bytes(b, s, strlen(s)); }

int xml_put_str(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int r = 0;
	for (size_t i = 0; r == 0 && i < n;) {
		unsigned char c = p[i];
		unsigned cp;
		size_t l = utf8_decode(p + i, n - i, &cp);
		if (c == '&')
			r = buf_puts(b, "&amp;");
		else if (c == '<')
			r = buf_puts(b, "&lt;");
		else if (c == '>')
			r = buf_puts(b, "&gt;");
		else if (c == '"')
			r = buf_puts(b, "&quot;");
		else if (c == '\'')
			r = buf_puts(b, "&apos;");
		else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || l == 0)
			r = buf_printf(b, "\\x%02x", c); /* not representable in XML 1.0 */
		else if (cp == 0xfffe || cp == 0xffff || (cp >= 0x80 && cp <= 0x9f) || is_bidi(cp)) {
			/* noncharacters XML forbids; C1 and bidi overrides that would reorder a rendered page */
			r = buf_printf(b, "\\u{%04X}", cp);
			i += l;
			continue;
		} else {
			r = buf_append(b, p + i, l);
			i += l;
			continue;
		}
		i++;
	}
	return r;
}

/* How many bytes of p can be consumed now: all of them, unless the tail is
 * the valid start of a UTF-8 sequence that the next write may complete. */
static size_t term_complete(const unsigned char *p, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = p[n - k];
		if ((c & 0xc0) == 0x80) continue;
		size_t need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
		return need > k ? n - k : n;
	}
	return n;
}

int term_put_bytes(struct buf *b, const void *data, size_t n, bool multiline)
{
	const unsigned char *p = data;
	int r = 0;
	for (size_t i = 0; r == 0 && i < n;) {
		unsigned cp;
		size_t l = utf8_decode(p + i, n - i, &cp);
		size_t run = i;
		/* the common case, printable ASCII, goes out in one append */
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f) run++;
		if (run > i) {
			r = buf_append(b, p + i, run - i);
			i = run;
			continue;
		}
		if (l == 0 || (cp < 0x20 && cp != '\t' && !(cp == '\n' && multiline)) || cp == 0x7f) {
			r = buf_printf(b, "\\x%02x", p[i]);
			i++;
		} else if ((cp >= 0x80 && cp <= 0x9f) || is_bidi(cp)) {
			r = buf_printf(b, "\\u{%04X}", cp);
			i += l;
		} else {
			r = buf_append(b, p + i, l);
			i += l;
		}
	}
	return r;
}

const char *term_str(struct buf *b, const char *s)
{
	buf_reset(b);
	if (!s || term_put_bytes(b, s, strlen(s), false) < 0) return "";
	return b->data ? b->data : "";
}

/* The stream behind term_open: escapes what passes through; a UTF-8
 * sequence split across two writes waits in carry for the rest. */
struct term_cookie {
	FILE *under;
	unsigned char carry[4];
	size_t n_carry;
	struct buf b;
};

static ssize_t term_write(void *cookie, const char *data, size_t n)
{
	struct term_cookie *t = cookie;
	for (size_t done = 0; done < n;) {
		unsigned char joined[4 + 4096];
		size_t take = MIN(n - done, sizeof(joined) - t->n_carry);
		memcpy(joined, t->carry, t->n_carry);
		memcpy(joined + t->n_carry, data + done, take);
		size_t len = t->n_carry + take, ok = term_complete(joined, len);
		done += take;
		t->n_carry = len - ok;
		memcpy(t->carry, joined + ok, t->n_carry);
		buf_reset(&t->b);
		/* a cookie write reports failure as 0 bytes taken, never as a negative count */
		if (term_put_bytes(&t->b, joined, ok, true) < 0) return 0;
		if (t->b.len && fwrite(t->b.data, 1, t->b.len, t->under) != t->b.len) return 0;
	}
	return (ssize_t)n;
}

static int term_close(void *cookie)
{
	struct term_cookie *t = cookie;
	int r = 0;
	buf_reset(&t->b);
	if (t->n_carry && term_put_bytes(&t->b, t->carry, t->n_carry, true) == 0 && t->b.len &&
	    fwrite(t->b.data, 1, t->b.len, t->under) != t->b.len)
		r = EOF;
	if (fflush(t->under) != 0 || ferror(t->under)) r = EOF;
	buf_release(&t->b);
	free(t);
	return r;
}

FILE *term_open(FILE *under)
{
	struct term_cookie *t = xcalloc(1, sizeof(*t));
	t->under = under;
	FILE *f = fopencookie(t, "w", (cookie_io_functions_t){ .write = term_write, .close = term_close });
	if (!f) abort(); /* only allocation can fail */
	return f;
}

int term_close_stream(FILE *f) { return fclose(f) != 0 ? -EIO : 0; }

int json_put_num(struct buf *b, const char *fmt, double v)
{
	if (!isfinite(v)) return buf_puts(b, "null");
	char tmp[64];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(tmp, sizeof(tmp), fmt, v);
#pragma GCC diagnostic pop
	return buf_puts(b, tmp);
}
