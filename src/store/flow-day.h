/* Per-day flow summaries (flow_day, schema 31), the SQL both backends
 * share. The use queries (store_flow_host_use, _port_use) read every stored
 * hour before their window's end; a day's row per host and peer (scope 0:
 * the hours those queries count for the host, background = 0 OR inbound =
 * 1) and per host, service and peer (scope 1: inbound hours) keeps what
 * they need of it: the last hour, flows and bytes. A save adds its rows'
 * days in the same transaction; the hours of the window's first (when it
 * starts inside a day) and last day are still read from flow_hour. */
#pragma once

#include <stdint.h>

/* flow_day's rows of the hours in src (flow_hour's columns) that match
 * `where` (after AND) */
#define FLOW_DAY_FILL_FROM(src, where)                                                                \
	"INSERT INTO flow_day (day, scope, host, port, proto, peer, last_hour, flows, bytes)"         \
	" SELECT hour / 24, 0, host, 0, 0, peer, max(hour), sum(flows), sum(bytes_up + bytes_down)"   \
	" FROM " src " WHERE (background = 0 OR inbound = 1)" where " GROUP BY hour / 24, host, peer" \
	" UNION ALL SELECT hour / 24, 1, host, port, proto, peer, max(hour), sum(flows),"             \
	" sum(bytes_up + bytes_down) FROM " src " WHERE inbound = 1" where                            \
	" GROUP BY hour / 24, host, port, proto, peer"
#define FLOW_DAY_FILL(where) FLOW_DAY_FILL_FROM("flow_hour", where)

/* one day ($1) again from its hours, after retention deleted some of them */
#define FLOW_DAY_CLEAR_DAY "DELETE FROM flow_day WHERE day = $1"
#define FLOW_DAY_FILL_DAY FLOW_DAY_FILL(" AND hour >= $1 * 24 AND hour < $1 * 24 + 24")

/* A use query's rows: the hours of the window's end day (td, $3) and of
 * the day it starts inside (sd, $4; td when it starts at midnight) from
 * flow_hour, every other day before td from flow_day; such a day is in the
 * window (from its first hour $1 on) wholly or not at all. When no stored
 * hour is at or after the window's end (it ends where the inputs do, as
 * an audit's window), the end day's summaries hold only hours before it:
 * td is the day after, and the hours of the day being saved are not read. */
#define FLOW_DAY_HOURS " hour < $2 AND (hour >= $3 * 24 OR (hour >= $4 * 24 AND hour < $4 * 24 + 24))"
#define FLOW_DAY_DAYS " day < $3 AND day <> $4"

/* The window from..to (seconds) as those four parameters; stored_end:
 * the inputs' end (store_flow_coverage), 0 when unknown. */
struct flow_day_window {
	int64_t from_h, to_h, td, sd;
};

static inline int64_t flow_day_of(int64_t hour) { return hour >= 0 ? hour / 24 : (hour - 23) / 24; }

static inline struct flow_day_window flow_day_window(double from, double to, double stored_end)
{
	struct flow_day_window w = { (int64_t)(from / 3600), (int64_t)((to + 3599) / 3600), 0, 0 };
	w.td = flow_day_of(w.to_h) + (stored_end > 0 && to >= stored_end);
	w.sd = w.from_h % 24 ? flow_day_of(w.from_h) : w.td;
	return w;
}
