/* PostgreSQL backend: how much each host and service port was used in a
 * window (store_flow_host_use, _port_use and their _of forms, and the
 * count of hosts), from the per-day summaries and the hours of the
 * window's partial days (store/flow-day.h), as the SQLite backend's
 * (store-sqlite-flow.c). */
#include "store/pg-internal.h"
#include "store/flow-day.h"
#include "base/buf.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

/* The use queries of every host read every stored day before `to` (a
 * day's summaries of 10 M hours in bench/central-bench.sh): hashed, not
 * sorted by an index, in memory, and not compiled by JIT (seconds of
 * compiling for one run); the session's settings are put back after. The
 * queries of a few hosts read their index entries only and need neither. */
static const char use_settings[] =
    "SELECT set_config('work_mem', '64MB', false), set_config('jit', 'off', false)";
static const char use_reset[] = "RESET work_mem; RESET jit";

/* The window's four parameters (flow-day.h), then the hosts as a text
 * array when only those are asked for ($5). */
static int window_params(struct store *s, double from, double to, struct pg_params *p, struct dm_err *e)
{
	double first, end = 0;
	if (pg_flow_coverage(s, &first, &end, e) < 0) return DM_ESTORE;
	struct flow_day_window w = flow_day_window(from, to, end);
	pp_int(p, w.from_h);
	pp_int(p, w.to_h);
	pp_int(p, w.td);
	pp_int(p, w.sd);
	return 0;
}

static void hosts_array(struct buf *b, const struct ipaddr *only, size_t n)
{
	buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&only[i], ip, sizeof(ip));
		buf_printf(b, "%s%s", i ? "," : "", ip);
	}
	buf_putc(b, '}');
}

static int use_rows(struct store *s, const char *sql, const char *sql_of, double from, double to,
		    const struct ipaddr *only, size_t n_only, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	if (only && !n_only) return 0;
	struct pg_params p = { 0 };
	struct buf hosts = BUF_INIT;
	if (window_params(s, from, to, &p, e) < 0) return DM_ESTORE;
	if (only) {
		hosts_array(&hosts, only, n_only);
		pp_str(&p, hosts.data);
	} else if (pg_cmd(s, use_settings, NULL, "flow summaries", e) < 0) {
		return DM_ESTORE;
	}
	PGresult *r = pg_q(s, only ? sql_of : sql, &p, "flow summaries", e);
	if (!only) PQclear(PQexec(PG(s)->c, use_reset));
	buf_release(&hosts);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		struct flow_use u = { 0 };
		if (ipaddr_parse(PQgetvalue(r, i, 0), &u.host) < 0) continue;
		u.port = (uint16_t)pg_i64(r, i, 1);
		u.proto = (uint8_t)pg_i64(r, i, 2);
		u.last = (double)(pg_i64(r, i, 3) + 1) * 3600.0;
		u.flows = (uint64_t)pg_i64(r, i, 4);
		u.peers = (uint64_t)pg_i64(r, i, 5);
		u.bytes = (uint64_t)pg_i64(r, i, 6);
		ret = fn(ctx, &u);
	}
	PQclear(r);
	return ret;
}

/* In two steps: per key and peer, then per key, so that the distinct peers
 * in the window are a count of groups (count(DISTINCT) sorts each key's
 * rows); grouped in "C" order, byte by byte (the addresses' text needs no
 * locale). A key and peer's rows come from the hours of the window's
 * partial days and from the other days' summaries (store/flow-day.h);
 * ONLY is "" or the condition that keeps the asked hosts' rows.
 * coalesce: PostgreSQL's sum of no rows is NULL where SQLite's CASE sum
 * is 0. */
#define HOUR_SUMS                                                                                           \
	" max(hour) AS mh, sum(CASE WHEN hour >= $1 THEN flows ELSE 0 END) AS f,"                           \
	" sum(CASE WHEN hour >= $1 THEN bytes_up + bytes_down ELSE 0 END) AS b, bool_or(hour >= $1) AS inw" \
	" FROM flow_hour WHERE" FLOW_DAY_HOURS " AND "
#define DAY_SUMS                                                                                    \
	" last_hour, CASE WHEN day * 24 >= $1 THEN flows ELSE 0 END, CASE WHEN day * 24 >= $1 THEN" \
	" bytes ELSE 0 END, day * 24 >= $1 FROM flow_day WHERE" FLOW_DAY_DAYS " AND scope = "
#define PEER_SUMS " max(mh) AS mh, sum(f) AS f, sum(b) AS b, bool_or(inw) AS inw"
#define USE_SUMS " max(mh), coalesce(sum(f), 0), count(*) FILTER (WHERE inw), coalesce(sum(b), 0)"
#define ONLY_HOSTS " AND host = ANY($5::text[])"

#define HOST_USE_SQL(ONLY)                                                            \
	"SELECT host, 0, 0," USE_SUMS " FROM (SELECT host," PEER_SUMS " FROM ("       \
	"SELECT host COLLATE \"C\" AS host, peer COLLATE \"C\" AS peer," HOUR_SUMS    \
	"(background = 0 OR inbound = 1)" ONLY " GROUP BY 1, 2"                       \
	" UNION ALL SELECT host COLLATE \"C\", peer COLLATE \"C\"," DAY_SUMS "0" ONLY \
	") y GROUP BY host, peer"                                                     \
	") x GROUP BY host"
#define PORT_USE_SQL(ONLY)                                                                          \
	"SELECT host, port, proto," USE_SUMS " FROM (SELECT host, port, proto," PEER_SUMS " FROM (" \
	"SELECT host COLLATE \"C\" AS host, port, proto, peer COLLATE \"C\" AS peer," HOUR_SUMS     \
	"inbound = 1" ONLY " GROUP BY 1, 2, 3, 4"                                                   \
	" UNION ALL SELECT host COLLATE \"C\", port, proto, peer COLLATE \"C\"," DAY_SUMS "1" ONLY  \
	") y GROUP BY host, port, proto, peer) x GROUP BY host, port, proto"

int pg_flow_host_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e)
{
	return use_rows(s, HOST_USE_SQL(""), HOST_USE_SQL(ONLY_HOSTS), from, to, only, n_only, fn, ctx, e);
}

int pg_flow_port_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e)
{
	return use_rows(s, PORT_USE_SQL(""), PORT_USE_SQL(ONLY_HOSTS), from, to, only, n_only, fn, ctx, e);
}

/* Whether pg_flow_host_use would give any host: the first row found ($1,
 * the window's start, is not needed: every parameter must be named in the
 * statement). */
int pg_flow_hosts_any(struct store *s, double from, double to, struct dm_err *e)
{
	struct pg_params p = { 0 };
	if (window_params(s, from, to, &p, e) < 0) return DM_ESTORE;
	PGresult *r = pg_q(
	    s,
	    "SELECT 1 FROM flow_day WHERE" FLOW_DAY_DAYS " AND scope = 0 AND $1::bigint IS NOT NULL"
	    " UNION ALL SELECT 1 FROM flow_hour WHERE" FLOW_DAY_HOURS " AND (background = 0 OR inbound = 1)"
	    " LIMIT 1",
	    &p, "flow summaries", e);
	if (!r) return DM_ESTORE;
	int found = PQntuples(r) > 0;
	PQclear(r);
	return found;
}
