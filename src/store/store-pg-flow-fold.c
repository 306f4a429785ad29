/* PostgreSQL backend: folding a closed day of flow_day. A save appends its
 * day rows (schema 39: no key; every reader sums a key's rows), so a day
 * being saved holds up to a row a key for each input. Once the day is
 * closed, its rows are summed to one a key: a day is closed when a saved
 * hour lies FOLD_GRACE_H hours past its end (inputs of a later day are
 * arriving). The first save that closes a day folds
 * it, in a transaction of its own after its save: the day's partition is
 * locked against writers (readers go on), its sums are made into a
 * temporary table, then the partition is emptied (TRUNCATE: a new file,
 * no dead rows to scan or vacuum, where DELETE cost as much as the upsert
 * it replaced, bench/RESULTS.md h41) and refilled with them; readers of
 * the day wait only for that. The day is then marked folded (a comment on
 * its partition). Two sensors closing a day at once: one folds it (an
 * advisory lock tried), the other goes on. A later save that appends rows
 * to a folded day (a late sensor, a replay) unmarks it in its transaction,
 * so that it is folded again as a closed day not folded: by that save when
 * its own hours close the day, else by the next save that closes one. */
#include "store/pg-internal.h"
#include "store/flow-day.h"
#include "base/util.h"
#include <inttypes.h>
#include <stdio.h>

enum { FOLD_GRACE_H = 2 };

static const char folded_mark[] = "dormant: folded";

/* Folds day unless another sensor holds its fold (an advisory lock tried)
 * or it is marked folded, read once the lock is held. */
static int fold_day(struct store *s, int64_t day, struct dm_err *e)
{
	const char *what = "folding a day's flow summaries";
	if (pg_begin(s, what, e) < 0) return DM_ESTORE;
	struct pg_params p = { 0 }, q = { 0 };
	pp_int(&p, day);
	char name[48];
	snprintf(name, sizeof(name), "flow_day_d%" PRId64, day);
	pp_str(&q, name);
	pp_str(&q, folded_mark);
	PGresult *r = pg_q(s, "SELECT pg_try_advisory_xact_lock(7021971, $1::int)", &p, what, e);
	if (!r) goto fail;
	bool mine = pg_bool(r, 0, 0);
	PQclear(r);
	/* the mark, in a statement after the lock's: its snapshot sees a fold
	 * that another sensor ended meanwhile */
	if (mine) {
		r = pg_q(s, "SELECT obj_description($1::regclass, 'pg_class') IS DISTINCT FROM $2", &q, what,
			 e);
		if (!r) goto fail;
		mine = pg_bool(r, 0, 0);
		PQclear(r);
	}
	if (!mine) {
		pg_rollback(s);
		return 0;
	}
	char sql[1024];
	snprintf(sql, sizeof(sql),
		 "SET LOCAL work_mem = '64MB';"
		 " LOCK TABLE %s IN EXCLUSIVE MODE;"
		 " CREATE TEMP TABLE dm_fold ON COMMIT DROP AS SELECT day, scope, host, port, proto, peer,"
		 " max(last_hour) AS last_hour, sum(flows)::bigint AS flows, sum(bytes)::bigint AS bytes"
		 " FROM %s GROUP BY day, scope, host, port, proto, peer;"
		 " TRUNCATE %s;"
		 " ALTER TABLE %s SET (fillfactor = 100);"
		 " INSERT INTO %s SELECT * FROM dm_fold;"
		 " COMMENT ON TABLE %s IS '%s'",
		 name, name, name, name, name, name, folded_mark);
	if (pg_script(s, sql, what, e) < 0) goto fail;
	return pg_commit(s, what, e);
fail:
	pg_rollback(s);
	return DM_ESTORE;
}

int pg_flow_fold_closed(struct store *s, int64_t max_hour, bool again, struct dm_err *e)
{
	/* days before `below` are closed: their end is FOLD_GRACE_H hours or
	 * more before max_hour's */
	int64_t below = flow_day_of(max_hour + 1 - FOLD_GRACE_H);
	if (!PG(s)->flow_parted || (below <= PG(s)->fold_below && !again)) return 0;
	struct pg_params p = { 0 };
	pp_int(&p, below);
	pp_str(&p, folded_mark);
	PGresult *r = pg_q(s,
			   "SELECT substr(c.relname, 11)::bigint AS day FROM pg_inherits i JOIN pg_class c"
			   " ON c.oid = i.inhrelid WHERE i.inhparent = 'flow_day'::regclass"
			   " AND c.relname ~ '^flow_day_d[0-9]+$' AND substr(c.relname, 11)::bigint < $1"
			   " AND obj_description(c.oid, 'pg_class') IS DISTINCT FROM $2 ORDER BY 1",
			   &p, "folding a day's flow summaries", e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) ret = fold_day(s, pg_i64(r, i, 0), e);
	PQclear(r);
	if (ret == 0 && below > PG(s)->fold_below) PG(s)->fold_below = below;
	return ret;
}

int pg_flow_day_unfold(struct store *s, const char *days, size_t *ret_n, struct dm_err *e)
{
	const char *what = "saving flow summaries";
	*ret_n = 0;
	struct pg_params p = { 0 };
	pp_str(&p, days);
	pp_str(&p, folded_mark);
	/* the save's rows are in: each day has its partition */
	PGresult *r = pg_q(s,
			   "SELECT d FROM unnest($1::bigint[]) AS d"
			   " WHERE obj_description(('flow_day_d' || d)::regclass, 'pg_class') = $2",
			   &p, what, e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "COMMENT ON TABLE flow_day_d%" PRId64 " IS NULL", pg_i64(r, i, 0));
		ret = pg_script(s, sql, what, e);
	}
	if (ret == 0) *ret_n = (size_t)PQntuples(r);
	PQclear(r);
	return ret;
}
