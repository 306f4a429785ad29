/* Tokenised version comparison. */
#include "vuln/version.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct tok {
	bool num;
	unsigned long long n;
	const char *s;
	size_t len;
};

static const char *skip_epoch(const char *v)
{
	const char *c = strchr(v, ':');
	if (!c) return v;
	for (const char *p = v; p < c; p++)
		if (!isdigit((unsigned char)*p)) return v;
	return c + 1;
}

/* Next token of a version: a run of digits or of letters; separators skipped. */
static bool next_tok(const char **pp, struct tok *t)
{
	const char *p = *pp;
	while (*p && !isalnum((unsigned char)*p)) p++;
	if (!*p) return false;
	t->s = p;
	if (isdigit((unsigned char)*p)) {
		t->num = true;
		t->n = 0;
		while (isdigit((unsigned char)*p)) {
			if (t->n < 1000000000000ULL) t->n = t->n * 10 + (unsigned)(*p - '0');
			p++;
		}
	} else {
		t->num = false;
		while (isalpha((unsigned char)*p)) p++;
	}
	t->len = (size_t)(p - t->s);
	*pp = p;
	return true;
}

/* Pre-release words rank below the release; 0 means not a pre-release. */
static int pre_rank(const struct tok *t)
{
	static const char *const words[] = {
		"dev", "snapshot", "alpha", "beta", "pre", "preview", "rc", "cr"
	};
	for (int i = 0; i < 8; i++)
		if (t->len == strlen(words[i]) && !strncasecmp(t->s, words[i], t->len)) return i + 1;
	return 0;
}

int version_cmp(const char *a, const char *b)
{
	a = skip_epoch(a);
	b = skip_epoch(b);
	for (;;) {
		struct tok x, y;
		bool hx = next_tok(&a, &x), hy = next_tok(&b, &y);
		if (!hx && !hy) return 0;
		if (!hx || !hy) {
			/* one ran out: trailing zeros are nothing, a pre-release is less,
			 * anything else (.1, p1, k) is more */
			const struct tok *t = hx ? &x : &y;
			int sign = hx ? 1 : -1;
			if (t->num && t->n == 0) {
				const char **rest = hx ? &a : &b;
				struct tok z;
				bool more = false;
				while (next_tok(rest, &z))
					if (!z.num || z.n) more = true;
				if (!more) return 0;
				return sign;
			}
			return pre_rank(t) ? -sign : sign;
		}
		if (x.num && y.num) {
			if (x.n != y.n) return x.n < y.n ? -1 : 1;
			continue;
		}
		if (x.num != y.num) {
			/* 1.0.1 vs 1.0rc1: the number is a release, the word before it */
			const struct tok *w = x.num ? &y : &x;
			int sign = x.num ? 1 : -1;
			return pre_rank(w) ? sign : -sign;
		}
		int px = pre_rank(&x), py = pre_rank(&y);
		if (px || py) {
			if (px != py) return (px ? px : 100) < (py ? py : 100) ? -1 : 1;
			continue;
		}
		size_t l = x.len < y.len ? x.len : y.len;
		int c = strncasecmp(x.s, y.s, l);
		if (c) return c < 0 ? -1 : 1;
		if (x.len != y.len) return x.len < y.len ? -1 : 1;
	}
}

int version_cmp_update(const char *va, const char *ua, const char *vb, const char *ub)
{
	char a[160], b[160];
	bool nua = !ua || !*ua || !strcmp(ua, "*") || !strcmp(ua, "-");
	bool nub = !ub || !*ub || !strcmp(ub, "*") || !strcmp(ub, "-");
	snprintf(a, sizeof(a), "%s%s%s", va, nua ? "" : ".", nua ? "" : ua);
	snprintf(b, sizeof(b), "%s%s%s", vb, nub ? "" : ".", nub ? "" : ub);
	return version_cmp(a, b);
}
