/* SQLite backend: the asset register. */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

int sq_inventory_replace(struct store *s, const struct inventory *inv, const char *source, double when,
			 struct dm_err *e)
{
	sqlite3_stmt *ins = NULL;
	sqlite3_stmt *del = NULL;
	if (sq_exec(s, "BEGIN IMMEDIATE", "saving the asset register", e) < 0) return DM_ESTORE;
	int r = 0;
	/* the site's register only: other sites keep theirs */
	if (sqlite3_prepare_v2(SQ(s)->db, "DELETE FROM inventory WHERE site = ?", -1, &del, NULL) ||
	    sqlite3_prepare_v2(SQ(s)->db,
			       "INSERT INTO inventory(ip, mac, hostname, owner, role, status, expires, line, "
			       "source, imported, public_ip, site)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &ins, NULL))
		r = sq_fail(s, e, "saving the asset register");
	if (r == 0) {
		sqlite3_bind_text(del, 1, store_site_name(s), -1, SQLITE_STATIC);
		r = sq_done(s, del, "saving the asset register", e);
	}
	sqlite3_finalize(del);
	for (size_t i = 0; i < inv->n && r == 0; i++) {
		const struct inv_entry *en = &inv->v[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&en->ip, ip, sizeof(ip));
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, ip, -1, SQLITE_TRANSIENT);
		sq_text(ins, 2, en->mac);
		sq_text(ins, 3, en->hostname);
		sq_text(ins, 4, en->owner);
		sq_text(ins, 5, en->role);
		sqlite3_bind_text(ins, 6, inv_status_name(en->status), -1, SQLITE_STATIC);
		if (en->expires > 0)
			sqlite3_bind_double(ins, 7, en->expires);
		else
			sqlite3_bind_null(ins, 7);
		sqlite3_bind_int(ins, 8, (int)en->line);
		sq_text(ins, 9, source);
		sqlite3_bind_double(ins, 10, when);
		char pub[IPADDR_STRLEN] = "";
		if (en->has_public) ipaddr_fmt(&en->public_ip, pub, sizeof(pub));
		sq_text(ins, 11, pub);
		sqlite3_bind_text(ins, 12, store_site_name(s), -1, SQLITE_STATIC);
		r = sq_done(s, ins, "saving the asset register", e);
	}
	sqlite3_finalize(ins);
	if (r == 0) return sq_exec(s, "COMMIT", "saving the asset register", e);
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	snprintf(out, n, "%s", v ? v : "");
}

int sq_inventory_load(struct store *s, struct inventory *inv, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT ip, mac, hostname, owner, role, status, expires, line, public_ip FROM "
			       "inventory WHERE site = ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "loading the asset register");
	sqlite3_bind_text(st, 1, store_site_name(s), -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct inv_entry en = { 0 };
		const char *ip = (const char *)sqlite3_column_text(st, 0);
		if (!ip || ipaddr_parse(ip, &en.ip) < 0) continue;
		copy_col(st, 1, en.mac, sizeof(en.mac));
		copy_col(st, 2, en.hostname, sizeof(en.hostname));
		copy_col(st, 3, en.owner, sizeof(en.owner));
		copy_col(st, 4, en.role, sizeof(en.role));
		const char *status = (const char *)sqlite3_column_text(st, 5);
		int k = status ? inv_status_parse(status) : -1;
		en.status = k < 0 ? INV_ACTIVE : (enum inv_status)k;
		en.expires = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 6);
		en.line = (unsigned)sqlite3_column_int(st, 7);
		const char *pub = (const char *)sqlite3_column_text(st, 8);
		en.has_public = pub && ipaddr_parse(pub, &en.public_ip) == 0;
		if (inv->n == inv->cap) {
			inv->cap = inv->cap ? 2 * inv->cap : 64;
			inv->v = xrealloc(inv->v, inv->cap * sizeof(*inv->v));
		}
		inv->v[inv->n++] = en;
	}
	int r = rc == SQLITE_DONE ? 0 : sq_fail(s, e, "loading the asset register");
	sqlite3_finalize(st);
	inventory_sort(inv);
	return r;
}
