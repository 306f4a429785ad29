/* Product alias rules read from a small CSV. */
#include "vuln/aliases.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
	size_t i = 0;
	while (isspace((unsigned char)s[i])) i++;
	memmove(s, s + i, n - i + 1);
}

int aliases_load(struct aliases *a, const char *path, struct dm_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	char line[512];
	unsigned ln = 0;
	int r = 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		ln++;
		trim(line);
		if (!line[0] || line[0] == '#') continue;
		char *kind = line, *from = strchr(kind, ','), *to = from ? strchr(from + 1, ',') : NULL;
		if (!to || strchr(to + 1, ',')) {
			r = dm_fail(e, DM_EINPUT, "%s:%u: expected kind,from,to", path, ln);
			break;
		}
		*from++ = 0;
		*to++ = 0;
		trim(kind);
		trim(from);
		trim(to);
		char k = !strcmp(kind, "name")     ? 'n'
			 : !strcmp(kind, "cpe")    ? 'c'
			 : !strcmp(kind, "update") ? 'u'
						   : 0;
		if (!k || !*from || !*to || strlen(from) >= 128 || strlen(to) >= 128 ||
		    (k != 'u' && !strchr(to, ':')) || (k == 'c' && !strchr(from, ':'))) {
			r = dm_fail(e, DM_EINPUT, "%s:%u: bad %s rule", path, ln, k ? kind : "kind of");
			break;
		}
		if (a->n == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 64;
			a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
		}
		struct alias_rule *ar = &a->v[a->n++];
		ar->kind = k;
		snprintf(ar->from, sizeof(ar->from), "%s", from);
		snprintf(ar->to, sizeof(ar->to), "%s", to);
	}
	fclose(f);
	aliases_index(a);
	return r;
}

static const struct aliases *sort_ctx;

static int by_name_cmp(const void *pa, const void *pb)
{
	size_t x = *(const size_t *)pa, y = *(const size_t *)pb;
	int c = strcasecmp(sort_ctx->v[x].from, sort_ctx->v[y].from);
	return c ? c : x < y ? -1 : x > y;
}

void aliases_index(struct aliases *a)
{
	free(a->by_name);
	a->by_name = xmalloc((a->n ? a->n : 1) * sizeof(*a->by_name));
	free(a->others);
	a->others = xmalloc((a->n ? a->n : 1) * sizeof(*a->others));
	a->n_by_name = a->n_others = 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].kind == 'n')
			a->by_name[a->n_by_name++] = i;
		else
			a->others[a->n_others++] = i;
	sort_ctx = a;
	qsort(a->by_name, a->n_by_name, sizeof(*a->by_name), by_name_cmp);
	sort_ctx = NULL;
	a->indexed = a->n;
}

void aliases_release(struct aliases *a)
{
	free(a->by_name);
	free(a->others);
	free(a->v);
	*a = (struct aliases){ 0 };
}

/* The cpe and update rules to look through: the index of them (a
 * linear scan of nmap's thousands of name rules was most of expanding a
 * product), or every rule when some were added since aliases_index(). */
static size_t n_other_rules(const struct aliases *a)
{
	return a->others && a->indexed == a->n ? a->n_others : a->n;
}

static const struct alias_rule *other_rule(const struct aliases *a, size_t i)
{
	return &a->v[a->others && a->indexed == a->n ? a->others[i] : i];
}

static bool has(const struct vuln_product *out, size_t n, const char *vp)
{
	char buf[260];
	for (size_t i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s:%s", out[i].vendor, out[i].product);
		if (!strcmp(buf, vp)) return true;
	}
	return false;
}

static bool push(struct vuln_product *out, size_t *n, size_t max, const char *vp)
{
	const char *colon = strchr(vp, ':');
	if (!colon || *n >= max || has(out, *n, vp)) return false;
	snprintf(out[*n].vendor, sizeof(out[*n].vendor), "%.*s", (int)(colon - vp), vp);
	snprintf(out[*n].product, sizeof(out[*n].product), "%s", colon + 1);
	(*n)++;
	return true;
}

size_t aliases_expand(const struct aliases *a, const char *vendor, const char *product,
		      struct vuln_product *out, size_t max)
{
	char vp[260];
	size_t n = 0;
	snprintf(vp, sizeof(vp), "%s:%s", vendor, product);
	push(out, &n, max, vp);
	/* Breadth first over the rules, both directions, until nothing new. */
	for (size_t i = 0; i < n; i++) {
		snprintf(vp, sizeof(vp), "%s:%s", out[i].vendor, out[i].product);
		for (size_t j = 0, nr = n_other_rules(a); j < nr; j++) {
			const struct alias_rule *r = other_rule(a, j);
			if (r->kind != 'c') continue;
			if (!strcmp(r->from, vp))
				push(out, &n, max, r->to);
			else if (!strcmp(r->to, vp))
				push(out, &n, max, r->from);
		}
	}
	return n;
}

const struct alias_rule *aliases_indexed_by_name(const struct aliases *a, const char *name)
{
	size_t lo = 0, hi = a->n_by_name; /* the first indexed rule not below name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcasecmp(a->v[a->by_name[mid]].from, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->n_by_name && !strcasecmp(a->v[a->by_name[lo]].from, name) ? &a->v[a->by_name[lo]]
										 : NULL;
}

const struct alias_rule *aliases_rule_by_name(const struct aliases *a, const char *name)
{
	if (a->by_name && a->indexed == a->n) return aliases_indexed_by_name(a, name);
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].kind == 'n' && !strcasecmp(a->v[i].from, name)) return &a->v[i];
	return NULL;
}

const char *aliases_by_name(const struct aliases *a, const char *name)
{
	const struct alias_rule *r = aliases_rule_by_name(a, name);
	return r ? r->to : NULL;
}

/* 7.7p1 -> 7.7 + p1 when the product's rule names the letters. */
static void split_update(const struct aliases *a, struct cpe *c)
{
	char vp[260];
	snprintf(vp, sizeof(vp), "%s:%s", c->v[CPE_VENDOR], c->v[CPE_PRODUCT]);
	if (strcmp(c->v[CPE_UPDATE], "*")) return;
	for (size_t i = 0, nr = n_other_rules(a); i < nr; i++) {
		const struct alias_rule *r = other_rule(a, i);
		if (r->kind != 'u' || strcmp(r->from, vp)) continue;
		char *v = c->v[CPE_VERSION];
		size_t ll = strlen(r->to);
		for (char *p = v + 1; *p; p++) {
			if (strncasecmp(p, r->to, ll) || !isdigit((unsigned char)p[ll]) ||
			    !isdigit((unsigned char)p[-1]))
				continue;
			char upd[64];
			snprintf(upd, sizeof(upd), "%s", p);
			*p = 0;
			cpe_set(c, CPE_UPDATE, upd);
			return;
		}
	}
}

bool aliases_subject(const struct aliases *a, const char *cpe23, const char *product, const char *version,
		     const char *update, struct cpe *ret)
{
	if (cpe23 && *cpe23 && cpe_parse(cpe23, ret) == 0) {
		if (version && *version && !strcmp(ret->v[CPE_VERSION], "*"))
			cpe_set(ret, CPE_VERSION, version);
		if (update && *update && !strcmp(ret->v[CPE_UPDATE], "*")) cpe_set(ret, CPE_UPDATE, update);
	} else {
		const struct alias_rule *rule = product && *product ? aliases_rule_by_name(a, product) : NULL;
		if (!rule) return false;
		const char *vp = rule->to;
		cpe_init(ret);
		cpe_set(ret, CPE_PART, rule->part == 'o' ? "o" : rule->part == 'h' ? "h" : "a");
		char vendor[128];
		snprintf(vendor, sizeof(vendor), "%.*s", (int)(strchr(vp, ':') - vp), vp);
		cpe_set(ret, CPE_VENDOR, vendor);
		cpe_set(ret, CPE_PRODUCT, strchr(vp, ':') + 1);
		if (version && *version) cpe_set(ret, CPE_VERSION, version);
		if (update && *update) cpe_set(ret, CPE_UPDATE, update);
	}
	if (!strcmp(ret->v[CPE_VERSION], "*") || !strcmp(ret->v[CPE_VERSION], "-")) return false;
	split_update(a, ret);
	return true;
}
