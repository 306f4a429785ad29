/* CPE 2.3 bindings and matching, written from NISTIR 7695 and 7696. */
#include "model/cpe.h"
#include "base/err.h"
#include "base/util.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

void cpe_init(struct cpe *c)
{
	for (int i = 0; i < CPE_NATTR; i++) snprintf(c->v[i], sizeof(c->v[i]), "*");
}

/* Characters the formatted string quotes with a backslash (NISTIR 7695 6.2):
 * everything but letters, digits and '_'; '-' and '.' are quoted only
 * where they could be misread, which in practice (NVD) they are not. */
static bool needs_quote(unsigned char ch) { return !isalnum(ch) && ch != '_' && ch != '-' && ch != '.'; }

void cpe_set(struct cpe *c, enum cpe_attr a, const char *text)
{
	char *out = c->v[a];
	size_t n = sizeof(c->v[a]), w = 0;
	if (!text || !*text) {
		snprintf(out, n, "*");
		return;
	}
	for (; *text && w + 2 < n; text++) {
		unsigned char ch = (unsigned char)*text;
		if (ch == ' ') ch = '_';
		if (needs_quote(ch)) out[w++] = '\\';
		out[w++] = (char)tolower(ch);
	}
	out[w] = 0;
}

static int parse_fs(const char *s, struct cpe *c)
{
	int a = 0;
	size_t w = 0;
	for (const char *p = s;; p++) {
		if (*p == '\\') {
			if (!p[1] || (unsigned char)p[1] < 0x20 || w + 2 >= sizeof(c->v[0])) return DM_EINPUT;
			c->v[a][w++] = '\\';
			c->v[a][w++] = (char)tolower((unsigned char)*++p);
			continue;
		}
		if (*p == ':' || *p == 0) {
			c->v[a][w] = 0;
			if (w == 0) return DM_EINPUT;
			a++;
			w = 0;
			if (*p == 0) break;
			if (a == CPE_NATTR) return DM_EINPUT;
			continue;
		}
		if (w + 1 >= sizeof(c->v[0]) || (unsigned char)*p < 0x20 || *p == 0x7f) return DM_EINPUT;
		c->v[a][w++] = (char)tolower((unsigned char)*p);
	}
	return a == CPE_NATTR ? 0 : DM_EINPUT;
}

static int hexval(char h)
{
	return isdigit((unsigned char)h)    ? h - '0'
	       : isxdigit((unsigned char)h) ? tolower((unsigned char)h) - 'a' + 10
					    : -1;
}

/* URI binding: cpe:/part:vendor:product:version:update:edition:language,
 * percent-encoded; missing trailing components are ANY; empty ones too. */
static int parse_uri(const char *s, struct cpe *c)
{
	cpe_init(c);
	int a = 0;
	char tmp[128];
	size_t w = 0;
	for (const char *p = s;; p++) {
		if (*p == ':' || *p == 0) {
			tmp[w] = 0;
			if (a > CPE_LANGUAGE) return DM_EINPUT;
			if (w == 0)
				snprintf(c->v[a], sizeof(c->v[a]), "*");
			else if (!strcmp(tmp, "-"))
				snprintf(c->v[a], sizeof(c->v[a]), "-");
			else {
				/* tmp holds raw characters; quote them as the formatted string does */
				size_t o = 0;
				for (size_t i = 0; i < w && o + 2 < sizeof(c->v[a]); i++) {
					unsigned char ch = (unsigned char)tmp[i];
					if (needs_quote(ch)) c->v[a][o++] = '\\';
					c->v[a][o++] = (char)tolower(ch);
				}
				c->v[a][o] = 0;
			}
			a++;
			w = 0;
			if (*p == 0) break;
			continue;
		}
		char ch = *p;
		if (ch == '%') {
			int h = hexval(p[1]), l = h >= 0 ? hexval(p[2]) : -1;
			if (l < 0) return DM_EINPUT;
			ch = (char)(h * 16 + l);
			p += 2;
		}
		if ((unsigned char)ch < 0x20 || ch == 0x7f) return DM_EINPUT; /* names are printable */
		if (w + 1 >= sizeof(tmp)) return DM_EINPUT;
		tmp[w++] = ch;
	}
	return a >= 3 ? 0 : DM_EINPUT;
}

int cpe_parse(const char *s, struct cpe *c)
{
	int r;
	memset(c, 0, sizeof(*c));
	if (!strncmp(s, "cpe:2.3:", 8))
		r = parse_fs(s + 8, c);
	else if (!strncmp(s, "cpe:/", 5))
		r = parse_uri(s + 5, c);
	else
		return DM_EINPUT;
	if (r < 0) return r;
	if (strcmp(c->v[CPE_PART], "a") && strcmp(c->v[CPE_PART], "o") && strcmp(c->v[CPE_PART], "h") &&
	    strcmp(c->v[CPE_PART], "*"))
		return DM_EINPUT;
	return 0;
}

void cpe_format(const struct cpe *c, char *out, size_t n)
{
	size_t w = (size_t)snprintf(out, n, "cpe:2.3");
	for (int i = 0; i < CPE_NATTR && w < n; i++) w += (size_t)snprintf(out + w, n - w, ":%s", c->v[i]);
}

void cpe_format_uri(const struct cpe *c, char *out, size_t n)
{
	int last = CPE_PRODUCT;
	for (int i = CPE_VERSION; i <= CPE_UPDATE; i++)
		if (strcmp(c->v[i], "*")) last = i;
	size_t w = (size_t)snprintf(out, n, "cpe:/");
	for (int i = CPE_PART; i <= last && w + 1 < n; i++) {
		if (i) out[w++] = ':';
		for (const char *p = c->v[i]; *p && w + 4 < n; p++) {
			if (*p == '\\') p++; /* unquote; URI-unsafe characters are rare in names */
			if (!strcmp(c->v[i], "*")) break;
			out[w++] = *p;
		}
	}
	out[MIN(w, n - 1)] = 0;
}

static bool is_any(const char *v) { return !strcmp(v, "*"); }
static bool is_na(const char *v) { return !strcmp(v, "-"); }

static bool has_wildcard(const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' && v[1]) {
			v++;
			continue;
		}
		if (*v == '*' || *v == '?') return true;
	}
	return false;
}

/* Glob over quoted values: unquoted '*' any run, '?' one character. */
static bool glob(const char *pat, const char *s)
{
	if (!*pat) return !*s;
	if (*pat == '*') {
		for (const char *t = s;; t++) {
			if (glob(pat + 1, t)) return true;
			if (!*t) return false;
			if (*t == '\\' && t[1]) t++;
		}
	}
	if (!*s) return false;
	size_t sl = (*s == '\\' && s[1]) ? 2 : 1;
	if (*pat == '?') return glob(pat + 1, s + sl);
	size_t pl = (*pat == '\\' && pat[1]) ? 2 : 1;
	if (pl != sl || strncmp(pat, s, pl)) return false;
	return glob(pat + pl, s + sl);
}

enum cpe_relation cpe_compare_attr(const char *src, const char *tgt)
{
	if (is_any(src)) return is_any(tgt) ? CPE_EQUAL : has_wildcard(tgt) ? CPE_DISJOINT : CPE_SUPERSET;
	if (is_na(src)) return is_any(tgt) ? CPE_SUBSET : is_na(tgt) ? CPE_EQUAL : CPE_DISJOINT;
	if (is_any(tgt)) return CPE_SUBSET;
	if (is_na(tgt)) return CPE_DISJOINT;
	if (has_wildcard(tgt)) return CPE_DISJOINT; /* undefined in 7696 */
	if (has_wildcard(src)) return glob(src, tgt) ? CPE_SUPERSET : CPE_DISJOINT;
	return !strcmp(src, tgt) ? CPE_EQUAL : CPE_DISJOINT;
}

bool cpe_matches(const struct cpe *source, const struct cpe *target)
{
	for (int i = 0; i < CPE_NATTR; i++) {
		enum cpe_relation r = cpe_compare_attr(source->v[i], target->v[i]);
		if (r != CPE_SUPERSET && r != CPE_EQUAL) return false;
	}
	return true;
}

void cpe_unquote(const char *v, char *out, size_t n)
{
	size_t w = 0;
	for (; *v && w + 1 < n; v++) {
		if (*v == '\\' && v[1]) v++;
		out[w++] = *v;
	}
	if (n) out[w] = 0;
}
