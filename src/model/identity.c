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

/* A whole DNS name, lower case, without the root's dot; "" when it is not
 * one (other bytes, an empty label, too long). */
static void dns_name_norm(const char *name, char out[IDENT_DNS_MAX])
{
	size_t n = 0, len = strlen(name);
	out[0] = '\0';
	if (len && name[len - 1] == '.') len--;
	if (!len || len >= IDENT_DNS_MAX) return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		bool dot = c == '.';
		if (dot ? !i || name[i - 1] == '.' : !isalnum(c) && c != '-' && c != '_')
			return (void)(out[0] = '\0');
		out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
}

/* The alphanumeric tokens of a name ("ip-10-0-1-5.dyn" -> ip 10 0 1 5 dyn),
 * each as a number in base (-1: not one, or too big). */
static size_t tokens(const char *name, unsigned base, long *v, size_t max)
{
	size_t n = 0;
	for (const char *p = name; *p && n < max;) {
		if (!isalnum((unsigned char)*p)) {
			p++;
			continue;
		}
		long x = 0;
		size_t len = 0;
		for (; isalnum((unsigned char)*p); p++, len++) {
			int d = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
			if (x >= 0 && (d >= (int)base || len >= 8)) x = -1;
			if (x >= 0) x = x * (long)base + d;
		}
		v[n++] = x;
	}
	return n;
}

/* Whether want[0..k) occurs in v, in order or reversed. */
static bool has_run(const long *v, size_t n, const long *want, size_t k)
{
	for (size_t i = 0; i + k <= n; i++) {
		bool fwd = true, rev = true;
		for (size_t j = 0; j < k; j++) {
			fwd = fwd && v[i + j] == want[j];
			rev = rev && v[i + j] == want[k - 1 - j];
		}
		if (fwd || rev) return true;
	}
	return false;
}

static bool made_of_address(const char *name, const struct ipaddr *ip)
{
	long v[64], want[8];
	if (ip->family == AF_INET) {
		for (int i = 0; i < 4; i++) want[i] = ip->v4 >> (24 - 8 * i) & 255;
		size_t n = tokens(name, 10, v, 64);
		if (has_run(v, n, want, 4)) return true;
		n = tokens(name, 16, v, 64); /* "0a000105": the address in hex */
		for (size_t i = 0; i < n; i++)
			if (v[i] == (long)ip->v4) return true;
		return false;
	}
	/* IPv6: its last two groups, or its last eight nibbles reversed (as
	 * ip6.arpa writes them) */
	const uint8_t *b = ip->v6.s6_addr;
	size_t n = tokens(name, 16, v, 64);
	want[0] = b[12] << 8 | b[13];
	want[1] = b[14] << 8 | b[15];
	if ((want[0] || want[1]) && has_run(v, n, want, 2)) return true;
	for (int i = 0; i < 8; i++) want[i] = b[15 - i / 2] >> (i % 2 ? 4 : 0) & 15;
	return has_run(v, n, want, 8);
}

bool ident_name_generic(const char *name, const struct ipaddr *ip)
{
	/* a pool's word alone or with numbers: the first label less its
	 * trailing digits and separators */
	static const char *const words[] = {
		"",        "dhcp",       "dyn",       "dynamic", "pool",   "host",    "ip",       "client",
		"static",  "ppp",        "dsl",       "adsl",    "cable",  "cust",    "customer", "node",
		"unknown", "unassigned", "localhost", "wlan",    "guest",  "vpn",     "addr",     "address",
		"user",    "broadband",  "nat",       "dial",    "dialup", "generic", "unnamed",  "noname",
		"none",    "default",    "lease",     "pc",      "device", "ws",      "nb",       "hostname",
	};
	char first[IDENT_NAME_MAX];
	ident_name_norm(name, first);
	size_t len = strlen(first);
	while (len &&
	       (isdigit((unsigned char)first[len - 1]) || first[len - 1] == '-' || first[len - 1] == '_'))
		len--;
	first[len] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(first, words[i])) return true;
	return made_of_address(name, ip);
}

void ident_obs_set_names(struct ident_obs *o, const char *mdns, const char *dns)
{
	char m[IDENT_NAME_MAX], d[IDENT_DNS_MAX];
	ident_name_norm(mdns, m);
	dns_name_norm(dns ? dns : "", d);
	if (m[0] && ident_name_generic(m, &o->ip)) m[0] = '\0';
	if (d[0] && ident_name_generic(d, &o->ip)) d[0] = '\0';
	memcpy(o->mdns_name, m, sizeof(m));
	memcpy(o->dns_name, d, sizeof(d));
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
	ident_obs_set_names(d, o->mdns_name, o->dns_name);
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
	else if (o->mdns_name[0])
		snprintf(out, IDENT_KEY_MAX, "mdns:%s", o->mdns_name);
	else if (o->dns_name[0])
		snprintf(out, IDENT_KEY_MAX, "ptr:%s", o->dns_name);
}

void ident_by_fmt(unsigned by, char out[IDENT_BY_MAX])
{
	static const char *const names[] = { "mac", "hostname", "cert", "snmp", "ssh", "mdns", "ptr" };
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

/* One key of one host (a host gives several): which kind, and its bytes
 * in the host's observation (no copy: a /16 of hosts gives many). */
struct entry {
	unsigned by;     /* enum ident_by, or BY_BASE */
	const char *val; /* into the ident_set */
	size_t len;
	bool cur; /* of the later run */
	size_t idx;
};

/* An mDNS name's base, without a responder's conflict suffix ("-2"): a base
 * that two hosts of one run hold makes their mDNS names no identity. */
#define BY_BASE (1u << 16)
#define BY_WEAK (IDENT_BY_MDNS | IDENT_BY_PTR)

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->by != y->by) return x->by < y->by ? -1 : 1;
	int c = memcmp(x->val, y->val, x->len < y->len ? x->len : y->len);
	if (!c && x->len != y->len) c = x->len < y->len ? -1 : 1;
	return c ? c : (int)x->cur - (int)y->cur;
}

static bool same_key(const struct entry *x, const struct entry *y)
{
	return x->by == y->by && x->len == y->len && !memcmp(x->val, y->val, x->len);
}

static int link_cmp(const void *a, const void *b)
{
	const struct ident_link *x = a, *y = b;
	if (x->cur != y->cur) return x->cur < y->cur ? -1 : 1;
	return x->prev < y->prev ? -1 : x->prev > y->prev;
}

static size_t mdns_base_len(const char *name)
{
	size_t len = strlen(name), d = len;
	while (d && isdigit((unsigned char)name[d - 1])) d--;
	return d < len && len - d <= 2 && d > 1 && name[d - 1] == '-' && name[d] != '0' ? d - 1 : len;
}

static size_t add_entries(struct entry *v, size_t n, const struct ident_set *s, bool cur)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct ident_obs *o = &s->v[i];
		const struct {
			unsigned by;
			const char *val;
			size_t len;
		} keys[] = {
			{ IDENT_BY_MAC, (const char *)o->mac, global_mac(o) ? 6 : 0 },
			{ IDENT_BY_NAME, o->hostname, strlen(o->hostname) },
			{ IDENT_BY_CERT, o->cert, strlen(o->cert) },
			{ IDENT_BY_SNMP, o->snmp_engine, strlen(o->snmp_engine) },
			{ IDENT_BY_SSH, o->ssh_key, strlen(o->ssh_key) },
			{ IDENT_BY_MDNS, o->mdns_name, strlen(o->mdns_name) },
			{ IDENT_BY_PTR, o->dns_name, strlen(o->dns_name) },
			{ BY_BASE, o->mdns_name, mdns_base_len(o->mdns_name) },
		};
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			if (keys[k].len)
				v[n++] = (struct entry){ keys[k].by, keys[k].val, keys[k].len, cur, i };
	}
	return n;
}

/* The hosts of each run whose mDNS base another host of their run holds. */
static void ambiguous_bases(const struct entry *v, size_t n, bool *amb_p, bool *amb_c)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1, np = !v[i].cur, nc = v[i].cur;
		for (; j < n && same_key(&v[j], &v[i]); j++) v[j].cur ? nc++ : np++;
		if (v[i].by == BY_BASE && (np > 1 || nc > 1))
			for (const struct entry *x = v + i; x < v + j; x++)
				(x->cur ? amb_c : amb_p)[x->idx] = true;
		i = j;
	}
}

/* The candidate pairs: a key held by exactly one host in each run. A pair
 * at one address marks both hosts as staying (by a key, not a name: a
 * static PTR record stays with its address when the device goes). */
static size_t candidates(const struct entry *v, size_t n, const struct ident_set *prev,
			 const struct ident_set *cur, bool *stay_p, bool *stay_c, const bool *amb_p,
			 const bool *amb_c, struct ident_link *out)
{
	size_t k = 0;
	for (size_t i = 0, j; i < n; i = j) {
		size_t np = 0, nc = 0;
		for (j = i; j < n && same_key(&v[j], &v[i]); j++) v[j].cur ? nc++ : np++;
		if (np != 1 || nc != 1 || v[i].by == BY_BASE) continue;
		const struct entry *p = &v[i], *c = &v[i + 1];
		const struct ident_obs *po = &prev->v[p->idx], *co = &cur->v[c->idx];
		if (p->by == IDENT_BY_MDNS && (amb_p[p->idx] || amb_c[c->idx])) continue;
		if (!ipaddr_cmp(&po->ip, &co->ip)) {
			if (!(p->by & BY_WEAK)) stay_p[p->idx] = stay_c[c->idx] = true;
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
	size_t cap = 8 * (prev->n + cur->n);
	if (!cap || !prev->n || !cur->n) return 0;
	struct entry *v = xcalloc(cap, sizeof(*v));
	size_t n = add_entries(v, 0, prev, false);
	n = add_entries(v, n, cur, true);
	qsort(v, n, sizeof(*v), entry_cmp);
	bool *stay_p = xcalloc(prev->n, sizeof(bool)), *stay_c = xcalloc(cur->n, sizeof(bool));
	bool *amb_p = xcalloc(prev->n, sizeof(bool)), *amb_c = xcalloc(cur->n, sizeof(bool));
	ambiguous_bases(v, n, amb_p, amb_c);
	struct ident_link *c = xcalloc(n / 2 + 1, sizeof(*c));
	size_t k = candidates(v, n, prev, cur, stay_p, stay_c, amb_p, amb_c, c);
	free(v);
	free(amb_p);
	free(amb_c);
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
	/* a name is weaker than a key: a host with a candidate by a key keeps
	 * no candidate by a name alone */
	bool *key_p = xcalloc(prev->n, sizeof(bool)), *key_c = xcalloc(cur->n, sizeof(bool));
	for (size_t i = 0; i < m; i++)
		if (c[i].by & ~BY_WEAK) key_p[c[i].prev] = key_c[c[i].cur] = true;
	kept = 0;
	for (size_t i = 0; i < m; i++)
		if (c[i].by & ~BY_WEAK || (!key_p[c[i].prev] && !key_c[c[i].cur])) c[kept++] = c[i];
	m = kept;
	free(key_p);
	free(key_c);
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
