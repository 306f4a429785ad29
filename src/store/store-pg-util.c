/* PostgreSQL backend: text parameters, statements, errors, transactions. */
#include "store/pg-internal.h"
#include "base/util.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pp_add(struct pg_params *p, const char *v)
{
	/* the statements are ours: more parameters than room is a bug here */
	if (p->n >= PG_MAX_PARAMS) abort();
	p->v[p->n++] = v;
}

void pp_str(struct pg_params *p, const char *v) { pp_add(p, v); }

void pp_text(struct pg_params *p, const char *v) { pp_add(p, v && *v ? v : NULL); }

void pp_null(struct pg_params *p) { pp_add(p, NULL); }

void pp_limit(struct pg_params *p, size_t limit)
{
	if (limit)
		pp_int(p, (int64_t)limit);
	else
		pp_null(p);
}

void pp_int(struct pg_params *p, int64_t v)
{
	if (p->n >= PG_MAX_PARAMS) abort();
	snprintf(p->num[p->n], sizeof(p->num[0]), "%" PRId64, v);
	pp_add(p, p->num[p->n]);
}

void pp_dbl(struct pg_params *p, double v)
{
	if (p->n >= PG_MAX_PARAMS) abort();
	snprintf(p->num[p->n], sizeof(p->num[0]), "%.17g", v);
	pp_add(p, p->num[p->n]);
}

void pg_oneline(char *m)
{
	char *o = m;
	for (const char *c = m; *c; c++) {
		bool space = *c == '\n' || *c == '\t' || *c == '\r' || *c == ' ';
		if (space && (o == m || o[-1] == ' ')) continue;
		*o++ = space ? ' ' : *c;
	}
	while (o > m && o[-1] == ' ') o--;
	*o = 0;
}

/* The server's message on one line. */
static int fail(struct store *s, struct dm_err *e, const char *what, const char *msg)
{
	char m[512];
	snprintf(m, sizeof(m), "%s", msg && *msg ? msg : "unknown error");
	pg_oneline(m);
	return dm_fail(e, DM_ESTORE, "--db %s: %s: %s", s->path, what, m);
}

PGresult *pg_q(struct store *s, const char *sql, const struct pg_params *p, const char *what,
	       struct dm_err *e)
{
	PGresult *r = PQexecParams(PG(s)->c, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) return r;
	fail(s, e, what, r ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->c));
	PQclear(r);
	return NULL;
}

int pg_cmd(struct store *s, const char *sql, const struct pg_params *p, const char *what, struct dm_err *e)
{
	PGresult *r = pg_q(s, sql, p, what, e);
	if (!r) return DM_ESTORE;
	PQclear(r);
	return 0;
}

int pg_script(struct store *s, const char *sql, const char *what, struct dm_err *e)
{
	PGresult *r = PQexec(PG(s)->c, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int ret = 0;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		ret = fail(s, e, what, r ? PQresultErrorMessage(r) : PQerrorMessage(PG(s)->c));
	PQclear(r);
	return ret;
}

int pg_begin(struct store *s, const char *what, struct dm_err *e)
{
	char sql[96];
	if (PG(s)->depth)
		snprintf(sql, sizeof(sql), "SAVEPOINT dm%d", PG(s)->depth);
	else
		snprintf(sql, sizeof(sql), "BEGIN");
	int r = pg_cmd(s, sql, NULL, what, e);
	if (r == 0) PG(s)->depth++;
	return r;
}

int pg_commit(struct store *s, const char *what, struct dm_err *e)
{
	if (!PG(s)->depth) return 0;
	char sql[96];
	int d = --PG(s)->depth;
	if (d)
		snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT dm%d", d);
	else
		snprintf(sql, sizeof(sql), "COMMIT");
	int r = pg_cmd(s, sql, NULL, what, e);
	if (r < 0 && !d) pg_cmd(s, "ROLLBACK", NULL, "rollback", NULL);
	return r;
}

void pg_rollback(struct store *s)
{
	if (!PG(s)->depth) return;
	char sql[96];
	int d = --PG(s)->depth;
	if (d)
		snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT dm%d; RELEASE SAVEPOINT dm%d", d, d);
	else
		snprintf(sql, sizeof(sql), "ROLLBACK");
	PQclear(PQexec(PG(s)->c, sql));
}

int64_t pg_i64(const PGresult *r, int row, int col)
{
	const char *v = pg_col(r, row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

double pg_dbl(const PGresult *r, int row, int col)
{
	const char *v = pg_col(r, row, col);
	return v ? strtod(v, NULL) : 0;
}

static const char *pg_row_text(const struct store_row *r, int col) { return pg_col(r->h, r->i, col); }

static int64_t pg_row_i64(const struct store_row *r, int col) { return pg_i64(r->h, r->i, col); }

static double pg_row_dbl(const struct store_row *r, int col) { return pg_dbl(r->h, r->i, col); }

struct store_row pg_row(const PGresult *r, int i)
{
	static const struct store_row_ops ops = { pg_row_text, pg_row_i64, pg_row_dbl };
	return (struct store_row){ .ops = &ops, .h = r, .i = i };
}
