/* PostgreSQL backend: what devices said of the network, as the SQLite
 * backend keeps it (store-sqlite-edge.c, store-sqlite-netdev.c): the
 * internet gateways a run read and their port mappings (schema 17), and
 * the network devices' walks with their tables (schema 18). Rows are
 * decoded by store-row.c, shared with SQLite. */
#include "store/pg-internal.h"
#include "base/util.h"
#include "net/route.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int save_gateway(struct store *s, int64_t run, size_t i, const struct edge_gateway *g, double at,
			struct dm_err *e)
{
	char a[IPADDR_STRLEN], p[IPADDR_STRLEN] = "";
	ipaddr_fmt(&g->addr, a, sizeof(a));
	if (g->has_public) ipaddr_fmt(&g->public_ip, p, sizeof(p));
	struct pg_params q = { 0 };
	pp_int(&q, run);
	pp_int(&q, (int64_t)i);
	pp_str(&q, edge_method_name(g->method));
	pp_str(&q, a);
	pp_text(&q, g->url);
	pp_text(&q, g->service);
	pp_text(&q, g->name);
	pp_str(&q, p);
	pp_str(&q, edge_open_name(g->open));
	pp_text(&q, g->open_detail);
	pp_int(&q, (int64_t)g->n_maps);
	pp_int(&q, g->truncated);
	pp_dbl(&q, at);
	return pg_cmd(
	    s,
	    "INSERT INTO edge_gateways(run_id, idx, method, addr, url, service, name, public_ip, open,"
	    " open_detail, n_maps, truncated, read_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
	    "$12,$13) ON CONFLICT (run_id, idx) DO UPDATE SET method = excluded.method, addr ="
	    " excluded.addr, url = excluded.url, service = excluded.service, name = excluded.name,"
	    " public_ip = excluded.public_ip, open = excluded.open, open_detail ="
	    " excluded.open_detail, n_maps = excluded.n_maps, truncated = excluded.truncated,"
	    " read_at = excluded.read_at",
	    &q, "saving the edge gateways", e);
}

static int save_map(struct store *s, int64_t run, const struct edge_map *m, double at, struct dm_err *e)
{
	char a[IPADDR_STRLEN];
	ipaddr_fmt(&m->internal, a, sizeof(a));
	struct pg_params q = { 0 };
	pp_int(&q, run);
	pp_int(&q, (int64_t)m->gw);
	pp_int(&q, m->ext_port);
	pp_str(&q, proto_name(m->proto));
	pp_str(&q, a);
	pp_int(&q, m->int_port);
	pp_text(&q, m->desc);
	pp_text(&q, m->remote_host);
	pp_int(&q, m->enabled);
	pp_int(&q, m->lease);
	pp_dbl(&q, at);
	return pg_cmd(
	    s,
	    "INSERT INTO edge_mappings(run_id, gw, ext_port, proto, internal, int_port, description,"
	    " remote_host, enabled, lease, seen) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
	    &q, "saving the edge port mappings", e);
}

int pg_edge_save(struct store *s, int64_t run, const struct edge_set *es, struct dm_err *e)
{
	const char *what = "saving the edge port mappings";
	int r = pg_begin(s, what, e);
	for (size_t i = 0; i < es->n_gws && r == 0; i++)
		r = save_gateway(s, run, i, &es->gws[i], es->read_at, e);
	for (size_t i = 0; i < es->n_maps && r == 0; i++) r = save_map(s, run, &es->maps[i], es->read_at, e);
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

/* Each mapping with the earliest time the same mapping (gateway address,
 * external port, transport, internal host and port) was seen. */
static int load_maps(struct store *s, int64_t run, struct edge_set *out, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, run);
	PGresult *r = pg_q(
	    s,
	    "SELECT " ROW_EDGE_MAP_COLS ", (SELECT min(m2.seen) FROM edge_mappings m2 JOIN edge_gateways g2"
	    " ON g2.run_id = m2.run_id AND g2.idx = m2.gw WHERE g2.addr = g.addr AND m2.ext_port = m.ext_port"
	    " AND m2.proto = m.proto AND m2.internal = m.internal AND m2.int_port = m.int_port)"
	    " FROM edge_mappings m JOIN edge_gateways g ON g.run_id = m.run_id AND g.idx = m.gw"
	    " WHERE m.run_id = $1 ORDER BY m.pg_seq",
	    &p, "loading the edge port mappings", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct store_row row = pg_row(r, i);
		struct edge_map m;
		if (row_edge_map(&row, out->n_gws, &m)) edge_set_add_map(out, &m);
	}
	PQclear(r);
	return 0;
}

int pg_edge_load(struct store *s, int64_t run, struct edge_set *out, int64_t *ret_run, struct dm_err *e)
{
	const char *what = "loading the edge gateways";
	if (ret_run) *ret_run = 0;
	if (!run) {
		PGresult *r = pg_q(s, "SELECT max(run_id) FROM edge_gateways", NULL, what, e);
		if (!r) return DM_ESTORE;
		run = pg_i64(r, 0, 0);
		PQclear(r);
		if (!run) return 0;
	}
	struct pg_params p = { 0 };
	pp_int(&p, run);
	PGresult *r = pg_q(s, "SELECT " ROW_EDGE_GW_COLS " FROM edge_gateways WHERE run_id = $1 ORDER BY idx",
			   &p, what, e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct store_row row = pg_row(r, i);
		struct edge_gateway g;
		row_edge_gateway(&row, &g, &out->read_at);
		edge_set_add_gateway(out, &g);
	}
	PQclear(r);
	int rc = load_maps(s, run, out, e);
	if (rc == 0 && ret_run && out->n_gws) *ret_run = run;
	return rc;
}

static int save_ports(struct store *s, int64_t id, const struct netdev_result *r, struct dm_err *e)
{
	int rc = 0;
	for (size_t i = 0; i < r->n_ifs && rc == 0; i++) {
		const struct netdev_if *f = &r->ifs[i];
		struct pg_params p = { 0 };
		pp_int(&p, id);
		pp_int(&p, f->index);
		pp_text(&p, f->name);
		pp_text(&p, f->alias);
		pp_int(&p, f->type);
		pp_int(&p, f->admin);
		pp_int(&p, f->oper);
		pp_int(&p, (int64_t)f->speed);
		pp_int(&p, f->last_change);
		pp_int(&p, (int64_t)f->in_octets);
		pp_int(&p, (int64_t)f->out_octets);
		pp_int(&p, (int64_t)f->in_pkts);
		pp_int(&p, (int64_t)f->out_pkts);
		pp_int(&p, f->bridge_port);
		pp_int(&p, f->pvid);
		rc = pg_cmd(
		    s,
		    "INSERT INTO netdev_ports(walk_id, ifindex, name, alias, type, admin, oper, speed,"
		    " last_change, in_octets, out_octets, in_pkts, out_pkts, bridge_port, pvid)"
		    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (walk_id,"
		    " ifindex) DO UPDATE SET name = excluded.name, alias = excluded.alias, type ="
		    " excluded.type, admin = excluded.admin, oper = excluded.oper, speed = excluded.speed,"
		    " last_change = excluded.last_change, in_octets = excluded.in_octets, out_octets ="
		    " excluded.out_octets, in_pkts = excluded.in_pkts, out_pkts = excluded.out_pkts,"
		    " bridge_port = excluded.bridge_port, pvid = excluded.pvid",
		    &p, "saving network device tables", e);
	}
	return rc;
}

static int save_tables(struct store *s, int64_t id, const struct netdev_result *r, struct dm_err *e)
{
	const char *what = "saving network device tables";
	char ip[IPADDR_STRLEN], m[18];
	int rc = save_ports(s, id, r, e);
	for (size_t i = 0; i < r->n_arp && rc == 0; i++) {
		ipaddr_fmt(&r->arp[i].ip, ip, sizeof(ip));
		mac_fmt(r->arp[i].mac, m, sizeof(m));
		struct pg_params p = { 0 };
		pp_int(&p, id);
		pp_int(&p, r->arp[i].ifindex);
		pp_str(&p, ip);
		pp_str(&p, m);
		pp_int(&p, r->arp[i].type);
		rc = pg_cmd(s,
			    "INSERT INTO netdev_arp(walk_id, ifindex, ip, mac, type) VALUES ($1,$2,$3,$4,$5)",
			    &p, what, e);
	}
	for (size_t i = 0; i < r->n_fdb && rc == 0; i++) {
		mac_fmt(r->fdb[i].mac, m, sizeof(m));
		struct pg_params p = { 0 };
		pp_int(&p, id);
		pp_str(&p, m);
		pp_int(&p, r->fdb[i].vlan);
		pp_int(&p, r->fdb[i].bridge_port);
		pp_int(&p, r->fdb[i].ifindex);
		pp_int(&p, r->fdb[i].status);
		rc = pg_cmd(s,
			    "INSERT INTO netdev_fdb(walk_id, mac, vlan, bridge_port, ifindex, status)"
			    " VALUES ($1,$2,$3,$4,$5,$6)",
			    &p, what, e);
	}
	for (size_t i = 0; i < r->n_lldp && rc == 0; i++) {
		struct pg_params p = { 0 };
		pp_int(&p, id);
		pp_int(&p, r->lldp[i].local_port);
		pp_text(&p, r->lldp[i].chassis);
		pp_text(&p, r->lldp[i].port_id);
		pp_text(&p, r->lldp[i].port_desc);
		pp_text(&p, r->lldp[i].sys_name);
		rc = pg_cmd(
		    s,
		    "INSERT INTO netdev_lldp(walk_id, local_port, chassis, port_id, port_desc, sys_name)"
		    " VALUES ($1,$2,$3,$4,$5,$6)",
		    &p, what, e);
	}
	for (size_t i = 0; i < r->n_cdp && rc == 0; i++) {
		const struct netdev_cdp *d = &r->cdp[i];
		ip[0] = 0;
		if (d->addr.family) ipaddr_fmt(&d->addr, ip, sizeof(ip));
		struct pg_params p = { 0 };
		pp_int(&p, id);
		pp_int(&p, d->ifindex);
		pp_text(&p, d->device_id);
		pp_text(&p, d->port_id);
		pp_text(&p, d->platform);
		pp_text(&p, ip);
		rc = pg_cmd(s,
			    "INSERT INTO netdev_cdp(walk_id, ifindex, device_id, port_id, platform, address)"
			    " VALUES ($1,$2,$3,$4,$5,$6)",
			    &p, what, e);
	}
	if (rc == 0 && (r->id.product[0] || r->id.vendor[0] || r->id.model[0])) {
		struct pg_params p = { 0 };
		pp_int(&p, id);
		pp_text(&p, r->id.vendor);
		pp_text(&p, r->id.product);
		pp_text(&p, r->id.version);
		pp_text(&p, r->id.cpe);
		pp_text(&p, r->id.model);
		rc = pg_cmd(s,
			    "INSERT INTO netdev_ident(walk_id, vendor, product, version, cpe, model)"
			    " VALUES ($1,$2,$3,$4,$5,$6)",
			    &p, what, e);
	}
	return rc;
}

static int save_walk(struct store *s, int64_t run, const struct netdev_result *r, struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(&r->conf->addr, ip, sizeof(ip));
	struct pg_params p = { 0 };
	pp_int(&p, run);
	pp_str(&p, r->conf->name);
	pp_str(&p, ip);
	pp_dbl(&p, r->started);
	pp_dbl(&p, r->ts);
	pp_text(&p, r->sys_descr);
	pp_text(&p, r->sys_object_id);
	pp_text(&p, r->sys_name);
	pp_int(&p, r->uptime);
	pp_int(&p, r->ok);
	pp_text(&p, r->error);
	PGresult *res = pg_q(s,
			     "INSERT INTO netdev_walks(run_id, device, address, started, finished, sys_descr,"
			     " sys_object_id, sys_name, uptime, complete, error)"
			     " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id",
			     &p, "saving network device tables", e);
	if (!res) return DM_ESTORE;
	int64_t id = pg_i64(res, 0, 0);
	PQclear(res);
	return save_tables(s, id, r, e);
}

int pg_netdev_save(struct store *s, int64_t run, const struct netdev_result *rs, size_t n, struct dm_err *e)
{
	const char *what = "saving network device tables";
	int r = pg_begin(s, what, e);
	for (size_t i = 0; i < n && r == 0; i++) r = save_walk(s, run, &rs[i], e);
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

int pg_netdev_prev(struct store *s, const char *device, double before, struct netdev_if **ret, size_t *ret_n,
		   double *ret_ts, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	*ret_ts = 0;
	struct pg_params p = { 0 };
	pp_str(&p, device);
	pp_dbl(&p, before);
	PGresult *r =
	    pg_q(s,
		 "SELECT " ROW_NETDEV_PREV_COLS " FROM netdev_ports p JOIN netdev_walks w ON w.id ="
		 " p.walk_id WHERE w.id = (SELECT id FROM netdev_walks WHERE device = $1 AND complete = 1"
		 " AND started < $2 ORDER BY started DESC LIMIT 1)",
		 &p, "reading earlier network device walks", e);
	if (!r) return DM_ESTORE;
	size_t n = (size_t)PQntuples(r);
	struct netdev_if *v = n ? xcalloc(n, sizeof(*v)) : NULL;
	for (size_t i = 0; i < n; i++) {
		struct store_row row = pg_row(r, (int)i);
		row_netdev_prev(&row, &v[i], ret_ts);
	}
	PQclear(r);
	*ret = v;
	*ret_n = n;
	return 0;
}

int pg_netdev_prev_macs(struct store *s, const char *device, double before, struct netdev_prev_mac **ret,
			size_t *ret_n, double *ret_ts, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	*ret_ts = 0;
	struct pg_params p = { 0 };
	pp_str(&p, device);
	pp_dbl(&p, before);
	PGresult *r =
	    pg_q(s, ROW_NETDEV_PREV_MACS_SQL("f.ctid"), &p, "reading earlier network device walks", e);
	if (!r) return DM_ESTORE;
	int rows = PQntuples(r);
	size_t n = 0;
	struct netdev_prev_mac *v = rows ? xcalloc((size_t)rows, sizeof(*v)) : NULL;
	for (int i = 0; i < rows; i++) {
		struct store_row row = pg_row(r, i);
		if (row_netdev_prev_mac(&row, &v[n], ret_ts)) n++;
	}
	PQclear(r);
	*ret = v;
	*ret_n = n;
	return 0;
}

int pg_netdev_rows(struct store *s, int64_t run, struct netdev_rows *ret, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, run);
	PGresult *r = pg_q(s, ROW_NETDEV_ROWS_SQL, &p, "reading a run's network device walks", e);
	if (!r) return DM_ESTORE;
	size_t n = (size_t)PQntuples(r);
	ret->v = n ? xcalloc(n, sizeof(*ret->v)) : NULL;
	for (size_t i = 0; i < n; i++) {
		struct store_row row = pg_row(r, (int)i);
		if (row_netdev_row(&row, &ret->v[ret->n])) ret->n++;
	}
	PQclear(r);
	return 0;
}
