/* SQLite: the traffic stream's state with its hour's findings and run's
 * end, one transaction (store.h, store_stream_hour_save). */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include <stdlib.h>
#include <string.h>

static int put_state(struct store *s, const char *source, const struct stream_state_row *row, double now,
		     struct dm_err *e)
{
	const char *what = "saving the stream's state";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT OR REPLACE INTO stream_state(source, site, format, clock, run_id, saved, state)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)",
		-1, &st, NULL))
		return sq_fail(s, e, what);
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, store_site_name(s), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, row->format);
	sqlite3_bind_double(st, 4, row->clock);
	sqlite3_bind_int64(st, 5, row->run);
	sqlite3_bind_double(st, 6, now);
	sqlite3_bind_blob64(st, 7, row->n ? row->data : "", row->n, SQLITE_STATIC);
	int r = sq_done(s, st, what, e);
	sqlite3_finalize(st);
	return r;
}

int sq_stream_hour_save(struct store *s, int64_t run, struct findings *fs, const char *source,
			const struct stream_state_row *row, double finished, struct dm_err *e)
{
	const char *what = "saving the stream's hour";
	if (sq_exec(s, "BEGIN IMMEDIATE", what, e) < 0) return DM_ESTORE;
	int r = fs->n ? s->ops->save_findings(s, run, fs, e) : 0; /* joins this transaction */
	if (r == 0) r = put_state(s, source, row, finished, e);
	if (r == 0) r = s->ops->run_finish(s, run, "done", finished, e);
	if (r == 0) return sq_exec(s, "COMMIT", what, e);
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

int sq_stream_state_load(struct store *s, const char *source, struct stream_state_row *ret, struct dm_err *e)
{
	const char *what = "reading the stream's state";
	sqlite3_stmt *st;
	memset(ret, 0, sizeof(*ret));
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT format, clock, run_id, state FROM stream_state WHERE source = ? AND site = ?", -1,
		&st, NULL))
		return sq_fail(s, e, what);
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, store_site_name(s), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		ret->format = sqlite3_column_int(st, 0);
		ret->clock = sqlite3_column_double(st, 1);
		ret->run = sqlite3_column_int64(st, 2);
		const void *p = sqlite3_column_blob(st, 3);
		ret->n = (size_t)sqlite3_column_bytes(st, 3);
		ret->data = xmalloc(ret->n + 1);
		if (ret->n) memcpy(ret->data, p, ret->n);
		r = 1;
	} else if (rc != SQLITE_DONE) {
		r = sq_fail(s, e, what);
	}
	sqlite3_finalize(st);
	return r;
}
