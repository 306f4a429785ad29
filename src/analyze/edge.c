/* Rules internet-exposed, upnp-open-mapping, natpmp-open-mapping and
 * pcp-open-mapping
 * (edge.h): the gateways' own tables say which inside services the
 * internet reaches, whatever the inside scan or a mapping platform saw. */
#include "analyze/edge.h"
#include "analyze/evidence.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "11.22.33.44:8080/tcp", or "?:8080/tcp" when the gateway gave no public address */
static void outside(const struct edge_gateway *g, const struct edge_map *m, char *out, size_t n)
{
	char a[IPADDR_STRLEN] = "?";
	if (g->has_public) ipaddr_fmt(&g->public_ip, a, sizeof(a));
	snprintf(out, n, "%s:%u/%s", a, m->ext_port, proto_name(m->proto));
}

/* Was this mapping already reported (the same inside service and outside
 * port through another service of the same gateway)? */
static bool seen_before(const struct edge_set *es, size_t k)
{
	const struct edge_map *m = &es->maps[k];
	for (size_t i = 0; i < k; i++) {
		const struct edge_map *o = &es->maps[i];
		if (!ipaddr_cmp(&o->internal, &m->internal) && o->int_port == m->int_port &&
		    o->proto == m->proto && o->ext_port == m->ext_port &&
		    !ipaddr_cmp(&es->gws[o->gw].addr, &es->gws[m->gw].addr))
			return true;
	}
	return false;
}

static void map_evidence(struct buf *ev, const struct edge_set *es, const struct edge_map *m, double now)
{
	const struct edge_gateway *g = &es->gws[m->gw];
	ev_addr(ev, "gateway", &g->addr);
	ev_str(ev, "gateway_method", edge_method_name(g->method));
	if (g->url[0]) ev_str(ev, "gateway_url", g->url);
	if (g->service[0]) ev_str(ev, "gateway_service", g->service);
	if (g->has_public) ev_addr(ev, "public_ip", &g->public_ip);
	ev_num(ev, "external_port", m->ext_port);
	ev_str(ev, "proto", proto_name(m->proto));
	ev_addr(ev, "internal", &m->internal);
	ev_num(ev, "internal_port", m->int_port);
	ev_str(ev, "description", m->desc);
	ev_str(ev, "added_by", edge_map_added_by(m));
	ev_bool(ev, "enabled", m->enabled);
	if (m->remote_host[0]) ev_str(ev, "remote_host", m->remote_host);
	ev_num(ev, "lease_seconds", (double)m->lease); /* 0: permanent */
	double first = m->first_seen > 0 ? m->first_seen : es->read_at;
	ev_time(ev, "first_seen", first);
	ev_num(ev, "age_days", first > 0 && now > first ? (double)(int64_t)((now - first) / 86400) : 0);
}

static void exposed(const struct edge_set *es, size_t k, struct resultset *rs, struct findings *fs,
		    double now)
{
	const struct edge_map *m = &es->maps[k];
	struct host_entry *he = rs ? resultset_host(rs, &m->internal, false) : NULL;
	bool open = false;
	for (size_t i = 0; he && i < he->n_ports; i++)
		open |= he->ports[i].port == m->int_port && he->ports[i].proto == m->proto &&
			he->ports[i].state == PORT_OPEN;
	const struct obs_service *s = he ? host_service(he, m->proto, m->int_port) : NULL;
	struct buf ev = BUF_INIT;
	char title[256], in[IPADDR_STRLEN], out[IPADDR_STRLEN + 16];
	buf_putc(&ev, '{');
	map_evidence(&ev, es, m, now);
	ev_str(&ev, "inside", !he || !he->up ? "not-scanned" : open ? "open" : "not-open");
	if (s && s->name[0]) ev_str(&ev, "service", s->name);
	if (s && s->product[0]) ev_str(&ev, "product", s->product);
	ipaddr_fmt(&m->internal, in, sizeof(in));
	outside(&es->gws[m->gw], m, out, sizeof(out));
	snprintf(title, sizeof(title),
		 "the internet reaches %s:%u/%s through a port mapping on the gateway (%s)", in, m->int_port,
		 proto_name(m->proto), out);
	enum severity sev = !m->enabled ? SEV_LOW : open ? SEV_HIGH : SEV_MEDIUM;
	const char *fix =
	    "remove the mapping on the gateway (and turn UPnP/NAT-PMP off there if nothing needs "
	    "it); if the service must be reachable, publish it through a VPN or a reverse proxy "
	    "that authenticates, and record that decision";
	add_port_finding(fs, "internet-exposed", sev, open ? 2 : 1, &m->internal, m->int_port, m->proto,
			 title, &ev, fix, m->first_seen > 0 ? m->first_seen : es->read_at, es->read_at);
}

static const char *const open_rule[] = { "upnp-open-mapping", "natpmp-open-mapping", "pcp-open-mapping" };
static const char *const open_proto[] = { "UPnP", "NAT-PMP", "PCP" };
static const char *const open_fix[] = {
	"turn UPnP IGD off on the gateway (or limit it to the hosts that need it, with secure mode: a host "
	"may map only to itself), and review its mapping table",
	"turn NAT-PMP (and PCP) off on the gateway, or limit it to the hosts that need it",
	"turn PCP (and NAT-PMP) off on the gateway (miniupnpd: enable_natpmp=no, enable_pcp_pmp=no in newer "
	"versions), or allow it only to "
	"the hosts that need it; PCP as gateways ship it has no authentication, so every LAN host (and "
	"malware on it) can open ports to itself",
};

static void open_mapping(const struct edge_set *es, size_t i, struct findings *fs)
{
	const struct edge_gateway *g = &es->gws[i];
	unsigned k = g->method <= EDGE_PCP ? (unsigned)g->method : EDGE_UPNP;
	uint16_t port = 5351;
	enum proto proto = PROTO_UDP;
	if (g->method == EDGE_UPNP) { /* the control URL's port: where the request went */
		const char *p = strstr(g->url + 7, ":");
		port = p ? (uint16_t)atoi(p + 1) : 80;
		proto = PROTO_TCP;
	}
	struct buf ev = BUF_INIT;
	char title[256], a[IPADDR_STRLEN];
	buf_putc(&ev, '{');
	ev_addr(&ev, "gateway", &g->addr);
	if (g->url[0]) ev_str(&ev, "gateway_url", g->url);
	if (g->service[0]) ev_str(&ev, "gateway_service", g->service);
	if (g->has_public) ev_addr(&ev, "public_ip", &g->public_ip);
	ev_str(&ev, "protocol", open_proto[k]);
	ev_str(&ev, "test", g->open_detail);
	ev_num(&ev, "mappings", (double)g->n_maps);
	ipaddr_fmt(&g->addr, a, sizeof(a));
	snprintf(title, sizeof(title),
		 "the gateway %s lets any LAN host add port mappings through %s without "
		 "authentication",
		 a, open_proto[k]);
	add_port_finding(fs, open_rule[k], SEV_HIGH, 1, &g->addr, port, proto, title, &ev, open_fix[k],
			 es->read_at, es->read_at);
}

void edge_findings(const struct edge_set *es, struct resultset *rs, struct findings *fs, double now)
{
	for (size_t k = 0; k < es->n_maps; k++)
		if (!seen_before(es, k)) exposed(es, k, rs, fs, now);
	for (size_t i = 0; i < es->n_gws; i++)
		if (es->gws[i].open == EDGE_OPEN_ACCEPTED) open_mapping(es, i, fs);
}

/* The evidence object with one more key: "internet_exposed": "PUBLIC:PORT/PROTO -> PORT". */
static void add_mark(struct finding *f, const struct edge_set *es, const struct edge_map *m)
{
	char out[IPADDR_STRLEN + 16];
	struct buf b = BUF_INIT;
	outside(&es->gws[m->gw], m, out, sizeof(out));
	const char *old = f->evidence ? f->evidence : "{}";
	size_t len = strlen(old);
	while (len && old[len - 1] != '}') len--;
	if (!len) {
		old = "{}";
		len = 2;
	}
	buf_append(&b, old, len - 1);
	buf_printf(&b, "%s\"internet_exposed\":{\"outside\":\"%s\",\"internal_port\":%u}}",
		   len > 2 ? "," : "", out, m->int_port);
	free(f->evidence);
	f->evidence = buf_detach(&b);
}

size_t edge_raise(const struct edge_set *es, struct findings *fs, size_t from)
{
	size_t n = 0;
	for (size_t i = from; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		if (!f->has_ip || !strcmp(f->rule, "internet-exposed")) continue;
		for (size_t k = 0; k < es->n_maps; k++) {
			const struct edge_map *m = &es->maps[k];
			if (!m->enabled || ipaddr_cmp(&m->internal, &f->ip)) continue;
			if (f->severity < SEV_CRITICAL) f->severity++;
			add_mark(f, es, m);
			n++;
			break;
		}
	}
	return n;
}
