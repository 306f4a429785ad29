/* The RFC 4180 record reader (csv.h), one record at a time with its line. */
#include "base/csv.h"
#include "base/util.h"
#include <stdbool.h>
#include <string.h>

void csv_init(struct csv *c, const char *data, size_t len, char sep)
{
	*c = (struct csv){ .p = data, .end = data + len, .sep = sep, .next_line = 1, .text = BUF_INIT };
	/* a UTF-8 byte order mark, as spreadsheet exports write it */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) c->p += 3;
}

static void field_end(struct csv *c)
{
	buf_putc(&c->text, 0);
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->offs = xrealloc(c->offs, c->cap * sizeof(*c->offs));
		c->fields = xrealloc(c->fields, c->cap * sizeof(*c->fields));
	}
	c->offs[c->n++] = c->text.len;
}

int csv_next(struct csv *c, const char *name, struct dm_err *e)
{
	for (;;) {
		if (c->p >= c->end) return 0;
		/* skip empty lines */
		if (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
			c->p += *c->p == '\r' ? 2 : 1;
			c->next_line++;
			continue;
		}
		break;
	}
	buf_reset(&c->text);
	c->n = 0;
	c->line = c->next_line;
	size_t start = 0;
	bool quoted = false, was_quoted = false;
	while (c->p < c->end) {
		char ch = *c->p++;
		if (quoted) {
			if (ch == '"') {
				if (c->p < c->end && *c->p == '"') {
					buf_putc(&c->text, '"');
					c->p++;
				} else {
					quoted = false;
				}
			} else {
				if (ch == '\n') c->next_line++;
				buf_putc(&c->text, ch);
			}
			continue;
		}
		if (ch == '"' && c->text.len == start && !was_quoted) {
			quoted = was_quoted = true;
		} else if (ch == c->sep) {
			field_end(c);
			start = c->text.len;
			was_quoted = false;
		} else if (ch == '\n' || (ch == '\r' && c->p < c->end && *c->p == '\n')) {
			if (ch == '\r') c->p++;
			c->next_line++;
			break;
		} else {
			buf_putc(&c->text, ch);
		}
	}
	if (quoted)
		return dm_fail(e, DM_EINPUT, "%s: line %zu: a quoted field is never closed", name, c->line);
	field_end(c);
	for (size_t i = 0; i < c->n; i++) c->fields[i] = c->text.data + (i ? c->offs[i - 1] : 0);
	return 1;
}

void csv_release(struct csv *c)
{
	buf_release(&c->text);
	free(c->offs);
	free(c->fields);
	*c = (struct csv){ 0 };
}
