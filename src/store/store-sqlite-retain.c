/* SQLite backend: retention (store_retain) and the sensors list. Old flow hours and the inputs
 * they came from are deleted by row, then old runs with what is stored
 * with them (store_retain_runs_sql, shared with PostgreSQL). */
#include "store/sqlite-internal.h"
#include "store/flow-day.h"
#include "base/util.h"
#include <math.h>
#include <stdlib.h>

static int run_sql(struct store *s, const char *sql, double v, int64_t *ret_changes, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, sql, -1, &st, NULL)) return sq_fail(s, e, "applying retention");
	sqlite3_bind_double(st, 1, v);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW && ret_changes)
		*ret_changes = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE && ret_changes)
		*ret_changes = sqlite3_changes(SQ(s)->db);
	else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = sq_fail(s, e, "applying retention");
	sqlite3_finalize(st);
	return r;
}

int sq_retain(struct store *s, double flow_before, double runs_before, struct store_retain_out *ret,
	      struct dm_err *e)
{
	if (sq_exec(s, "BEGIN IMMEDIATE", "applying retention", e) < 0) return DM_ESTORE;
	int r = 0;
	int64_t n = 0;
	if (flow_before > 0) {
		double hour = floor(flow_before / 3600);
		r = run_sql(s, "DELETE FROM flow_hour WHERE hour < $1", hour, &n, e);
		ret->flow_rows = (uint64_t)n;
		if (r == 0) r = run_sql(s, "DELETE FROM flow_input WHERE last <= $1 * 3600", hour, NULL, e);
		/* the days wholly before it go, the day it falls in is summed again */
		double day = (double)flow_day_of((int64_t)hour);
		if (r == 0) r = run_sql(s, "DELETE FROM flow_day WHERE day < $1", day, NULL, e);
		if (r == 0 && fmod(hour, 24)) r = run_sql(s, FLOW_DAY_CLEAR_DAY, day, NULL, e);
		if (r == 0 && fmod(hour, 24)) r = run_sql(s, FLOW_DAY_FILL_DAY, day, NULL, e);
	}
	if (runs_before > 0 && r == 0) {
		r = run_sql(s, RETAIN_RUNS_COUNT, runs_before, &n, e);
		ret->runs = (uint64_t)n;
		for (size_t i = 0; i < store_retain_runs_n && r == 0 && n > 0; i++)
			r = run_sql(s, store_retain_runs_sql[i], runs_before, NULL, e);
	}
	if (r == 0) return sq_exec(s, "COMMIT", "applying retention", e);
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

/* dormant sensors (store-row.h's statements and decoders) */
int sq_sensors_list(struct store *s, struct sensor_info **ret, size_t *ret_n, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	struct sensor_info *v = NULL;
	size_t n = 0;
	int rc = SQLITE_DONE;
	if (sqlite3_prepare_v2(SQ(s)->db, ROW_SENSORS_SQL, -1, &st, NULL))
		return sq_fail(s, e, "listing sensors");
	struct store_row row = sq_row(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (n + 1) * sizeof(*v));
		row_sensor(&row, &v[n++]);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_DONE && sqlite3_prepare_v2(SQ(s)->db, ROW_SENSOR_KINDS_SQL, -1, &st, NULL) == 0) {
		row = sq_row(st);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) row_sensor_kind(&row, v, n);
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_ERROR;
	}
	int r = rc == SQLITE_DONE ? 0 : sq_fail(s, e, "listing sensors");
	sqlite3_finalize(st);
	if (r < 0) {
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
