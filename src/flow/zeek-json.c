/* Zeek's JSON lines without a tree (zeek-json.h). Building yajl's tree of
 * each line and finding 21 members by name in it was 85% of reading a
 * JSON conn.log (0.4 M lines per CPU second); here one pass over the
 * line finds the members it needs. The grammar taken is JSON's, narrowed:
 * whatever the narrowing leaves out is declined, never read differently. */
#include "flow/zeek-json.h"
#include <string.h>

struct span {
	const char *s;
	size_t n;
	enum zj_kind kind;
	bool dot, exp;
};

static unsigned hash(const char *k, size_t n)
{
	if (!n) return 0;
	return (unsigned)(n * 31 + (unsigned char)k[0] * 7 + (unsigned char)k[n - 1] * 3 +
			  (unsigned char)k[n > 2 ? n - 3 : 0]) &
	       255;
}

void zj_names_init(struct zj_names *z, const char *const *names, int n)
{
	*z = (struct zj_names){ .name = names, .n = n };
	memset(z->slot, -1, sizeof(z->slot));
	for (int c = n - 1; c >= 0; c--) { /* each slot lists its names in order */
		size_t len = strlen(names[c]);
		unsigned h = hash(names[c], len);
		z->len[c] = (unsigned char)len;
		if (len >= 8) {
			memcpy(&z->head[c], names[c], 8);
			memcpy(&z->tail[c], names[c] + len - 8, 8);
		}
		z->next[c] = z->slot[h];
		z->slot[h] = (signed char)c;
	}
}

/* Which name k is, or -1. Names of 8 to 16 bytes are two 8-byte words
 * (a memcmp call each was a quarter of the line's reading). */
static int lookup(const struct zj_names *z, const char *k, size_t n)
{
	for (int c = z->slot[hash(k, n)]; c >= 0; c = z->next[c]) {
		if (z->len[c] != n) continue;
		if (n < 8 || n > 16) {
			if (!memcmp(z->name[c], k, n)) return c;
			continue;
		}
		uint64_t h, t;
		memcpy(&h, k, 8);
		memcpy(&t, k + n - 8, 8);
		if (h == z->head[c] && t == z->tail[c]) return c;
	}
	return -1;
}

static const char *blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t')) p++;
	return p;
}

static bool digit(const char *p, const char *end) { return p < end && *p >= '0' && *p <= '9'; }

/* The closing quote of the string opened at p, or NULL: escapes, control
 * bytes and bytes past ASCII are declined (the general parser unescapes
 * and checks UTF-8; those lines are rare enough to leave to it). */
static const char *string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"') return p;
		if (c == '\\' || c < 0x20 || c >= 0x7f) return NULL;
	}
	return NULL;
}

/* JSON's number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static const char *number_end(const char *p, const char *end, struct span *v)
{
	if (p < end && *p == '-') p++;
	if (!digit(p, end)) return NULL;
	if (*p == '0')
		p++;
	else
		while (digit(p, end)) p++;
	if (p < end && *p == '.') {
		v->dot = true;
		if (!digit(++p, end)) return NULL;
		while (digit(p, end)) p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		v->exp = *p++ == 'e';
		if (p < end && (*p == '+' || *p == '-')) p++;
		if (!digit(p, end)) return NULL;
		while (digit(p, end)) p++;
	}
	return p;
}

/* A string, number, true, false or null at p: where it ends, or NULL. */
static const char *scalar(const char *p, const char *end, struct span *v)
{
	if (p >= end) return NULL;
	if (*p == '"') {
		const char *q = string_end(p, end);
		if (!q) return NULL;
		*v = (struct span){ p + 1, (size_t)(q - p - 1), ZJ_STRING, false, false };
		return q + 1;
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		*v = (struct span){ p, 0, ZJ_NUMBER };
		const char *q = number_end(p, end, v);
		if (!q) return NULL;
		v->n = (size_t)(q - p);
		return q;
	}
	static const char *const lit[] = { "true", "false", "null" };
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(lit[i]);
		if ((size_t)(end - p) >= n && !memcmp(p, lit[i], n)) {
			*v = (struct span){ NULL, 0, ZJ_NONE, false, false };
			return p + n;
		}
	}
	return NULL;
}

/* An array of scalars at p (its '['): where it ends; v its first element. */
static const char *array(const char *p, const char *end, struct span *v)
{
	*v = (struct span){ NULL, 0, ZJ_NONE, false, false };
	p = blanks(p + 1, end);
	if (p < end && *p == ']') return p + 1;
	for (bool first = true;; first = false) {
		struct span e;
		if (!(p = scalar(p, end, &e))) return NULL;
		if (first) *v = e;
		p = blanks(p, end);
		if (p < end && *p == ']') return p + 1;
		if (p >= end || *p != ',') return NULL;
		p = blanks(p + 1, end);
	}
}

bool zeek_json_flat(char *line, size_t len, const struct zj_names *names, struct zj_val *out)
{
	if (len > ZJ_MAX_LINE) return false;
	const char *p = line, *end = line + len;
	struct span found[ZJ_MAX_NAMES];
	uint32_t seen = 0;
	p = blanks(p, end);
	if (p >= end || *p != '{') return false;
	p = blanks(p + 1, end);
	if (p < end && *p == '}') {
		p++;
	} else {
		for (;;) {
			if (p >= end || *p != '"') return false;
			const char *k = p + 1, *ke = string_end(p, end);
			if (!ke) return false;
			int c = lookup(names, k, (size_t)(ke - k));
			p = blanks(ke + 1, end);
			if (p >= end || *p != ':') return false;
			p = blanks(p + 1, end);
			/* the first of a name counts, as json_get finds it; parsed in
			 * place (a copy of its span stalled on the stores just made) */
			struct span other, *v = c >= 0 && !(seen >> c & 1) ? &found[c] : &other;
			if (c >= 0) seen |= 1u << c;
			p = p < end && *p == '[' ? array(p, end, v) : scalar(p, end, v);
			if (!p) return false;
			p = blanks(p, end);
			if (p < end && *p == '}') {
				p++;
				break;
			}
			if (p >= end || *p != ',') return false;
			p = blanks(p + 1, end);
		}
	}
	if (blanks(p, end) != end) return false; /* another value, or garbage: the general parser's */
	for (int c = 0; c < names->n; c++) {
		out[c] = (struct zj_val){ NULL, ZJ_NONE, false, false };
		if (!(seen >> c & 1) || found[c].kind == ZJ_NONE) continue;
		/* the byte after a value is its closing quote or a delimiter: no other value's */
		char *s = line + (found[c].s - line);
		s[found[c].n] = 0;
		out[c] = (struct zj_val){ s, found[c].kind, found[c].dot, found[c].exp };
	}
	return true;
}

void zeek_json_tree(const struct json *rec, const struct zj_names *names, struct zj_val *out)
{
	for (int c = 0; c < names->n; c++) {
		const struct json *j = json_get(rec, names->name[c]);
		if (j && j->type == JSON_ARRAY) j = j->first; /* cert_chain_fps: the leaf first */
		out[c] = (struct zj_val){ NULL, ZJ_NONE, false, false };
		if (j && j->type == JSON_STRING) out[c] = (struct zj_val){ j->str, ZJ_STRING, false, false };
		if (j && j->type == JSON_NUMBER)
			out[c] = (struct zj_val){ j->str, ZJ_NUMBER, strchr(j->str, '.') != NULL,
						  strchr(j->str, 'e') != NULL };
	}
}
