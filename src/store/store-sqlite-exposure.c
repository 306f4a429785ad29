/* SQLite backend: external observations (what mapping platforms indexed)
 * and the imports they came from. */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

int sq_exposure_save(struct store *s, const char *file, const char *platform, double when,
		     const struct ext_obs *v, size_t n, size_t *ret_added, struct dm_err *e)
{
	const char *what = "saving external observations";
	sqlite3 *db = SQ(s)->db;
	sqlite3_stmt *imp = NULL, *ins = NULL, *upd = NULL;
	size_t added = 0;
	if (sq_exec(s, "BEGIN IMMEDIATE", what, e) < 0) return DM_ESTORE;
	int r = 0;
	if (sqlite3_prepare_v2(
		db,
		"INSERT INTO exposure_imports(file, platform, imported, records, added) VALUES "
		"(?, ?, ?, ?, 0)",
		-1, &imp, NULL) ||
	    sqlite3_prepare_v2(
		db,
		"INSERT OR IGNORE INTO external_obs(platform, ip, port, proto, service, product, "
		"version, cpe, indexed, hostnames, file, line, import_id)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &ins, NULL) ||
	    sqlite3_prepare_v2(db, "UPDATE exposure_imports SET added = ? WHERE id = ?", -1, &upd, NULL))
		r = sq_fail(s, e, what);
	int64_t id = 0;
	if (r == 0) {
		sqlite3_bind_text(imp, 1, file, -1, SQLITE_STATIC);
		sqlite3_bind_text(imp, 2, platform, -1, SQLITE_STATIC);
		sqlite3_bind_double(imp, 3, when);
		sqlite3_bind_int64(imp, 4, (int64_t)n);
		r = sq_done(s, imp, what, e);
		id = sqlite3_last_insert_rowid(db);
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct ext_obs *o = &v[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&o->ip, ip, sizeof(ip));
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, ext_platform_name(o->platform), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, ip, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, 3, o->port);
		sqlite3_bind_text(ins, 4, proto_name(o->proto), -1, SQLITE_STATIC);
		sq_text(ins, 5, o->service);
		sq_text(ins, 6, o->product);
		sq_text(ins, 7, o->version);
		sq_text(ins, 8, o->cpe);
		sqlite3_bind_double(ins, 9, o->indexed);
		sq_text(ins, 10, o->hostnames);
		sq_text(ins, 11, o->file);
		sqlite3_bind_int(ins, 12, (int)o->line);
		sqlite3_bind_int64(ins, 13, id);
		r = sq_done(s, ins, what, e);
		if (r == 0) added += (size_t)sqlite3_changes(db);
	}
	if (r == 0) {
		sqlite3_bind_int64(upd, 1, (int64_t)added);
		sqlite3_bind_int64(upd, 2, id);
		r = sq_done(s, upd, what, e);
	}
	sqlite3_finalize(imp);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	if (r == 0 && (r = sq_exec(s, "COMMIT", what, e)) == 0) {
		if (ret_added) *ret_added = added;
		return 0;
	}
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

static void col(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	snprintf(out, n, "%s", v ? v : "");
}

int sq_exposure_load(struct store *s, struct ext_set *out, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT platform, ip, port, proto, service, product, version, cpe, indexed, "
			       "hostnames, file, line FROM external_obs ORDER BY indexed, ip, port",
			       -1, &st, NULL))
		return sq_fail(s, e, "loading external observations");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ext_obs o = { 0 };
		const char *pl = (const char *)sqlite3_column_text(st, 0);
		const char *ip = (const char *)sqlite3_column_text(st, 1);
		const char *proto = (const char *)sqlite3_column_text(st, 3);
		const char *file = (const char *)sqlite3_column_text(st, 10);
		int p = pl ? ext_platform_parse(pl) : -1;
		if (p < 0 || !ip || ipaddr_parse(ip, &o.ip) < 0) continue; /* from a later dormant */
		o.platform = (enum ext_platform)p;
		o.port = (uint16_t)sqlite3_column_int(st, 2);
		o.proto = proto && !strcmp(proto, "udp") ? PROTO_UDP : PROTO_TCP;
		col(st, 4, o.service, sizeof(o.service));
		col(st, 5, o.product, sizeof(o.product));
		col(st, 6, o.version, sizeof(o.version));
		col(st, 7, o.cpe, sizeof(o.cpe));
		o.indexed = sqlite3_column_double(st, 8);
		col(st, 9, o.hostnames, sizeof(o.hostnames));
		o.file = ext_set_file(out, file ? file : "");
		o.line = (unsigned)sqlite3_column_int(st, 11);
		ext_set_add(out, &o);
	}
	int r = rc == SQLITE_DONE ? 0 : sq_fail(s, e, "loading external observations");
	sqlite3_finalize(st);
	return r;
}
