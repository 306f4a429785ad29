/* The join rules in one table, the view they share (the register by
 * address and MAC, use per host and port in the window), and the pass that
 * keeps one finding per fact. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/oui.h"
#include "net/route.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct asset_rule asset_rules[] = {
	{ "decommissioned-alive", "a host the register says is decommissioned still answers", SEV_HIGH,
	  rule_decommissioned_alive },
	{ "expired-test-device", "a test device past its expiry date still answers", SEV_HIGH,
	  rule_expired_test_device },
	{ "unregistered-host", "a live host that is not in the asset register", SEV_MEDIUM,
	  rule_unregistered_host },
	{ "idle-host", "a live host with no traffic of its own in the usage window", SEV_MEDIUM,
	  rule_idle_host },
	{ "unused-port", "an open port nobody connected to in the usage window", SEV_LOW, rule_unused_port },
	{ "unexpected-service", "a service outside the baseline of the host's role", SEV_MEDIUM,
	  rule_unexpected_service },
	{ "weak-tls",
	  "a TLS service with an expired or untrusted certificate, old versions, weak suites or key",
	  SEV_MEDIUM, rule_weak_tls },
};
const size_t asset_rules_count = ARRAY_SIZE(asset_rules);

static int cmp_inv_mac(const void *a, const void *b)
{
	return strcasecmp((*(const struct inv_entry *const *)a)->mac,
			  (*(const struct inv_entry *const *)b)->mac);
}

static int cmp_use(const void *pa, const void *pb)
{
	const struct flow_use *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (c) return c;
	if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
	return (a->port > b->port) - (a->port < b->port);
}

struct use_vec {
	struct flow_use *v;
	size_t n, cap;
};

static int keep_use(void *ctx, const struct flow_use *u)
{
	struct use_vec *uv = ctx;
	if (uv->n == uv->cap) {
		uv->cap = uv->cap ? 2 * uv->cap : 256;
		uv->v = xrealloc(uv->v, uv->cap * sizeof(*uv->v));
	}
	uv->v[uv->n++] = *u;
	return 0;
}

bool asset_is_ours(const struct asset_view *v, const struct host_entry *h)
{
	const struct site_config *c = v->in->cfg;
	if (site_is_internal(c, &h->h.ip)) return true;
	if (c->internal.n) return false; /* `internal =` says exactly what is */
	bool by_mac;
	return (v->in->targets && targets_contains(v->in->targets, &h->h.ip)) ||
	       (v->n_inv && asset_registered(v, h, &by_mac));
}

/* Whether the stored traffic is about these hosts at all: a flow file of
 * another network must not make every host here look idle. (bsearch and
 * qsort are never given the NULL of an empty list: UBSan rejects it.) */
static bool flows_cover_scan(const struct asset_view *v)
{
	const struct resultset *rs = v->in->scan;
	for (size_t i = 0; i < rs->n_hosts; i++)
		if (rs->hosts[i].up) {
			struct flow_use key = { .host = rs->hosts[i].h.ip };
			if (v->n_hosts && bsearch(&key, v->hosts, v->n_hosts, sizeof(key), cmp_use))
				return true;
		}
	return false;
}

static int cmp_host(const void *pa, const void *pb)
{
	return ipaddr_cmp(&((const struct host_entry *)pa)->h.ip, &((const struct host_entry *)pb)->h.ip);
}

static int cmp_host_ptr(const void *pa, const void *pb)
{
	return cmp_host(*(const struct host_entry *const *)pa, *(const struct host_entry *const *)pb);
}

/* The live hosts, and a stand-in for each scanned address that answered
 * nothing but held a DHCP lease in the window: a firewalled machine is
 * still on the network. */
static void present_build(struct asset_view *v)
{
	const struct resultset *rs = v->in->scan;
	const struct leases *ls = v->in->leases;
	size_t cap = rs->n_hosts + (ls ? ls->n : 0);
	v->present = xcalloc(cap + 1, sizeof(*v->present));
	for (size_t i = 0; i < rs->n_hosts; i++)
		if (rs->hosts[i].up) v->present[v->n_present++] = &rs->hosts[i];
	if (ls && ls->n) v->absent = xcalloc(ls->n, sizeof(*v->absent));
	for (size_t i = 0; ls && i < ls->n; i++) {
		const struct ipaddr *ip = &ls->v[i].ip;
		if (i + 1 < ls->n && !ipaddr_cmp(ip, &ls->v[i + 1].ip))
			continue; /* the last of the address's run */
		if (v->in->targets && !targets_contains(v->in->targets, ip)) continue;
		const struct lease *l = leases_find(ls, ip, v->lease_from, v->in->now, false);
		if (!l) continue;
		struct host_entry key = { .h.ip = *ip };
		const struct host_entry *seen =
		    rs->n_hosts ? bsearch(&key, rs->hosts, rs->n_hosts, sizeof(key), cmp_host) : NULL;
		if (seen && seen->up) continue;
		struct host_entry *h = &v->absent[v->n_absent++];
		h->h.ip = *ip;
		h->h.ts = l->last_seen > 0 ? l->last_seen : l->ends < v->in->now ? l->ends : v->in->now;
		h->h.has_mac = l->mac[0] && mac_parse(l->mac, h->h.mac) == 0;
		v->present[v->n_present++] = h;
	}
	if (v->n_present) qsort(v->present, v->n_present, sizeof(*v->present), cmp_host_ptr);
}

/* Internal addresses with their own traffic in the window that are not
 * present yet (no answer, no lease): present as stand-ins, so the
 * ownership rules judge them with the flows as evidence. Only within the
 * targets when there are targets. */
static void talkers_add(struct asset_view *v)
{
	if (!v->have_flows || !v->n_hosts) return;
	v->talkers = xcalloc(v->n_hosts, sizeof(*v->talkers));
	const struct host_entry **p = xcalloc(v->n_present + v->n_hosts + 1, sizeof(*p));
	if (v->n_present) memcpy(p, v->present, v->n_present * sizeof(*p));
	size_t n = v->n_present;
	for (size_t i = 0; i < v->n_hosts; i++) {
		const struct flow_use *u = &v->hosts[i];
		if (!u->flows || (v->in->targets && !targets_contains(v->in->targets, &u->host))) continue;
		struct host_entry key = { .h.ip = u->host }, *kp = &key;
		if (v->n_present && bsearch(&kp, v->present, v->n_present, sizeof(*v->present), cmp_host_ptr))
			continue;
		struct host_entry *h = &v->talkers[v->n_talkers++];
		h->h.ip = u->host;
		h->h.ts = u->last > 0 ? u->last : v->win_to;
		p[n++] = h;
	}
	free(v->present);
	v->present = p;
	v->n_present = n;
	if (n) qsort(v->present, n, sizeof(*v->present), cmp_host_ptr);
}

/* Addresses in the ARP tables of the network's devices that are not
 * present yet: present as stand-ins (within the targets when there are
 * targets), with the MAC the router gives, so that the ownership rules
 * judge a device that drops every probe. */
static void arp_only_add(struct asset_view *v)
{
	const struct netdev_view *nv = &v->in->netdev;
	size_t cap = 0;
	for (size_t d = 0; d < nv->n; d++) cap += nv->rs[d].n_arp;
	if (!cap) return;
	v->arp_only = xcalloc(cap, sizeof(*v->arp_only));
	const struct host_entry **p = xcalloc(v->n_present + cap + 1, sizeof(*p));
	if (v->n_present) memcpy(p, v->present, v->n_present * sizeof(*p));
	size_t n = v->n_present;
	for (size_t d = 0; d < nv->n; d++)
		for (size_t i = 0; i < nv->rs[d].n_arp; i++) {
			const struct netdev_arp *a = &nv->rs[d].arp[i];
			if (a->type == 2 || (v->in->targets && !targets_contains(v->in->targets, &a->ip)))
				continue;
			struct host_entry key = { .h.ip = a->ip }, *kp = &key;
			if (v->n_present &&
			    bsearch(&kp, v->present, v->n_present, sizeof(*v->present), cmp_host_ptr))
				continue;
			bool dup = false;
			for (size_t k = 0; k < v->n_arp_only && !dup; k++)
				dup = !ipaddr_cmp(&v->arp_only[k].h.ip, &a->ip);
			if (dup) continue;
			struct host_entry *h = &v->arp_only[v->n_arp_only++];
			h->h.ip = a->ip;
			h->h.has_mac = true;
			memcpy(h->h.mac, a->mac, 6);
			h->h.reason = "netdev-arp";
			h->h.ts = nv->rs[d].ts;
			p[n++] = h;
		}
	free(v->present);
	v->present = p;
	v->n_present = n;
	if (n) qsort(v->present, n, sizeof(*v->present), cmp_host_ptr);
}

/* The use of every stored host and its ports in the window, or of the
 * scan's live hosts only (use_of_scan): the same rows for those. */
static int use_load(struct asset_view *v, struct use_vec *h, struct use_vec *p)
{
	const struct asset_input *in = v->in;
	int r;
	if (!in->use_of_scan) {
		if ((r = store_flow_host_use(in->store, v->win_from, v->win_to, keep_use, h, v->e)) < 0)
			return r;
		return store_flow_port_use(in->store, v->win_from, v->win_to, keep_use, p, v->e);
	}
	const struct resultset *rs = in->scan;
	struct ipaddr *live = xcalloc(rs->n_hosts + 1, sizeof(*live));
	size_t n = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		if (rs->hosts[i].up && (!n || ipaddr_cmp(&live[n - 1], &rs->hosts[i].h.ip)))
			live[n++] = rs->hosts[i].h.ip;
	r = store_flow_host_use_of(in->store, v->win_from, v->win_to, live, n, keep_use, h, v->e);
	if (r >= 0) r = store_flow_port_use_of(in->store, v->win_from, v->win_to, live, n, keep_use, p, v->e);
	free(live);
	return r;
}

static int view_build(struct asset_view *v, const struct asset_input *in, struct dm_err *e)
{
	*v = (struct asset_view){ .in = in, .e = e };
	if (in->inv && in->inv->n) {
		v->n_inv = in->inv->n;
		v->by_mac = xcalloc(in->inv->n, sizeof(*v->by_mac));
		for (size_t i = 0; i < in->inv->n; i++)
			if (in->inv->v[i].mac[0]) v->by_mac[v->n_mac++] = &in->inv->v[i];
		qsort(v->by_mac, v->n_mac, sizeof(*v->by_mac), cmp_inv_mac);
	}
	v->lease_from = in->now - in->cfg->window_days * 86400;
	present_build(v);
	arp_only_add(v);
	double first, last;
	int r;
	if (!in->store || (r = store_flow_coverage(in->store, &first, &last, e)) == 0) return 0;
	if (r < 0) return r;
	v->win_to = last;
	v->win_from = last - in->cfg->window_days * 86400;
	v->covered_days = (last - (first > v->win_from ? first : v->win_from)) / 86400;
	struct use_vec h = { 0 }, p = { 0 };
	if ((r = use_load(v, &h, &p)) < 0) {
		free(h.v);
		free(p.v);
		return r;
	}
	if (h.n) qsort(h.v, h.n, sizeof(*h.v), cmp_use); /* h.v is NULL when none: qsort may not take it */
	if (p.n) qsort(p.v, p.n, sizeof(*p.v), cmp_use);
	v->hosts = h.v, v->n_hosts = h.n, v->ports = p.v, v->n_ports = p.n;
	v->have_flows = flows_cover_scan(v);
	talkers_add(v);
	/* without a live host (traffic judged alone: `flows`) idle and unused judge nothing */
	bool live = false;
	for (size_t i = 0; i < in->scan->n_hosts && !live; i++) live = in->scan->hosts[i].up;
	if (!live) return 0;
	char a[40], b[40];
	fmt_rfc3339(first, a, sizeof(a));
	fmt_rfc3339(last, b, sizeof(b));
	/* the other stored hosts, for the warnings: only whether there are any
	 * when only the live hosts' use was read (counting them would read
	 * every stored day again) */
	int any = h.n > 0;
	if (in->use_of_scan && !v->have_flows &&
	    (any = r = store_flow_hosts_any(in->store, v->win_from, v->win_to, e)) < 0)
		return r;
	if (!v->have_flows && !any)
		log_warn(
		    "audit: the stored traffic holds no internal host (every flow was set aside as another "
		    "network's): idle-host and unused-port are not judged; name the site's addresses in "
		    "`internal =`, a [segment], the register or the targets");
	else if (!v->have_flows && in->use_of_scan)
		log_warn("audit: the stored traffic (%s to %s) includes none of the live hosts: traffic of "
			 "another network? idle-host and unused-port are not judged",
			 a, b);
	else if (!v->have_flows)
		log_warn("audit: the stored traffic (%s to %s, %zu internal hosts) includes none of the live "
			 "hosts: "
			 "traffic of another network? idle-host and unused-port are not judged",
			 a, b, h.n);
	else if (in->now - last > in->cfg->window_days * 86400)
		log_warn("audit: the newest stored traffic ends %s, more than the %g-day usage window before "
			 "this audit; "
			 "idle and unused are judged on those records",
			 b, in->cfg->window_days);
	else if (v->covered_days + 1.0 / 24 < in->cfg->window_days)
		log_info("audit: the traffic records cover %.1f of the %g days of the usage window",
			 v->covered_days, in->cfg->window_days);
	return 0;
}

static void view_release(struct asset_view *v)
{
	free(v->present);
	free(v->absent);
	free(v->talkers);
	free(v->arp_only);
	free(v->by_mac);
	free(v->hosts);
	free(v->ports);
}

const struct inv_entry *asset_registered(const struct asset_view *v, const struct host_entry *h, bool *by_mac)
{
	*by_mac = false;
	if (!v->n_inv) return NULL;
	const struct inv_entry *en = inventory_find(v->in->inv, &h->h.ip);
	if (en) return en;
	struct inv_entry key, *kp = &key; /* the same device under another address (DHCP) */
	const struct lease *l;
	if (h->h.has_mac)
		mac_fmt(h->h.mac, key.mac, sizeof(key.mac));
	else if ((l = asset_lease(v, &h->h.ip)) && l->mac[0])
		snprintf(key.mac, sizeof(key.mac), "%s", l->mac);
	else
		return NULL;
	const struct inv_entry **hit =
	    v->n_mac ? bsearch(&kp, v->by_mac, v->n_mac, sizeof(*v->by_mac), cmp_inv_mac) : NULL;
	*by_mac = hit != NULL;
	return hit ? *hit : NULL;
}

const struct lease *asset_lease(const struct asset_view *v, const struct ipaddr *ip)
{
	return leases_find(v->in->leases, ip, v->lease_from, v->in->now, true);
}

static bool arp_stand_in(const struct host_entry *h)
{
	return !h->up && h->h.reason && !strcmp(h->h.reason, "netdev-arp");
}

const char *asset_alive_verb(const struct host_entry *h)
{
	if (arp_stand_in(h)) return "is still in a router's ARP table";
	return h->up ? "still answers" : "still holds a DHCP lease";
}

void ev_lease(struct buf *b, const struct lease *l)
{
	struct buf a = BUF_INIT;
	buf_putc(&a, '{');
	ev_str(&a, "file", l->file);
	ev_num(&a, "line", l->line);
	ev_str(&a, "format", lease_format_name(l->format));
	if (l->mac[0]) ev_str(&a, "mac", l->mac);
	if (l->hostname[0]) ev_str(&a, "client_hostname", l->hostname);
	if (l->starts > 0) ev_time(&a, "starts", l->starts);
	if (l->infinite)
		ev_str(&a, "ends", "never");
	else
		ev_time(&a, "ends", l->ends);
	if (l->last_seen > 0) ev_time(&a, "last_renewed", l->last_seen);
	buf_putc(&a, '}');
	ev_raw(b, "dhcp_lease", a.data);
	buf_release(&a);
}

void fmt_presence(const struct asset_view *v, const struct host_entry *h, char *out, size_t n)
{
	const struct lease *l = h->up ? NULL : asset_lease(v, &h->h.ip);
	const struct flow_use *u = h->up || l ? NULL : asset_host_use(v, &h->h.ip);
	if (u && u->flows) {
		snprintf(out, n,
			 "answers no probe; talks in the traffic: %llu flows with %llu peers in the window",
			 (unsigned long long)u->flows, (unsigned long long)u->peers);
		return;
	}
	const struct netdev_result *dev = NULL;
	if (!l && arp_stand_in(h) && netdev_seen(&v->in->netdev, &h->h.ip, &dev)) {
		char seen[200];
		fmt_netdev_seen(dev, seen, sizeof(seen));
		snprintf(out, n, "answers no probe; %s", seen);
		return;
	}
	if (!l) {
		fmt_open_ports(h, 4, out, n);
		return;
	}
	char when[40];
	double t = l->last_seen > 0 ? l->last_seen : l->ends;
	fmt_rfc3339(t, when, sizeof(when));
	when[16] = 0; /* to the minute */
	when[10] = ' ';
	snprintf(out, n, "answers no probe; DHCP lease%s%s%s%s%s %s %s UTC", l->mac[0] ? " of " : "", l->mac,
		 l->hostname[0] ? " (" : "", l->hostname, l->hostname[0] ? ")" : "",
		 l->last_seen > 0 ? "renewed" : "held until", when);
}

const struct flow_use *asset_host_use(const struct asset_view *v, const struct ipaddr *ip)
{
	struct flow_use key = { .host = *ip };
	const struct flow_use *u =
	    v->have_flows && v->n_hosts ? bsearch(&key, v->hosts, v->n_hosts, sizeof(key), cmp_use) : NULL;
	return u;
}

const struct flow_use *asset_port_use(const struct asset_view *v, const struct ipaddr *ip, enum proto proto,
				      uint16_t port)
{
	struct flow_use key = { .host = *ip, .proto = (uint8_t)proto, .port = port };
	return v->have_flows && v->n_ports ? bsearch(&key, v->ports, v->n_ports, sizeof(key), cmp_use) : NULL;
}

size_t asset_open_ports(const struct host_entry *h)
{
	size_t n = 0;
	for (size_t i = 0; i < h->n_ports; i++) n += h->ports[i].state == PORT_OPEN;
	return n;
}

static const char *proto_str(enum proto p) { return p == PROTO_UDP ? "udp" : "tcp"; }

void fmt_open_ports(const struct host_entry *h, size_t max, char *out, size_t n)
{
	size_t len = 0, shown = 0, total = asset_open_ports(h);
	out[0] = 0;
	for (size_t i = 0; i < h->n_ports && len < n; i++) {
		const struct port_entry *p = &h->ports[i];
		if (p->state != PORT_OPEN) continue;
		if (shown == max) {
			snprintf(out + len, n - len, " and %zu more", total - shown);
			return;
		}
		const struct obs_service *s = host_service(h, p->proto, p->port);
		int k = snprintf(out + len, n - len, "%s%u/%s%s%s", shown ? ", " : "", p->port,
				 proto_str(p->proto), s && s->name[0] ? " " : "", s ? s->name : "");
		if (k < 0) return;
		len += (size_t)k;
		shown++;
	}
	if (!total) snprintf(out, n, "no open port");
}

void ev_open_ports(struct buf *b, const struct host_entry *h)
{
	struct buf a = BUF_INIT;
	buf_putc(&a, '[');
	size_t k = 0;
	for (size_t i = 0; i < h->n_ports; i++) {
		const struct port_entry *p = &h->ports[i];
		if (p->state != PORT_OPEN) continue;
		const struct obs_service *s = host_service(h, p->proto, p->port);
		buf_printf(&a, "%s{\"port\":%u,\"proto\":\"%s\"", k++ ? "," : "", p->port,
			   proto_str(p->proto));
		if (s && s->name[0]) ev_str(&a, "name", s->name);
		if (s && s->product[0]) ev_str(&a, "product", s->product);
		if (s && s->version[0]) ev_str(&a, "version", s->version);
		buf_putc(&a, '}');
	}
	buf_putc(&a, ']');
	ev_raw(b, "open_ports", a.data);
	buf_release(&a);
}

void ev_register_row(struct buf *b, const struct inv_entry *r)
{
	struct buf a = BUF_INIT;
	buf_putc(&a, '{');
	ev_addr(&a, "ip", &r->ip);
	if (r->mac[0]) ev_str(&a, "mac", r->mac);
	if (r->hostname[0]) ev_str(&a, "hostname", r->hostname);
	if (r->owner[0]) ev_str(&a, "owner", r->owner);
	if (r->role[0]) ev_str(&a, "role", r->role);
	ev_str(&a, "status", inv_status_name(r->status));
	if (r->expires > 0) {
		char d[40];
		fmt_rfc3339(r->expires - 1, d, sizeof(d)); /* kept as the end of that day */
		d[10] = 0;                                 /* the date as written */
		ev_str(&a, "expires", d);
	}
	ev_num(&a, "line", r->line);
	buf_putc(&a, '}');
	ev_raw(b, "register", a.data);
	buf_release(&a);
}

void ev_seen(struct buf *b, const struct host_entry *h)
{
	static const char *how[] = { "none", "arp", "icmp", "tcp", "udp", "connect", "user" };
	if (h->up) {
		ev_time(b, "seen", h->h.ts);
		ev_str(b, "how", how[h->h.how < ARRAY_SIZE(how) ? h->h.how : 0]);
	} else {
		ev_bool(b, "answered_scan", false);
		return; /* a stand-in: its MAC is the lease's */
	}
	if (h->h.has_mac) {
		char m[18];
		mac_fmt(h->h.mac, m, sizeof(m));
		ev_str(b, "mac", m);
		/* locally administered: set by software, often randomised per
		 * network; never the device's identity (model/identity.h) */
		if (oui_mac_is_local(h->h.mac)) ev_bool(b, "mac_randomised", true);
	}
	if (h->vendor[0]) ev_str(b, "vendor", h->vendor);
}

void ev_presence(struct buf *b, const struct asset_view *v, const struct host_entry *h)
{
	buf_putc(b, '{');
	ev_seen(b, h);
	ev_open_ports(b, h);
	const struct lease *l = asset_lease(v, &h->h.ip);
	if (l) ev_lease(b, l);
	ev_netdev(b, &v->in->netdev, &h->h.ip, h->h.has_mac ? h->h.mac : NULL);
}

void ev_use(struct buf *b, const struct asset_view *v, const struct flow_use *u)
{
	ev_time(b, "window_from", v->win_from);
	ev_time(b, "window_to", v->win_to);
	ev_num(b, "window_days", v->in->cfg->window_days);
	ev_num(b, "records_cover_days", (double)(int64_t)(v->covered_days * 100 + 0.5) / 100);
	ev_num(b, "flows_in_window", u ? (double)u->flows : 0);
	if (u && u->flows) ev_num(b, "peers_in_window", (double)u->peers);
	if (u && u->last > 0)
		ev_time(b, "last_used", u->last);
	else
		ev_raw(b, "last_used", "null");
}

struct key {
	struct ipaddr ip;
	int port; /* -1: the host */
};

static int cmp_key(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->ip, &b->ip);
	return c ? c : (a->port > b->port) - (a->port < b->port);
}

static bool in_keys(const struct key *v, size_t n, const struct ipaddr *ip, int port)
{
	struct key k = { *ip, port };
	return n && bsearch(&k, v, n, sizeof(k), cmp_key) != NULL; /* v is NULL when n is 0 */
}

/* What a stronger finding already says: the host-level lifecycle findings
 * cover the host's idleness and unused ports; an idle host's ports are
 * unused by definition; an unexpected service covers its port being unused. */
static void consolidate(struct findings *fs, size_t from)
{
	size_t n = fs->n, nh = 0, ni = 0, nu = 0, k = from;
	struct key *host = xcalloc(n + 1, sizeof(*host)), *idle = xcalloc(n + 1, sizeof(*idle));
	struct key *unexp = xcalloc(n + 1, sizeof(*unexp));
	for (size_t i = from; i < n; i++) {
		const struct finding *f = &fs->v[i];
		if (!strcmp(f->rule, "decommissioned-alive") || !strcmp(f->rule, "expired-test-device") ||
		    !strcmp(f->rule, "unregistered-host"))
			host[nh++] = (struct key){ f->ip, -1 };
		else if (!strcmp(f->rule, "idle-host"))
			idle[ni++] = (struct key){ f->ip, -1 };
		else if (!strcmp(f->rule, "unexpected-service"))
			unexp[nu++] = (struct key){ f->ip, f->port };
	}
	qsort(host, nh, sizeof(*host), cmp_key);
	qsort(idle, ni, sizeof(*idle), cmp_key);
	qsort(unexp, nu, sizeof(*unexp), cmp_key);
	for (size_t i = from; i < n; i++) {
		struct finding *f = &fs->v[i];
		bool is_idle = !strcmp(f->rule, "idle-host"), is_unused = !strcmp(f->rule, "unused-port");
		bool drop = (is_idle || is_unused) && in_keys(host, nh, &f->ip, -1);
		if (is_unused && !drop)
			drop = in_keys(idle, ni, &f->ip, -1) || in_keys(unexp, nu, &f->ip, f->port);
		if (drop) {
			free(f->evidence);
			free(f->remediation);
			continue;
		}
		fs->v[k++] = *f;
	}
	fs->n = k;
	free(host);
	free(idle);
	free(unexp);
}

static int cmp_exposure(const void *pa, const void *pb)
{
	const struct port_exposure *a = pa, *b = pb;
	if (a->proto != b->proto) return a->proto < b->proto ? -1 : 1;
	return (a->port > b->port) - (a->port < b->port);
}

static int cmp_most_open(const void *pa, const void *pb)
{
	const struct port_exposure *a = pa, *b = pb;
	if (a->open != b->open) return a->open > b->open ? -1 : 1;
	return cmp_exposure(pa, pb);
}

static void port_exposure(const struct asset_view *v, struct exposure *ex)
{
	const struct resultset *rs = v->in->scan;
	size_t n = 0, cap = 0;
	struct port_exposure *e = NULL;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; rs->hosts[i].up && j < rs->hosts[i].n_ports; j++) {
			const struct port_entry *p = &rs->hosts[i].ports[j];
			if (p->state != PORT_OPEN) continue;
			if (n == cap) e = xrealloc(e, (cap = cap ? 2 * cap : 64) * sizeof(*e));
			const struct flow_use *u = asset_port_use(v, &rs->hosts[i].h.ip, p->proto, p->port);
			e[n++] =
			    (struct port_exposure){ p->port, (uint8_t)p->proto, 1, u && u->flows ? 1 : 0 };
		}
	if (n) qsort(e, n, sizeof(*e), cmp_exposure);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && !cmp_exposure(&e[m - 1], &e[i])) {
			e[m - 1].open += e[i].open;
			e[m - 1].used += e[i].used;
		} else {
			e[m++] = e[i];
		}
	}
	if (m) qsort(e, m, sizeof(*e), cmp_most_open);
	*ex = (struct exposure){ e, m, v->have_flows };
}

int analyze_assets(const struct asset_input *in, const char *only, struct findings *out, struct exposure *ex,
		   struct dm_err *e)
{
	struct asset_view v;
	int r = view_build(&v, in, e);
	size_t from = out->n;
	for (size_t i = 0; i < asset_rules_count && r == 0; i++) {
		if (only && !list_has(only, asset_rules[i].id)) continue;
		double t = now_mono();
		size_t before = out->n;
		r = asset_rules[i].run(&v, out);
		log_debug("rule %s: %zu findings in %.3f s", asset_rules[i].id, out->n - before,
			  now_mono() - t);
	}
	if (r == 0) consolidate(out, from);
	if (r == 0 && ex) port_exposure(&v, ex);
	view_release(&v);
	return r;
}
