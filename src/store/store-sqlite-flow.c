/* SQLite backend: hourly flow summaries. One transaction per input (or
 * the one held, store_flow_hold_begin); an input saved
 * before (same digest) is not added again. Each hour is added to its
 * day's summaries (store/flow-day.h) as it is saved. */
#include "store/sqlite-internal.h"
#include "store/flow-day.h"
#include "base/buf.h"
#include "base/util.h"
#include <string.h>

/* rows asked of the source at a time: a few hundred kB */
#define CHUNK 1024

int sq_flow_save_hours(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next, void *ctx,
		       bool *ret_known, struct dm_err *e)
{
	sqlite3_stmt *seen = NULL, *ins = NULL, *mark = NULL, *day = NULL;
	struct flow_hour *v = NULL;
	*ret_known = false;
	/* else in the held transaction, without a savepoint: its journal of
	 * the pages the earlier hours changed took hundreds of MB (temp_store
	 * is memory); a failed save fails the holder's run, which undoes it */
	bool own = sqlite3_get_autocommit(SQ(s)->db);
	if (own && sq_exec(s, "BEGIN IMMEDIATE", "saving flow summaries", e) < 0) return DM_ESTORE;
	int r = 0;
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT 1 FROM flow_input WHERE digest = ?", -1, &seen, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO flow_hour(host, hour, peer, port, proto, inbound, background, peer_internal, "
		"flows,"
		" bytes_up, bytes_down, pkts_up, pkts_down, names, country, last_run)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT DO UPDATE SET flows = flows + excluded.flows,"
		" bytes_up = bytes_up + excluded.bytes_up, bytes_down = bytes_down + excluded.bytes_down,"
		" pkts_up = pkts_up + excluded.pkts_up, pkts_down = pkts_down + excluded.pkts_down,"
		" names = CASE WHEN names IS NULL THEN excluded.names WHEN excluded.names IS NULL"
		"   OR instr(',' || names || ',', ',' || excluded.names || ',') > 0 OR length(names) > 1000"
		"   THEN names ELSE names || ',' || excluded.names END,"
		" country = coalesce(country, excluded.country), last_run = excluded.last_run",
		-1, &ins, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO flow_input(digest, run_id, first, last, flows) VALUES (?, ?, ?, ?, ?)", -1,
		&mark, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO flow_day (day, scope, host, port, proto, peer, last_hour, flows, bytes)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
		" last_hour = max(last_hour, excluded.last_hour), flows = flows + excluded.flows,"
		" bytes = bytes + excluded.bytes",
		-1, &day, NULL)) {
		r = sq_fail(s, e, "flow summaries");
		goto out;
	}
	sqlite3_bind_text(seen, 1, digest, -1, SQLITE_STATIC);
	if (sqlite3_step(seen) == SQLITE_ROW) {
		*ret_known = true;
		goto out;
	}
	double first = 0, last = 0;
	uint64_t flows = 0;
	v = xmalloc(CHUNK * sizeof(*v));
	bool any = false;
	size_t n;
	while (r == 0 && (n = next(ctx, v, CHUNK)) > 0)
		for (size_t i = 0; i < n && r == 0; i++) {
			const struct flow_hour *h = &v[i];
			char host[IPADDR_STRLEN], peer[IPADDR_STRLEN];
			ipaddr_fmt(&h->host, host, sizeof(host));
			ipaddr_fmt(&h->peer, peer, sizeof(peer));
			sqlite3_reset(ins);
			sqlite3_bind_text(ins, 1, host, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 2, h->hour);
			sqlite3_bind_text(ins, 3, peer, -1, SQLITE_STATIC);
			sqlite3_bind_int(ins, 4, h->port);
			sqlite3_bind_int(ins, 5, h->proto);
			sqlite3_bind_int(ins, 6, h->inbound);
			sqlite3_bind_int(ins, 7, h->background);
			sqlite3_bind_int(ins, 8, h->peer_internal);
			sqlite3_bind_int64(ins, 9, (int64_t)h->flows);
			sqlite3_bind_int64(ins, 10, (int64_t)h->bytes_up);
			sqlite3_bind_int64(ins, 11, (int64_t)h->bytes_down);
			sqlite3_bind_int64(ins, 12, (int64_t)h->pkts_up);
			sqlite3_bind_int64(ins, 13, (int64_t)h->pkts_down);
			sq_text(ins, 14, h->names);
			sq_text(ins, 15, h->cc);
			sqlite3_bind_int64(ins, 16, run);
			r = sq_done(s, ins, "flow summaries", e);
			/* scope 0: the host's own row; 1: its service's (inbound) */
			for (int scope = 0; scope < 2 && r == 0; scope++) {
				if (scope == 0 ? h->background && !h->inbound : !h->inbound) continue;
				sqlite3_reset(day);
				sqlite3_bind_int64(day, 1, h->hour / 24);
				sqlite3_bind_int(day, 2, scope);
				sqlite3_bind_text(day, 3, host, -1, SQLITE_STATIC);
				sqlite3_bind_int(day, 4, scope ? h->port : 0);
				sqlite3_bind_int(day, 5, scope ? h->proto : 0);
				sqlite3_bind_text(day, 6, peer, -1, SQLITE_STATIC);
				sqlite3_bind_int64(day, 7, h->hour);
				sqlite3_bind_int64(day, 8, (int64_t)h->flows);
				sqlite3_bind_int64(day, 9, (int64_t)(h->bytes_up + h->bytes_down));
				r = sq_done(s, day, "flow summaries", e);
			}
			if (!any || h->hour * 3600.0 < first) first = h->hour * 3600.0;
			any = true;
			if ((h->hour + 1) * 3600.0 > last) last = (h->hour + 1) * 3600.0;
			flows += h->flows;
		}
	if (r == 0) {
		sqlite3_bind_text(mark, 1, digest, -1, SQLITE_STATIC);
		sqlite3_bind_int64(mark, 2, run);
		sqlite3_bind_double(mark, 3, first);
		sqlite3_bind_double(mark, 4, last);
		sqlite3_bind_int64(mark, 5, (int64_t)flows);
		r = sq_done(s, mark, "flow summaries", e);
	}
out:
	free(v);
	sqlite3_finalize(seen);
	sqlite3_finalize(ins);
	sqlite3_finalize(mark);
	sqlite3_finalize(day);
	if (!own) return r;
	if (r == 0) return sq_exec(s, "COMMIT", "saving flow summaries", e);
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

int sq_flow_hold_begin(struct store *s, struct dm_err *e)
{
	return sq_exec(s, "BEGIN IMMEDIATE", "holding flow summaries", e) < 0 ? DM_ESTORE : 1;
}

int sq_flow_hold_end(struct store *s, bool commit, struct dm_err *e)
{
	if (sqlite3_get_autocommit(SQ(s)->db)) return 0; /* none held */
	return sq_exec(s, commit ? "COMMIT" : "ROLLBACK", "saving the held flow summaries", e) < 0 ? DM_ESTORE
												   : 0;
}

static int one_row(struct store *s, sqlite3_stmt *st, const char *what, struct dm_err *e)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) return sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, what);
}

int sq_flow_coverage(struct store *s, double *first, double *last, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	/* what each input covered, kept when it was saved: no scan of the hours */
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT min(first), max(last) FROM flow_input", -1, &st, NULL))
		return sq_fail(s, e, "flow summaries");
	int r = one_row(s, st, "flow summaries", e);
	if (r == 1) {
		*first = sqlite3_column_double(st, 0);
		*last = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	return r;
}

/* A host's history, asked for each host of each hour the rules judge
 * (thousands an hour): prepared once per connection, reset after each use
 * (a statement left mid-way would hold its read snapshot). */
enum { FH_LAST_ACTIVE, FH_HOURLY_UP, FH_PEER_HOURS, FH_N };

static const char *const host_sql[FH_N] = {
	[FH_LAST_ACTIVE] = "SELECT max(hour) FROM flow_hour WHERE host = ? AND hour < ? AND background = 0",
	[FH_HOURLY_UP] = "SELECT hour, sum(bytes_up) FROM flow_hour WHERE host = ? AND hour >= ? AND hour < ?"
			 " AND peer_internal = 0 AND inbound = 0 GROUP BY hour ORDER BY hour",
	[FH_PEER_HOURS] = "SELECT hour, peer, max(names), sum(bytes_up) FROM flow_hour WHERE host = ? AND"
			  " hour >= ? AND hour < ? AND peer_internal = 0 AND inbound = 0 AND background = 0"
			  " GROUP BY hour, peer HAVING sum(bytes_up) > 0 ORDER BY hour",
};

static sqlite3_stmt *host_stmt(struct store *s, int i)
{
	_Static_assert(FH_N <= ARRAY_SIZE(((struct sq_conn *)0)->flow_host_stmts), "room for the statements");
	sqlite3_stmt **st = &SQ(s)->flow_host_stmts[i];
	if (!*st && sqlite3_prepare_v2(SQ(s)->db, host_sql[i], -1, st, NULL) != SQLITE_OK) return NULL;
	return *st;
}

static void host_stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st); /* the address was bound from the caller's stack */
}

int sq_flow_host_last_active(struct store *s, const struct ipaddr *host, double before, double *ret,
			     struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	sqlite3_stmt *st = host_stmt(s, FH_LAST_ACTIVE);
	if (!st) return sq_fail(s, e, "flow summaries");
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)(before / 3600));
	int r = one_row(s, st, "flow summaries", e);
	if (r == 1) *ret = (sqlite3_column_int64(st, 0) + 1) * 3600.0;
	host_stmt_done(st);
	return r;
}

int sq_flow_host_hourly_up(struct store *s, const struct ipaddr *host, double from, double to,
			   flow_hour_fn fn, void *ctx, struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	sqlite3_stmt *st = host_stmt(s, FH_HOURLY_UP);
	if (!st) return sq_fail(s, e, "flow summaries");
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)(from / 3600));
	sqlite3_bind_int64(st, 3, (int64_t)((to + 3599) / 3600));
	int rc, r = 0;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = fn(ctx, sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 1));
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "flow summaries");
	host_stmt_done(st);
	return r;
}

int sq_flow_host_peer_hours(struct store *s, const struct ipaddr *host, double from, double to,
			    flow_peer_hour_fn fn, void *ctx, struct dm_err *e)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	sqlite3_stmt *st = host_stmt(s, FH_PEER_HOURS);
	if (!st) return sq_fail(s, e, "flow summaries");
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)(from / 3600));
	sqlite3_bind_int64(st, 3, (int64_t)((to + 3599) / 3600));
	int rc, r = 0;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ipaddr peer;
		const char *p = (const char *)sqlite3_column_text(st, 1);
		if (!p || ipaddr_parse(p, &peer) < 0) continue; /* not written by this store */
		r = fn(ctx, sqlite3_column_int64(st, 0), &peer, (const char *)sqlite3_column_text(st, 2),
		       (uint64_t)sqlite3_column_int64(st, 3));
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "flow summaries");
	host_stmt_done(st);
	return r;
}

/* The window's parameters (store/flow-day.h), bound by name to st; $5,
 * when the statement has it, the asked hosts as a JSON array (json_each). */
static int window_bind(struct store *s, sqlite3_stmt *st, double from, double to, struct dm_err *e)
{
	double first, end = 0;
	if (sq_flow_coverage(s, &first, &end, e) < 0) return DM_ESTORE;
	struct flow_day_window w = flow_day_window(from, to, end);
	const int64_t v[] = { w.from_h, w.to_h, w.td, w.sd };
	for (int i = 0; i < 4; i++) {
		char name[4] = { '$', (char)('1' + i), 0 };
		int k = sqlite3_bind_parameter_index(st, name);
		if (k) sqlite3_bind_int64(st, k, v[i]);
	}
	return 0;
}

/* One row per host (and port) from a grouped query: host, port, proto,
 * last hour, then flows, peers and bytes of the window; only the hosts
 * only[0..n_only) when only is not NULL. */
static int use_rows(struct store *s, const char *sql, const char *sql_of, double from, double to,
		    const struct ipaddr *only, size_t n_only, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	if (only && !n_only) return 0;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, only ? sql_of : sql, -1, &st, NULL))
		return sq_fail(s, e, "flow summaries");
	struct buf hosts = BUF_INIT;
	if (window_bind(s, st, from, to, e) < 0) {
		sqlite3_finalize(st);
		return DM_ESTORE;
	}
	if (only) {
		buf_putc(&hosts, '[');
		for (size_t i = 0; i < n_only; i++) {
			char ip[IPADDR_STRLEN];
			ipaddr_fmt(&only[i], ip, sizeof(ip));
			buf_printf(&hosts, "%s\"%s\"", i ? "," : "", ip);
		}
		buf_putc(&hosts, ']');
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, "$5"), hosts.data, (int)hosts.len,
				  SQLITE_STATIC);
	}
	int rc, r = 0;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct flow_use u = { 0 };
		const char *ip = (const char *)sqlite3_column_text(st, 0);
		if (!ip || ipaddr_parse(ip, &u.host) < 0) continue;
		u.port = (uint16_t)sqlite3_column_int(st, 1);
		u.proto = (uint8_t)sqlite3_column_int(st, 2);
		u.last = (sqlite3_column_int64(st, 3) + 1) * 3600.0;
		u.flows = (uint64_t)sqlite3_column_int64(st, 4);
		u.peers = (uint64_t)sqlite3_column_int64(st, 5);
		u.bytes = (uint64_t)sqlite3_column_int64(st, 6);
		r = fn(ctx, &u);
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "flow summaries");
	sqlite3_finalize(st);
	buf_release(&hosts);
	return r;
}

/* a key's rows (key columns, then mh, f, b, inw): the window's partial
 * days' hours, and the other days' summaries; ONLY is "" or the condition
 * that keeps the asked hosts' rows */
#define HOUR_ROWS                                                                             \
	" hour AS mh, CASE WHEN hour >= $1 THEN flows ELSE 0 END AS f,"                       \
	" CASE WHEN hour >= $1 THEN bytes_up + bytes_down ELSE 0 END AS b, hour >= $1 AS inw" \
	" FROM flow_hour WHERE" FLOW_DAY_HOURS " AND "
#define DAY_ROWS                                                                                    \
	" last_hour, CASE WHEN day * 24 >= $1 THEN flows ELSE 0 END, CASE WHEN day * 24 >= $1 THEN" \
	" bytes ELSE 0 END, day * 24 >= $1 FROM flow_day WHERE" FLOW_DAY_DAYS " AND scope = "
#define WINDOW_SUMS " max(mh), sum(f), count(DISTINCT CASE WHEN inw THEN peer END), sum(b)"
#define ONLY_HOSTS " AND host IN (SELECT value FROM json_each($5))"
#define HOST_USE_SQL(ONLY)                                                                           \
	"SELECT host, 0, 0," WINDOW_SUMS " FROM (SELECT host, peer," HOUR_ROWS                       \
	"(background = 0 OR inbound = 1)" ONLY " UNION ALL SELECT host, peer," DAY_ROWS "0" ONLY ")" \
	" GROUP BY host"
#define PORT_USE_SQL(ONLY)                                                                         \
	"SELECT host, port, proto," WINDOW_SUMS " FROM (SELECT host, port, proto, peer," HOUR_ROWS \
	"inbound = 1" ONLY " UNION ALL SELECT host, port, proto, peer," DAY_ROWS "1" ONLY ")"      \
	" GROUP BY host, port, proto"

int sq_flow_host_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e)
{
	return use_rows(s, HOST_USE_SQL(""), HOST_USE_SQL(ONLY_HOSTS), from, to, only, n_only, fn, ctx, e);
}

int sq_flow_port_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e)
{
	return use_rows(s, PORT_USE_SQL(""), PORT_USE_SQL(ONLY_HOSTS), from, to, only, n_only, fn, ctx, e);
}

/* Whether sq_flow_host_use would give any host: the first row found, in
 * the days first (flow_hour has no index by hour here: its partial days
 * are a scan of every hour, done only when no day holds a row). */
int sq_flow_hosts_any(struct store *s, double from, double to, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT 1 FROM flow_day WHERE" FLOW_DAY_DAYS " AND scope = 0 UNION ALL SELECT 1"
		" FROM flow_hour WHERE" FLOW_DAY_HOURS " AND (background = 0 OR inbound = 1) LIMIT 1",
		-1, &st, NULL))
		return sq_fail(s, e, "flow summaries");
	int rc = SQLITE_DONE, r = window_bind(s, st, from, to, e);
	if (r == 0 && (rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE)
		r = sq_fail(s, e, "flow summaries");
	if (r == 0) r = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return r;
}

int sq_flow_port_clients(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port,
			 double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT peer, max(hour), sum(flows), sum(bytes_up + bytes_down) FROM flow_hour"
		" WHERE host = ?1 AND hour >= ?2 AND hour < ?3 AND port = ?4 AND proto = ?5 AND inbound = 1"
		" GROUP BY peer",
		-1, &st, NULL))
		return sq_fail(s, e, "flow summaries");
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(host, ip, sizeof(ip));
	sqlite3_bind_text(st, 1, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (int64_t)(from / 3600));
	sqlite3_bind_int64(st, 3, (int64_t)((to + 3599) / 3600));
	sqlite3_bind_int(st, 4, port);
	sqlite3_bind_int(st, 5, proto);
	int rc, r = 0;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct flow_use u = { .port = port, .proto = proto, .peers = 1 };
		const char *peer = (const char *)sqlite3_column_text(st, 0);
		if (!peer || ipaddr_parse(peer, &u.host) < 0) continue;
		u.last = (sqlite3_column_int64(st, 1) + 1) * 3600.0;
		u.flows = (uint64_t)sqlite3_column_int64(st, 2);
		u.bytes = (uint64_t)sqlite3_column_int64(st, 3);
		r = fn(ctx, &u);
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "flow summaries");
	sqlite3_finalize(st);
	return r;
}
