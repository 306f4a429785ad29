/* PostgreSQL backend: the schema. There is one list of migrations, the
 * SQLite backend's (store-sqlite.c migrations[]); each is translated here
 * as it is applied, so both backends stay at the same schema version with
 * the same tables and columns. The translation is by word, outside quoted
 * text: INTEGER PRIMARY KEY (SQLite's rowid alias, which numbers rows)
 * becomes BIGSERIAL PRIMARY KEY, INTEGER BIGINT, REAL DOUBLE PRECISION,
 * BLOB BYTEA, and WITHOUT ROWID is dropped. A migration whose SQLite text
 * does not translate (a PRAGMA, a SQLite-only function) must add its
 * PostgreSQL form to pg_after[], or replace it in pg_instead[]. The
 * version lives in dormant_schema. */
#include "store/pg-internal.h"
#include "base/buf.h"
#include "base/util.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* What PostgreSQL needs besides the translation, after migration `after`:
 * a column that keeps the order rows were saved in, where the SQLite
 * backend reads them back ORDER BY rowid. */
static const struct {
	int after;
	const char *sql;
} pg_after[] = {
	{ 4, "ALTER TABLE findings ADD COLUMN pg_seq BIGSERIAL;" },
	/* hourly flow summaries partitioned by day (flow_hour_d<day>, made as
	 * saves need them, store-pg-retain.c): retention drops whole days */
	{ 5, "ALTER TABLE flow_hour RENAME TO flow_hour_plain; CREATE TABLE flow_hour (LIKE flow_hour_plain"
	     " INCLUDING ALL) PARTITION BY RANGE (hour); DROP TABLE flow_hour_plain;" },
	{ 10, "ALTER TABLE run_caveats ADD COLUMN pg_seq BIGSERIAL;" },
	{ 17, "ALTER TABLE edge_mappings ADD COLUMN IF NOT EXISTS pg_seq BIGSERIAL;" },
	/* the outbox made again with its rows and their ids: its new sequence
	 * continues after them (the number is migration 25's, "outbox again") */
	{ 25, "SELECT setval(pg_get_serial_sequence('alert_outbox', 'id'), COALESCE(MAX(id), 0) + 1, false)"
	      " FROM alert_outbox;" },
	/* per-day flow summaries partitioned as flow_hour is, a partition for
	 * each of its days (made with them after, store-pg-retain.c) */
	{ 31, "DO $$ DECLARE d bigint; BEGIN"
	      " IF (SELECT relkind FROM pg_class WHERE oid = 'flow_hour'::regclass) = 'p' THEN"
	      " ALTER TABLE flow_day RENAME TO flow_day_plain;"
	      " CREATE TABLE flow_day (LIKE flow_day_plain INCLUDING ALL) PARTITION BY RANGE (day);"
	      " FOR d IN SELECT substr(c.relname, 12)::bigint FROM pg_inherits i JOIN pg_class c"
	      " ON c.oid = i.inhrelid WHERE i.inhparent = 'flow_hour'::regclass"
	      " AND c.relname ~ '^flow_hour_d[0-9]+$' LOOP"
	      " EXECUTE format('CREATE TABLE flow_day_d%s (LIKE flow_day INCLUDING DEFAULTS"
	      " INCLUDING CONSTRAINTS) WITH (fillfactor = 50)', d);"
	      " EXECUTE format('ALTER TABLE flow_day ATTACH PARTITION flow_day_d%s FOR VALUES FROM (%s)"
	      " TO (%s)', d, d, d + 1);"
	      " END LOOP;"
	      " INSERT INTO flow_day SELECT * FROM flow_day_plain; DROP TABLE flow_day_plain;"
	      " END IF; END $$;" },
};

/* Migrations whose SQLite text is not translated but replaced: schema 26
 * makes assets and inventory again in SQLite, which cannot drop a
 * constraint; PostgreSQL changes the constraints in place (the columns end
 * up the same). */
static const struct {
	int to;
	const char *sql;
} pg_instead[] = {
	/* flow_hour without its unique key: a save appends its rows (COPY,
	 * store-pg-flow-save.c), a key saved by two inputs is two rows that
	 * every reader sums; pg_seq numbers the inputs (flow_input) and tells
	 * their rows' order, in which dm_names merges a key's names as the
	 * upsert did (store-pg-flow.c). The per-host reads keep an index. */
	{ 35, "DO $$ DECLARE c text; BEGIN"
	      " SELECT conname INTO c FROM pg_constraint WHERE conrelid = 'flow_hour'::regclass AND contype "
	      "= 'p';"
	      " IF c IS NOT NULL THEN EXECUTE format('ALTER TABLE flow_hour DROP CONSTRAINT %I', c); END IF;"
	      " END $$;"
	      "ALTER TABLE flow_hour ADD COLUMN IF NOT EXISTS pg_seq BIGINT;"
	      "ALTER TABLE flow_input ADD COLUMN IF NOT EXISTS pg_seq BIGSERIAL;"
	      "CREATE INDEX IF NOT EXISTS flow_hour_host ON flow_hour (host, hour);"
	      "CREATE OR REPLACE FUNCTION dm_names_add(acc text, add text) RETURNS text LANGUAGE sql"
	      " IMMUTABLE AS $$ SELECT CASE WHEN acc IS NULL THEN add WHEN add IS NULL"
	      " OR strpos(',' || acc || ',', ',' || add || ',') > 0 OR length(acc) > 1000 THEN acc"
	      " ELSE acc || ',' || add END $$;"
	      "CREATE OR REPLACE AGGREGATE dm_names(text) (SFUNC = dm_names_add, STYPE = text);" },
	/* flow_day without its unique key when it is partitioned: a save
	 * appends its day rows, every reader sums a key's rows, and a day is
	 * folded to a row a key once it is closed (store-pg-flow-fold.c); a
	 * plain flow_day (a store made before partitioning) keeps the key and
	 * the upsert */
	{ 39, "DO $$ DECLARE c text; BEGIN"
	      " IF (SELECT relkind FROM pg_class WHERE oid = 'flow_day'::regclass) = 'p' THEN"
	      " SELECT conname INTO c FROM pg_constraint WHERE conrelid = 'flow_day'::regclass"
	      " AND contype = 'p';"
	      " IF c IS NOT NULL THEN EXECUTE format('ALTER TABLE flow_day DROP CONSTRAINT %I', c); END IF;"
	      " END IF; END $$;" },
	{ 26, "ALTER TABLE runs ADD COLUMN site TEXT NOT NULL DEFAULT 'default';"
	      "ALTER TABLE assets ADD COLUMN site TEXT NOT NULL DEFAULT 'default';"
	      "ALTER TABLE assets DROP CONSTRAINT IF EXISTS assets_ip_key;"
	      "ALTER TABLE assets ADD CONSTRAINT assets_site_ip_key UNIQUE (site, ip);"
	      "ALTER TABLE inventory ADD COLUMN site TEXT NOT NULL DEFAULT 'default';"
	      "ALTER TABLE inventory DROP CONSTRAINT IF EXISTS inventory_pkey;"
	      "ALTER TABLE inventory ADD PRIMARY KEY (site, ip);" },
};

static size_t word_len(const char *p)
{
	size_t n = 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_') n++;
	return n;
}

static bool word_is(const char *p, size_t n, const char *w) { return n == strlen(w) && !strncmp(p, w, n); }

/* The next word after p (spaces skipped): its start, and its length in *n. */
static const char *next_word(const char *p, size_t *n)
{
	while (isspace((unsigned char)*p)) p++;
	*n = word_len(p);
	return p;
}

int pg_translate(const char *sql, struct buf *out)
{
	buf_reset(out);
	for (const char *p = sql; *p;) {
		if (*p == '\'') { /* a quoted text, '' inside it included */
			const char *q = p + 1;
			while (*q && !(*q == '\'' && q[1] != '\'')) q += *q == '\'' ? 2 : 1;
			if (*q) q++;
			buf_append(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		size_t n = word_len(p);
		if (!n || (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			buf_putc(out, *p++);
			continue;
		}
		size_t n2, n3;
		const char *w2 = next_word(p + n, &n2);
		const char *w3 = next_word(w2 + n2, &n3);
		if (word_is(p, n, "INTEGER") && word_is(w2, n2, "PRIMARY") && word_is(w3, n3, "KEY"))
			buf_puts(out, "BIGSERIAL");
		else if (word_is(p, n, "INTEGER"))
			buf_puts(out, "BIGINT");
		else if (word_is(p, n, "REAL"))
			buf_puts(out, "DOUBLE PRECISION");
		else if (word_is(p, n, "BLOB"))
			buf_puts(out, "BYTEA");
		else if (word_is(p, n, "WITHOUT") && word_is(w2, n2, "ROWID"))
			n = (size_t)(w2 + n2 - p);
		else
			buf_append(out, p, n);
		p += n;
	}
	return buf_error(out) ? DM_ETOOBIG : 0;
}

int pg_migrate(struct store *s, bool create, struct dm_err *e)
{
	size_t n_mig;
	const char *const *mig = store_sqlite_migrations(&n_mig);
	const char *what = "bringing the schema up to date";
	int r;
	/* one transaction under a lock: sensors opening a new store at once
	 * wait for the first, then find the schema made */
	if ((r = pg_begin(s, what, e)) < 0) return r;
	PGresult *res =
	    pg_q(s, "SELECT pg_advisory_xact_lock(7021968), to_regclass('dormant_schema') IS NOT NULL", NULL,
		 what, e);
	if (!res) goto fail;
	bool has = pg_bool(res, 0, 1);
	PQclear(res);
	if (!has && !create) {
		pg_rollback(s);
		return dm_fail(e, DM_EINPUT, "--db %s: not a dormant store (no schema)", s->path);
	}
	if (!has && pg_script(s,
			      "CREATE TABLE dormant_schema (version INTEGER NOT NULL);"
			      " INSERT INTO dormant_schema VALUES (0)",
			      what, e) < 0)
		goto fail;
	if (!(res = pg_q(s, "SELECT version FROM dormant_schema", NULL, what, e))) goto fail;
	int version = PQntuples(res) == 1 ? (int)pg_i64(res, 0, 0) : -1;
	PQclear(res);
	if (version < 0) {
		pg_rollback(s);
		return dm_fail(e, DM_ESTORE, "--db %s: dormant_schema is damaged (not one row)", s->path);
	}
	if (version > (int)n_mig) {
		pg_rollback(s);
		return dm_fail(e, DM_ESCHEMA,
			       "--db %s: schema version %d is newer than this dormant knows (%zu)", s->path,
			       version, n_mig);
	}
	struct buf sql = BUF_INIT;
	for (int v = version; v < (int)n_mig; v++) {
		char step[64];
		snprintf(step, sizeof(step), "migration to schema %d failed", v + 1);
		if (pg_translate(mig[v], &sql) < 0 || (buf_putc(&sql, 0), buf_error(&sql))) {
			buf_release(&sql);
			pg_rollback(s);
			return dm_fail(e, DM_ETOOBIG, "--db %s: %s: out of memory", s->path, step);
		}
		const char *text = sql.data;
		for (size_t i = 0; i < ARRAY_SIZE(pg_instead); i++)
			if (pg_instead[i].to == v + 1) text = pg_instead[i].sql;
		bool ok = pg_script(s, text, step, e) == 0;
		for (size_t i = 0; ok && i < ARRAY_SIZE(pg_after); i++)
			if (pg_after[i].after == v + 1) ok = pg_script(s, pg_after[i].sql, step, e) == 0;
		if (!ok) {
			buf_release(&sql);
			goto fail;
		}
	}
	buf_release(&sql);
	if (version < (int)n_mig) {
		struct pg_params p = { 0 };
		pp_int(&p, (int64_t)n_mig);
		if (pg_cmd(s, "UPDATE dormant_schema SET version = $1", &p, what, e) < 0) goto fail;
	}
	return pg_commit(s, what, e);
fail:
	pg_rollback(s);
	return DM_ESTORE;
}
