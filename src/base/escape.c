/* JSON and XML escaping with UTF-8 validation. */
#include "base/escape.h"
#include <string.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	if (p[0] < 0x80) return 1;
	size_t len;
	unsigned cp;
	if ((p[0] & 0xe0) == 0xc0) len = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0) len = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0) len = 4, cp = p[0] & 0x07;
	else return 0;
	if (len > n) return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int json_put_bytes(struct buf *b, const void *data, size_t n)
{
	const unsigned char *p = data;
	int r = buf_putc(b, '"');
	for (size_t i = 0; r == 0 && i < n;) {
		unsigned char c = p[i];
		size_t l = utf8_len(p + i, n - i);
		if (c == '"' || c == '\\') r = buf_printf(b, "\\%c", c);
		else if (c == '\n') r = buf_puts(b, "\\n");
		else if (c == '\r') r = buf_puts(b, "\\r");
		else if (c == '\t') r = buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f || l == 0) r = buf_printf(b, "\\u%04x", c);
		else {
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
		size_t l = utf8_len(p + i, n - i);
		if (c == '&') r = buf_puts(b, "&amp;");
		else if (c == '<') r = buf_puts(b, "&lt;");
		else if (c == '>') r = buf_puts(b, "&gt;");
		else if (c == '"') r = buf_puts(b, "&quot;");
		else if (c == '\'') r = buf_puts(b, "&apos;");
		else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || l == 0)
			r = buf_printf(b, "\\x%02x", c); /* not representable in XML 1.0 */
		else {
			r = buf_append(b, p + i, l);
			i += l;
			continue;
		}
		i++;
	}
	return r;
}
