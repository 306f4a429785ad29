/* The exposure join (exposure.h) and rule external-only: a mapping
 * platform (or dormant from outside) sees a service on one of our
 * addresses that nothing inside explains: no asset of the register has
 * that public address, or the asset behind it does not have the port open
 * in the latest run. What dormant itself reached from outside on an asset
 * the inside has open, with no mapping table explaining it, is
 * internet-exposed: a platform's record may be stale, dormant's is not. */
#include "analyze/exposure.h"
#include "analyze/evidence.h"
#include "base/buf.h"
#include "base/util.h"
#include "model/cpe.h"
#include "vuln/aliases.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Latest first within one (address, port, transport, platform). */
static int cmp_obs(const void *a, const void *b)
{
	const struct ext_obs *x = *(const struct ext_obs *const *)a, *y = *(const struct ext_obs *const *)b;
	int c = ipaddr_cmp(&x->ip, &y->ip);
	if (c) return c;
	if (x->port != y->port) return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
	if (x->platform != y->platform) return x->platform < y->platform ? -1 : 1;
	return x->indexed > y->indexed ? -1 : x->indexed < y->indexed;
}

static int cmp_public(const void *a, const void *b)
{
	const struct inv_entry *x = *(const struct inv_entry *const *)a,
			       *y = *(const struct inv_entry *const *)b;
	int c = ipaddr_cmp(&x->public_ip, &y->public_ip);
	return c ? c : ipaddr_cmp(&x->ip, &y->ip);
}

/* The register's assets whose public address is ip: the first, and how many. */
static const struct inv_entry *behind(struct inv_entry **pub, size_t n, const struct ipaddr *ip,
				      size_t *ret_n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ipaddr_cmp(&pub[mid]->public_ip, ip) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t k = lo;
	while (k < n && !ipaddr_cmp(&pub[k]->public_ip, ip)) k++;
	*ret_n = k - lo;
	return k > lo ? pub[lo] : NULL;
}

/* Product names of two identifiers agree when one holds the other
 * ("nginx" and "nginx httpd"), case aside. */
static bool same_product(const char *a, const char *b)
{
	if (!*a || !*b) return false;
	size_t la = strlen(a), lb = strlen(b);
	const char *longer = la >= lb ? a : b, *shorter = la >= lb ? b : a;
	for (const char *p = longer; *p; p++)
		if (!strncasecmp(p, shorter, strlen(shorter))) return true;
	return false;
}

static void inside(struct exposure_row *row, const struct exposure_input *in)
{
	struct host_entry *he = in->rs && row->has_asset ? resultset_host(in->rs, &row->asset, false) : NULL;
	row->run = in->run;
	if (!row->via_mapping) row->inside_port = row->obs.port;
	if (!he || !he->up) {
		row->verdict = EXP_NOT_SCANNED;
		return;
	}
	bool open = false;
	for (size_t i = 0; i < he->n_ports; i++)
		if (he->ports[i].port == row->inside_port && he->ports[i].proto == row->obs.proto &&
		    he->ports[i].state == PORT_OPEN)
			open = true;
	if (!open) {
		row->verdict = EXP_CLOSED;
		return;
	}
	const struct obs_service *s = host_service(he, row->obs.proto, row->inside_port);
	if (s) {
		snprintf(row->inside_service, sizeof(row->inside_service), "%s", s->name);
		snprintf(row->inside_product, sizeof(row->inside_product), "%s", s->product);
		snprintf(row->inside_version, sizeof(row->inside_version), "%s", s->version);
	}
	if (!row->inside_product[0] && !row->obs.product[0])
		row->verdict = EXP_UNIDENTIFIED;
	else if (same_product(row->obs.product, row->inside_product) &&
		 (!row->obs.version[0] || !row->inside_version[0] ||
		  !strcasecmp(row->obs.version, row->inside_version)))
		row->verdict = EXP_SAME;
	else
		row->verdict = EXP_DIFFERS;
}

/* The external banner through the matcher: its CPE when the platform gave
 * one, else its product name and version. */
static int vulns(struct exposure_row *row, const struct exposure_input *in, struct dm_err *e)
{
	row->max_cvss = -1;
	if (!in->m) return 0;
	struct vsubject s = { 0 };
	char cpe23[400] = "";
	struct cpe c;
	if (row->obs.cpe[0] && cpe_parse(row->obs.cpe, &c) == 0) cpe_format(&c, cpe23, sizeof(cpe23));
	if (!aliases_subject(in->al, cpe23[0] ? cpe23 : NULL, row->obs.product, row->obs.version, NULL,
			     &s.cpe))
		return 0;
	cpe_format(&s.cpe, row->vuln_cpe, sizeof(row->vuln_cpe));
	char dbuf[96];
	const char *distro = vuln_distro_marker(row->obs.version, dbuf, sizeof(dbuf));
	struct vuln_hit *h;
	size_t n;
	int r = vuln_match(in->m, &s, distro, NULL, CONF_LOW, &h, &n, e);
	if (r < 0) return r;
	row->n_cves = n;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (h[i].info->cvss > row->max_cvss) row->max_cvss = h[i].info->cvss;
		if (h[i].info->kev) row->kev = true;
		char id[32];
		cve_format(h[i].info->num, id, sizeof(id));
		if (len + strlen(id) + 2 < sizeof(row->cves))
			len += (size_t)snprintf(row->cves + len, sizeof(row->cves) - len, "%s%s",
						len ? "," : "", id);
	}
	return 0;
}

/* Who saw it: a platform's name, or dormant itself from outside. */
static const char *seer(const struct ext_obs *o)
{
	return o->platform == EXT_DORMANT ? "dormant (from outside)" : ext_platform_name(o->platform);
}

static void obs_evidence(struct buf *ev, const struct exposure_row *row)
{
	const struct ext_obs *o = &row->obs;
	if (o->platform == EXT_DORMANT) {
		ev_str(ev, "seen_by", "dormant from outside");
		ev_time(ev, "seen", o->indexed);
	} else {
		ev_str(ev, "platform", ext_platform_name(o->platform));
		ev_time(ev, "indexed", o->indexed);
	}
	ev_str(ev, "service", o->service);
	ev_str(ev, "product", o->product);
	ev_str(ev, "version", o->version);
	ev_str(ev, "cpe", o->cpe);
	if (o->platform != EXT_DORMANT) ev_str(ev, "hostnames", o->hostnames);
	ev_str(ev, "file", o->file);
	if (o->platform != EXT_DORMANT) ev_num(ev, "line", o->line);
	ev_str(ev, "inside", exposure_verdict_name(row->verdict));
	if (row->has_asset) ev_addr(ev, "asset", &row->asset);
	if (row->via_mapping) {
		ev_addr(ev, "mapping_gateway", &row->gateway);
		ev_num(ev, "internal_port", row->inside_port);
	}
	if (row->run) ev_num(ev, "run", (double)row->run);
	if (row->n_cves) {
		ev_num(ev, "cves", (double)row->n_cves);
		ev_str(ev, "cve_ids", row->cves);
		ev_bool(ev, "kev", row->kev);
	}
}

static void finding(const struct exposure_row *row, struct findings *fs)
{
	struct buf ev = BUF_INIT;
	char title[256], ip[IPADDR_STRLEN];
	const struct ext_obs *o = &row->obs;
	const char *verb = o->platform == EXT_DORMANT ? "reached" : "indexed";
	buf_putc(&ev, '{');
	obs_evidence(&ev, row);
	ipaddr_fmt(&o->ip, ip, sizeof(ip));
	enum severity sev;
	const char *fix;
	if (row->verdict == EXP_UNEXPLAINED) {
		snprintf(title, sizeof(title), "%s %s %s/%s on %s, which no asset in the register has",
			 seer(o), verb, o->service[0] ? o->service : "a service", proto_name(o->proto), ip);
		sev = SEV_MEDIUM;
		fix = "find what answers on the address (an edge port mapping, a forgotten device, a cloud "
		      "host) "
		      "and close it, or record the asset behind it with public_ip in the register";
	} else {
		snprintf(title, sizeof(title), "%s %s %s/%s on %s, but the inside does not see it open",
			 seer(o), verb, o->service[0] ? o->service : "a service", proto_name(o->proto), ip);
		sev = SEV_LOW;
		fix = "look for a port mapping or forward on the edge that reaches another host or port, and "
		      "remove it if nobody needs it; if the platform's record is stale, it ages out";
	}
	if (row->kev || row->max_cvss >= 9.0) sev = SEV_HIGH; /* a known-exploited banner on the internet */
	add_port_finding(fs, "external-only", sev, (double)row->n_cves + (row->kev ? 10 : 0), &o->ip, o->port,
			 o->proto, title, &ev, fix, o->indexed, o->indexed);
}

/* dormant reached, from outside, a service the inside has open on an
 * asset that no gateway's mapping table forwards to: the inside takes it
 * for internal only. An internet-exposed finding on the inside asset. */
static void reached(const struct exposure_row *row, struct findings *fs)
{
	struct buf ev = BUF_INIT;
	char title[256], ip[IPADDR_STRLEN], in[IPADDR_STRLEN];
	const struct ext_obs *o = &row->obs;
	buf_putc(&ev, '{');
	obs_evidence(&ev, row);
	char out[IPADDR_STRLEN + 16];
	ipaddr_fmt(&o->ip, ip, sizeof(ip));
	snprintf(out, sizeof(out), "%s:%u/%s", ip, o->port, proto_name(o->proto));
	ev_str(&ev, "outside", out);
	ipaddr_fmt(&row->asset, in, sizeof(in));
	snprintf(title, sizeof(title),
		 "dormant reached %s:%u/%s from outside (%s), but no gateway's mapping table forwards it", in,
		 row->inside_port, proto_name(o->proto), out);
	enum severity sev = row->kev || row->max_cvss >= 9.0 ? SEV_CRITICAL : SEV_HIGH;
	add_port_finding(
	    fs, "internet-exposed", sev, 2 + (double)row->n_cves, &row->asset, row->inside_port, o->proto,
	    title, &ev,
	    "find the forward that publishes it (a static rule on the edge router or firewall, "
	    "a 1:1 NAT) and remove it; if the service must be reachable, publish it through a VPN "
	    "or a reverse proxy that authenticates, and record that decision",
	    o->indexed, o->indexed);
}

/* The edge mapping that forwards the observed public address and port, if
 * a gateway read by an audit --upnp reports that address as its own. */
static const struct edge_map *mapped(const struct edge_set *es, const struct ext_obs *o)
{
	for (size_t i = 0; es && i < es->n_maps; i++) {
		const struct edge_map *m = &es->maps[i];
		const struct edge_gateway *g = &es->gws[m->gw];
		if (g->has_public && !ipaddr_cmp(&g->public_ip, &o->ip) && m->ext_port == o->port &&
		    m->proto == o->proto)
			return m;
	}
	return NULL;
}

int exposure_join(const struct exposure_input *in, struct exposure_rows *out, struct findings *fs,
		  struct dm_err *e)
{
	const struct ext_set *x = in->ext;
	const struct ext_obs **ord = xcalloc(x->n + 1, sizeof(*ord));
	struct inv_entry **pub = xcalloc(in->inv->n + 1, sizeof(*pub));
	size_t n_pub = 0;
	int r = 0;
	for (size_t i = 0; i < x->n; i++) ord[i] = &x->v[i];
	if (x->n) qsort(ord, x->n, sizeof(*ord), cmp_obs);
	for (size_t i = 0; i < in->inv->n; i++)
		if (in->inv->v[i].has_public) pub[n_pub++] = &in->inv->v[i];
	if (n_pub) qsort(pub, n_pub, sizeof(*pub), cmp_public);
	for (size_t i = 0; i < x->n && r == 0; i++) {
		if (i && !ipaddr_cmp(&ord[i]->ip, &ord[i - 1]->ip) && ord[i]->port == ord[i - 1]->port &&
		    ord[i]->proto == ord[i - 1]->proto && ord[i]->platform == ord[i - 1]->platform)
			continue; /* an older sighting of the same service */
		struct exposure_row row = { .obs = *ord[i] };
		const struct edge_map *em = mapped(in->edge, &row.obs);
		const struct inv_entry *a = NULL;
		if (em) { /* the gateway's own table says where it goes */
			row.via_mapping = true;
			row.gateway = in->edge->gws[em->gw].addr;
			row.inside_port = em->int_port;
			row.n_assets = 1;
			a = inventory_find(in->inv, &em->internal);
		} else if (!(a = behind(pub, n_pub, &row.obs.ip, &row.n_assets)) &&
			   (a = inventory_find(in->inv, &row.obs.ip))) {
			row.n_assets = 1; /* the asset's own address */
		}
		if (em && !a) { /* behind a mapping, but not in the register: the mapping still explains it */
			row.has_asset = true;
			row.asset = em->internal;
			inside(&row, in);
		} else if (a) {
			row.has_asset = true;
			row.asset = a->ip;
			row.asset_line = a->line;
			snprintf(row.asset_name, sizeof(row.asset_name), "%.95s",
				 a->hostname[0] ? a->hostname : a->role);
			inside(&row, in);
		} else {
			row.verdict = EXP_UNEXPLAINED;
		}
		if ((r = vulns(&row, in, e)) < 0) break;
		if (row.verdict == EXP_UNEXPLAINED || row.verdict == EXP_CLOSED)
			finding(&row, fs);
		else if (row.obs.platform == EXT_DORMANT && !row.via_mapping &&
			 row.verdict != EXP_NOT_SCANNED)
			reached(&row, fs);
		if (out->n == out->cap) {
			out->cap = out->cap ? 2 * out->cap : 64;
			out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
		}
		out->v[out->n++] = row;
	}
	free(ord);
	free(pub);
	return r;
}
