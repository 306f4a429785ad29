/* SQLite backend: what each run saw of its hosts' identities (issue 22,
 * asset_idents); the statements are store-row.h's, shared with PostgreSQL. */
#include "store/sqlite-internal.h"
#include "store/store-row.h"
#include "base/util.h"
#include "net/route.h"
#include <stdlib.h>

static int save_one(struct store *s, sqlite3_stmt *st, int64_t run, const struct ident_obs *o,
		    struct dm_err *e)
{
	char ip[IPADDR_STRLEN], mac[18] = "", key[IDENT_KEY_MAX];
	ipaddr_fmt(&o->ip, ip, sizeof(ip));
	if (o->has_mac) mac_fmt(o->mac, mac, sizeof(mac));
	ident_key(o, key);
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, o->mac_local);
	sqlite3_bind_text(st, 6, o->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, o->mac_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, o->name_from, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 9, o->seen);
	sqlite3_bind_text(st, 10, o->cert, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, o->snmp_engine, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, o->ssh_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, o->mdns_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, o->dns_name, -1, SQLITE_STATIC);
	return sq_done(s, st, "saving the hosts' identities", e);
}

int sq_idents_save(struct store *s, int64_t run, const struct ident_set *is, struct dm_err *e)
{
	const char *what = "saving the hosts' identities";
	sqlite3_stmt *del = NULL, *ins = NULL;
	if (sq_exec(s, "BEGIN IMMEDIATE", what, e) < 0) return DM_ESTORE;
	int r = 0;
	if (sqlite3_prepare_v2(SQ(s)->db, "DELETE FROM asset_idents WHERE run_id = ?", -1, &del, NULL) ||
	    sqlite3_prepare_v2(SQ(s)->db, ROW_IDENT_INSERT, -1, &ins, NULL))
		r = sq_fail(s, e, what);
	if (r == 0) {
		sqlite3_bind_int64(del, 1, run);
		r = sq_done(s, del, what, e);
	}
	for (size_t i = 0; i < is->n && r == 0; i++) r = save_one(s, ins, run, &is->v[i], e);
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	if (r == 0 && (r = sq_exec(s, "COMMIT", what, e)) == 0) return 0;
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

int sq_idents_load(struct store *s, int64_t run, struct ident_set *out, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, ROW_IDENT_LOAD, -1, &st, NULL))
		return sq_fail(s, e, "loading the hosts' identities");
	sqlite3_bind_int64(st, 1, run);
	int rc;
	struct store_row row = sq_row(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ident_obs o;
		if (row_ident(&row, &o)) ident_set_add(out, &o);
	}
	int r = rc == SQLITE_DONE ? 0 : sq_fail(s, e, "loading the hosts' identities");
	sqlite3_finalize(st);
	return r;
}

int sq_ident_history(struct store *s, const char *key, int64_t through, struct ident_addr **ret,
		     size_t *ret_n, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, ROW_IDENT_HISTORY, -1, &st, NULL))
		return sq_fail(s, e, "reading an identity's addresses");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, through);
	sqlite3_bind_text(st, 3, store_site(s) ? store_site(s) : "default", -1, SQLITE_STATIC);
	int rc;
	struct store_row row = sq_row(st);
	struct ident_addr *v = NULL;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		if (row_ident_addr(&row, &v[n])) n++;
	}
	int r = rc == SQLITE_DONE ? 0 : sq_fail(s, e, "reading an identity's addresses");
	sqlite3_finalize(st);
	if (r < 0) {
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
