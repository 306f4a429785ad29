/* PostgreSQL: the traffic stream's state with its hour's findings and
 * run's end, one transaction (store.h, store_stream_hour_save). The state
 * goes and comes back as binary (bytea), not as text. */
#include "store/pg-internal.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put_state(struct store *s, const char *source, const struct stream_state_row *row, double now,
		     struct dm_err *e)
{
	char fmt[16], clock[40], run[24], saved[40];
	snprintf(fmt, sizeof(fmt), "%d", row->format);
	snprintf(clock, sizeof(clock), "%.17g", row->clock);
	snprintf(run, sizeof(run), "%lld", (long long)row->run);
	snprintf(saved, sizeof(saved), "%.17g", now);
	const char *v[7] = { source, store_site_name(s), fmt, clock, run, saved, row->n ? row->data : "" };
	int len[7] = { 0, 0, 0, 0, 0, 0, (int)row->n }, binary[7] = { 0, 0, 0, 0, 0, 0, 1 };
	PGresult *r = PQexecParams(
	    PG(s)->c,
	    "INSERT INTO stream_state(source, site, format, clock, run_id, saved, state)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source, site) DO UPDATE SET format = $3,"
	    " clock = $4, run_id = $5, saved = $6, state = $7",
	    7, NULL, v, len, binary, 0);
	int ret = 0;
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
		char m[512];
		snprintf(m, sizeof(m), "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->c));
		pg_oneline(m);
		ret = dm_fail(e, DM_ESTORE, "--db %s: saving the stream's state: %s", s->path, m);
	}
	PQclear(r);
	return ret;
}

int pg_stream_hour_save(struct store *s, int64_t run, struct findings *fs, const char *source,
			const struct stream_state_row *row, double finished, struct dm_err *e)
{
	const char *what = "saving the stream's hour";
	if (row->n > INT32_MAX)
		return dm_fail(e, DM_ETOOBIG, "--db %s: %s: the state is too large", s->path, what);
	int r = pg_begin(s, what, e);
	if (r < 0) return r;
	if (fs->n) r = s->ops->save_findings(s, run, fs, e); /* a savepoint within */
	if (r == 0) r = put_state(s, source, row, finished, e);
	if (r == 0) r = s->ops->run_finish(s, run, "done", finished, e);
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

/* A big-endian integer of a binary result's column. */
static uint64_t be_int(const char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++) v = v << 8 | (uint8_t)p[i];
	return v;
}

int pg_stream_state_load(struct store *s, const char *source, struct stream_state_row *ret, struct dm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	const char *v[2] = { source, store_site_name(s) };
	PGresult *r = PQexecParams(PG(s)->c,
				   "SELECT format::int4, clock::float8, run_id::int8, state FROM stream_state"
				   " WHERE source = $1 AND site = $2",
				   2, NULL, v, NULL, NULL, 1);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		char m[512];
		snprintf(m, sizeof(m), "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->c));
		pg_oneline(m);
		PQclear(r);
		return dm_fail(e, DM_ESTORE, "--db %s: reading the stream's state: %s", s->path, m);
	}
	int found = 0;
	if (PQntuples(r) == 1 && PQgetlength(r, 0, 0) == 4 && PQgetlength(r, 0, 1) == 8 &&
	    PQgetlength(r, 0, 2) == 8) {
		ret->format = (int)(int32_t)be_int(PQgetvalue(r, 0, 0), 4);
		uint64_t c = be_int(PQgetvalue(r, 0, 1), 8);
		memcpy(&ret->clock, &c, 8);
		ret->run = (int64_t)be_int(PQgetvalue(r, 0, 2), 8);
		ret->n = (size_t)PQgetlength(r, 0, 3);
		ret->data = xmalloc(ret->n + 1);
		if (ret->n) memcpy(ret->data, PQgetvalue(r, 0, 3), ret->n);
		found = 1;
	}
	PQclear(r);
	return found;
}
