/* Findings with a life and the alert outbox in SQLite (schema 16): the
 * records of model/finding-life.h, the notes people add, and one outbox
 * row per (change, channel), written in the transaction of the change so
 * that a kill at any moment leaves both or neither. */
#include "store/sqlite-internal.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_COLS ROW_LIFE_VIEW_COLS

static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	return v ? v : "";
}

static void read_view(sqlite3_stmt *st, struct life_view *v)
{
	struct store_row row = sq_row(st);
	row_life_view(&row, v);
}

/* The statements of one apply, prepared once. */
struct apply {
	struct store *s;
	const struct life_apply_in *in;
	struct life_apply_out *out;
	sqlite3_stmt *get, *ins, *upd, *box;
};

static void bind_port(sqlite3_stmt *st, int i, uint16_t port) { sqlite3_bind_int(st, i, port); }

static int outbox(struct apply *a, const struct life_view *v, enum life_event ev, struct dm_err *e)
{
	const struct alert_configs *cs = a->in->alerts;
	if (!cs || life_is_suppressed(&v->r, a->in->now)) return 0;
	char key[160];
	life_row_alert_key(v, key, sizeof(key));
	for (size_t i = 0; i < cs->n; i++) {
		const struct alert_config *c = &cs->v[i];
		if (!alert_config_wants(c, ev, v->r.rule, v->r.severity)) continue;
		sqlite3_stmt *st = a->box;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, life_event_name(ev), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, v->r.id);
		sqlite3_bind_int64(st, 5, a->in->run);
		sqlite3_bind_double(st, 6, a->in->now);
		sqlite3_bind_text(st, 7, life_state_name(v->r.state), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, v->r.site, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, v->r.rule, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 10, v->r.severity);
		sq_text(st, 11, v->ip);
		bind_port(st, 12, v->port);
		sq_text(st, 13, v->proto);
		sq_text(st, 14, v->path);
		sqlite3_bind_text(st, 15, v->title, -1, SQLITE_STATIC);
		sq_text(st, 16, v->evidence);
		sq_text(st, 17, v->remediation);
		sqlite3_bind_double(st, 18, v->r.first_seen);
		sqlite3_bind_double(st, 19, v->r.last_seen);
		int r = sq_done(a->s, st, "writing an alert to the outbox", e);
		if (r < 0) return r;
		a->out->alerts++;
	}
	return 0;
}

static int update(struct apply *a, const struct life_view *v, struct dm_err *e)
{
	sqlite3_stmt *st = a->upd;
	const struct life_record *r = &v->r;
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, r->state);
	sqlite3_bind_int(st, 2, r->severity);
	sqlite3_bind_int(st, 3, r->peak);
	sqlite3_bind_text(st, 4, v->title, -1, SQLITE_STATIC);
	sq_text(st, 5, v->evidence);
	sq_text(st, 6, v->remediation);
	sqlite3_bind_double(st, 7, r->first_seen);
	sqlite3_bind_double(st, 8, r->last_seen);
	sqlite3_bind_double(st, 9, r->changed);
	sqlite3_bind_int64(st, 10, r->last_run);
	sqlite3_bind_int64(st, 11, r->changes);
	sqlite3_bind_double(st, 12, r->ack_until);
	sqlite3_bind_int(st, 13, r->suppressed);
	sqlite3_bind_double(st, 14, r->suppress_until);
	sqlite3_bind_text(st, 15, r->suppress_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 16, r->id);
	return sq_done(a->s, st, "updating a finding's state", e);
}

static int insert(struct apply *a, struct life_view *v, struct dm_err *e)
{
	sqlite3_stmt *st = a->ins;
	const struct life_record *r = &v->r;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, r->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->site, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->rule, -1, SQLITE_STATIC);
	sq_text(st, 4, v->ip);
	bind_port(st, 5, v->port);
	sq_text(st, 6, v->proto);
	sq_text(st, 7, v->path);
	sqlite3_bind_int(st, 8, r->state);
	sqlite3_bind_int(st, 9, r->severity);
	sqlite3_bind_int(st, 10, r->peak);
	sqlite3_bind_text(st, 11, v->title, -1, SQLITE_STATIC);
	sq_text(st, 12, v->evidence);
	sq_text(st, 13, v->remediation);
	sqlite3_bind_double(st, 14, r->first_seen);
	sqlite3_bind_double(st, 15, r->last_seen);
	sqlite3_bind_double(st, 16, r->changed);
	sqlite3_bind_int64(st, 17, r->first_run);
	sqlite3_bind_int64(st, 18, r->last_run);
	sqlite3_bind_int64(st, 19, r->changes);
	int rc = sq_done(a->s, st, "recording a finding", e);
	if (rc == 0) v->r.id = sqlite3_last_insert_rowid(SQ(a->s)->db);
	return rc;
}

static int apply_seen(struct apply *a, const struct finding *f, struct dm_err *e)
{
	struct life_view v = { 0 };
	life_key(f, a->in->site, v.r.key, sizeof(v.r.key));
	sqlite3_reset(a->get);
	sqlite3_bind_text(a->get, 1, v.r.key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(a->get);
	if (rc == SQLITE_ROW)
		read_view(a->get, &v);
	else if (rc != SQLITE_DONE)
		return sq_fail(a->s, e, "reading a finding's state");
	enum life_event ev = life_row_seen(&v, f, a->in);
	sqlite3_reset(a->get);
	a->out->seen++;
	life_row_count(a->out, ev);
	bool fresh = !v.r.id;
	if ((rc = fresh ? insert(a, &v, e) : update(a, &v, e)) < 0) return rc;
	if (fresh && v.r.suppressed && (rc = update(a, &v, e)) < 0) return rc; /* by the config */
	return ev ? outbox(a, &v, ev, e) : 0;
}

/* Every unresolved record of the site this run did not see, and judged. */
static int apply_unseen(struct apply *a, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(a->s)->db,
			       "SELECT " VIEW_COLS " FROM finding_life WHERE site = ? AND state != ? AND"
			       " last_run IS NOT ? ORDER BY id",
			       -1, &st, NULL))
		return sq_fail(a->s, e, "resolving findings");
	sqlite3_bind_text(st, 1, a->in->site, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, LIFE_RESOLVED);
	sqlite3_bind_int64(st, 3, a->in->run);
	int rc, r = 0;
	/* the ids first: the updates change what this scan filters on */
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct life_view v;
		read_view(st, &v);
		if (!life_row_judged(a->in, &v)) continue;
		if (n == cap) ids = xrealloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));
		ids[n++] = v.r.id;
	}
	if (rc != SQLITE_DONE) r = sq_fail(a->s, e, "resolving findings");
	sqlite3_finalize(st);
	st = NULL;
	if (r == 0 && sqlite3_prepare_v2(SQ(a->s)->db, "SELECT " VIEW_COLS " FROM finding_life WHERE id = ?",
					 -1, &st, NULL))
		r = sq_fail(a->s, e, "resolving findings");
	for (size_t i = 0; i < n && r == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			r = sq_fail(a->s, e, "resolving findings");
			break;
		}
		struct life_view v;
		read_view(st, &v);
		enum life_event ev = life_unseen(&v.r, a->in->now);
		life_row_count(a->out, ev);
		if ((r = update(a, &v, e)) == 0 && ev) r = outbox(a, &v, ev, e);
	}
	sqlite3_finalize(st);
	free(ids);
	return r;
}

int sq_life_apply(struct store *s, const struct life_apply_in *in, struct life_apply_out *ret,
		  struct dm_err *e)
{
	struct life_apply_out out = { 0 };
	struct apply a = { .s = s, .in = in, .out = &out };
	sqlite3 *db = SQ(s)->db;
	if (sq_exec(s, "BEGIN IMMEDIATE", "recording the findings' states", e) < 0) return DM_ESTORE;
	int r = 0;
	if (sqlite3_prepare_v2(db, "SELECT " VIEW_COLS " FROM finding_life WHERE key = ?", -1, &a.get,
			       NULL) ||
	    sqlite3_prepare_v2(
		db,
		"INSERT INTO finding_life(key, site, rule, ip, port, proto, path, state, severity,"
		" peak, title, evidence, remediation, first_seen, last_seen, changed, first_run,"
		" last_run, changes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		-1, &a.ins, NULL) ||
	    sqlite3_prepare_v2(
		db,
		"UPDATE finding_life SET state = ?, severity = ?, peak = ?, title = ?, evidence = ?,"
		" remediation = ?, first_seen = ?, last_seen = ?, changed = ?, last_run = ?,"
		" changes = ?, ack_until = ?, suppressed = ?, suppress_until = ?, suppress_by = ?"
		" WHERE id = ?",
		-1, &a.upd, NULL) ||
	    sqlite3_prepare_v2(
		db,
		"INSERT OR IGNORE INTO alert_outbox(channel, key, event, finding, run, created,"
		" state, site, rule, severity, ip, port, proto, path, title, evidence, remediation,"
		" first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		-1, &a.box, NULL))
		r = sq_fail(s, e, "recording the findings' states");
	for (size_t i = 0; r == 0 && in->fs && i < in->fs->n; i++) r = apply_seen(&a, &in->fs->v[i], e);
	if (r == 0) r = apply_unseen(&a, e);
	sqlite3_finalize(a.get);
	sqlite3_finalize(a.ins);
	sqlite3_finalize(a.upd);
	sqlite3_finalize(a.box);
	if (r == 0) r = sq_exec(s, "COMMIT", "recording the findings' states", e);
	if (r < 0) {
		sq_exec(s, "ROLLBACK", "rollback", NULL);
		return r;
	}
	if (ret) *ret = out;
	return 0;
}

static int each_view(struct store *s, sqlite3_stmt *st, life_view_fn fn, void *ctx, const char *what,
		     struct dm_err *e)
{
	int rc, r = 0, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct life_view v;
		read_view(st, &v);
		n++;
		if ((r = fn(ctx, &v)) < 0) break;
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, what);
	sqlite3_finalize(st);
	return r < 0 ? r : n;
}

int sq_life_list(struct store *s, const char *site, int state, life_view_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT " VIEW_COLS " FROM finding_life WHERE (?1 IS NULL OR site = ?1) AND"
			       " (CASE WHEN ?2 = -2 THEN 1 WHEN ?2 < 0 THEN state != 3 ELSE state = ?2 END)"
			       " ORDER BY severity DESC, last_seen DESC, id",
			       -1, &st, NULL))
		return sq_fail(s, e, "listing findings");
	sq_text(st, 1, site);
	sqlite3_bind_int(st, 2, state);
	int r = each_view(s, st, fn, ctx, "listing findings", e);
	return r < 0 ? r : 0;
}

int sq_life_get(struct store *s, int64_t id, life_view_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT " VIEW_COLS " FROM finding_life WHERE id = ?", -1, &st,
			       NULL))
		return sq_fail(s, e, "reading a finding");
	sqlite3_bind_int64(st, 1, id);
	int r = each_view(s, st, fn, ctx, "reading a finding", e);
	return r < 0 ? r : r > 0;
}

static const char *const action_names[] = { "ack", "suppress", "unsuppress", "note" };

static int act_sql(struct store *s, int64_t id, enum life_action a, const char *who, double until, double now,
		   struct dm_err *e)
{
	static const char *const sql[] = {
		"UPDATE finding_life SET state = 2, ack_until = ?2, changed = ?3 WHERE id = ?1 AND state != "
		"3",
		"UPDATE finding_life SET suppressed = 1, suppress_until = ?2, suppress_by = ?4 WHERE id = ?1",
		"UPDATE finding_life SET suppressed = 0, suppress_until = 0, suppress_by = '' WHERE id = ?1",
	};
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, sql[a], -1, &st, NULL)) return sq_fail(s, e, "changing a finding");
	sqlite3_bind_int64(st, 1, id);
	if (a != LIFE_ACT_UNSUPPRESS) sqlite3_bind_double(st, 2, until);
	if (a == LIFE_ACT_ACK) sqlite3_bind_double(st, 3, now);
	if (a == LIFE_ACT_SUPPRESS) sqlite3_bind_text(st, 4, who ? who : "", -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) return sq_fail(s, e, "changing a finding");
	if (a == LIFE_ACT_ACK && sqlite3_changes(SQ(s)->db) == 0)
		return dm_fail(e, DM_EINPUT, "F%lld is resolved: nothing to acknowledge", (long long)id);
	return 0;
}

int sq_life_act(struct store *s, int64_t id, enum life_action a, const char *who, const char *why,
		double until, double now, struct dm_err *e)
{
	if ((unsigned)a > LIFE_ACT_NOTE) return dm_fail(e, DM_EINPUT, "unknown action");
	if (sq_exec(s, "BEGIN IMMEDIATE", "changing a finding", e) < 0) return DM_ESTORE;
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT 1 FROM finding_life WHERE id = ?", -1, &st, NULL))
		r = sq_fail(s, e, "changing a finding");
	else {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) != SQLITE_ROW)
			r = dm_fail(e, -ENOENT, "no finding F%lld", (long long)id);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r == 0 && a != LIFE_ACT_NOTE) r = act_sql(s, id, a, who, until, now, e);
	if (r == 0 && sqlite3_prepare_v2(SQ(s)->db,
					 "INSERT INTO finding_notes(finding, at, action, who, why, until)"
					 " VALUES (?,?,?,?,?,?)",
					 -1, &st, NULL))
		r = sq_fail(s, e, "changing a finding");
	if (r == 0) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_double(st, 2, now);
		sqlite3_bind_text(st, 3, action_names[a], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, who ? who : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, why ? why : "", -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 6, until);
		r = sq_done(s, st, "changing a finding", e);
	}
	sqlite3_finalize(st);
	if (r == 0) return sq_exec(s, "COMMIT", "changing a finding", e);
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

int sq_life_notes(struct store *s, int64_t id, life_note_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT at, action, who, why, until FROM finding_notes WHERE finding = ? ORDER BY id", -1,
		&st, NULL))
		return sq_fail(s, e, "reading a finding's notes");
	sqlite3_bind_int64(st, 1, id);
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn(ctx, sqlite3_column_double(st, 0), col_text(st, 1), col_text(st, 2),
			    col_text(st, 3), sqlite3_column_double(st, 4))) < 0)
			break;
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "reading a finding's notes");
	sqlite3_finalize(st);
	return r;
}

#define ALERT_COLS ROW_ALERT_COLS

static void read_alert(sqlite3_stmt *st, struct life_alert *a)
{
	struct store_row row = sq_row(st);
	row_life_alert(&row, a);
}

static int each_alert(struct store *s, sqlite3_stmt *st, life_alert_fn fn, void *ctx, struct dm_err *e)
{
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct life_alert a;
		read_alert(st, &a);
		if ((r = fn(ctx, &a)) < 0) break;
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "reading the alert outbox");
	sqlite3_finalize(st);
	return r;
}

int sq_alert_pending(struct store *s, const char *channel, double now, size_t limit, life_alert_fn fn,
		     void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT " ALERT_COLS
			       " FROM alert_outbox WHERE channel = ? AND delivered IS NULL"
			       " AND next_try <= ? ORDER BY id LIMIT ?",
			       -1, &st, NULL))
		return sq_fail(s, e, "reading the alert outbox");
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, now);
	sqlite3_bind_int64(st, 3, limit ? (int64_t)limit : -1);
	return each_alert(s, st, fn, ctx, e);
}

int sq_alert_list(struct store *s, bool undelivered, size_t limit, life_alert_fn fn, void *ctx,
		  struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db,
			       "SELECT " ALERT_COLS " FROM alert_outbox WHERE (?1 = 0 OR delivered IS NULL)"
			       " ORDER BY id DESC LIMIT ?2",
			       -1, &st, NULL))
		return sq_fail(s, e, "reading the alert outbox");
	sqlite3_bind_int(st, 1, undelivered);
	sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);
	return each_alert(s, st, fn, ctx, e);
}

int sq_alert_mark(struct store *s, int64_t id, enum alert_mark m, double now, double next_try,
		  const char *error, struct dm_err *e)
{
	static const char *const sql[] = {
		"UPDATE alert_outbox SET sending = 1 WHERE id = ?1",
		"UPDATE alert_outbox SET sending = 0, delivered = ?2, attempts = attempts + 1, error = NULL"
		" WHERE id = ?1",
		"UPDATE alert_outbox SET sending = 0, attempts = attempts + 1, next_try = ?3, error = ?4"
		" WHERE id = ?1",
	};
	if ((unsigned)m > ALERT_MARK_FAILED) return dm_fail(e, DM_EINPUT, "unknown alert mark");
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, sql[m], -1, &st, NULL))
		return sq_fail(s, e, "recording a delivery");
	sqlite3_bind_int64(st, 1, id);
	if (m == ALERT_MARK_SENT) sqlite3_bind_double(st, 2, now);
	if (m == ALERT_MARK_FAILED) {
		sqlite3_bind_double(st, 3, next_try);
		sq_text(st, 4, error);
	}
	int r = sq_done(s, st, "recording a delivery", e);
	sqlite3_finalize(st);
	return r;
}

int sq_alert_queue(struct store *s, const struct life_alert *v, size_t n, size_t *ret_queued,
		   struct dm_err *e)
{
	const char *what = "queuing host and port changes";
	size_t queued = 0;
	if (sq_exec(s, "BEGIN IMMEDIATE", what, e) < 0) return DM_ESTORE;
	sqlite3_stmt *st = NULL;
	int r = 0;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT OR IGNORE INTO alert_outbox(channel, key, event, finding, run, created,"
		" state, site, rule, severity, ip, port, proto, path, title, evidence,"
		" remediation, first_seen, last_seen, service) VALUES"
		" (?,?,?,NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		-1, &st, NULL))
		r = sq_fail(s, e, what);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct life_alert *a = &v[i];
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, a->channel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->event, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, a->run);
		sqlite3_bind_double(st, 5, a->created);
		sqlite3_bind_text(st, 6, a->state, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, a->site, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, a->rule, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 9, a->severity);
		sq_text(st, 10, a->ip);
		bind_port(st, 11, a->port);
		sq_text(st, 12, a->proto);
		sq_text(st, 13, a->path);
		sqlite3_bind_text(st, 14, a->title, -1, SQLITE_STATIC);
		sq_text(st, 15, a->evidence);
		sq_text(st, 16, a->remediation);
		sqlite3_bind_double(st, 17, a->first_seen);
		sqlite3_bind_double(st, 18, a->last_seen);
		sq_text(st, 19, a->service);
		if ((r = sq_done(s, st, what, e)) == 0) queued += (size_t)sqlite3_changes(SQ(s)->db);
	}
	sqlite3_finalize(st);
	if (r == 0) r = sq_exec(s, "COMMIT", what, e);
	if (r < 0) {
		sq_exec(s, "ROLLBACK", "rollback", NULL);
		return r;
	}
	if (ret_queued) *ret_queued = queued;
	return 0;
}

int sq_seen_span(struct store *s, const struct ipaddr *ip, int64_t run, enum proto proto, uint16_t port,
		 double *first, double *last, struct dm_err *e)
{
	char addr[IPADDR_STRLEN];
	ipaddr_fmt(ip, addr, sizeof(addr));
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, port ? ROW_SEEN_SPAN_PORT_SQL : ROW_SEEN_SPAN_HOST_SQL, -1, &st,
			       NULL))
		return sq_fail(s, e, "reading when a host was seen");
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, run);
	if (port) {
		sqlite3_bind_text(st, 3, proto_name(proto), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, port);
	}
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		*first = sqlite3_column_double(st, 0);
		*last = sqlite3_column_double(st, 1);
		r = 1;
	} else if (rc != SQLITE_DONE)
		r = sq_fail(s, e, "reading when a host was seen");
	sqlite3_finalize(st);
	return r;
}

int sq_answered_before(struct store *s, const struct ipaddr *ip, int64_t run, double *ret_ts,
		       struct dm_err *e)
{
	char addr[IPADDR_STRLEN];
	ipaddr_fmt(ip, addr, sizeof(addr));
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, ROW_ANSWERED_BEFORE_SQL, -1, &st, NULL))
		return sq_fail(s, e, "reading when a host last answered");
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, run);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*ret_ts = sqlite3_column_double(st, 0);
		r = 1;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = sq_fail(s, e, "reading when a host last answered");
	sqlite3_finalize(st);
	return r;
}
