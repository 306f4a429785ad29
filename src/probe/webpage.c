/* The parser behind struct webpage: HTTP headers and Set-Cookie, a chunked
 * body joined, and a tag scanner over the HTML for <title>, <meta> and
 * <script src>. Not an HTML parser: the rules need only these tags, and a
 * scanner that never looks back cannot be made slow by hostile markup. */
#include "probe/webpage.h"
#include "base/util.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_clean(const char *s, size_t n, bool lower)
{
	while (n && isspace((unsigned char)*s)) s++, n--;
	while (n && isspace((unsigned char)s[n - 1])) n--;
	if (n > WEBPAGE_MAX_VALUE) n = WEBPAGE_MAX_VALUE;
	char *d = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		d[i] = c < 0x20 || c == 0x7f ? ' ' : lower ? (char)tolower(c) : (char)c;
	}
	d[n] = 0;
	return d;
}

static const char *find_ci(const char *h, size_t hl, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= hl; i++)
		if (!strncasecmp(h + i, needle, nl)) return h + i;
	return NULL;
}

/* Entities the rules' texts meet in titles and attributes. */
static size_t decode_entities(char *s)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' },  { "&lt;", '<' },   { "&gt;", '>' },   { "&quot;", '"' },
		     { "&#39;", '\'' }, { "&nbsp;", ' ' }, { "&#x27;", '\'' } };
	size_t w = 0;
	for (size_t r = 0; s[r];) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(ents); i++) {
			size_t l = strlen(ents[i].ent);
			if (!strncasecmp(s + r, ents[i].ent, l)) {
				s[w++] = ents[i].c;
				r += l;
				break;
			}
		}
		if (i == ARRAY_SIZE(ents)) s[w++] = s[r++];
	}
	s[w] = 0;
	return w;
}

/* Attribute name of the tag at [p, end) into value; false if absent. */
static bool attr(const char *p, const char *end, const char *name, const char **v, size_t *vl)
{
	size_t nl = strlen(name);
	while (p < end) {
		while (p < end && (isspace((unsigned char)*p) || *p == '/')) p++;
		const char *an = p;
		while (p < end && !isspace((unsigned char)*p) && *p != '=' && *p != '/') p++;
		size_t al = (size_t)(p - an);
		while (p < end && isspace((unsigned char)*p)) p++;
		const char *val = "";
		size_t len = 0;
		if (p < end && *p == '=') {
			p++;
			while (p < end && isspace((unsigned char)*p)) p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				char q = *p++;
				val = p;
				while (p < end && *p != q) p++;
				len = (size_t)(p - val);
				if (p < end) p++;
			} else {
				val = p;
				while (p < end && !isspace((unsigned char)*p)) p++;
				len = (size_t)(p - val);
			}
		}
		if (al == nl && !strncasecmp(an, name, nl)) {
			*v = val, *vl = len;
			return true;
		}
		if (!al && p < end && *p != '=') p++; /* stray character: move on */
	}
	return false;
}

static void title_of(struct webpage *pg, const char *gt, const char *end)
{
	const char *close = find_ci(gt, (size_t)(end - gt), "</title");
	size_t tl = close ? (size_t)(close - gt) : MIN((size_t)(end - gt), 512);
	size_t w = 0;
	bool space = true;
	for (size_t i = 0; i < tl && w + 1 < sizeof(pg->title); i++) {
		unsigned char c = (unsigned char)gt[i];
		if (isspace(c)) {
			if (!space) pg->title[w++] = ' ';
			space = true;
		} else if (c >= 0x20) {
			pg->title[w++] = (char)c;
			space = false;
		}
	}
	while (w && pg->title[w - 1] == ' ') w--;
	pg->title[w] = 0;
	/* entities stay as sent: Recog's html_title expressions expect them ("&nbsp;") */
}

/* An inline script's text, appended to pg->inline_js (bounded in total). */
static void add_inline(struct webpage *pg, const char *from, const char *end)
{
	const char *close = find_ci(from, (size_t)(end - from), "</script");
	size_t l = close ? (size_t)(close - from) : (size_t)(end - from);
	size_t room = WEBPAGE_MAX_INLINE_JS - pg->inline_js_len;
	if (!l || !room) return;
	if (l > room) l = room;
	pg->inline_js = xrealloc(pg->inline_js, pg->inline_js_len + l + 2);
	memcpy(pg->inline_js + pg->inline_js_len, from, l);
	pg->inline_js_len += l;
	pg->inline_js[pg->inline_js_len++] = '\n';
	pg->inline_js[pg->inline_js_len] = 0;
}

static void scan_html(struct webpage *pg)
{
	const char *h = pg->html, *end = h + pg->html_len;
	for (const char *p = memchr(h, '<', pg->html_len); p && p + 1 < end;
	     p = memchr(p + 1, '<', (size_t)(end - p - 1))) {
		const char *t = p + 1, *gt = memchr(t, '>', (size_t)(end - t));
		if (!gt) break;
		const char *v;
		size_t vl;
		if (!strncasecmp(t, "title", 5) && (t[5] == '>' || isspace((unsigned char)t[5]))) {
			if (!pg->title[0]) title_of(pg, gt + 1, end);
		} else if (!strncasecmp(t, "meta", 4) && isspace((unsigned char)t[4]) &&
			   pg->n_meta < WEBPAGE_MAX_META) {
			const char *cv;
			size_t cl;
			if (!attr(t + 4, gt, "content", &cv, &cl)) continue;
			if (attr(t + 4, gt, "http-equiv", &v, &vl) && vl == 7 &&
			    !strncasecmp(v, "refresh", 7) && !pg->location[0]) {
				/* content="0; url=/login.html" */
				const char *u = find_ci(cv, cl, "url=");
				if (u) {
					char *l = dup_clean(u + 4, cl - (size_t)(u + 4 - cv), false);
					char *q = l;
					if (*q == '\'' || *q == '"') q++;
					q[strcspn(q, "'\"")] = 0;
					snprintf(pg->location, sizeof(pg->location), "%s", q);
					free(l);
				}
				continue;
			}
			if (!attr(t + 4, gt, "name", &v, &vl) && !attr(t + 4, gt, "property", &v, &vl))
				continue;
			struct webpage_kv *kv = &pg->meta[pg->n_meta++];
			kv->name = dup_clean(v, vl, true);
			kv->value = dup_clean(cv, cl, false);
			decode_entities(kv->value);
		} else if (!strncasecmp(t, "script", 6) && (isspace((unsigned char)t[6]) || t[6] == '>')) {
			if (attr(t + 6, gt, "src", &v, &vl) && vl) {
				if (pg->n_scripts < WEBPAGE_MAX_SCRIPTS) {
					pg->scripts[pg->n_scripts] = dup_clean(v, vl, false);
					decode_entities(pg->scripts[pg->n_scripts++]);
				}
			} else {
				add_inline(pg, gt + 1, end);
			}
		}
	}
}

void webpage_parse_html(const uint8_t *data, size_t len, struct webpage *pg)
{
	memset(pg, 0, sizeof(*pg));
	pg->status = 200;
	pg->html = xmalloc(len + 1);
	memcpy(pg->html, data, len);
	pg->html[len] = 0;
	pg->html_len = len;
	scan_html(pg);
}

/* Joins a chunked body's chunks (what arrived of them). */
static size_t dechunk(const char *in, size_t len, char *out)
{
	size_t r = 0, w = 0;
	while (r < len) {
		char *e;
		char num[20];
		size_t nl = MIN(len - r, sizeof(num) - 1);
		memcpy(num, in + r, nl);
		num[nl] = 0;
		unsigned long n = strtoul(num, &e, 16);
		if (e == num) break;
		const char *lf = memchr(in + r, '\n', len - r);
		if (!lf || n == 0) break;
		r = (size_t)(lf - in) + 1;
		if (n > len - r) n = len - r;
		memcpy(out + w, in + r, n);
		w += n, r += n;
		if (r < len && in[r] == '\r') r++;
		if (r < len && in[r] == '\n') r++;
	}
	return w;
}

int webpage_parse_http(const uint8_t *data, size_t len, struct webpage *pg)
{
	memset(pg, 0, sizeof(*pg));
	const char *p = (const char *)data;
	if (len < 12 || strncmp(p, "HTTP/", 5)) return -1;
	const char *sp = memchr(p, ' ', MIN(len, 16));
	if (!sp || (size_t)(sp - p) + 4 > len || !isdigit((unsigned char)sp[1]) ||
	    !isdigit((unsigned char)sp[2]) || !isdigit((unsigned char)sp[3]))
		return -1;
	pg->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	size_t hlen = len;
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] == '\n' &&
		    (p[i + 1] == '\n' || (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n'))) {
			hlen = i + (p[i + 1] == '\n' ? 2 : 3);
			break;
		}
	}
	bool chunked = false;
	for (const char *line = memchr(p, '\n', hlen); line && line < p + hlen;
	     line = memchr(line, '\n', (size_t)(p + hlen - line))) {
		line++;
		const char *eol = memchr(line, '\n', (size_t)(p + hlen - line));
		size_t ll = eol ? (size_t)(eol - line) : (size_t)(p + hlen - line);
		const char *colon = memchr(line, ':', ll);
		if (!colon || colon == line) continue;
		size_t nl = (size_t)(colon - line), vl = ll - nl - 1;
		const char *v = colon + 1;
		if (nl == 10 && !strncasecmp(line, "Set-Cookie", 10)) {
			const char *eq = memchr(v, '=', vl), *semi = memchr(v, ';', vl);
			if (eq && (!semi || eq < semi) && pg->n_cookies < WEBPAGE_MAX_COOKIES) {
				struct webpage_kv *c = &pg->cookies[pg->n_cookies++];
				c->name = dup_clean(v, (size_t)(eq - v), false);
				c->value = dup_clean(
				    eq + 1, semi ? (size_t)(semi - eq - 1) : (size_t)(v + vl - eq - 1),
				    false);
			}
		}
		if (nl == 17 && !strncasecmp(line, "Transfer-Encoding", 17) && find_ci(v, vl, "chunked"))
			chunked = true;
		if (nl == 8 && !strncasecmp(line, "Location", 8)) {
			char *l = dup_clean(v, vl, false);
			snprintf(pg->location, sizeof(pg->location), "%s", l);
			free(l);
		}
		if (pg->n_headers < WEBPAGE_MAX_HEADERS) {
			struct webpage_kv *h = &pg->headers[pg->n_headers++];
			h->name = dup_clean(line, nl, true);
			h->value = dup_clean(v, vl, false);
		}
	}
	size_t blen = len - hlen;
	pg->html = xmalloc(blen + 1);
	pg->html_len = chunked ? dechunk(p + hlen, blen, pg->html) : blen;
	if (!chunked) memcpy(pg->html, p + hlen, blen);
	pg->html[pg->html_len] = 0;
	scan_html(pg);
	return 0;
}

void webpage_free(struct webpage *pg)
{
	for (size_t i = 0; i < pg->n_headers; i++) free(pg->headers[i].name), free(pg->headers[i].value);
	for (size_t i = 0; i < pg->n_cookies; i++) free(pg->cookies[i].name), free(pg->cookies[i].value);
	for (size_t i = 0; i < pg->n_meta; i++) free(pg->meta[i].name), free(pg->meta[i].value);
	for (size_t i = 0; i < pg->n_scripts; i++) free(pg->scripts[i]);
	free(pg->html);
	free(pg->inline_js);
	memset(pg, 0, sizeof(*pg));
}

static const char *kv_get(const struct webpage_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].name, name)) return kv[i].value;
	return NULL;
}

const char *webpage_header(const struct webpage *p, const char *name)
{
	return kv_get(p->headers, p->n_headers, name);
}

const char *webpage_meta(const struct webpage *p, const char *name)
{
	return kv_get(p->meta, p->n_meta, name);
}
