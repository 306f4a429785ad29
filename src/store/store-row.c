/* The records both backends read back, decoded once (store-row.h). */
#include "store/store-row.h"
#include "base/util.h"
#include "net/route.h"
#include <stdio.h>
#include <string.h>

static const char *txt(const struct store_row *r, int col)
{
	const char *v = r->ops->text(r, col);
	return v ? v : "";
}

static void str(const struct store_row *r, int col, char *out, size_t n)
{
	snprintf(out, n, "%s", txt(r, col));
}

static int64_t i64(const struct store_row *r, int col) { return r->ops->i64(r, col); }

static double dbl(const struct store_row *r, int col) { return r->ops->dbl(r, col); }

void row_life_view(const struct store_row *row, struct life_view *v)
{
	*v = (struct life_view){ 0 };
	struct life_record *r = &v->r;
	r->id = i64(row, 0);
	str(row, 1, r->key, sizeof(r->key));
	str(row, 2, r->site, sizeof(r->site));
	str(row, 3, r->rule, sizeof(r->rule));
	r->state = (enum life_state)i64(row, 4);
	r->severity = (enum severity)i64(row, 5);
	r->peak = (enum severity)i64(row, 6);
	r->first_seen = dbl(row, 7);
	r->last_seen = dbl(row, 8);
	r->changed = dbl(row, 9);
	r->first_run = i64(row, 10);
	r->last_run = i64(row, 11);
	r->changes = (uint32_t)i64(row, 12);
	r->ack_until = dbl(row, 13);
	r->suppressed = i64(row, 14) != 0;
	r->suppress_until = dbl(row, 15);
	str(row, 16, v->ip, sizeof(v->ip));
	v->port = (uint16_t)i64(row, 17);
	str(row, 18, v->proto, sizeof(v->proto));
	str(row, 19, v->path, sizeof(v->path));
	str(row, 20, v->title, sizeof(v->title));
	v->evidence = row->ops->text(row, 21);
	v->remediation = row->ops->text(row, 22);
	str(row, 23, r->suppress_by, sizeof(r->suppress_by));
}

void row_life_alert(const struct store_row *r, struct life_alert *a)
{
	*a = (struct life_alert){ 0 };
	a->id = i64(r, 0);
	str(r, 1, a->channel, sizeof(a->channel));
	str(r, 2, a->key, sizeof(a->key));
	str(r, 3, a->event, sizeof(a->event));
	str(r, 4, a->state, sizeof(a->state));
	a->finding = i64(r, 5);
	a->run = i64(r, 6);
	a->created = dbl(r, 7);
	str(r, 8, a->site, sizeof(a->site));
	str(r, 9, a->rule, sizeof(a->rule));
	a->severity = (enum severity)i64(r, 10);
	str(r, 11, a->ip, sizeof(a->ip));
	a->port = (uint16_t)i64(r, 12);
	str(r, 13, a->proto, sizeof(a->proto));
	str(r, 14, a->path, sizeof(a->path));
	str(r, 15, a->title, sizeof(a->title));
	a->evidence = r->ops->text(r, 16);
	a->remediation = r->ops->text(r, 17);
	a->first_seen = dbl(r, 18);
	a->last_seen = dbl(r, 19);
	a->attempts = (int)i64(r, 20);
	a->next_try = dbl(r, 21);
	a->sending = i64(r, 22) != 0;
	a->delivered = dbl(r, 23);
	str(r, 24, a->error, sizeof(a->error));
	str(r, 25, a->service, sizeof(a->service));
}

void row_edge_gateway(const struct store_row *r, struct edge_gateway *g, double *read_at)
{
	*g = (struct edge_gateway){ 0 };
	char p[IPADDR_STRLEN];
	int method = edge_method_parse(txt(r, 0));
	g->method = method < 0 ? EDGE_UPNP : (enum edge_method)method;
	ipaddr_parse(txt(r, 1), &g->addr);
	str(r, 2, g->url, sizeof(g->url));
	str(r, 3, g->service, sizeof(g->service));
	str(r, 4, g->name, sizeof(g->name));
	str(r, 5, p, sizeof(p));
	g->has_public = *p && ipaddr_parse(p, &g->public_ip) == 0;
	const char *o = txt(r, 6);
	g->open = !strcmp(o, "accepted")  ? EDGE_OPEN_ACCEPTED
		  : !strcmp(o, "refused") ? EDGE_OPEN_REFUSED
					  : EDGE_OPEN_UNTESTED;
	str(r, 7, g->open_detail, sizeof(g->open_detail));
	g->n_maps = (size_t)i64(r, 8);
	g->truncated = i64(r, 9) != 0;
	*read_at = dbl(r, 10);
}

bool row_edge_map(const struct store_row *r, size_t n_gws, struct edge_map *m)
{
	*m = (struct edge_map){ 0 };
	int64_t gw = i64(r, 0);
	if (gw < 0 || (size_t)gw >= n_gws || ipaddr_parse(txt(r, 3), &m->internal) < 0) return false;
	m->gw = (size_t)gw;
	m->ext_port = (uint16_t)i64(r, 1);
	m->proto = !strcmp(txt(r, 2), "udp") ? PROTO_UDP : PROTO_TCP;
	m->int_port = (uint16_t)i64(r, 4);
	str(r, 5, m->desc, sizeof(m->desc));
	str(r, 6, m->remote_host, sizeof(m->remote_host));
	m->enabled = i64(r, 7) != 0;
	m->lease = i64(r, 8);
	m->first_seen = dbl(r, 9);
	return true;
}

void row_netdev_prev(const struct store_row *r, struct netdev_if *f, double *started)
{
	*f = (struct netdev_if){ .index = (uint32_t)i64(r, 1),
				 .in_octets = (uint64_t)i64(r, 2),
				 .out_octets = (uint64_t)i64(r, 3),
				 .oper = (int)i64(r, 4) };
	*started = dbl(r, 0);
}

bool row_netdev_prev_mac(const struct store_row *r, struct netdev_prev_mac *m, double *started)
{
	*m = (struct netdev_prev_mac){ .ifindex = (uint32_t)i64(r, 2), .vlan = (uint16_t)i64(r, 3) };
	const char *mac = txt(r, 1), *name = txt(r, 4), *alias = txt(r, 5);
	if (!mac || mac_parse(mac, m->mac) < 0) return false;
	snprintf(m->name, sizeof(m->name), "%s", name ? name : "");
	snprintf(m->alias, sizeof(m->alias), "%s", alias ? alias : "");
	*started = dbl(r, 0);
	return true;
}

bool row_netdev_row(const struct store_row *r, struct netdev_row *x)
{
	*x = (struct netdev_row){ .kind = (enum netdev_row_kind)i64(r, 0),
				  .ifindex = (uint32_t)i64(r, 3),
				  .oper = (int)i64(r, 6),
				  .vlan = (uint16_t)i64(r, 8),
				  .port_macs = (uint32_t)i64(r, 9) };
	const char *dev = txt(r, 1), *addr = txt(r, 2), *name = txt(r, 4), *alias = txt(r, 5),
		   *mac = txt(r, 7), *ip = txt(r, 10);
	snprintf(x->device, sizeof(x->device), "%s", dev ? dev : "");
	snprintf(x->name, sizeof(x->name), "%s", name ? name : "");
	snprintf(x->alias, sizeof(x->alias), "%s", alias ? alias : "");
	if (!addr || ipaddr_parse(addr, &x->device_addr) < 0) return false;
	if (x->kind != NETDEV_ROW_PORT && (!mac || mac_parse(mac, x->mac) < 0)) return false;
	if (x->kind == NETDEV_ROW_ARP && (!ip || ipaddr_parse(ip, &x->ip) < 0)) return false;
	return x->kind <= NETDEV_ROW_ARP;
}

enum life_event life_row_seen(struct life_view *v, const struct finding *f, const struct life_apply_in *in)
{
	if (!v->r.id) {
		snprintf(v->r.site, sizeof(v->r.site), "%s", in->site);
		snprintf(v->r.rule, sizeof(v->r.rule), "%s", f->rule);
	}
	if (f->has_ip) ipaddr_fmt(&f->ip, v->ip, sizeof(v->ip));
	v->port = f->port;
	snprintf(v->proto, sizeof(v->proto), "%s", f->port ? proto_name(f->proto) : "");
	snprintf(v->path, sizeof(v->path), "%s", f->path ? f->path : "");
	snprintf(v->title, sizeof(v->title), "%s", f->title);
	v->evidence = f->evidence;
	v->remediation = f->remediation;
	if (!v->r.id || (f->first_seen > 0 && f->first_seen < v->r.first_seen))
		v->r.first_seen = f->first_seen;
	if (f->last_seen > v->r.last_seen) v->r.last_seen = f->last_seen;
	enum life_event ev = life_seen(&v->r, in->run, f->severity, in->now);
	const struct life_allow *a = in->allow && in->fs ? &in->allow[f - in->fs->v] : NULL;
	life_config_suppress(&v->r, a, in->config, in->now);
	if (in->ret_quiet && in->fs)
		in->ret_quiet[f - in->fs->v] = life_is_suppressed(&v->r, in->now) || v->r.state == LIFE_ACKED;
	return ev;
}

/* p at or below root: root itself, a file under the directory root, or a
 * member of the archive root ("a.zip!x.csv") */
static bool path_under(const char *p, const char *root)
{
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/') n--; /* "dir/" is "dir" */
	if (strncmp(p, root, n)) return false;
	return !p[n] || p[n] == '/' || p[n] == '!' || (n == 1 && *root == '/');
}

bool life_row_judged(const struct life_apply_in *in, const struct life_view *v)
{
	if (!in->all_rules && !(in->rules && list_has(in->rules, v->r.rule))) return false;
	if (in->n_paths) {
		bool read = false;
		for (size_t i = 0; *v->path && i < in->n_paths && !read; i++)
			read = path_under(v->path, in->paths[i]);
		for (size_t i = 0; read && i < in->n_unread; i++) read = !path_under(v->path, in->unread[i]);
		return read;
	}
	if (!in->cov) return true;
	struct ipaddr ip;
	return *v->ip && ipaddr_parse(v->ip, &ip) == 0 && coverage_has_addr(in->cov, &ip);
}

void life_row_count(struct life_apply_out *o, enum life_event ev)
{
	if (ev == LEV_NEW) o->created++;
	if (ev == LEV_REOPENED) o->reopened++;
	if (ev == LEV_ESCALATED) o->escalated++;
	if (ev == LEV_RESOLVED) o->resolved++;
}

void life_row_alert_key(const struct life_view *v, char *out, size_t n)
{
	snprintf(out, n, "dormant:%s:F%lld:%u", v->r.site, (long long)v->r.id, v->r.changes);
}

#define WALKS "(SELECT id FROM netdev_walks WHERE run_id IN " RETAIN_OLD_RUNS ")"
#define RUN_ROWS(t) "DELETE FROM " t " WHERE run_id IN " RETAIN_OLD_RUNS

const char *const store_retain_runs_sql[] = {
	"DELETE FROM netdev_ports WHERE walk_id IN " WALKS,
	"DELETE FROM netdev_arp WHERE walk_id IN " WALKS,
	"DELETE FROM netdev_fdb WHERE walk_id IN " WALKS,
	"DELETE FROM netdev_lldp WHERE walk_id IN " WALKS,
	"DELETE FROM netdev_cdp WHERE walk_id IN " WALKS,
	"DELETE FROM netdev_ident WHERE walk_id IN " WALKS,
	RUN_ROWS("netdev_walks"),
	RUN_ROWS("asset_idents"),
	RUN_ROWS("edge_mappings"),
	RUN_ROWS("edge_gateways"),
	RUN_ROWS("service_webapps"),
	RUN_ROWS("service_obs_tls"),
	RUN_ROWS("service_obs_passive"),
	RUN_ROWS("service_obs"),
	RUN_ROWS("port_obs"),
	RUN_ROWS("host_obs"),
	RUN_ROWS("findings"),
	RUN_ROWS("run_coverage"),
	RUN_ROWS("run_caveats"),
	"DELETE FROM runs WHERE id IN " RETAIN_OLD_RUNS,
};
const size_t store_retain_runs_n = ARRAY_SIZE(store_retain_runs_sql);

/* flow_input goes with the flow summaries it fed (flow_days), not its run;
 * stream_state is one row per source, replaced each hour (its run_id names
 * the hour that saved it) */
const char *const store_retain_keeps[] = { "flow_input", "stream_state", NULL };

void row_sensor(const struct store_row *r, struct sensor_info *v)
{
	*v = (struct sensor_info){ 0 };
	str(r, 0, v->name, sizeof(v->name));
	v->first_seen = dbl(r, 1);
	v->last_seen = dbl(r, 2);
	v->last_run = i64(r, 3);
	str(r, 4, v->last_kind, sizeof(v->last_kind));
	str(r, 5, v->last_status, sizeof(v->last_status));
	v->runs = (uint64_t)i64(r, 6);
}

void row_sensor_kind(const struct store_row *r, struct sensor_info *v, size_t n)
{
	const char *name = txt(r, 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, name)) continue;
		size_t at = strlen(v[i].kinds);
		snprintf(v[i].kinds + at, sizeof(v[i].kinds) - at, "%s%s %lld", at ? ", " : "", txt(r, 1),
			 (long long)i64(r, 2));
		return;
	}
}

bool row_ident(const struct store_row *r, struct ident_obs *o)
{
	*o = (struct ident_obs){ 0 };
	const char *ip = r->ops->text(r, 0), *mac = r->ops->text(r, 1), *name = r->ops->text(r, 3);
	const char *mf = r->ops->text(r, 4), *nf = r->ops->text(r, 5);
	if (!ip || ipaddr_parse(ip, &o->ip) < 0) return false;
	o->has_mac = mac && mac[0] && mac_parse(mac, o->mac) == 0;
	o->mac_local = r->ops->i64(r, 2) != 0;
	snprintf(o->hostname, sizeof(o->hostname), "%s", name ? name : "");
	snprintf(o->mac_from, sizeof(o->mac_from), "%s", mf ? mf : "");
	snprintf(o->name_from, sizeof(o->name_from), "%s", nf ? nf : "");
	o->seen = r->ops->dbl(r, 6);
	const char *cert = r->ops->text(r, 7);
	snprintf(o->cert, sizeof(o->cert), "%s", cert ? cert : "");
	const char *engine = r->ops->text(r, 8), *ssh = r->ops->text(r, 9);
	snprintf(o->snmp_engine, sizeof(o->snmp_engine), "%s", engine ? engine : "");
	snprintf(o->ssh_key, sizeof(o->ssh_key), "%s", ssh ? ssh : "");
	const char *mdns = r->ops->text(r, 10), *dns = r->ops->text(r, 11);
	snprintf(o->mdns_name, sizeof(o->mdns_name), "%s", mdns ? mdns : "");
	snprintf(o->dns_name, sizeof(o->dns_name), "%s", dns ? dns : "");
	return true;
}

bool row_ident_addr(const struct store_row *r, struct ident_addr *a)
{
	*a = (struct ident_addr){ 0 };
	const char *ip = r->ops->text(r, 0);
	if (!ip || ipaddr_parse(ip, &a->ip) < 0) return false;
	a->first = r->ops->dbl(r, 1);
	a->last = r->ops->dbl(r, 2);
	a->runs = (unsigned)r->ops->i64(r, 3);
	return true;
}
