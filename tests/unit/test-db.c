/* The unit tests' store backend (test-db.h). */
#include "test-db.h"
#include "store/store.h"
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool test_db_pg(void)
{
	const char *d = getenv("DM_TEST_DB");
	return d && store_is_postgres(d);
}

void test_db_path(char *buf, size_t n, const char *tag)
{
	if (!test_db_pg()) {
		snprintf(buf, n, "/tmp/dormant-unit-%d/%s/x.db", (int)getpid(), tag);
		return;
	}
	snprintf(buf, n, "%s", getenv("DM_TEST_DB"));
	if (test_db_exec(buf, NULL, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") < 0) {
		fprintf(stderr, "DM_TEST_DB=%s: cannot empty its schema\n", buf);
		exit(2);
	}
}

struct store *test_db_open(const char *tag)
{
	char path[512];
	test_db_path(path, sizeof(path), tag);
	struct store *st = NULL;
	struct dm_err e = { "" };
	if (store_open(path, &st, &e) < 0) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		return NULL;
	}
	return st;
}

void test_db_close(struct store *st, const char *tag)
{
	if (st) store_close(st);
	if (test_db_pg()) return;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/dormant-unit-%d/%s", (int)getpid(), tag);
	if (system(cmd)) {
	}
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static PGconn *pg(const char *path)
{
	PGconn *c = PQconnectdb(path);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "%s: %s", path, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

int test_db_exec(const char *path, const char *sqlite_sql, const char *pg_sql)
{
	if (test_db_pg()) {
		PGconn *c = pg(path);
		if (!c) return -1;
		PQsetNoticeProcessor(c, quiet, NULL);
		PGresult *r = PQexec(c, pg_sql);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok) fprintf(stderr, "%s: %s", pg_sql, PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
		return ok ? 0 : -1;
	}
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK) return -1;
	int rc = sqlite3_exec(db, sqlite_sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

int test_db_text(const char *path, const char *sqlite_sql, const char *pg_sql, char *out, size_t n)
{
	out[0] = 0;
	if (test_db_pg()) {
		PGconn *c = pg(path);
		if (!c) return -1;
		PGresult *r = PQexec(c, pg_sql);
		int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
		if (ok && PQntuples(r) > 0) snprintf(out, n, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		PQfinish(c);
		return ok ? 0 : -1;
	}
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK) return -1;
	int r = -1;
	if (sqlite3_prepare_v2(db, sqlite_sql, -1, &st, NULL) == SQLITE_OK) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
		r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}
