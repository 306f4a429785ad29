/* SQLite backend of the store: WAL journal, 0600 file, schema migrations
 * (store-sqlite-schema.c) keyed by PRAGMA user_version. SQLite errors are mapped here only. */
#include "store/sqlite-internal.h"
#include "base/log.h"
#include "base/owner.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

int sq_fail(struct store *s, struct dm_err *e, const char *what)
{
	return dm_fail(e, DM_ESTORE, "--db %s: %s: %s", s->path, what, sqlite3_errmsg(SQ(s)->db));
}

static const char *sq_row_text(const struct store_row *r, int col)
{
	return (const char *)sqlite3_column_text((sqlite3_stmt *)r->h, col);
}

static int64_t sq_row_i64(const struct store_row *r, int col)
{
	return sqlite3_column_int64((sqlite3_stmt *)r->h, col);
}

static double sq_row_dbl(const struct store_row *r, int col)
{
	return sqlite3_column_double((sqlite3_stmt *)r->h, col);
}

struct store_row sq_row(sqlite3_stmt *st)
{
	static const struct store_row_ops ops = { sq_row_text, sq_row_i64, sq_row_dbl };
	return (struct store_row){ .ops = &ops, .h = st };
}

int sq_exec(struct store *s, const char *sql, const char *what, struct dm_err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(SQ(s)->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		dm_fail(e, DM_ESTORE, "--db %s: %s: %s", s->path, what,
			msg ? msg : sqlite3_errmsg(SQ(s)->db));
		sqlite3_free(msg);
		return DM_ESTORE;
	}
	return 0;
}

static int mkdirs(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf) return 0;
	*slash = 0;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/') continue;
		*p = 0;
		if (mkdir(buf, 0700) < 0 && errno != EEXIST) return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST) return -errno;
	return 0;
}

static void sq_close(struct store *s)
{
	struct sq_conn *q = SQ(s);
	if (!q) return;
	for (size_t i = 0; i < ARRAY_SIZE(q->vuln_stmts); i++) sqlite3_finalize(q->vuln_stmts[i]);
	for (size_t i = 0; i < ARRAY_SIZE(q->distro_stmts); i++) sqlite3_finalize(q->distro_stmts[i]);
	for (size_t i = 0; i < ARRAY_SIZE(q->flow_host_stmts); i++) sqlite3_finalize(q->flow_host_stmts[i]);
	sqlite3_close(q->db);
	free(q);
	s->be = NULL;
}

static void reap_runs(struct store *s, const char *path);

/* Reads the store's redaction key, first making it from getrandom when the
 * store has none (a new store, or one from before schema 8). INSERT OR
 * IGNORE: of two processes opening a new store at once, the first key wins
 * and both read it. */
static int load_redact_key(struct store *s, const char *path, struct dm_err *e)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(SQ(s)->db, "SELECT key FROM redact_key WHERE id = 1", -1, &st, NULL) !=
		    SQLITE_OK)
			return dm_fail(e, DM_ESTORE, "--db %s: reading the redaction key: %s", path,
				       sqlite3_errmsg(SQ(s)->db));
		bool found = false;
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == REDACT_KEY_LEN) {
			memcpy(SQ(s)->redact_key, sqlite3_column_blob(st, 0), REDACT_KEY_LEN);
			found = true;
		}
		sqlite3_finalize(st);
		if (found) return 0;
		if (attempt) break;
		unsigned char k[REDACT_KEY_LEN];
		if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
			return dm_fail(e, -errno, "--db %s: no random bytes for the redaction key: %s", path,
				       strerror(errno));
		if (sqlite3_prepare_v2(SQ(s)->db, "INSERT OR IGNORE INTO redact_key(id, key) VALUES (1, ?)",
				       -1, &st, NULL) != SQLITE_OK)
			return dm_fail(e, DM_ESTORE, "--db %s: storing the redaction key: %s", path,
				       sqlite3_errmsg(SQ(s)->db));
		sqlite3_bind_blob(st, 1, k, sizeof(k), SQLITE_TRANSIENT);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		memset(k, 0, sizeof(k));
		if (rc != SQLITE_DONE)
			return dm_fail(e, DM_ESTORE, "--db %s: storing the redaction key: %s", path,
				       sqlite3_errmsg(SQ(s)->db));
	}
	return dm_fail(e, DM_ESTORE, "--db %s: the redaction key is damaged (not %d bytes)", path,
		       REDACT_KEY_LEN);
}

static const unsigned char *sq_redact_key(struct store *s) { return SQ(s)->redact_key; }

static int sq_open(struct store *s, struct dm_err *e)
{
	const char *path = s->path;
	bool create = s->mode == STORE_CREATE;
	int r = 0;
	if (!create) {
		struct stat sb;
		if (stat(path, &sb) < 0)
			return dm_fail(e, -errno, "--db %s: %s (nothing has been recorded there yet)", path,
				       strerror(errno));
	} else if ((r = mkdirs(path)) < 0) {
		return dm_fail(e, r, "--db %s: cannot create its folder: %s", path, strerror(-r));
	} else {
		/* Create the file 0600 before SQLite does; its -wal/-shm files copy
		 * the mode. Only when it is not there: a close() of a file another
		 * connection of this process has open drops the process's POSIX
		 * locks on it, and another process's last close then deletes the
		 * -wal and -shm under it (its commits unseen until it closed). */
		struct stat sb;
		int fd = stat(path, &sb) < 0 && errno == ENOENT
			     ? open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
			     : -2;
		if (fd == -1 && errno != EEXIST)
			return dm_fail(e, -errno, "--db %s: %s", path, strerror(errno));
		if (fd >= 0) close(fd);
	}
	s->be = xcalloc(1, sizeof(struct sq_conn));
	if (sqlite3_open_v2(path, &SQ(s)->db,
			    SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		r = dm_fail(e, DM_ESTORE, "--db %s: %s", path, sqlite3_errmsg(SQ(s)->db));
		sq_close(s);
		return r;
	}
	sqlite3_busy_timeout(SQ(s)->db, 10000);
	sqlite3_stmt *st = NULL;
	int version = 0;
	/* The version first: a file that is not a store is left as it was. */
	if (sqlite3_prepare_v2(SQ(s)->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = dm_fail(e, DM_ESTORE, "--db %s: not a usable SQLite database: %s", path,
			    sqlite3_errmsg(SQ(s)->db));
		sqlite3_finalize(st);
		sq_close(s);
		return r;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version == 0 && !create) {
		sq_close(s);
		return dm_fail(e, DM_EINPUT, "--db %s: not a dormant store (no schema)", path);
	}
	/* temp_store: sorting never creates a file (after the privilege drop a
	 * seccomp filter may forbid it) */
	if (sq_exec(s,
		    "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
		    "PRAGMA temp_store=MEMORY;",
		    "setup", NULL) < 0) {
		r = dm_fail(e, DM_ESTORE, "--db %s: not a usable SQLite database: %s", path,
			    sqlite3_errmsg(SQ(s)->db));
		sq_close(s);
		return r;
	}
	size_t n_migrations;
	const char *const *migrations = store_sqlite_migrations(&n_migrations);
	if (version > (int)n_migrations) {
		sq_close(s);
		return dm_fail(e, DM_ESCHEMA,
			       "--db %s: schema version %d is newer than this dormant knows (%zu)", path,
			       version, n_migrations);
	}
	/* foreign keys off while migrating (outside a transaction, where the
	 * pragma counts): schema 26 makes a parent table again, ids kept */
	if (version < (int)n_migrations && sq_exec(s, "PRAGMA foreign_keys=OFF", "setup", e) < 0) {
		sq_close(s);
		return DM_ESTORE;
	}
	for (int v = version; v < (int)n_migrations; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", v + 1);
		char what[48];
		snprintf(what, sizeof(what), "migration to schema %d failed", v + 1);
		if (sq_exec(s, "BEGIN IMMEDIATE", what, e) < 0) {
			sq_close(s);
			return DM_ESTORE;
		}
		/* another process (sensors opening a new store at once) may have
		 * migrated while this one waited for the lock */
		int now = v;
		if (sqlite3_prepare_v2(SQ(s)->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			now = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (now > v) {
			if (sq_exec(s, "COMMIT", what, e) < 0) {
				sq_close(s);
				return DM_ESTORE;
			}
			v = now - 1;
			continue;
		}
		if (sq_exec(s, migrations[v], what, e) < 0 || sq_exec(s, pragma, what, e) < 0 ||
		    sq_exec(s, "COMMIT", what, e) < 0) {
			r = DM_ESTORE;
			sq_exec(s, "ROLLBACK", "rollback", NULL);
			sq_close(s);
			return r;
		}
	}
	if (sq_exec(s, "PRAGMA foreign_keys=ON", "setup", e) < 0) {
		sq_close(s);
		return DM_ESTORE;
	}
	if ((r = load_redact_key(s, path, e)) < 0) {
		sq_close(s);
		return r;
	}
	chmod(path, 0600);
	reap_runs(s, path);
	return 0;
}

static int sq_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id,
			struct dm_err *e)
{
	sqlite3_stmt *st;
	char owner[96];
	owner_self(owner, sizeof(owner));
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "INSERT INTO runs(kind, args, started, owner, site) VALUES (?, ?, ?, ?, ?)",
			       -1, &st, NULL))
		return sq_fail(s, e, "starting a run");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, args, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, started);
	sqlite3_bind_text(st, 4, owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, store_site_name(s), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) return sq_fail(s, e, "starting a run");
	*ret_id = sqlite3_last_insert_rowid(SQ(s)->db);
	return 0;
}

static void fill_run(sqlite3_stmt *st, struct run_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->id = sqlite3_column_int64(st, 0);
	snprintf(ri->kind, sizeof(ri->kind), "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(ri->args, sizeof(ri->args), "%s", (const char *)sqlite3_column_text(st, 2));
	ri->started = sqlite3_column_double(st, 3);
	ri->finished = sqlite3_column_double(st, 4);
	snprintf(ri->status, sizeof(ri->status), "%s", (const char *)sqlite3_column_text(st, 5));
	ri->hosts_up = (uint64_t)sqlite3_column_int64(st, 6);
	ri->open_ports = (uint64_t)sqlite3_column_int64(st, 7);
	const char *site = (const char *)sqlite3_column_text(st, 8);
	snprintf(ri->site, sizeof(ri->site), "%s", site ? site : "default");
	const char *group = (const char *)sqlite3_column_text(st, 9);
	snprintf(ri->run_group, sizeof(ri->run_group), "%s", group ? group : "");
	ri->shard = (uint32_t)sqlite3_column_int64(st, 10);
	ri->shards = (uint32_t)sqlite3_column_int64(st, 11);
}

#define RUN_COLUMNS                                                                               \
	"SELECT id, kind, args, started, coalesce(finished, 0), status,"                          \
	" (SELECT count(*) FROM host_obs h WHERE h.run_id = runs.id AND h.how != 'none'),"        \
	" (SELECT count(*) FROM port_obs p WHERE p.run_id = runs.id AND p.state = 'open'), site," \
	" run_group, coalesce(shard, 0), coalesce(shards, 0) FROM runs"

static int sq_save_caveats(struct store *s, int64_t run, const struct caveats *cs, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	int r = sq_exec(s, "SAVEPOINT caveats", "saving the run's caveats", e);
	if (r < 0) return r;
	char del[96];
	snprintf(del, sizeof(del), "DELETE FROM run_caveats WHERE run_id = %lld", (long long)run);
	if ((r = sq_exec(s, del, "saving the run's caveats", e)) < 0) goto out;
	if (sqlite3_prepare_v2(SQ(s)->db, "INSERT INTO run_caveats(run_id, code, text) VALUES (?, ?, ?)", -1,
			       &st, NULL) != SQLITE_OK) {
		r = sq_fail(s, e, "saving the run's caveats");
		goto out;
	}
	for (size_t i = 0; i < cs->n && r == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, cs->v[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, cs->v[i].text, -1, SQLITE_STATIC);
		r = sq_done(s, st, "saving the run's caveats", e);
	}
out:
	sqlite3_finalize(st);
	if (r < 0) {
		sq_exec(s, "ROLLBACK TO caveats", "rollback", NULL);
		sq_exec(s, "RELEASE caveats", "rollback", NULL);
		return r;
	}
	return sq_exec(s, "RELEASE caveats", "saving the run's caveats", e);
}

static int sq_load_caveats(struct store *s, int64_t run, struct caveats *ret, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	*ret = (struct caveats){ 0 };
	/* in the order they were saved (the order run_caveats gives them) */
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT code, text FROM run_caveats WHERE run_id = ? ORDER BY rowid", -1, &st,
			       NULL) != SQLITE_OK)
		return sq_fail(s, e, "reading the run's caveats");
	sqlite3_bind_int64(st, 1, run);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0),
			   *text = (const char *)sqlite3_column_text(st, 1);
		caveats_add(ret, code ? code : "", "%s", text ? text : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, "reading the run's caveats");
}

static int sq_run_get(struct store *s, int64_t id, struct run_info *ret, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(s)->db, RUN_COLUMNS " WHERE id = ?", -1, &st, NULL))
		return sq_fail(s, e, "reading a run");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) fill_run(st, ret);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) return dm_fail(e, -ENOENT, "--db %s: no run %lld", s->path, (long long)id);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, e, "reading a run");
}

static int sq_runs_list(struct store *s, struct run_info **ret, size_t *ret_n, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(s)->db, RUN_COLUMNS " ORDER BY id", -1, &st, NULL))
		return sq_fail(s, e, "listing runs");
	size_t n = 0, cap = 0;
	struct run_info *v = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
		fill_run(st, &v[n++]);
	}
	sqlite3_finalize(st);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* A run continued from its --resume log is this process's now. */
static int sq_run_resume(struct store *s, int64_t id, struct dm_err *e)
{
	sqlite3_stmt *st;
	char owner[96];
	owner_self(owner, sizeof(owner));
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "UPDATE runs SET status = 'running', finished = NULL, owner = ? WHERE id = ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "resuming a run");
	sqlite3_bind_text(st, 1, owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, "resuming a run");
}

/* Runs still "running" whose process is gone (killed, crashed, the machine
 * went down) are marked interrupted, once, by whoever opens the store next.
 * What they saved is consistent: results and findings are written in one
 * transaction at the end, so an interrupted run has none. */
static void reap_runs(struct store *s, const char *path)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT id, kind, started, owner FROM runs WHERE status = 'running'", -1, &st,
			       NULL) ||
	    sqlite3_prepare_v2(SQ(s)->db,
			       "UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running'",
			       -1, &up, NULL)) {
		sqlite3_finalize(st);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *owner = (const char *)sqlite3_column_text(st, 3);
		if (owner_alive(owner)) continue;
		int64_t id = sqlite3_column_int64(st, 0);
		char when[40];
		fmt_rfc3339(sqlite3_column_double(st, 2), when, sizeof(when));
		sqlite3_bind_int64(up, 1, id);
		if (sqlite3_step(up) == SQLITE_DONE && sqlite3_changes(SQ(s)->db) == 1)
			log_warn("%s: run %lld (%s, started %s) was interrupted: its process is gone. Marked "
				 "interrupted; "
				 "it saved no results, reports and diffs skip it (a scan or audit given "
				 "--resume FILE "
				 "continues it)",
				 path, (long long)id, (const char *)sqlite3_column_text(st, 1), when);
		sqlite3_reset(up);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
}

/* The run's sensor, and the sensor's last contact. */
static int sq_sensor_note(struct store *s, int64_t run, const char *sensor, double when, struct dm_err *e)
{
	sqlite3_stmt *up = NULL, *reg = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(SQ(s)->db, "UPDATE runs SET sensor = ? WHERE id = ?", -1, &up, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO sensors(name, first_seen, last_seen, last_run) VALUES (?1, ?2, ?2, ?3)"
		" ON CONFLICT(name) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen),"
		" last_run = excluded.last_run",
		-1, &reg, NULL)) {
		r = sq_fail(s, e, "registering the sensor");
	} else {
		sqlite3_bind_text(up, 1, sensor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(up, 2, run);
		sqlite3_bind_text(reg, 1, sensor, -1, SQLITE_STATIC);
		sqlite3_bind_double(reg, 2, when);
		sqlite3_bind_int64(reg, 3, run);
		if ((r = sq_done(s, up, "registering the sensor", e)) == 0)
			r = sq_done(s, reg, "registering the sensor", e);
	}
	sqlite3_finalize(up);
	sqlite3_finalize(reg);
	return r;
}

/* The run's place in its run group. */
static int sq_group_note(struct store *s, int64_t run, const char *group, unsigned shard, unsigned shards,
			 struct dm_err *e)
{
	sqlite3_stmt *up = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, "UPDATE runs SET run_group = ?, shard = ?, shards = ? WHERE id = ?",
			       -1, &up, NULL))
		return sq_fail(s, e, "noting the run group");
	sqlite3_bind_text(up, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_int64(up, 2, shard);
	sqlite3_bind_int64(up, 3, shards);
	sqlite3_bind_int64(up, 4, run);
	int r = sq_done(s, up, "noting the run group", e);
	sqlite3_finalize(up);
	return r;
}

static int sq_run_finish(struct store *s, int64_t id, const char *status, double finished, struct dm_err *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(s)->db, "UPDATE runs SET status = ?, finished = ? WHERE id = ?", -1, &st,
			       NULL))
		return sq_fail(s, e, "finishing a run");
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, finished);
	sqlite3_bind_int64(st, 3, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, "finishing a run");
}

static int sq_run_set_coverage(struct store *s, int64_t run, const struct coverage *c, struct dm_err *e)
{
	struct buf t = BUF_INIT, p = BUF_INIT, k = BUF_INIT;
	sqlite3_stmt *st;
	int r = 0;
	coverage_format(c, &t, &p, &k);
	if (buf_error(&t) || buf_error(&p) || buf_error(&k))
		r = dm_fail(e, DM_ETOOBIG, "--db %s: run %lld: its coverage is too long to store", s->path,
			    (long long)run);
	else if (sqlite3_prepare_v2(SQ(s)->db, "INSERT OR REPLACE INTO run_coverage VALUES (?, ?, ?, ?)", -1,
				    &st, NULL))
		r = sq_fail(s, e, "saving a run's coverage");
	else {
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, t.data, (int)t.len, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, p.data, (int)p.len, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, k.data, (int)k.len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) r = sq_fail(s, e, "saving a run's coverage");
		sqlite3_finalize(st);
	}
	buf_release(&t);
	buf_release(&p);
	buf_release(&k);
	return r;
}

static int sq_run_coverage(struct store *s, int64_t run, struct coverage *ret, struct dm_err *e)
{
	sqlite3_stmt *st;
	*ret = (struct coverage){ 0 };
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT targets, ports, checks FROM run_coverage WHERE run_id = ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "reading a run's coverage");
	sqlite3_bind_int64(st, 1, run);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		if (coverage_parse(ret, (const char *)sqlite3_column_text(st, 0),
				   (const char *)sqlite3_column_text(st, 1),
				   (const char *)sqlite3_column_text(st, 2)) < 0)
			log_warn("%s: run %lld: its stored coverage is damaged; it is compared as stored",
				 s->path, (long long)run);
		else
			r = 1;
	} else if (rc != SQLITE_DONE) {
		r = sq_fail(s, e, "reading a run's coverage");
	}
	sqlite3_finalize(st);
	return r;
}

/* In WAL mode a read transaction keeps the snapshot of its first read. */
static int sq_read_begin(struct store *s, struct dm_err *e)
{
	return sq_exec(s, "BEGIN DEFERRED; SELECT count(*) FROM runs;", "starting a read", e);
}

static int sq_read_end(struct store *s, struct dm_err *e) { return sq_exec(s, "COMMIT", "ending a read", e); }

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.run_begin = sq_run_begin,
	.run_get = sq_run_get,
	.run_finish = sq_run_finish,
	.sensor_note = sq_sensor_note,
	.group_note = sq_group_note,
	.run_resume = sq_run_resume,
	.save_results = sq_save_results,
	.load_results = sq_load_results,
	.runs_list = sq_runs_list,
	.run_set_coverage = sq_run_set_coverage,
	.run_coverage = sq_run_coverage,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	STORE_SQLITE_VULN_OPS STORE_SQLITE_FLOW_OPS STORE_SQLITE_INVENTORY_OPS STORE_SQLITE_EXPOSURE_OPS
	    STORE_SQLITE_LIFE_OPS STORE_SQLITE_EDGE_OPS STORE_SQLITE_NETDEV_OPS
		STORE_SQLITE_IDENT_OPS.redact_key = sq_redact_key,
	.save_caveats = sq_save_caveats,
	.load_caveats = sq_load_caveats,
	.retain = sq_retain,
	.sensors_list = sq_sensors_list,
	.stream_hour_save = sq_stream_hour_save,
	.stream_state_load = sq_stream_state_load,
};
