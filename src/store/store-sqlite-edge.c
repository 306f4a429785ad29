/* SQLite backend: the internet gateways a run read and their port
 * mappings (schema 17, edge_gateways and edge_mappings). */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

static int save_gateway(struct store *s, sqlite3_stmt *st, int64_t run, size_t i,
			const struct edge_gateway *g, double at, struct dm_err *e)
{
	char a[IPADDR_STRLEN], p[IPADDR_STRLEN] = "";
	ipaddr_fmt(&g->addr, a, sizeof(a));
	if (g->has_public) ipaddr_fmt(&g->public_ip, p, sizeof(p));
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, (int64_t)i);
	sqlite3_bind_text(st, 3, edge_method_name(g->method), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a, -1, SQLITE_TRANSIENT);
	sq_text(st, 5, g->url);
	sq_text(st, 6, g->service);
	sq_text(st, 7, g->name);
	sqlite3_bind_text(st, 8, p, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, edge_open_name(g->open), -1, SQLITE_STATIC);
	sq_text(st, 10, g->open_detail);
	sqlite3_bind_int64(st, 11, (int64_t)g->n_maps);
	sqlite3_bind_int(st, 12, g->truncated);
	sqlite3_bind_double(st, 13, at);
	return sq_done(s, st, "saving the edge gateways", e);
}

static int save_map(struct store *s, sqlite3_stmt *st, int64_t run, const struct edge_map *m, double at,
		    struct dm_err *e)
{
	char a[IPADDR_STRLEN];
	ipaddr_fmt(&m->internal, a, sizeof(a));
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, (int64_t)m->gw);
	sqlite3_bind_int(st, 3, m->ext_port);
	sqlite3_bind_text(st, 4, proto_name(m->proto), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, m->int_port);
	sq_text(st, 7, m->desc);
	sq_text(st, 8, m->remote_host);
	sqlite3_bind_int(st, 9, m->enabled);
	sqlite3_bind_int64(st, 10, m->lease);
	sqlite3_bind_double(st, 11, at);
	return sq_done(s, st, "saving the edge port mappings", e);
}

int sq_edge_save(struct store *s, int64_t run, const struct edge_set *es, struct dm_err *e)
{
	const char *what = "saving the edge port mappings";
	sqlite3 *db = SQ(s)->db;
	sqlite3_stmt *gs = NULL, *ms = NULL;
	if (sq_exec(s, "BEGIN IMMEDIATE", what, e) < 0) return DM_ESTORE;
	int r = 0;
	if (sqlite3_prepare_v2(
		db,
		"INSERT OR REPLACE INTO edge_gateways(run_id, idx, method, addr, url, service, name, "
		"public_ip, open, open_detail, n_maps, truncated, read_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &gs, NULL) ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO edge_mappings(run_id, gw, ext_port, proto, internal, int_port, "
			       "description, remote_host, enabled, lease, seen)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &ms, NULL))
		r = sq_fail(s, e, what);
	for (size_t i = 0; i < es->n_gws && r == 0; i++)
		r = save_gateway(s, gs, run, i, &es->gws[i], es->read_at, e);
	for (size_t i = 0; i < es->n_maps && r == 0; i++)
		r = save_map(s, ms, run, &es->maps[i], es->read_at, e);
	sqlite3_finalize(gs);
	sqlite3_finalize(ms);
	if (r == 0 && (r = sq_exec(s, "COMMIT", what, e)) == 0) return 0;
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

static void col(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	snprintf(out, n, "%s", v ? v : "");
}

static int load_gateways(struct store *s, int64_t run, struct edge_set *out, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT method, addr, url, service, name, public_ip, open, open_detail, n_maps, "
		"truncated, read_at FROM edge_gateways WHERE run_id = ? ORDER BY idx",
		-1, &st, NULL))
		return sq_fail(s, e, "loading the edge gateways");
	sqlite3_bind_int64(st, 1, run);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct edge_gateway g = { 0 };
		char a[IPADDR_STRLEN], p[IPADDR_STRLEN], m[16], o[16];
		col(st, 0, m, sizeof(m));
		col(st, 1, a, sizeof(a));
		int method = edge_method_parse(m);
		g.method = method < 0 ? EDGE_UPNP : (enum edge_method)method;
		ipaddr_parse(a, &g.addr);
		col(st, 2, g.url, sizeof(g.url));
		col(st, 3, g.service, sizeof(g.service));
		col(st, 4, g.name, sizeof(g.name));
		col(st, 5, p, sizeof(p));
		g.has_public = *p && ipaddr_parse(p, &g.public_ip) == 0;
		col(st, 6, o, sizeof(o));
		g.open = !strcmp(o, "accepted")  ? EDGE_OPEN_ACCEPTED
			 : !strcmp(o, "refused") ? EDGE_OPEN_REFUSED
						 : EDGE_OPEN_UNTESTED;
		col(st, 7, g.open_detail, sizeof(g.open_detail));
		g.n_maps = (size_t)sqlite3_column_int64(st, 8);
		g.truncated = sqlite3_column_int(st, 9);
		out->read_at = sqlite3_column_double(st, 10);
		edge_set_add_gateway(out, &g);
	}
	int r = rc == SQLITE_DONE ? 0 : sq_fail(s, e, "loading the edge gateways");
	sqlite3_finalize(st);
	return r;
}

/* Each mapping with the earliest time the same mapping (gateway address,
 * external port, transport, internal host and port) was seen. */
static int load_maps(struct store *s, int64_t run, struct edge_set *out, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT m.gw, m.ext_port, m.proto, m.internal, m.int_port, m.description, m.remote_host, "
		"m.enabled, m.lease, (SELECT MIN(m2.seen) FROM edge_mappings m2 JOIN edge_gateways g2 ON "
		"g2.run_id = m2.run_id AND g2.idx = m2.gw WHERE g2.addr = g.addr AND m2.ext_port = "
		"m.ext_port "
		"AND m2.proto = m.proto AND m2.internal = m.internal AND m2.int_port = m.int_port)"
		" FROM edge_mappings m JOIN edge_gateways g ON g.run_id = m.run_id AND g.idx = m.gw"
		" WHERE m.run_id = ? ORDER BY m.rowid",
		-1, &st, NULL))
		return sq_fail(s, e, "loading the edge port mappings");
	sqlite3_bind_int64(st, 1, run);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct edge_map m = { 0 };
		char a[IPADDR_STRLEN], p[8];
		int64_t gw = sqlite3_column_int64(st, 0);
		col(st, 3, a, sizeof(a));
		if (gw < 0 || (size_t)gw >= out->n_gws || ipaddr_parse(a, &m.internal) < 0) continue;
		m.gw = (size_t)gw;
		m.ext_port = (uint16_t)sqlite3_column_int(st, 1);
		col(st, 2, p, sizeof(p));
		m.proto = !strcmp(p, "udp") ? PROTO_UDP : PROTO_TCP;
		m.int_port = (uint16_t)sqlite3_column_int(st, 4);
		col(st, 5, m.desc, sizeof(m.desc));
		col(st, 6, m.remote_host, sizeof(m.remote_host));
		m.enabled = sqlite3_column_int(st, 7);
		m.lease = sqlite3_column_int64(st, 8);
		m.first_seen = sqlite3_column_double(st, 9);
		edge_set_add_map(out, &m);
	}
	int r = rc == SQLITE_DONE ? 0 : sq_fail(s, e, "loading the edge port mappings");
	sqlite3_finalize(st);
	return r;
}

int sq_edge_load(struct store *s, int64_t run, struct edge_set *out, int64_t *ret_run, struct dm_err *e)
{
	if (ret_run) *ret_run = 0;
	if (!run) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(SQ(s)->db, "SELECT MAX(run_id) FROM edge_gateways", -1, &st, NULL))
			return sq_fail(s, e, "loading the edge gateways");
		if (sqlite3_step(st) == SQLITE_ROW) run = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (!run) return 0;
	}
	int r = load_gateways(s, run, out, e);
	if (r == 0) r = load_maps(s, run, out, e);
	if (r == 0 && ret_run && out->n_gws) *ret_run = run;
	return r;
}
