/* The HTML report's evidence lists and its shortened command line: the
 * page is handed to people who should read the evidence, not parse JSON,
 * and who need not see the operator's folders. */
#include "report/html-parts.h"
#include "base/escape.h"
#include "base/json.h"
#include "base/util.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than this, a value is summarised, not listed: evidence is shallow. */
#define EVIDENCE_DEPTH 4

/* n bytes of s (not NUL-terminated) through the XML escaper */
static void put_text(struct buf *b, const char *s, size_t n)
{
	char *t = xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = 0;
	xml_put_str(b, t);
	free(t);
}

static bool is_scalar(const struct json *v) { return v->type != JSON_ARRAY && v->type != JSON_OBJECT; }

static void dl(struct buf *b, const struct json *obj, int depth);

static void value(struct buf *b, const struct json *v, int depth)
{
	switch (v->type) {
	case JSON_NULL: buf_puts(b, "<span class=\"none\">none</span>"); return;
	case JSON_TRUE: buf_puts(b, "yes"); return;
	case JSON_FALSE: buf_puts(b, "no"); return;
	case JSON_NUMBER:
	case JSON_STRING: put_text(b, v->str, v->len); return;
	case JSON_OBJECT:
		if (depth >= EVIDENCE_DEPTH)
			buf_printf(b, "<span class=\"none\">%zu more fields</span>", v->n);
		else
			dl(b, v, depth + 1);
		return;
	case JSON_ARRAY: break;
	}
	if (!v->n) {
		buf_puts(b, "<span class=\"none\">none</span>");
		return;
	}
	bool flat = true;
	json_each(c, v) flat = flat && is_scalar(c);
	if (flat) {
		json_each(c, v)
		{
			if (c != v->first) buf_puts(b, ", ");
			value(b, c, depth);
		}
		return;
	}
	if (depth >= EVIDENCE_DEPTH) {
		buf_printf(b, "<span class=\"none\">%zu more items</span>", v->n);
		return;
	}
	buf_puts(b, "<ol class=\"evidence-items\">");
	json_each(c, v)
	{
		buf_puts(b, "<li>");
		value(b, c, depth + 1);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ol>");
}

static void dl(struct buf *b, const struct json *obj, int depth)
{
	buf_puts(b, "<dl class=\"evidence\">");
	json_each(c, obj)
	{
		/* "flows_in_window" reads as "flows in window" */
		char key[64];
		snprintf(key, sizeof(key), "%s", c->key ? c->key : "");
		for (char *p = key; *p; p++)
			if (*p == '_') *p = ' ';
		buf_puts(b, "<dt>");
		xml_put_str(b, key);
		buf_puts(b, "</dt><dd>");
		value(b, c, depth);
		buf_puts(b, "</dd>");
	}
	buf_puts(b, "</dl>");
}

static int on_record(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		     struct dm_err *e)
{
	(void)header, (void)offset, (void)e;
	if (rec->type == JSON_OBJECT) dl(ctx, rec, 0);
	return 0;
}

void html_evidence(struct buf *b, const char *evidence)
{
	if (!evidence || !evidence[0]) return;
	if (evidence[0] == '{') {
		struct buf tmp = BUF_INIT;
		struct json_stream js = { .record = on_record, .ctx = &tmp, .max_record = 1 << 20 };
		struct dm_err e = { "" };
		int r = json_stream_mem(&js, evidence, strlen(evidence), "evidence", &e);
		if (r == 0 && js.records == 1 && !buf_error(&tmp)) {
			buf_append(b, tmp.data, tmp.len);
			buf_release(&tmp);
			return;
		}
		buf_release(&tmp);
	}
	/* not an object dormant wrote (an older store's text): shown as text */
	buf_puts(b, "<p class=\"evidence-text\">");
	xml_put_str(b, evidence);
	buf_puts(b, "</p>");
}

/* 10.0.0.0/24, fd00::/8: the part after the last '/' is a prefix length and
 * the part before it an address. */
static bool is_prefix(const char *s, size_t n)
{
	const char *slash = memrchr(s, '/', n);
	if (!slash || slash == s || slash + 1 == s + n) return false;
	for (const char *p = slash + 1; p < s + n; p++)
		if (!isdigit((unsigned char)*p)) return false;
	for (const char *p = s; p < slash; p++)
		if (!isxdigit((unsigned char)*p) && *p != '.' && *p != ':') return false;
	return true;
}

static void short_word(struct buf *b, const char *s, size_t n)
{
	const char *eq = s[0] == '-' ? memchr(s, '=', n) : NULL; /* --flows=/a/b.pcap */
	if (eq) {
		put_text(b, s, (size_t)(eq - s) + 1);
		n -= (size_t)(eq - s) + 1;
		s = eq + 1;
	}
	while (n > 1 && s[n - 1] == '/') n--; /* "nvd/" names the folder nvd */
	const char *slash = memrchr(s, '/', n);
	if (slash && !is_prefix(s, n)) {
		n -= (size_t)(slash + 1 - s);
		s = slash + 1;
	}
	put_text(b, s, n);
}

void html_short_args(struct buf *b, const char *args)
{
	const char *s = args ? args : "";
	while (*s) {
		size_t sp = strspn(s, " ");
		if (sp) buf_puts(b, " ");
		s += sp;
		size_t n = strcspn(s, " ");
		if (n) short_word(b, s, n);
		s += n;
	}
}
