/* The web applications of each service a run observed (schema 12,
 * service_webapps): one row an application, in the service's order. */
#include "store/sqlite-internal.h"
#include "model/resultset.h"
#include <stdio.h>
#include <string.h>

int sq_save_webapps(struct store *s, int64_t run, int64_t asset, const struct obs_service *sv,
		    struct dm_err *e)
{
	if (!sv->n_apps) return 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT OR REPLACE INTO service_webapps(run_id, asset_id, proto, port, idx, name,"
		" version, cpe, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &st, NULL))
		return sq_fail(s, e, "saving results (web applications)");
	int r = 0;
	for (unsigned i = 0; i < sv->n_apps && i < OBS_MAX_APPS && r == 0; i++) {
		const struct obs_webapp *a = &sv->apps[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_int64(st, 2, asset);
		sqlite3_bind_text(st, 3, proto_name(sv->proto), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, sv->port);
		sqlite3_bind_int(st, 5, (int)i);
		sqlite3_bind_text(st, 6, a->name, -1, SQLITE_STATIC);
		sq_text(st, 7, a->version);
		sq_text(st, 8, a->cpe);
		sqlite3_bind_text(st, 9, a->source, -1, SQLITE_STATIC);
		r = sq_done(s, st, "saving results (web applications)", e);
	}
	sqlite3_finalize(st);
	return r;
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, n, "%s", v ? v : "");
}

struct obs_service *sq_row_service(struct resultset *rs, sqlite3_stmt *st)
{
	struct ipaddr ip;
	const char *addr = (const char *)sqlite3_column_text(st, 0),
		   *proto = (const char *)sqlite3_column_text(st, 1);
	if (!addr || !proto || ipaddr_parse(addr, &ip) < 0) return NULL;
	struct host_entry *he = resultset_host(rs, &ip, false);
	if (!he) return NULL;
	enum proto pr = strcmp(proto, "udp") ? PROTO_TCP : PROTO_UDP;
	return (struct obs_service *)host_service(he, pr, (uint16_t)sqlite3_column_int(st, 2));
}

int sq_load_webapps(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT a.ip, w.proto, w.port, w.name, w.version, w.cpe, w.source FROM service_webapps w"
		" JOIN assets a ON a.id = w.asset_id WHERE w.run_id = ? ORDER BY w.asset_id, w.proto,"
		" w.port, w.idx",
		-1, &st, NULL))
		return sq_fail(s, e, "loading results (web applications)");
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct obs_service *sv = sq_row_service(rs, st);
		if (!sv || sv->n_apps >= OBS_MAX_APPS) continue;
		struct obs_webapp *a = &sv->apps[sv->n_apps++];
		copy_col(st, 3, a->name, sizeof(a->name));
		copy_col(st, 4, a->version, sizeof(a->version));
		copy_col(st, 5, a->cpe, sizeof(a->cpe));
		copy_col(st, 6, a->source, sizeof(a->source));
	}
	sqlite3_finalize(st);
	return 0;
}
