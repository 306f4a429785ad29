/* PostgreSQL backend: findings with a life and the alert outbox (schema
 * 16), as store-sqlite-life.c does it: the records, the notes, one outbox
 * row per (change, channel) in the transaction of the change. Sensors of
 * one site apply their runs one at a time (an advisory lock per site), so
 * two never create the same finding at once. Rows are decoded by
 * store-row.c, shared with SQLite. */
#include "store/pg-internal.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_SELECT "SELECT " ROW_LIFE_VIEW_COLS " FROM finding_life"

/* Calls fn for each row of r as a view; the number of rows, or fn's error. */
static int each_view(PGresult *r, life_view_fn fn, void *ctx)
{
	int n = PQntuples(r), ret = 0;
	for (int i = 0; i < n && ret >= 0; i++) {
		struct store_row row = pg_row(r, i);
		struct life_view v;
		row_life_view(&row, &v);
		ret = fn ? fn(ctx, &v) : 0;
	}
	return ret < 0 ? ret : n;
}

static int outbox(struct store *s, const struct life_apply_in *in, struct life_apply_out *out,
		  const struct life_view *v, enum life_event ev, struct dm_err *e)
{
	const struct alert_configs *cs = in->alerts;
	if (!cs || life_is_suppressed(&v->r, in->now)) return 0;
	char key[160];
	life_row_alert_key(v, key, sizeof(key));
	for (size_t i = 0; i < cs->n; i++) {
		const struct alert_config *c = &cs->v[i];
		if (!alert_config_wants(c, ev, v->r.rule, v->r.severity)) continue;
		struct pg_params p = { 0 };
		pp_str(&p, c->name);
		pp_str(&p, key);
		pp_str(&p, life_event_name(ev));
		pp_int(&p, v->r.id);
		pp_int(&p, in->run);
		pp_dbl(&p, in->now);
		pp_str(&p, life_state_name(v->r.state));
		pp_str(&p, v->r.site);
		pp_str(&p, v->r.rule);
		pp_int(&p, v->r.severity);
		pp_text(&p, v->ip);
		pp_int(&p, v->port);
		pp_text(&p, v->proto);
		pp_text(&p, v->path);
		pp_str(&p, v->title);
		pp_text(&p, v->evidence);
		pp_text(&p, v->remediation);
		pp_dbl(&p, v->r.first_seen);
		pp_dbl(&p, v->r.last_seen);
		int r =
		    pg_cmd(s,
			   "INSERT INTO alert_outbox(channel, key, event, finding, run, created, state, site,"
			   " rule, severity, ip, port, proto, path, title, evidence, remediation, first_seen,"
			   " last_seen) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,"
			   "$18,$19) ON CONFLICT (channel, key) DO NOTHING",
			   &p, "writing an alert to the outbox", e);
		if (r < 0) return r;
		out->alerts++;
	}
	return 0;
}

static int update(struct store *s, const struct life_view *v, struct dm_err *e)
{
	const struct life_record *r = &v->r;
	struct pg_params p = { 0 };
	pp_int(&p, r->state);
	pp_int(&p, r->severity);
	pp_int(&p, r->peak);
	pp_str(&p, v->title);
	pp_text(&p, v->evidence);
	pp_text(&p, v->remediation);
	pp_dbl(&p, r->first_seen);
	pp_dbl(&p, r->last_seen);
	pp_dbl(&p, r->changed);
	pp_int(&p, r->last_run);
	pp_int(&p, r->changes);
	pp_dbl(&p, r->ack_until);
	pp_int(&p, r->suppressed);
	pp_dbl(&p, r->suppress_until);
	pp_str(&p, r->suppress_by);
	pp_int(&p, r->id);
	return pg_cmd(
	    s,
	    "UPDATE finding_life SET state = $1, severity = $2, peak = $3, title = $4, evidence = $5,"
	    " remediation = $6, first_seen = $7, last_seen = $8, changed = $9, last_run = $10,"
	    " changes = $11, ack_until = $12, suppressed = $13, suppress_until = $14, suppress_by = $15"
	    " WHERE id = $16",
	    &p, "updating a finding's state", e);
}

static int insert(struct store *s, struct life_view *v, struct dm_err *e)
{
	const struct life_record *r = &v->r;
	struct pg_params p = { 0 };
	pp_str(&p, r->key);
	pp_str(&p, r->site);
	pp_str(&p, r->rule);
	pp_text(&p, v->ip);
	pp_int(&p, v->port);
	pp_text(&p, v->proto);
	pp_text(&p, v->path);
	pp_int(&p, r->state);
	pp_int(&p, r->severity);
	pp_int(&p, r->peak);
	pp_str(&p, v->title);
	pp_text(&p, v->evidence);
	pp_text(&p, v->remediation);
	pp_dbl(&p, r->first_seen);
	pp_dbl(&p, r->last_seen);
	pp_dbl(&p, r->changed);
	pp_int(&p, r->first_run);
	pp_int(&p, r->last_run);
	pp_int(&p, r->changes);
	PGresult *res =
	    pg_q(s,
		 "INSERT INTO finding_life(key, site, rule, ip, port, proto, path, state, severity,"
		 " peak, title, evidence, remediation, first_seen, last_seen, changed, first_run,"
		 " last_run, changes) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,"
		 "$17,$18,$19) RETURNING id",
		 &p, "recording a finding", e);
	if (!res) return DM_ESTORE;
	v->r.id = pg_i64(res, 0, 0);
	PQclear(res);
	return 0;
}

static int apply_seen(struct store *s, const struct life_apply_in *in, struct life_apply_out *out,
		      const struct finding *f, struct dm_err *e)
{
	struct life_view v = { 0 };
	life_key(f, in->site, v.r.key, sizeof(v.r.key));
	struct pg_params p = { 0 };
	pp_str(&p, v.r.key);
	PGresult *res = pg_q(s, VIEW_SELECT " WHERE key = $1", &p, "reading a finding's state", e);
	if (!res) return DM_ESTORE;
	if (PQntuples(res) == 1) {
		struct store_row row = pg_row(res, 0);
		row_life_view(&row, &v);
	}
	enum life_event ev = life_row_seen(&v, f, in);
	PQclear(res); /* v's texts are the finding's now, not the result's */
	out->seen++;
	life_row_count(out, ev);
	bool fresh = !v.r.id;
	int r = fresh ? insert(s, &v, e) : update(s, &v, e);
	if (r == 0 && fresh && v.r.suppressed) r = update(s, &v, e); /* by the config */
	if (r < 0) return r;
	return ev ? outbox(s, in, out, &v, ev, e) : 0;
}

/* Every unresolved record of the site this run did not see, and judged. */
static int apply_unseen(struct store *s, const struct life_apply_in *in, struct life_apply_out *out,
			struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, in->site);
	pp_int(&p, LIFE_RESOLVED);
	pp_int(&p, in->run);
	PGresult *res = pg_q(s,
			     VIEW_SELECT " WHERE site = $1 AND state <> $2 AND last_run IS DISTINCT FROM $3"
					 " ORDER BY id",
			     &p, "resolving findings", e);
	if (!res) return DM_ESTORE;
	int r = 0;
	for (int i = 0; i < PQntuples(res) && r == 0; i++) {
		struct store_row row = pg_row(res, i);
		struct life_view v;
		row_life_view(&row, &v);
		if (!life_row_judged(in, &v)) continue;
		enum life_event ev = life_unseen(&v.r, in->now);
		life_row_count(out, ev);
		if ((r = update(s, &v, e)) == 0 && ev) r = outbox(s, in, out, &v, ev, e);
	}
	PQclear(res);
	return r;
}

int pg_life_apply(struct store *s, const struct life_apply_in *in, struct life_apply_out *ret,
		  struct dm_err *e)
{
	const char *what = "recording the findings' states";
	struct life_apply_out out = { 0 };
	int r = pg_begin(s, what, e);
	if (r < 0) return r;
	struct pg_params p = { 0 };
	pp_str(&p, in->site);
	r = pg_cmd(s, "SELECT pg_advisory_xact_lock(7021969, hashtext($1))", &p, what, e);
	for (size_t i = 0; r == 0 && in->fs && i < in->fs->n; i++)
		r = apply_seen(s, in, &out, &in->fs->v[i], e);
	if (r == 0) r = apply_unseen(s, in, &out, e);
	if (r == 0)
		r = pg_commit(s, what, e);
	else
		pg_rollback(s);
	if (r == 0 && ret) *ret = out;
	return r;
}

int pg_life_list(struct store *s, const char *site, int state, life_view_fn fn, void *ctx, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, site);
	pp_int(&p, state);
	PGresult *r = pg_q(s,
			   VIEW_SELECT
			   " WHERE ($1::text IS NULL OR site = $1) AND (CASE WHEN $2::int = -2 THEN"
			   " true WHEN $2::int < 0 THEN state <> 3 ELSE state = $2 END)"
			   " ORDER BY severity DESC, last_seen DESC, id",
			   &p, "listing findings", e);
	if (!r) return DM_ESTORE;
	int n = each_view(r, fn, ctx);
	PQclear(r);
	return n < 0 ? n : 0;
}

int pg_life_get(struct store *s, int64_t id, life_view_fn fn, void *ctx, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, id);
	PGresult *r = pg_q(s, VIEW_SELECT " WHERE id = $1", &p, "reading a finding", e);
	if (!r) return DM_ESTORE;
	int n = each_view(r, fn, ctx);
	PQclear(r);
	return n < 0 ? n : n > 0;
}

static const char *const action_names[] = { "ack", "suppress", "unsuppress", "note" };

static int act_sql(struct store *s, int64_t id, enum life_action a, const char *who, double until, double now,
		   struct dm_err *e)
{
	static const char *const sql[] = {
		"UPDATE finding_life SET state = 2, ack_until = $2, changed = $3 WHERE id = $1 AND state <> "
		"3",
		"UPDATE finding_life SET suppressed = 1, suppress_until = $2, suppress_by = $3 WHERE id = $1",
		"UPDATE finding_life SET suppressed = 0, suppress_until = 0, suppress_by = '' WHERE id = $1",
	};
	struct pg_params p = { 0 };
	pp_int(&p, id);
	if (a != LIFE_ACT_UNSUPPRESS) pp_dbl(&p, until);
	if (a == LIFE_ACT_ACK) pp_dbl(&p, now);
	if (a == LIFE_ACT_SUPPRESS) pp_str(&p, who ? who : "");
	PGresult *r = pg_q(s, sql[a], &p, "changing a finding", e);
	if (!r) return DM_ESTORE;
	bool none = !strcmp(PQcmdTuples(r), "0");
	PQclear(r);
	if (a == LIFE_ACT_ACK && none)
		return dm_fail(e, DM_EINPUT, "F%lld is resolved: nothing to acknowledge", (long long)id);
	return 0;
}

int pg_life_act(struct store *s, int64_t id, enum life_action a, const char *who, const char *why,
		double until, double now, struct dm_err *e)
{
	const char *what = "changing a finding";
	if ((unsigned)a > LIFE_ACT_NOTE) return dm_fail(e, DM_EINPUT, "unknown action");
	int r = pg_begin(s, what, e);
	if (r < 0) return r;
	struct pg_params p = { 0 };
	pp_int(&p, id);
	PGresult *res = pg_q(s, "SELECT 1 FROM finding_life WHERE id = $1 FOR UPDATE", &p, what, e);
	if (!res)
		r = DM_ESTORE;
	else if (PQntuples(res) != 1)
		r = dm_fail(e, -ENOENT, "no finding F%lld", (long long)id);
	PQclear(res);
	if (r == 0 && a != LIFE_ACT_NOTE) r = act_sql(s, id, a, who, until, now, e);
	if (r == 0) {
		struct pg_params q = { 0 };
		pp_int(&q, id);
		pp_dbl(&q, now);
		pp_str(&q, action_names[a]);
		pp_str(&q, who ? who : "");
		pp_str(&q, why ? why : "");
		pp_dbl(&q, until);
		r = pg_cmd(s,
			   "INSERT INTO finding_notes(finding, at, action, who, why, until)"
			   " VALUES ($1,$2,$3,$4,$5,$6)",
			   &q, what, e);
	}
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

int pg_life_notes(struct store *s, int64_t id, life_note_fn fn, void *ctx, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, id);
	PGresult *r =
	    pg_q(s, "SELECT at, action, who, why, until FROM finding_notes WHERE finding = $1 ORDER BY id",
		 &p, "reading a finding's notes", e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret >= 0; i++)
		ret = fn(ctx, pg_dbl(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
			 pg_dbl(r, i, 4));
	PQclear(r);
	return ret < 0 ? ret : 0;
}

static int each_alert(PGresult *r, life_alert_fn fn, void *ctx)
{
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret >= 0; i++) {
		struct store_row row = pg_row(r, i);
		struct life_alert a;
		row_life_alert(&row, &a);
		ret = fn(ctx, &a);
	}
	PQclear(r);
	return ret < 0 ? ret : 0;
}

int pg_alert_pending(struct store *s, const char *channel, double now, size_t limit, life_alert_fn fn,
		     void *ctx, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, channel);
	pp_dbl(&p, now);
	pp_limit(&p, limit);
	PGresult *r = pg_q(s,
			   "SELECT " ROW_ALERT_COLS
			   " FROM alert_outbox WHERE channel = $1 AND delivered IS NULL"
			   " AND next_try <= $2 ORDER BY id LIMIT $3",
			   &p, "reading the alert outbox", e);
	return r ? each_alert(r, fn, ctx) : DM_ESTORE;
}

int pg_alert_list(struct store *s, bool undelivered, size_t limit, life_alert_fn fn, void *ctx,
		  struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, undelivered);
	pp_limit(&p, limit);
	PGresult *r = pg_q(s,
			   "SELECT " ROW_ALERT_COLS
			   " FROM alert_outbox WHERE ($1::int = 0 OR delivered IS NULL)"
			   " ORDER BY id DESC LIMIT $2",
			   &p, "reading the alert outbox", e);
	return r ? each_alert(r, fn, ctx) : DM_ESTORE;
}

int pg_alert_mark(struct store *s, int64_t id, enum alert_mark m, double now, double next_try,
		  const char *error, struct dm_err *e)
{
	static const char *const sql[] = {
		"UPDATE alert_outbox SET sending = 1 WHERE id = $1",
		"UPDATE alert_outbox SET sending = 0, delivered = $2, attempts = attempts + 1, error = NULL"
		" WHERE id = $1",
		"UPDATE alert_outbox SET sending = 0, attempts = attempts + 1, next_try = $2, error = $3"
		" WHERE id = $1",
	};
	if ((unsigned)m > ALERT_MARK_FAILED) return dm_fail(e, DM_EINPUT, "unknown alert mark");
	struct pg_params p = { 0 };
	pp_int(&p, id);
	if (m == ALERT_MARK_SENT) pp_dbl(&p, now);
	if (m == ALERT_MARK_FAILED) {
		pp_dbl(&p, next_try);
		pp_text(&p, error);
	}
	return pg_cmd(s, sql[m], &p, "recording a delivery", e);
}

int pg_alert_queue(struct store *s, const struct life_alert *v, size_t n, size_t *ret_queued,
		   struct dm_err *e)
{
	const char *what = "queuing host and port changes";
	size_t queued = 0;
	int r = pg_begin(s, what, e);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct life_alert *a = &v[i];
		struct pg_params p = { 0 };
		pp_str(&p, a->channel);
		pp_str(&p, a->key);
		pp_str(&p, a->event);
		pp_int(&p, a->run);
		pp_dbl(&p, a->created);
		pp_str(&p, a->state);
		pp_str(&p, a->site);
		pp_str(&p, a->rule);
		pp_int(&p, a->severity);
		pp_text(&p, a->ip);
		pp_int(&p, a->port);
		pp_text(&p, a->proto);
		pp_text(&p, a->path);
		pp_str(&p, a->title);
		pp_text(&p, a->evidence);
		pp_text(&p, a->remediation);
		pp_dbl(&p, a->first_seen);
		pp_dbl(&p, a->last_seen);
		pp_text(&p, a->service);
		PGresult *res =
		    pg_q(s,
			 "INSERT INTO alert_outbox(channel, key, event, finding, run, created, state,"
			 " site, rule, severity, ip, port, proto, path, title, evidence, remediation,"
			 " first_seen, last_seen, service) VALUES ($1,$2,$3,NULL,$4,$5,$6,$7,$8,$9,"
			 "$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) ON CONFLICT (channel, key) DO"
			 " NOTHING RETURNING id",
			 &p, what, e);
		if (!res) {
			r = DM_ESTORE;
			break;
		}
		queued += (size_t)PQntuples(res);
		PQclear(res);
	}
	if (r == 0) r = pg_commit(s, what, e);
	if (r < 0) {
		pg_rollback(s);
		return r;
	}
	if (ret_queued) *ret_queued = queued;
	return 0;
}

int pg_seen_span(struct store *s, const struct ipaddr *ip, int64_t run, enum proto proto, uint16_t port,
		 double *first, double *last, struct dm_err *e)
{
	char addr[IPADDR_STRLEN];
	ipaddr_fmt(ip, addr, sizeof(addr));
	struct pg_params p = { 0 };
	pp_str(&p, addr);
	pp_int(&p, run);
	if (port) {
		pp_str(&p, proto_name(proto));
		pp_int(&p, port);
	}
	PGresult *r = pg_q(s, port ? ROW_SEEN_SPAN_PORT_SQL : ROW_SEEN_SPAN_HOST_SQL, &p,
			   "reading when a host was seen", e);
	if (!r) return DM_ESTORE;
	int found = PQntuples(r) > 0;
	if (found) {
		*first = pg_dbl(r, 0, 0);
		*last = pg_dbl(r, 0, 1);
	}
	PQclear(r);
	return found;
}

int pg_answered_before(struct store *s, const struct ipaddr *ip, int64_t run, double *ret_ts,
		       struct dm_err *e)
{
	char addr[IPADDR_STRLEN];
	ipaddr_fmt(ip, addr, sizeof(addr));
	struct pg_params p = { 0 };
	pp_str(&p, addr);
	pp_int(&p, run);
	PGresult *r = pg_q(s, ROW_ANSWERED_BEFORE_SQL, &p, "reading when a host last answered", e);
	if (!r) return DM_ESTORE;
	int found = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0);
	if (found) *ret_ts = pg_dbl(r, 0, 0);
	PQclear(r);
	return found;
}
