/* Asset identity: the keys a host is followed by and the matcher of two
 * runs. Keys are grouped by sorting (a /16 of hosts is not compared pair
 * by pair); a key shared by two hosts of one run, or a host with two
 * candidates, links nothing: a wrong link would hide a host that is gone. */
#include "model/identity.h"
#include "base/util.h"
#include "net/oui.h"
#include "net/route.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ident_name_norm(const char *name, char *out)
{
	size_t n = 0;
	out[0] = '\0';
	if (!name) return;
	for (const char *p = name; *p && *p != '.'; p++) {
		unsigned char c = (unsigned char)*p;
		if (!isalnum(c) && c != '-' && c != '_') return (void)(out[0] = '\0');
		if (n + 1 >= IDENT_NAME_MAX) return (void)(out[0] = '\0');
		out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
}

void ident_set_add(struct ident_set *s, const struct ident_obs *o)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	struct ident_obs *d = &s->v[s->n++];
	*d = *o;
	ident_name_norm(o->hostname, d->hostname);
	if (d->has_mac) d->mac_local = oui_mac_is_local(d->mac);
}

const struct ident_obs *ident_set_find(const struct ident_set *s, const struct ipaddr *ip)
{
	for (size_t i = 0; i < s->n; i++)
		if (!ipaddr_cmp(&s->v[i].ip, ip)) return &s->v[i];
	return NULL;
}

void ident_set_release(struct ident_set *s)
{
	free(s->v);
	*s = (struct ident_set){ 0 };
}

static bool global_mac(const struct ident_obs *o) { return o->has_mac && !o->mac_local; }

/* "mac:aa:bb:..", lower case as leases and the register write MACs */
static void mac_key(const uint8_t mac[6], char out[IDENT_KEY_MAX])
{
	char m[18];
	mac_fmt(mac, m, sizeof(m));
	for (char *p = m; *p; p++) *p = (char)tolower((unsigned char)*p);
	snprintf(out, IDENT_KEY_MAX, "mac:%s", m);
}

void ident_key(const struct ident_obs *o, char out[IDENT_KEY_MAX])
{
	out[0] = '\0';
	if (global_mac(o))
		mac_key(o->mac, out);
	else if (o->hostname[0])
		snprintf(out, IDENT_KEY_MAX, "name:%s", o->hostname);
	else if (o->cert[0])
		snprintf(out, IDENT_KEY_MAX, "cert:%s", o->cert);
	else if (o->snmp_engine[0])
		snprintf(out, IDENT_KEY_MAX, "snmp:%s", o->snmp_engine);
	else if (o->ssh_key[0])
		snprintf(out, IDENT_KEY_MAX, "ssh:%s", o->ssh_key);
}

void ident_by_fmt(unsigned by, char out[IDENT_BY_MAX])
{
	static const char *const names[] = { "mac", "hostname", "cert", "snmp", "ssh" };
	size_t w = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (by & 1u << i)
			w += (size_t)snprintf(out + w, IDENT_BY_MAX - w, "%s%s", w ? "," : "", names[i]);
}

bool ident_engine_hex(const uint8_t *id, size_t len, char out[IDENT_ENGINE_MAX])
{
	out[0] = '\0';
	if (len < 5 || len > 32) return false;
	size_t same = 1;
	while (same < len && id[same] == id[0]) same++;
	if (same == len) return false;
	/* RFC 3411: with the high bit set, the fifth byte says what follows
	 * the enterprise number; 1 and 2 are the agent's own address */
	if (id[0] & 0x80 && (id[4] == 1 || id[4] == 2)) return false;
	for (size_t i = 0; i < len; i++) snprintf(out + 2 * i, 3, "%02x", id[i]);
	return true;
}

/* One key of one host: its MAC, and its name (a host may give both). */
struct entry {
	char key[IDENT_KEY_MAX];
	unsigned by;
	bool cur; /* of the later run */
	size_t idx;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (int)x->cur - (int)y->cur;
}

static int link_cmp(const void *a, const void *b)
{
	const struct ident_link *x = a, *y = b;
	if (x->cur != y->cur) return x->cur < y->cur ? -1 : 1;
	return x->prev < y->prev ? -1 : x->prev > y->prev;
}

static size_t add_entries(struct entry *v, size_t n, const struct ident_set *s, bool cur)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct ident_obs *o = &s->v[i];
		if (global_mac(o)) {
			v[n] = (struct entry){ .by = IDENT_BY_MAC, .cur = cur, .idx = i };
			mac_key(o->mac, v[n++].key);
		}
		if (o->hostname[0]) {
			v[n] = (struct entry){ .by = IDENT_BY_NAME, .cur = cur, .idx = i };
			snprintf(v[n++].key, IDENT_KEY_MAX, "name:%s", o->hostname);
		}
		if (o->cert[0]) {
			v[n] = (struct entry){ .by = IDENT_BY_CERT, .cur = cur, .idx = i };
			snprintf(v[n++].key, IDENT_KEY_MAX, "cert:%.64s", o->cert);
		}
		if (o->snmp_engine[0]) {
			v[n] = (struct entry){ .by = IDENT_BY_SNMP, .cur = cur, .idx = i };
			snprintf(v[n++].key, IDENT_KEY_MAX, "snmp:%.64s", o->snmp_engine);
		}
		if (o->ssh_key[0]) {
			v[n] = (struct entry){ .by = IDENT_BY_SSH, .cur = cur, .idx = i };
			snprintf(v[n++].key, IDENT_KEY_MAX, "ssh:%.51s", o->ssh_key);
		}
	}
	return n;
}

/* The candidate pairs: a key held by exactly one host in each run. A pair
 * at one address marks both hosts as staying. */
static size_t candidates(const struct entry *v, size_t n, const struct ident_set *prev,
			 const struct ident_set *cur, bool *stay_p, bool *stay_c, struct ident_link *out)
{
	size_t k = 0;
	for (size_t i = 0, j; i < n; i = j) {
		size_t np = 0, nc = 0;
		for (j = i; j < n && !strcmp(v[j].key, v[i].key); j++) v[j].cur ? nc++ : np++;
		if (np != 1 || nc != 1) continue;
		const struct entry *p = &v[i], *c = &v[i + 1];
		const struct ident_obs *po = &prev->v[p->idx], *co = &cur->v[c->idx];
		if (!ipaddr_cmp(&po->ip, &co->ip)) {
			stay_p[p->idx] = stay_c[c->idx] = true;
			continue;
		}
		/* two different burnt-in MACs are two devices, whatever their names */
		if (global_mac(po) && global_mac(co) && memcmp(po->mac, co->mac, 6)) continue;
		/* a certificate, a host key or an agent's configuration is copied
		 * between hosts more often than a name is reused: two names say two
		 * devices */
		if (p->by & (IDENT_BY_CERT | IDENT_BY_SNMP | IDENT_BY_SSH) && po->hostname[0] &&
		    co->hostname[0] && strcmp(po->hostname, co->hostname))
			continue;
		out[k++] = (struct ident_link){ .prev = p->idx, .cur = c->idx, .by = p->by };
	}
	return k;
}

static bool differ(const char *a, const char *b) { return a[0] && b[0] && strcmp(a, b); }

static bool fingerprints_differ(const struct ident_obs *p, const struct ident_obs *c)
{
	return differ(p->ssh_key, c->ssh_key) || differ(p->snmp_engine, c->snmp_engine);
}

size_t ident_link(const struct ident_set *prev, const struct ident_set *cur, struct ident_link **ret)
{
	*ret = NULL;
	size_t cap = 5 * (prev->n + cur->n);
	if (!cap || !prev->n || !cur->n) return 0;
	struct entry *v = xcalloc(cap, sizeof(*v));
	size_t n = add_entries(v, 0, prev, false);
	n = add_entries(v, n, cur, true);
	qsort(v, n, sizeof(*v), entry_cmp);
	bool *stay_p = xcalloc(prev->n, sizeof(bool)), *stay_c = xcalloc(cur->n, sizeof(bool));
	struct ident_link *c = xcalloc(n / 2 + 1, sizeof(*c));
	size_t k = candidates(v, n, prev, cur, stay_p, stay_c, c);
	free(v);
	/* the same pair by MAC and by name is one candidate */
	qsort(c, k, sizeof(*c), link_cmp);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m && c[m - 1].cur == c[i].cur && c[m - 1].prev == c[i].prev)
			c[m - 1].by |= c[i].by;
		else
			c[m++] = c[i];
	}
	/* without the same MAC, two different host keys or engine IDs are
	 * two machines (a name another one took): no candidate */
	size_t kept = 0;
	for (size_t i = 0; i < m; i++)
		if (c[i].by & IDENT_BY_MAC || !fingerprints_differ(&prev->v[c[i].prev], &cur->v[c[i].cur]))
			c[kept++] = c[i];
	m = kept;
	/* how many distinct partners each host has: a link needs one each */
	unsigned *deg_p = xcalloc(prev->n, sizeof(unsigned)), *deg_c = xcalloc(cur->n, sizeof(unsigned));
	for (size_t i = 0; i < m; i++) deg_p[c[i].prev]++, deg_c[c[i].cur]++;
	size_t out = 0;
	for (size_t i = 0; i < m; i++) {
		const struct ident_link *l = &c[i];
		if (deg_p[l->prev] == 1 && deg_c[l->cur] == 1 && !stay_p[l->prev] && !stay_c[l->cur])
			c[out++] = *l;
	}
	free(deg_p);
	free(deg_c);
	free(stay_p);
	free(stay_c);
	if (!out) {
		free(c);
		return 0;
	}
	*ret = c;
	return out;
}
