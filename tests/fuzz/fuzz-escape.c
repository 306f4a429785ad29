/* Fuzz target: the escapers every hostile byte passes through before an
 * output. Checks what they promise: terminal text holds no control, C1 or
 * bidi character and is valid UTF-8, escaping twice changes nothing, the
 * escaping stream agrees with the one-shot escaper however the input is
 * split, and XML text always parses. */
#include "fuzz.h"
#include "base/escape.h"
#include <libxml/parser.h>

/* Valid UTF-8 without C0 (but tab, newline), DEL, C1 or bidi overrides. */
static int term_clean(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = p[i], cp, len;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) return 0;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (i + len > n) return 0;
		for (unsigned k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80) return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return 0;
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
			return 0;
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096) return 0;
	struct buf a = BUF_INIT, b = BUF_INIT;
	if (term_put_bytes(&a, data, size, true) < 0) __builtin_trap();
	if (a.len && !term_clean((const unsigned char *)a.data, a.len)) __builtin_trap();
	if (term_put_bytes(&b, a.data, a.len, true) < 0 || b.len != a.len ||
	    (a.len && memcmp(a.data, b.data, a.len)))
		__builtin_trap();
	/* the stream, fed in two pieces split where the first byte says */
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);
	FILE *t = term_open(mem);
	size_t cut = size ? data[0] % (size + 1) : 0;
	fwrite(data, 1, cut, t);
	fflush(t);
	fwrite(data + cut, 1, size - cut, t);
	if (term_close_stream(t) < 0) __builtin_trap();
	fclose(mem);
	if (len != a.len || (len && memcmp(out, a.data, len))) __builtin_trap();
	free(out);
	/* XML text: always well-formed */
	char *s = fuzz_cstr(data, size);
	buf_reset(&b);
	buf_puts(&b, "<a v=\"");
	xml_put_str(&b, s);
	buf_puts(&b, "\">");
	xml_put_str(&b, s);
	buf_puts(&b, "</a>");
	xmlDocPtr doc = xmlReadMemory(b.data, (int)b.len, "f.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) __builtin_trap();
	xmlFreeDoc(doc);
	free(s);
	buf_release(&a);
	buf_release(&b);
	return 0;
}
