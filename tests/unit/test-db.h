/* The store backend the unit tests run on: SQLite files under /tmp by
 * default; DM_TEST_DB=postgresql://... (tests/pg/with-postgres.sh) runs
 * them on that database instead, each test on an emptied schema. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

bool test_db_pg(void);
/* A fresh store for one test: /tmp/dormant-unit-PID/TAG/x.db, or the
 * PostgreSQL URI with its public schema dropped and made again. */
void test_db_path(char *buf, size_t n, const char *tag);
struct store;
/* test_db_path's store opened (NULL, said, when it does not open); close
 * it with test_db_close, which also removes the SQLite file's folder. */
struct store *test_db_open(const char *tag);
void test_db_close(struct store *st, const char *tag);
/* Runs SQL on the store behind the backend's back (a test's damage):
 * sqlite_sql on SQLite, pg_sql on PostgreSQL; 0 when it ran. */
int test_db_exec(const char *path, const char *sqlite_sql, const char *pg_sql);
/* The first column of the first row, as text ("" when none). */
int test_db_text(const char *path, const char *sqlite_sql, const char *pg_sql, char *out, size_t n);
