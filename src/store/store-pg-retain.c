/* PostgreSQL backend: flow_hour's partitions and retention. flow_hour is
 * partitioned by range of hour, one partition a day (flow_hour_d<day>,
 * day = hour / 24), made when a save first needs it: created alone, then
 * attached, which locks the parent only against other attaches (SHARE
 * UPDATE EXCLUSIVE), not against the sensors inserting or the reports
 * reading. Makers of partitions take one advisory lock, so two sensors
 * never make the same day at once. Retention drops the days wholly before
 * its limit and deletes the older hours of the day it falls in; runs go
 * by row (store_retain_runs_sql, shared with SQLite). */
#include "store/pg-internal.h"
#include "store/flow-day.h"
#include "base/util.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pg_flow_partitioned(struct store *s, struct dm_err *e)
{
	PGresult *r = pg_q(s, "SELECT relkind = 'p' FROM pg_class WHERE oid = 'flow_hour'::regclass", NULL,
			   "reading the flow table's layout", e);
	if (!r) return DM_ESTORE;
	PG(s)->flow_parted = PQntuples(r) == 1 && pg_bool(r, 0, 0);
	PQclear(r);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int make_day(struct store *s, int64_t day, bool *locked, struct dm_err *e)
{
	const char *what = "making a day's partition of the flow summaries";
	char sql[1024], name[48];
	snprintf(name, sizeof(name), "flow_hour_d%" PRId64, day);
	struct pg_params p = { 0 };
	pp_str(&p, name);
	/* pg_class read with the statement's snapshot: to_regclass may answer
	 * from a cache that an advisory lock does not refresh */
	static const char has_sql[] =
	    "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = $1"
	    " AND relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = 'flow_hour'::regclass))";
	PGresult *r = pg_q(s, has_sql, &p, what, e);
	if (!r) return DM_ESTORE;
	bool has = pg_bool(r, 0, 0);
	PQclear(r);
	if (has) return 0;
	if (!*locked) {
		if (pg_cmd(s, "SELECT pg_advisory_xact_lock(7021970)", NULL, what, e) < 0) return DM_ESTORE;
		*locked = true;
		/* another sensor may have made it while this one waited */
		if (!(r = pg_q(s, has_sql, &p, what, e))) return DM_ESTORE;
		has = pg_bool(r, 0, 0);
		PQclear(r);
		if (has) return 0;
	}
	/* the day's per-day summaries (store/flow-day.h) with its hours:
	 * appended to by the saves and folded when the day is closed
	 * (store-pg-flow-fold.c) */
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE %s (LIKE flow_hour INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
		 " ALTER TABLE flow_hour ATTACH PARTITION %s FOR VALUES FROM (%" PRId64 ") TO (%" PRId64 ");"
		 " CREATE TABLE flow_day_d%" PRId64
		 " (LIKE flow_day INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
		 " ALTER TABLE flow_day ATTACH PARTITION flow_day_d%" PRId64 " FOR VALUES FROM (%" PRId64
		 ") TO (%" PRId64 ")",
		 name, name, day * 24, (day + 1) * 24, day, day, day, day + 1);
	return pg_script(s, sql, what, e);
}

int pg_flow_partitions(struct store *s, const int64_t *day_list, size_t n, struct dm_err *e)
{
	if (!PG(s)->flow_parted || !n) return 0;
	int64_t *days = xcalloc(n, sizeof(*days));
	memcpy(days, day_list, n * sizeof(*days));
	qsort(days, n, sizeof(*days), cmp_i64);
	bool locked = false;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		if (!i || days[i] != days[i - 1]) r = make_day(s, days[i], &locked, e);
	free(days);
	return r;
}

/* The days wholly before hour: dropped, their rows counted. */
static int drop_days(struct store *s, int64_t hour, struct store_retain_out *ret, struct dm_err *e)
{
	const char *what = "applying retention";
	PGresult *r = pg_q(s,
			   "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
			   " WHERE i.inhparent = 'flow_hour'::regclass ORDER BY 1",
			   NULL, what, e);
	if (!r) return DM_ESTORE;
	int rc = 0;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		const char *name = PQgetvalue(r, i, 0);
		char *end;
		if (strncmp(name, "flow_hour_d", 11)) continue;
		long long day = strtoll(name + 11, &end, 10);
		if (*end || (day + 1) * 24 > hour) continue;
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", name);
		PGresult *c = pg_q(s, sql, NULL, what, e);
		if (!c) {
			rc = DM_ESTORE;
			break;
		}
		ret->flow_rows += (uint64_t)pg_i64(c, 0, 0);
		PQclear(c);
		snprintf(sql, sizeof(sql), "DROP TABLE %s; DROP TABLE IF EXISTS flow_day_d%lld", name, day);
		if ((rc = pg_script(s, sql, what, e)) == 0) ret->flow_partitions++;
	}
	PQclear(r);
	return rc;
}

static int count_cmd(struct store *s, const char *sql, double v, uint64_t *ret, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_dbl(&p, v);
	PGresult *r = pg_q(s, sql, &p, "applying retention", e);
	if (!r) return DM_ESTORE;
	if (ret) *ret += (uint64_t)(PQntuples(r) == 1 ? pg_i64(r, 0, 0) : strtoll(PQcmdTuples(r), NULL, 10));
	PQclear(r);
	return 0;
}

/* flow_day without the days wholly before hour, and the day hour falls
 * in made again from the hours retention kept of it */
static int refill_day(struct store *s, int64_t hour, struct dm_err *e)
{
	const char *what = "applying retention";
	struct pg_params p = { 0 };
	pp_int(&p, flow_day_of(hour));
	int r = pg_cmd(s, "DELETE FROM flow_day WHERE day < $1", &p, what, e);
	if (r == 0 && hour % 24) r = pg_cmd(s, FLOW_DAY_CLEAR_DAY, &p, what, e);
	if (r == 0 && hour % 24) r = pg_cmd(s, FLOW_DAY_FILL_DAY, &p, what, e);
	return r;
}

int pg_retain(struct store *s, double flow_before, double runs_before, struct store_retain_out *ret,
	      struct dm_err *e)
{
	const char *what = "applying retention";
	int r = pg_begin(s, what, e);
	if (r < 0) return r;
	if (flow_before > 0) {
		double hour = floor(flow_before / 3600);
		if (PG(s)->flow_parted) r = drop_days(s, (int64_t)hour, ret, e);
		if (r == 0)
			r = count_cmd(s, "DELETE FROM flow_hour WHERE hour < $1", hour, &ret->flow_rows, e);
		if (r == 0) r = refill_day(s, (int64_t)hour, e);
		if (r == 0) r = count_cmd(s, "DELETE FROM flow_input WHERE last <= $1 * 3600", hour, NULL, e);
	}
	if (runs_before > 0 && r == 0) {
		r = count_cmd(s, RETAIN_RUNS_COUNT, runs_before, &ret->runs, e);
		for (size_t i = 0; i < store_retain_runs_n && r == 0 && ret->runs; i++)
			r = count_cmd(s, store_retain_runs_sql[i], runs_before, NULL, e);
	}
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

/* dormant sensors (store-row.h's statements and decoders) */
int pg_sensors_list(struct store *s, struct sensor_info **ret, size_t *ret_n, struct dm_err *e)
{
	PGresult *r = pg_q(s, ROW_SENSORS_SQL, NULL, "listing sensors", e);
	if (!r) return DM_ESTORE;
	size_t n = (size_t)PQntuples(r);
	struct sensor_info *v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		struct store_row row = pg_row(r, (int)i);
		row_sensor(&row, &v[i]);
	}
	PQclear(r);
	if (!(r = pg_q(s, ROW_SENSOR_KINDS_SQL, NULL, "listing sensors", e))) {
		free(v);
		return DM_ESTORE;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		struct store_row row = pg_row(r, i);
		row_sensor_kind(&row, v, n);
	}
	PQclear(r);
	*ret = v;
	*ret_n = n;
	return 0;
}
