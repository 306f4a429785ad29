/* SQLite backend: the distributions' security data (schema 13). Rows are
 * written inside an import's transaction (sq_vuln_begin) and read per
 * (distribution, source package), which the primary key leads with. */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include <string.h>

enum { DS_PUT_FIX, DS_PUT_PKG, DS_FIXES, DS_PKGS, DS_N };

static const char *const sql[DS_N] = {
	[DS_PUT_FIX] =
	    "INSERT OR REPLACE INTO distro_fix(distro, release, package, cve, status, fixed_version,"
	    " urgency) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[DS_PUT_PKG] =
	    "INSERT OR REPLACE INTO distro_pkg(distro, release, package, version) VALUES (?, ?, ?, ?)",
	[DS_FIXES] = "SELECT release, cve, status, fixed_version, urgency FROM distro_fix"
		     " WHERE distro = ? AND package = ?",
	[DS_PKGS] = "SELECT release, version FROM distro_pkg WHERE distro = ? AND package = ?",
};

static sqlite3_stmt *stmt(struct store *s, int i)
{
	_Static_assert(DS_N <= ARRAY_SIZE(((struct sq_conn *)0)->distro_stmts), "room for the statements");
	sqlite3_stmt **st = &SQ(s)->distro_stmts[i];
	if (!*st && sqlite3_prepare_v2(SQ(s)->db, sql[i], -1, st, NULL) != SQLITE_OK) return NULL;
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return *st;
}

int sq_distro_put_fix(struct store *s, const struct vuln_distro_fix *f, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, DS_PUT_FIX);
	if (!st) return sq_fail(s, e, "distribution data");
	sqlite3_bind_text(st, 1, f->distro, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->release, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->package, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->num);
	sqlite3_bind_text(st, 5, distro_status_name(f->status), -1, SQLITE_STATIC);
	sq_text(st, 6, f->fixed_version);
	sq_text(st, 7, f->urgency);
	return sq_done(s, st, "distribution data", e);
}

int sq_distro_put_pkg(struct store *s, const struct vuln_distro_pkg *p, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, DS_PUT_PKG);
	if (!st) return sq_fail(s, e, "distribution data");
	sqlite3_bind_text(st, 1, p->distro, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->release, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->package, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->version, -1, SQLITE_STATIC);
	return sq_done(s, st, "distribution data", e);
}

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

int sq_distro_fixes(struct store *s, const char *distro, const char *package, distro_fix_fn fn, void *ctx,
		    struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, DS_FIXES);
	if (!st) return sq_fail(s, e, "distribution data");
	sqlite3_bind_text(st, 1, distro, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, package, -1, SQLITE_STATIC);
	int rc, r = 0, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vuln_distro_fix f = { .distro = distro,
					     .release = col(st, 0),
					     .package = package,
					     .num = sqlite3_column_int64(st, 1),
					     .status = distro_status_parse(col(st, 2)),
					     .fixed_version = col(st, 3),
					     .urgency = col(st, 4) };
		n++;
		if (f.release && f.status && (r = fn(ctx, &f)) < 0) break;
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "distribution data");
	sqlite3_reset(st);
	return r < 0 ? r : n;
}

int sq_distro_pkgs(struct store *s, const char *distro, const char *package, distro_pkg_fn fn, void *ctx,
		   struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, DS_PKGS);
	if (!st) return sq_fail(s, e, "distribution data");
	sqlite3_bind_text(st, 1, distro, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, package, -1, SQLITE_STATIC);
	int rc, r = 0, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vuln_distro_pkg p = {
			.distro = distro, .release = col(st, 0), .package = package, .version = col(st, 1)
		};
		n++;
		if (p.release && p.version && (r = fn(ctx, &p)) < 0) break;
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "distribution data");
	sqlite3_reset(st);
	return r < 0 ? r : n;
}

int sq_distro_stats(struct store *s, distro_count_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT distro, count(DISTINCT release), count(DISTINCT package), count(*)"
			       " FROM distro_fix GROUP BY distro ORDER BY distro",
			       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, e, "distribution data");
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn(ctx, col(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
			    (uint64_t)sqlite3_column_int64(st, 2), (uint64_t)sqlite3_column_int64(st, 3))) <
		    0)
			break;
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "distribution data");
	sqlite3_finalize(st);
	return r;
}
