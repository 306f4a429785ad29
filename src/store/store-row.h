/* One row of a query's result, read the same way whichever backend ran
 * it, and the decoders of the records both backends read back (findings'
 * life, the alert outbox, edge gateways and mappings, network device
 * ports). Each record's columns are decoded once here; a backend only
 * says how to read one column (sqlite-internal.h sq_row, pg-internal.h
 * pg_row). The column lists go with their decoders so that both backends'
 * SELECTs name the same columns in the same order. */
#pragma once
#include "model/edge.h"
#include "model/netdev.h"
#include "store/store.h"
#include <stdint.h>

struct store_row;
struct store_row_ops {
	const char *(*text)(const struct store_row *r, int col); /* NULL when SQL NULL */
	int64_t (*i64)(const struct store_row *r, int col);      /* 0 when NULL */
	double (*dbl)(const struct store_row *r, int col);       /* 0 when NULL */
};
struct store_row {
	const struct store_row_ops *ops;
	const void *h; /* the backend's statement or result */
	int i;         /* the row, where the result holds many */
};

#define ROW_LIFE_VIEW_COLS                                                                                 \
	"id, key, site, rule, state, severity, peak, first_seen, last_seen, changed, first_run, last_run," \
	" changes, ack_until, suppressed, suppress_until, ip, port, proto, path, title, evidence, "        \
	"remediation, suppress_by"
/* evidence and remediation point into the row: valid until the next row */
void row_life_view(const struct store_row *r, struct life_view *v);

#define ROW_ALERT_COLS                                                                                  \
	"id, channel, key, event, state, finding, run, created, site, rule, severity, ip, port, proto," \
	" path, title, evidence, remediation, first_seen, last_seen, attempts, next_try, sending,"      \
	" delivered, error, service"
void row_life_alert(const struct store_row *r, struct life_alert *a);

/* from edge_gateways; *read_at is the time the run read it */
#define ROW_EDGE_GW_COLS \
	"method, addr, url, service, name, public_ip, open, open_detail, n_maps, truncated, read_at"
void row_edge_gateway(const struct store_row *r, struct edge_gateway *g, double *read_at);
/* from edge_mappings m and the earliest time the same mapping was seen;
 * false when the row names no gateway of the n_gws loaded or no address */
#define ROW_EDGE_MAP_COLS                                                                              \
	"m.gw, m.ext_port, m.proto, m.internal, m.int_port, m.description, m.remote_host, m.enabled, " \
	"m.lease"
bool row_edge_map(const struct store_row *r, size_t n_gws, struct edge_map *m);

/* an earlier walk's port counters, after the walk's start time */
#define ROW_NETDEV_PREV_COLS "w.started, p.ifindex, p.in_octets, p.out_octets, p.oper"
void row_netdev_prev(const struct store_row *r, struct netdev_if *f, double *started);
/* The MACs learned on the access ports (netdev_is_access_port() in SQL) of
 * device $1's last complete walk before $2: what device-moved and
 * device-swapped compare a new walk with. ORDER is each backend's insertion
 * order (SQLite's rowid, PostgreSQL's ctid). */
#define ROW_NETDEV_PREV_MACS_SQL(order)                                                                      \
	"SELECT w.started, f.mac, f.ifindex, f.vlan, p.name, p.alias FROM netdev_fdb f"                      \
	" JOIN netdev_walks w ON w.id = f.walk_id"                                                           \
	" JOIN netdev_ports p ON p.walk_id = f.walk_id AND p.ifindex = f.ifindex"                            \
	" WHERE w.id = (SELECT id FROM netdev_walks WHERE device = $1 AND complete = 1 AND started < $2"     \
	"  ORDER BY started DESC LIMIT 1)"                                                                   \
	" AND f.status = 3 AND p.type = 6 AND p.bridge_port != 0"                                            \
	" AND (SELECT count(*) FROM netdev_fdb g WHERE g.walk_id = f.walk_id AND g.ifindex = f.ifindex) <= " \
	"4"                                                                                                  \
	" AND NOT EXISTS (SELECT 1 FROM netdev_lldp l WHERE l.walk_id = f.walk_id"                           \
	"  AND (l.local_port = p.ifindex OR l.local_port = p.bridge_port))"                                  \
	" AND NOT EXISTS (SELECT 1 FROM netdev_cdp c WHERE c.walk_id = f.walk_id AND c.ifindex = p.ifindex)" \
	" ORDER BY " order
/* false when the row's MAC does not read (skipped); *started is the walk's */
bool row_netdev_prev_mac(const struct store_row *r, struct netdev_prev_mac *m, double *started);
/* When the asset (and its port) of run $2's site at address $1 was first and
 * last seen; $3 and $4 the port's protocol name and number. */
#define ROW_SEEN_SPAN_HOST_SQL                                   \
	"SELECT first_seen, last_seen FROM assets WHERE ip = $1" \
	" AND site = (SELECT site FROM runs WHERE id = $2)"
#define ROW_SEEN_SPAN_PORT_SQL                                                                             \
	"SELECT p.first_seen, p.last_seen FROM ports p JOIN assets a ON a.id = p.asset_id WHERE a.ip = $1" \
	" AND a.site = (SELECT site FROM runs WHERE id = $2) AND p.proto = $3 AND p.port = $4"
/* When the host at address $1 of run $2's site last answered in an earlier
 * run (max of host_obs.ts, NULL when never). */
#define ROW_ANSWERED_BEFORE_SQL                                                               \
	"SELECT max(h.ts) FROM host_obs h JOIN assets a ON a.id = h.asset_id WHERE a.ip = $1" \
	" AND a.site = (SELECT site FROM runs WHERE id = $2) AND h.run_id < $2 AND h.how <> 'none'"
/* The rows of run $1's complete walks that `dormant diff` compares
 * (model/netdev.h struct netdev_row): ports, learned FDB entries with the
 * port's name and MAC count, ARP entries. Both backends run it as it is. */
#define ROW_NETDEV_ROWS_SQL                                                                                  \
	"SELECT 0, w.device, w.address, p.ifindex, p.name, p.alias, p.oper, NULL, 0, 0, NULL"                \
	" FROM netdev_ports p JOIN netdev_walks w ON w.id = p.walk_id WHERE w.run_id = $1 AND w.complete = " \
	"1"                                                                                                  \
	" UNION ALL SELECT 1, w.device, w.address, f.ifindex, p.name, p.alias, 0, f.mac, f.vlan,"            \
	" (SELECT count(*) FROM netdev_fdb g WHERE g.walk_id = f.walk_id AND g.ifindex = f.ifindex), NULL"   \
	" FROM netdev_fdb f JOIN netdev_walks w ON w.id = f.walk_id"                                         \
	" LEFT JOIN netdev_ports p ON p.walk_id = f.walk_id AND p.ifindex = f.ifindex"                       \
	" WHERE w.run_id = $1 AND w.complete = 1 AND f.status = 3"                                           \
	" UNION ALL SELECT 2, w.device, w.address, a.ifindex, NULL, NULL, 0, a.mac, 0, 0, a.ip"              \
	" FROM netdev_arp a JOIN netdev_walks w ON w.id = a.walk_id WHERE w.run_id = $1 AND w.complete = 1"
/* false when the row's MAC or address does not read (skipped) */
bool row_netdev_row(const struct store_row *r, struct netdev_row *x);

/* asset_idents (issue 22): the same statements for both backends */
#define ROW_IDENT_INSERT                                                                                  \
	"INSERT INTO asset_idents(run_id, ip, key, mac, mac_local, hostname, mac_from, name_from, seen,"  \
	" cert, snmp_engine, ssh_key, mdns_name, dns_name, site) VALUES ($1, $2, $3, $4, $5, $6, $7, $8," \
	" $9, $10, $11, $12, $13, $14, COALESCE((SELECT site FROM runs WHERE id = $1), 'default'))"
#define ROW_IDENT_COLS                                                                                     \
	"ip, mac, mac_local, hostname, mac_from, name_from, seen, cert, snmp_engine, ssh_key, mdns_name, " \
	"dns_name"
#define ROW_IDENT_LOAD "SELECT " ROW_IDENT_COLS " FROM asset_idents WHERE run_id = $1 ORDER BY ip"
/* a key's addresses at the site of run $2 (0: the handle's site, $3) */
#define ROW_IDENT_HISTORY                                                                       \
	"SELECT ip, min(seen), max(seen), count(*) FROM asset_idents WHERE key = $1 AND site =" \
	" COALESCE((SELECT site FROM runs WHERE id = $2), $3) AND ($2 = 0 OR run_id <= $2)"     \
	" GROUP BY ip ORDER BY max(seen), ip"
/* false when the row's address does not parse */
bool row_ident(const struct store_row *r, struct ident_obs *o);
bool row_ident_addr(const struct store_row *r, struct ident_addr *a);

/* What both backends' life_apply share around their statements. */
/* v (as stored, or empty with id 0 when new) takes the finding as seen now;
 * the identity's fields stay as first stored. The event it makes. */
enum life_event life_row_seen(struct life_view *v, const struct finding *f, const struct life_apply_in *in);
/* Whether this apply judged v (its rules, its coverage) when it went unseen. */
bool life_row_judged(const struct life_apply_in *in, const struct life_view *v);
void life_row_count(struct life_apply_out *o, enum life_event ev);
/* The outbox's idempotency key of v's current change. */
void life_row_alert_key(const struct life_view *v, char *out, size_t n);

/* Retention of runs (store_retain): the statements that delete what is
 * stored with the runs that ended before $1 (epoch seconds), children
 * first, the runs last; both backends run them as they are ($1 is a
 * parameter in SQLite's syntax too). RETAIN_RUNS_COUNT counts those runs.
 * A table with a run_id column is either here or named in
 * store_retain_keeps (the unit test store/retention holds them to it). */
#define RETAIN_OLD_RUNS "(SELECT id FROM runs WHERE status <> 'running' AND coalesce(finished, started) < $1)"
#define RETAIN_RUNS_COUNT "SELECT count(*) FROM runs WHERE id IN " RETAIN_OLD_RUNS
extern const char *const store_retain_runs_sql[];
extern const size_t store_retain_runs_n;
extern const char *const store_retain_keeps[];

/* dormant sensors: the same statements on both backends (no parameters).
 * ROW_SENSORS_SQL's rows fill a sensor_info each (row_sensor), then
 * ROW_SENSOR_KINDS_SQL's add their counts to the sensor named
 * (row_sensor_kind, over the n filled). */
#define ROW_SENSORS_SQL                                                                                 \
	"SELECT s.name, s.first_seen, s.last_seen, coalesce(r.id, 0), coalesce(r.kind, ''),"            \
	" coalesce(r.status, ''), (SELECT count(*) FROM runs x WHERE x.sensor = s.name) FROM sensors s" \
	" LEFT JOIN runs r ON r.id = s.last_run ORDER BY s.name"
#define ROW_SENSOR_KINDS_SQL                                                                               \
	"SELECT sensor, kind, count(*) FROM runs WHERE sensor IS NOT NULL GROUP BY sensor, kind ORDER BY " \
	"sensor, kind"
void row_sensor(const struct store_row *r, struct sensor_info *v);
void row_sensor_kind(const struct store_row *r, struct sensor_info *v, size_t n);
