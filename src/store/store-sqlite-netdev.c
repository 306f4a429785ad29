/* SQLite backend: what network devices said (model/netdev.h), one walk per
 * device and run with its tables, and the previous walk's port counters
 * that tell an idle port from a used one. */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include "net/route.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int prep(struct store *s, sqlite3_stmt **st, const char *sql, struct dm_err *e)
{
	return sqlite3_prepare_v2(SQ(s)->db, sql, -1, st, NULL)
		   ? sq_fail(s, e, "saving network device tables")
		   : 0;
}

static int save_walk(struct store *s, sqlite3_stmt *const *st, int64_t run, const struct netdev_result *r,
		     struct dm_err *e)
{
	const char *what = "saving network device tables";
	char ip[IPADDR_STRLEN], m[18];
	ipaddr_fmt(&r->conf->addr, ip, sizeof(ip));
	sqlite3_stmt *w = st[0];
	sqlite3_reset(w);
	sqlite3_bind_int64(w, 1, run);
	sqlite3_bind_text(w, 2, r->conf->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(w, 3, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(w, 4, r->started);
	sqlite3_bind_double(w, 5, r->ts);
	sq_text(w, 6, r->sys_descr);
	sq_text(w, 7, r->sys_object_id);
	sq_text(w, 8, r->sys_name);
	sqlite3_bind_int64(w, 9, r->uptime);
	sqlite3_bind_int(w, 10, r->ok);
	sq_text(w, 11, r->error);
	int rc = sq_done(s, w, what, e);
	int64_t id = sqlite3_last_insert_rowid(SQ(s)->db);
	if (rc == 0 && (r->id.product[0] || r->id.vendor[0] || r->id.model[0])) {
		sqlite3_stmt *d = st[6];
		sqlite3_reset(d);
		sqlite3_bind_int64(d, 1, id);
		sq_text(d, 2, r->id.vendor);
		sq_text(d, 3, r->id.product);
		sq_text(d, 4, r->id.version);
		sq_text(d, 5, r->id.cpe);
		sq_text(d, 6, r->id.model);
		rc = sq_done(s, d, what, e);
	}
	for (size_t i = 0; i < r->n_ifs && rc == 0; i++) {
		const struct netdev_if *f = &r->ifs[i];
		sqlite3_stmt *p = st[1];
		sqlite3_reset(p);
		sqlite3_bind_int64(p, 1, id);
		sqlite3_bind_int64(p, 2, f->index);
		sq_text(p, 3, f->name);
		sq_text(p, 4, f->alias);
		sqlite3_bind_int64(p, 5, f->type);
		sqlite3_bind_int(p, 6, f->admin);
		sqlite3_bind_int(p, 7, f->oper);
		sqlite3_bind_int64(p, 8, (int64_t)f->speed);
		sqlite3_bind_int64(p, 9, f->last_change);
		sqlite3_bind_int64(p, 10, (int64_t)f->in_octets);
		sqlite3_bind_int64(p, 11, (int64_t)f->out_octets);
		sqlite3_bind_int64(p, 12, (int64_t)f->in_pkts);
		sqlite3_bind_int64(p, 13, (int64_t)f->out_pkts);
		sqlite3_bind_int64(p, 14, f->bridge_port);
		sqlite3_bind_int(p, 15, f->pvid);
		rc = sq_done(s, p, what, e);
	}
	for (size_t i = 0; i < r->n_arp && rc == 0; i++) {
		sqlite3_stmt *a = st[2];
		ipaddr_fmt(&r->arp[i].ip, ip, sizeof(ip));
		mac_fmt(r->arp[i].mac, m, sizeof(m));
		sqlite3_reset(a);
		sqlite3_bind_int64(a, 1, id);
		sqlite3_bind_int64(a, 2, r->arp[i].ifindex);
		sqlite3_bind_text(a, 3, ip, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(a, 4, m, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(a, 5, r->arp[i].type);
		rc = sq_done(s, a, what, e);
	}
	for (size_t i = 0; i < r->n_fdb && rc == 0; i++) {
		sqlite3_stmt *d = st[3];
		mac_fmt(r->fdb[i].mac, m, sizeof(m));
		sqlite3_reset(d);
		sqlite3_bind_int64(d, 1, id);
		sqlite3_bind_text(d, 2, m, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(d, 3, r->fdb[i].vlan);
		sqlite3_bind_int64(d, 4, r->fdb[i].bridge_port);
		sqlite3_bind_int64(d, 5, r->fdb[i].ifindex);
		sqlite3_bind_int(d, 6, r->fdb[i].status);
		rc = sq_done(s, d, what, e);
	}
	for (size_t i = 0; i < r->n_lldp && rc == 0; i++) {
		sqlite3_stmt *l = st[4];
		sqlite3_reset(l);
		sqlite3_bind_int64(l, 1, id);
		sqlite3_bind_int64(l, 2, r->lldp[i].local_port);
		sq_text(l, 3, r->lldp[i].chassis);
		sq_text(l, 4, r->lldp[i].port_id);
		sq_text(l, 5, r->lldp[i].port_desc);
		sq_text(l, 6, r->lldp[i].sys_name);
		rc = sq_done(s, l, what, e);
	}
	for (size_t i = 0; i < r->n_cdp && rc == 0; i++) {
		sqlite3_stmt *c = st[5];
		const struct netdev_cdp *d = &r->cdp[i];
		ip[0] = 0;
		if (d->addr.family) ipaddr_fmt(&d->addr, ip, sizeof(ip));
		sqlite3_reset(c);
		sqlite3_bind_int64(c, 1, id);
		sqlite3_bind_int64(c, 2, d->ifindex);
		sq_text(c, 3, d->device_id);
		sq_text(c, 4, d->port_id);
		sq_text(c, 5, d->platform);
		sq_text(c, 6, ip);
		rc = sq_done(s, c, what, e);
	}
	return rc;
}

int sq_netdev_save(struct store *s, int64_t run, const struct netdev_result *rs, size_t n, struct dm_err *e)
{
	static const char *const sql[7] = {
		"INSERT INTO netdev_walks(run_id, device, address, started, finished, sys_descr, "
		"sys_object_id, sys_name, uptime, complete, error) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		"INSERT OR REPLACE INTO netdev_ports(walk_id, ifindex, name, alias, type, admin, oper, speed,"
		" last_change, in_octets, out_octets, in_pkts, out_pkts, bridge_port, pvid)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		"INSERT INTO netdev_arp(walk_id, ifindex, ip, mac, type) VALUES (?,?,?,?,?)",
		"INSERT INTO netdev_fdb(walk_id, mac, vlan, bridge_port, ifindex, status) VALUES "
		"(?,?,?,?,?,?)",
		"INSERT INTO netdev_lldp(walk_id, local_port, chassis, port_id, port_desc, sys_name)"
		" VALUES (?,?,?,?,?,?)",
		"INSERT INTO netdev_cdp(walk_id, ifindex, device_id, port_id, platform, address)"
		" VALUES (?,?,?,?,?,?)",
		"INSERT INTO netdev_ident(walk_id, vendor, product, version, cpe, model) VALUES "
		"(?,?,?,?,?,?)",
	};
	sqlite3_stmt *st[7] = { 0 };
	if (sq_exec(s, "BEGIN IMMEDIATE", "saving network device tables", e) < 0) return DM_ESTORE;
	int r = 0;
	for (size_t i = 0; i < 7 && r == 0; i++) r = prep(s, &st[i], sql[i], e);
	for (size_t i = 0; i < n && r == 0; i++) r = save_walk(s, st, run, &rs[i], e);
	for (size_t i = 0; i < 7; i++) sqlite3_finalize(st[i]);
	if (r == 0 && (r = sq_exec(s, "COMMIT", "saving network device tables", e)) == 0) return 0;
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

int sq_netdev_prev(struct store *s, const char *device, double before, struct netdev_if **ret, size_t *ret_n,
		   double *ret_ts, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	*ret_ts = 0;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT " ROW_NETDEV_PREV_COLS " FROM netdev_ports p"
		" JOIN netdev_walks w ON w.id = p.walk_id WHERE w.id = (SELECT id FROM netdev_walks"
		" WHERE device = ? AND complete = 1 AND started < ? ORDER BY started DESC LIMIT 1)",
		-1, &st, NULL))
		return sq_fail(s, e, "reading earlier network device walks");
	sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, before);
	int rc;
	size_t n = 0;
	struct netdev_if *v = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		struct store_row row = sq_row(st);
		row_netdev_prev(&row, &v[n], ret_ts);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return sq_fail(s, e, "reading earlier network device walks");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int sq_netdev_prev_macs(struct store *s, const char *device, double before, struct netdev_prev_mac **ret,
			size_t *ret_n, double *ret_ts, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	*ret_ts = 0;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, ROW_NETDEV_PREV_MACS_SQL("f.rowid"), -1, &st, NULL))
		return sq_fail(s, e, "reading earlier network device walks");
	sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, before);
	int rc;
	size_t n = 0;
	struct netdev_prev_mac *v = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		struct store_row row = sq_row(st);
		if (row_netdev_prev_mac(&row, &v[n], ret_ts)) n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return sq_fail(s, e, "reading earlier network device walks");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int sq_netdev_rows(struct store *s, int64_t run, struct netdev_rows *ret, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, ROW_NETDEV_ROWS_SQL, -1, &st, NULL))
		return sq_fail(s, e, "reading a run's network device walks");
	sqlite3_bind_int64(st, 1, run);
	int rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ret->n == cap) ret->v = xrealloc(ret->v, (cap = cap ? cap * 2 : 64) * sizeof(*ret->v));
		struct store_row row = sq_row(st);
		if (row_netdev_row(&row, &ret->v[ret->n])) ret->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		netdev_rows_release(ret);
		return sq_fail(s, e, "reading a run's network device walks");
	}
	return 0;
}
