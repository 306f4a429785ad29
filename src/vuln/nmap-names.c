/* Builds product-name rules from nmap-service-probes (vuln/nmap-names.h):
 * each match or softmatch line's p/NAME/ and the first CPE on the line that
 * is the product's own, counted, the most frequent CPE per name kept. */
#include "vuln/nmap-names.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/util.h"

struct vote {
	char name[128]; /* as written, first seen */
	char vp[128];   /* vendor:product */
	char part;
	unsigned n;
};

struct votes {
	struct vote *v;
	size_t n, cap;
};

static void vote(struct votes *vs, const char *name, const char *vp, char part)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 1024;
		vs->v = xrealloc(vs->v, vs->cap * sizeof(*vs->v));
	}
	struct vote *v = &vs->v[vs->n++];
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->vp, sizeof(v->vp), "%s", vp);
	v->part = part;
	v->n = 1;
}

/* Name (case-insensitive), then CPE, then the order seen: equal pairs adjacent. */
static int vote_cmp(const void *pa, const void *pb)
{
	const struct vote *a = pa, *b = pb;
	int c = strcasecmp(a->name, b->name);
	if (!c) c = strcmp(a->vp, b->vp);
	return c;
}

/* A case-insensitive word of at least 3 letters shared by the name and the
 * CPE's vendor or product ('_' as a space): an OS or hardware CPE on a
 * line is the product's own only then ("MikroTik RouterOS" and
 * o:mikrotik:routeros, not "Foo httpd" and o:linux:linux_kernel). */
static bool shares_word(const char *name, const char *vp)
{
	char w[128];
	for (const char *p = vp; *p;) {
		size_t n = strcspn(p, ":_-. ");
		if (n >= 3 && n < sizeof(w)) {
			snprintf(w, sizeof(w), "%.*s", (int)n, p);
			if (strcasestr(name, w)) return true;
		}
		p += n + (p[n] != 0);
	}
	return false;
}

/* One field of a match line at *p ("p/x/", "cpe:/a:b:c/a", "i|x|"):
 * its tag letter ('c' for cpe), its text; false at the end or on garbage. */
static bool next_field(const char **p, const char *end, char *tag, char *out, size_t n)
{
	const char *s = *p;
	while (s < end && isspace((unsigned char)*s)) s++;
	if (s >= end) return false;
	if (end - s > 4 && !strncmp(s, "cpe:", 4)) {
		*tag = 'c';
		s += 4;
	} else if (isalpha((unsigned char)*s)) {
		*tag = *s++;
	} else
		return false;
	if (s >= end) return false;
	char d = *s++;
	const char *close = memchr(s, d, (size_t)(end - s));
	if (!close) return false;
	snprintf(out, n, "%.*s", (int)MIN((size_t)(close - s), n - 1), s);
	s = close + 1;
	while (s < end && isalpha((unsigned char)*s)) s++; /* flags: cpe's 'a' */
	*p = s;
	return true;
}

static void one_line(struct votes *vs, const char *s, const char *end)
{
	if (end - s > 6 && !strncmp(s, "match ", 6))
		s += 6;
	else if (end - s > 10 && !strncmp(s, "softmatch ", 10))
		s += 10;
	else
		return;
	while (s < end && *s != ' ' && *s != '\t') s++; /* the service name (a line is no string) */
	while (s < end && isspace((unsigned char)*s)) s++;
	if (end - s < 3 || *s != 'm') return;
	char d = s[1];
	const char *close = memchr(s + 2, d, (size_t)(end - s - 2));
	if (!close) return;
	s = close + 1;
	while (s < end && isalpha((unsigned char)*s)) s++; /* regex flags */
	char name[128] = "", field[256], tag;
	bool voted = false;
	while (!voted && next_field(&s, end, &tag, field, sizeof(field))) {
		if (tag == 'p') snprintf(name, sizeof(name), "%.127s", field);
		if (tag != 'c' || !name[0] || strchr(name, '$')) continue;
		/* "a:vendor:product[:version...]" */
		char part = field[0];
		if ((part != 'a' && part != 'o' && part != 'h') || field[1] != ':') continue;
		const char *v = field + 2, *c1 = strchr(v, ':');
		if (!c1 || c1 == v) continue;
		size_t pl = strcspn(c1 + 1, ":");
		if (!pl) continue;
		char vp[128];
		if ((size_t)(c1 - v) + 1 + pl >= sizeof(vp)) continue; /* no real CPE is that long */
		snprintf(vp, sizeof(vp), "%.*s", (int)((size_t)(c1 - v) + 1 + pl), v);
		if (strchr(vp, '$')) continue;
		if (part != 'a' && !shares_word(name, vp)) continue;
		vote(vs, name, vp, part);
		voted = true;
	}
}

int aliases_add_nmap_text(struct aliases *a, const char *text, size_t len)
{
	struct votes vs = { 0 };
	for (const char *s = text, *end = text + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		one_line(&vs, s, le);
		s = le + 1;
	}
	if (vs.n) qsort(vs.v, vs.n, sizeof(*vs.v), vote_cmp);
	size_t before = a->n;
	aliases_index(a); /* the rules loaded before: looked up while these are added */
	for (size_t i = 0; i < vs.n;) {
		/* one name's votes: the CPE with the most lines wins */
		size_t j = i, best = i, best_n = 0;
		while (j < vs.n && !strcasecmp(vs.v[j].name, vs.v[i].name)) {
			size_t k = j;
			while (k < vs.n && !strcasecmp(vs.v[k].name, vs.v[j].name) &&
			       !strcmp(vs.v[k].vp, vs.v[j].vp))
				k++;
			if (k - j > best_n) best_n = k - j, best = j;
			j = k;
		}
		const struct vote *w = &vs.v[best];
		i = j;
		/* a name already ruled (aliases.csv): that rule stays first */
		if (aliases_indexed_by_name(a, w->name)) continue;
		if (a->n == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 64;
			a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
		}
		struct alias_rule *ar = &a->v[a->n++];
		*ar = (struct alias_rule){ .kind = 'n', .part = w->part };
		snprintf(ar->from, sizeof(ar->from), "%s", w->name);
		snprintf(ar->to, sizeof(ar->to), "%s", w->vp);
	}
	free(vs.v);
	aliases_index(a);
	return (int)(a->n - before);
}

int aliases_load_nmap(struct aliases *a, const char *path, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	int r = buf_read_file(&b, path, 64u << 20, "an nmap service probe file", e);
	if (r == 0) r = aliases_add_nmap_text(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return r;
}

int aliases_load_nmap_opt(struct aliases *a, const char *path, struct dm_err *e)
{
	if (path) return aliases_load_nmap(a, path, e);
	if (access(NMAP_PROBES_DEFAULT_PATH, F_OK) < 0 && errno == ENOENT) return 0; /* nmap not installed */
	return aliases_load_nmap(a, NMAP_PROBES_DEFAULT_PATH, e);
}
