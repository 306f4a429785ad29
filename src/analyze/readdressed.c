/* Rule asset-readdressed (analyze/readdressed.h): the identities a run saw,
 * and a finding for each device the matcher followed to a new address. */
#include "analyze/readdressed.h"
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include "net/route.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void take_mac(struct ident_obs *o, const uint8_t mac[6], const char *from)
{
	o->has_mac = true;
	memcpy(o->mac, mac, 6);
	snprintf(o->mac_from, sizeof(o->mac_from), "%s", from);
}

/* The smallest certificate fingerprint the host's TLS services present. */
static void take_cert(struct ident_obs *o, const struct host_entry *h)
{
	for (size_t j = 0; j < h->n_svcs; j++) {
		const struct obs_tls *t = &h->svcs[j].tls;
		if (t->present && strlen(t->sha256) == 64 && (!o->cert[0] || strcmp(t->sha256, o->cert) < 0))
			snprintf(o->cert, sizeof(o->cert), "%s", t->sha256);
	}
}

/* The smallest SSH host key fingerprint and SNMP engine ID its services
 * show (a host answers both on one port each, as a rule). */
static void take_fingerprints(struct ident_obs *o, const struct host_entry *h)
{
	for (size_t j = 0; j < h->n_svcs; j++) {
		const struct obs_service *s = &h->svcs[j];
		if (s->ssh_key[0] && (!o->ssh_key[0] || strcmp(s->ssh_key, o->ssh_key) < 0))
			snprintf(o->ssh_key, sizeof(o->ssh_key), "%s", s->ssh_key);
		if (s->snmp_engine[0] && (!o->snmp_engine[0] || strcmp(s->snmp_engine, o->snmp_engine) < 0))
			snprintf(o->snmp_engine, sizeof(o->snmp_engine), "%s", s->snmp_engine);
	}
}

void readdressed_observe(const struct resultset *rs, const struct leases *ls, double lease_from, double now,
			 const struct netdev_view *nv, struct ident_set *out)
{
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *h = &rs->hosts[i];
		if (!h->up) continue;
		struct ident_obs o = { .ip = h->h.ip, .seen = h->h.ts };
		const struct netdev_arp *arp = nv && nv->n ? netdev_seen(nv, &h->h.ip, NULL) : NULL;
		const struct lease *l = ls && ls->n ? leases_find(ls, &h->h.ip, lease_from, now, true) : NULL;
		uint8_t lm[6];
		if (h->h.has_mac)
			take_mac(&o, h->h.mac, "scan");
		else if (arp)
			take_mac(&o, arp->mac, "netdev");
		else if (l && l->mac[0] && mac_parse(l->mac, lm) == 0)
			take_mac(&o, lm, "lease");
		if (l && l->hostname[0]) {
			snprintf(o.hostname, sizeof(o.hostname), "%s", l->hostname);
			snprintf(o.name_from, sizeof(o.name_from), "lease");
		}
		take_cert(&o, h);
		take_fingerprints(&o, h);
		for (size_t j = 0; !o.hostname[0] && j < h->n_svcs; j++)
			if (h->svcs[j].netbios_name[0]) { /* no lease names the host: its NetBIOS name */
				snprintf(o.hostname, sizeof(o.hostname), "%s", h->svcs[j].netbios_name);
				snprintf(o.name_from, sizeof(o.name_from), "netbios");
			}
		ident_set_add(out, &o);
	}
}

/* The register's row for the device: by its MAC, else by its name, else
 * the old address's row. */
static const struct inv_entry *register_row(const struct inventory *inv, const struct ident_obs *c,
					    const struct ident_obs *p)
{
	if (!inv) return NULL;
	char mac[18] = "", name[IDENT_NAME_MAX];
	if (c->has_mac) mac_fmt(c->mac, mac, sizeof(mac));
	for (size_t i = 0; mac[0] && i < inv->n; i++)
		if (!strcasecmp(inv->v[i].mac, mac)) return &inv->v[i];
	for (size_t i = 0; c->hostname[0] && i < inv->n; i++) {
		ident_name_norm(inv->v[i].hostname, name);
		if (!strcmp(name, c->hostname)) return &inv->v[i];
	}
	return inventory_find(inv, &p->ip);
}

static void ev_side(struct buf *b, const char *key, const struct ident_obs *o)
{
	struct buf a = BUF_INIT;
	char m[18];
	buf_putc(&a, '{');
	ev_addr(&a, "ip", &o->ip);
	if (o->has_mac) {
		mac_fmt(o->mac, m, sizeof(m));
		ev_str(&a, "mac", m);
		ev_str(&a, "mac_from", o->mac_from);
		ev_bool(&a, "mac_randomised", o->mac_local);
	}
	if (o->cert[0]) ev_str(&a, "tls_sha256", o->cert);
	if (o->snmp_engine[0]) ev_str(&a, "snmp_engine_id", o->snmp_engine);
	if (o->ssh_key[0]) ev_str(&a, "ssh_host_key", o->ssh_key);
	if (o->hostname[0]) {
		ev_str(&a, "hostname", o->hostname);
		ev_str(&a, "hostname_from", o->name_from);
	}
	if (o->mdns_name[0]) ev_str(&a, "mdns_name", o->mdns_name);
	if (o->dns_name[0]) ev_str(&a, "ptr_name", o->dns_name);
	ev_time(&a, "seen", o->seen);
	buf_putc(&a, '}');
	ev_raw(b, key, a.data);
	buf_release(&a);
}

/* When the identity was first and last seen at the old address (runs up to
 * the previous one); first stays 0 when the store has no history. */
static int old_history(const struct readdressed_input *in, const struct ident_obs *p, double *first,
		       double *last, unsigned *runs, struct dm_err *e)
{
	char key[IDENT_KEY_MAX];
	struct ident_addr *v;
	size_t n;
	ident_key(p, key);
	*first = *last = 0;
	*runs = 0;
	if (!key[0]) return 0; /* linked by a name the old row did not key on */
	int r = store_ident_history(in->st, key, in->prev_run, &v, &n, e);
	if (r < 0) return r;
	for (size_t i = 0; i < n; i++)
		if (!ipaddr_cmp(&v[i].ip, &p->ip)) *first = v[i].first, *last = v[i].last, *runs = v[i].runs;
	free(v);
	return 0;
}

static int one_finding(const struct readdressed_input *in, const struct ident_link *l, struct findings *out,
		       struct dm_err *e)
{
	const struct ident_obs *p = &in->prev->v[l->prev], *c = &in->cur->v[l->cur];
	double first, last;
	unsigned runs;
	int r = old_history(in, p, &first, &last, &runs, e);
	if (r < 0) return r;
	char old[IPADDR_STRLEN], now[IPADDR_STRLEN], by[128], title[300], rem[400];
	ipaddr_fmt(&p->ip, old, sizeof(old));
	ipaddr_fmt(&c->ip, now, sizeof(now));
	bool randomised = (p->has_mac && p->mac_local) || (c->has_mac && c->mac_local);
	if (l->by & IDENT_BY_MAC) {
		char m[18];
		mac_fmt(c->mac, m, sizeof(m));
		snprintf(by, sizeof(by), "same MAC %s", m);
	} else if (l->by & IDENT_BY_NAME) {
		snprintf(by, sizeof(by), "same host name %s%s", c->hostname,
			 randomised ? ", MAC randomised" : "");
	} else if (l->by & IDENT_BY_SSH) {
		snprintf(by, sizeof(by), "same SSH host key %s", c->ssh_key);
	} else if (l->by & IDENT_BY_SNMP) {
		snprintf(by, sizeof(by), "same SNMP engine ID %.40s", c->snmp_engine);
	} else if (l->by & IDENT_BY_CERT) {
		snprintf(by, sizeof(by), "same TLS certificate %.16s...", c->cert);
	} else if (l->by & IDENT_BY_MDNS) {
		snprintf(by, sizeof(by), "same mDNS name %s.local%s", c->mdns_name,
			 randomised ? ", MAC randomised" : "");
	} else {
		snprintf(by, sizeof(by), "same reverse DNS name %.70s", c->dns_name);
	}
	snprintf(title, sizeof(title), "Moved here from %s since run %lld (%s)", old, (long long)in->prev_run,
		 by);
	snprintf(
	    rem, sizeof(rem),
	    "Nothing to fix if the move was expected (a DHCP renewal): update the register's address for "
	    "%s, and any firewall rule, monitoring or DNS entry that still names %s.",
	    c->hostname[0]    ? c->hostname
	    : c->mdns_name[0] ? c->mdns_name
	    : c->dns_name[0]  ? c->dns_name
			      : now,
	    old);
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	ev_addr(&b, "old_ip", &p->ip);
	ev_addr(&b, "new_ip", &c->ip);
	char matched[IDENT_BY_MAX];
	ident_by_fmt(l->by, matched);
	ev_str(&b, "matched_by", matched);
	ev_num(&b, "previous_run", (double)in->prev_run);
	ev_bool(&b, "mac_randomised", randomised);
	if (first > 0) {
		ev_time(&b, "old_first_seen", first);
		ev_time(&b, "old_last_seen", last);
		ev_num(&b, "old_runs", runs);
	}
	ev_side(&b, "before", p);
	ev_side(&b, "now", c);
	const struct inv_entry *row = register_row(in->inv, c, p);
	if (row) ev_register_row(&b, row);
	add_host_finding(out, "asset-readdressed", SEV_INFO, 0, &c->ip, title, &b, rem,
			 first > 0 ? first : p->seen, c->seen);
	return 0;
}

int analyze_readdressed(const struct readdressed_input *in, struct findings *out, struct dm_err *e)
{
	struct ident_link *links;
	size_t n = ident_link(in->prev, in->cur, &links);
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) r = one_finding(in, &links[i], out, e);
	free(links);
	return r;
}
