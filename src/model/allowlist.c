/* The site policy's allowlist entries: parsing their keys and matching a
 * flow or a finding against them (allowlist.h). */
#include "model/allowlist.h"
#include "base/util.h"
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static struct allow_entry *entry_of(struct allowlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name)) return &l->v[i];
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct allow_entry *a = &l->v[l->n++];
	*a = (struct allow_entry){ 0 };
	snprintf(a->name, sizeof(a->name), "%s", name);
	return a;
}

/* "a, b ,c" as "a,b,c" into out; false when it does not fit. */
static bool set_list(char *out, size_t n, const char *value, bool upper)
{
	size_t k = 0;
	for (const char *p = value; *p; p++) {
		if (*p == ' ' || *p == '\t') continue;
		if (k + 1 >= n) return false;
		out[k++] = upper && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
	}
	out[k] = 0;
	return true;
}

static int parse_ports(struct allow_entry *a, const char *value, struct dm_err *e)
{
	char *copy = xstrdup(value), *save = NULL;
	int r = 0;
	for (char *t = strtok_r(copy, ", \t", &save); t && !r; t = strtok_r(NULL, ", \t", &save)) {
		char *end;
		long p = strtol(t, &end, 10);
		if (*end || p < 1 || p > 65535)
			r = dm_fail(e, DM_EINPUT, "port \"%.20s\": expected 1-65535", t);
		else if (a->n_ports == ALLOW_MAX_PORTS)
			r = dm_fail(e, DM_EINPUT, "at most %d ports an entry", ALLOW_MAX_PORTS);
		else
			a->ports[a->n_ports++] = (uint16_t)p;
	}
	free(copy);
	return r;
}

static int parse_date(const char *value, double *ret, struct dm_err *e)
{
	struct tm tm = { 0 };
	const char *end = strptime(value, "%Y-%m-%d", &tm);
	if (!end || *end) return dm_fail(e, DM_EINPUT, "expires \"%.40s\": expected YYYY-MM-DD", value);
	*ret = (double)timegm(&tm) + 86400; /* through the end of that day */
	return 0;
}

int allowlist_set(struct allowlist *l, const char *entry, const char *key, const char *value,
		  struct dm_err *e)
{
	if (!*entry || strlen(entry) >= sizeof(l->v->name))
		return dm_fail(e, DM_EINPUT, "allow entry name \"%.80s\": 1-63 characters", entry);
	struct allow_entry *a = entry_of(l, entry);
	if (!key) return 0;
	if (!strcmp(key, "rule") || !strcmp(key, "rules")) {
		if (!set_list(a->rules, sizeof(a->rules), value, false))
			return dm_fail(e, DM_EINPUT, "rule: too long");
		if (!strcmp(a->rules, "*")) a->rules[0] = 0;
	} else if (!strcmp(key, "host")) {
		return cidr_list_parse(&a->hosts, value, "host", e);
	} else if (!strcmp(key, "dst")) {
		return cidr_list_parse(&a->dsts, value, "dst", e);
	} else if (!strcmp(key, "name") || !strcmp(key, "sni")) {
		if (!set_list(a->names, sizeof(a->names), value, false))
			return dm_fail(e, DM_EINPUT, "name: too long");
	} else if (!strcmp(key, "country")) {
		if (!set_list(a->countries, sizeof(a->countries), value, true))
			return dm_fail(e, DM_EINPUT, "country: too long");
	} else if (!strcmp(key, "port")) {
		return parse_ports(a, value, e);
	} else if (!strcmp(key, "reason")) {
		snprintf(a->reason, sizeof(a->reason), "%s", value);
	} else if (!strcmp(key, "expires")) {
		return parse_date(value, &a->expires, e);
	} else {
		return dm_fail(e, DM_EINPUT, "unknown key \"%.40s\" in [allow %s]", key, entry);
	}
	return 0;
}

int allowlist_check(const struct allowlist *l, struct dm_err *e)
{
	for (size_t i = 0; i < l->n; i++)
		if (!*l->v[i].reason)
			return dm_fail(e, DM_EINPUT, "[allow %s] has no reason (say why it is allowed)",
				       l->v[i].name);
	return 0;
}

void allowlist_release(struct allowlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		cidr_list_release(&l->v[i].hosts);
		cidr_list_release(&l->v[i].dsts);
	}
	free(l->v);
	*l = (struct allowlist){ 0 };
}

/* Whether item is one of the comma-separated list (globs when glob). */
static bool in_list(const char *list, const char *item, bool glob)
{
	const char *p = list;
	char one[256];
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = 0;
			if (glob ? fnmatch(one, item, FNM_CASEFOLD) == 0 : strcasecmp(one, item) == 0)
				return true;
		}
		p += n + (p[n] == ',');
	}
	return false;
}

bool allow_entry_live(const struct allow_entry *e, const char *rule, double now)
{
	return (!e->expires || now < e->expires) && (!*e->rules || in_list(e->rules, rule, false));
}

bool allow_entry_matches(const struct allow_entry *e, const struct allow_subject *s)
{
	if (e->hosts.n && (!s->host || !cidr_list_contains(&e->hosts, s->host))) return false;
	if (e->dsts.n && (!s->dst || !cidr_list_contains(&e->dsts, s->dst))) return false;
	if (*e->names && (!s->name || !in_list(e->names, s->name, true))) return false;
	if (*e->countries && (!s->country || !*s->country || !in_list(e->countries, s->country, false)))
		return false;
	if (e->n_ports) {
		size_t k = 0;
		while (k < e->n_ports && e->ports[k] != s->port) k++;
		if (k == e->n_ports) return false;
	}
	return true;
}

const struct allow_entry *allowlist_match(const struct allowlist *l, const struct allow_subject *s,
					  double now)
{
	for (size_t i = 0; i < l->n; i++)
		if (allow_entry_live(&l->v[i], s->rule, now) && allow_entry_matches(&l->v[i], s))
			return &l->v[i];
	return NULL;
}
