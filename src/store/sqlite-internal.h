/* What the SQLite backend's files share: its state behind struct store's
 * be, and the error helpers. */
#pragma once
#include "base/redact.h"
#include "store/store-backend.h"
#include "store/store-row.h"
#include <sqlite3.h>

struct sq_conn {
	sqlite3 *db;
	sqlite3_stmt *vuln_stmts[24];             /* prepared once per import or match */
	sqlite3_stmt *distro_stmts[4];            /* distro_fix and distro_pkg, prepared once */
	sqlite3_stmt *flow_host_stmts[3];         /* a host's flow history, asked per host and hour */
	unsigned char redact_key[REDACT_KEY_LEN]; /* read when the store opens */
	bool match_cache;                         /* the page cache sized for matching */
};

static inline struct sq_conn *SQ(struct store *s) { return s->be; }

/* Puts "--db PATH: WHAT: SQLite's message" in e and returns DM_ESTORE. */
int sq_fail(struct store *s, struct dm_err *e, const char *what);
/* Runs sql; on failure, the same sentence as sq_fail (e may be NULL). */
int sq_exec(struct store *s, const char *sql, const char *what, struct dm_err *e);
/* Binds v, or NULL when v is NULL or empty. */
/* The statement's current row, for the shared decoders (store-row.h). */
struct store_row sq_row(sqlite3_stmt *st);
static inline void sq_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}
static inline int sq_done(struct store *s, sqlite3_stmt *st, const char *what, struct dm_err *e)
{
	return sqlite3_step(st) == SQLITE_DONE ? 0 : sq_fail(s, e, what);
}

int sq_vuln_begin(struct store *s, struct dm_err *e);
int sq_vuln_end(struct store *s, bool commit, struct dm_err *e);
int sq_vuln_put_cve(struct store *s, const struct vuln_cve *c, enum vuln_change *ret, struct dm_err *e);
int sq_vuln_put_kev(struct store *s, const struct vuln_kev *k, struct dm_err *e);
int sq_vuln_put_epss(struct store *s, const struct vuln_epss *x, struct dm_err *e);
int sq_vuln_clear_epss(struct store *s, struct dm_err *e);
int sq_vuln_meta_get(struct store *s, const char *key, char *out, size_t n, struct dm_err *e);
int sq_vuln_meta_set(struct store *s, const char *key, const char *value, struct dm_err *e);
int sq_vuln_by_product(struct store *s, const char *vendor, const char *product, vuln_known_fn known,
		       vuln_info_fn fn, void *ctx, struct dm_err *e);
int sq_vuln_get(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
int sq_vuln_get_brief(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
int sq_vuln_kev_epss(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
int sq_vuln_stats(struct store *s, struct vuln_stats *ret, struct dm_err *e);
int sq_vuln_any(struct store *s, struct dm_err *e);
int sq_vuln_add_briefs(struct store *s, vuln_brief_fn fn, void *ctx, struct dm_err *e);
/* schema 12: a service's web applications (store-sqlite-webapps.c) */
int sq_save_webapps(struct store *s, int64_t run, int64_t asset, const struct obs_service *sv,
		    struct dm_err *e);
int sq_save_results(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e);
int sq_load_results(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e);
int sq_load_webapps(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e);
/* The loaded service a row's first three columns (ip, proto, port) name, or
 * NULL when its host or service was not loaded. */
struct obs_service *sq_row_service(struct resultset *rs, sqlite3_stmt *st);
int sq_distro_put_fix(struct store *s, const struct vuln_distro_fix *f, struct dm_err *e);
int sq_distro_put_pkg(struct store *s, const struct vuln_distro_pkg *p, struct dm_err *e);
int sq_distro_fixes(struct store *s, const char *distro, const char *package, distro_fix_fn fn, void *ctx,
		    struct dm_err *e);
int sq_distro_pkgs(struct store *s, const char *distro, const char *package, distro_pkg_fn fn, void *ctx,
		   struct dm_err *e);
int sq_distro_stats(struct store *s, distro_count_fn fn, void *ctx, struct dm_err *e);
int sq_save_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
int sq_load_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
int sq_stream_hour_save(struct store *s, int64_t run, struct findings *fs, const char *source,
			const struct stream_state_row *row, double finished, struct dm_err *e);
int sq_stream_state_load(struct store *s, const char *source, struct stream_state_row *ret, struct dm_err *e);

#define STORE_SQLITE_VULN_OPS                                                                                \
	.vuln_begin = sq_vuln_begin, .vuln_end = sq_vuln_end, .vuln_put_cve = sq_vuln_put_cve,               \
	.vuln_put_kev = sq_vuln_put_kev, .vuln_put_epss = sq_vuln_put_epss,                                  \
	.vuln_clear_epss = sq_vuln_clear_epss, .vuln_meta_get = sq_vuln_meta_get,                            \
	.vuln_meta_set = sq_vuln_meta_set, .vuln_by_product = sq_vuln_by_product, .vuln_get = sq_vuln_get,   \
	.vuln_get_brief = sq_vuln_get_brief, .vuln_kev_epss = sq_vuln_kev_epss, .vuln_stats = sq_vuln_stats, \
	.vuln_any = sq_vuln_any, .vuln_add_briefs = sq_vuln_add_briefs, .save_findings = sq_save_findings,   \
	.load_findings = sq_load_findings, .distro_put_fix = sq_distro_put_fix,                              \
	.distro_put_pkg = sq_distro_put_pkg, .distro_fixes = sq_distro_fixes, .distro_pkgs = sq_distro_pkgs, \
	.distro_stats = sq_distro_stats,

int sq_flow_save_hours(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next, void *ctx,
		       bool *ret_known, struct dm_err *e);
int sq_flow_hold_begin(struct store *s, struct dm_err *e);
int sq_flow_hold_end(struct store *s, bool commit, struct dm_err *e);
int sq_flow_coverage(struct store *s, double *first, double *last, struct dm_err *e);
int sq_flow_host_last_active(struct store *s, const struct ipaddr *host, double before, double *ret,
			     struct dm_err *e);
int sq_flow_host_hourly_up(struct store *s, const struct ipaddr *host, double from, double to,
			   flow_hour_fn fn, void *ctx, struct dm_err *e);
int sq_flow_host_peer_hours(struct store *s, const struct ipaddr *host, double from, double to,
			    flow_peer_hour_fn fn, void *ctx, struct dm_err *e);
int sq_flow_host_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e);
int sq_flow_port_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e);
int sq_flow_hosts_any(struct store *s, double from, double to, struct dm_err *e);
int sq_flow_port_clients(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port,
			 double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e);

#define STORE_SQLITE_FLOW_OPS                                                                             \
	.flow_save_hours = sq_flow_save_hours, .flow_coverage = sq_flow_coverage,                         \
	.flow_host_last_active = sq_flow_host_last_active, .flow_host_hourly_up = sq_flow_host_hourly_up, \
	.flow_host_use = sq_flow_host_use, .flow_port_use = sq_flow_port_use,                             \
	.flow_hosts_any = sq_flow_hosts_any, .flow_port_clients = sq_flow_port_clients,                   \
	.flow_host_peer_hours = sq_flow_host_peer_hours, .flow_hold_begin = sq_flow_hold_begin,           \
	.flow_hold_end = sq_flow_hold_end,

int sq_inventory_replace(struct store *s, const struct inventory *inv, const char *source, double when,
			 struct dm_err *e);
int sq_inventory_load(struct store *s, struct inventory *inv, struct dm_err *e);
#define STORE_SQLITE_INVENTORY_OPS \
	.inventory_replace = sq_inventory_replace, .inventory_load = sq_inventory_load,

/* Schema 14's additions to a run's services (store-sqlite-tls.c): saved
 * after the services themselves, inside their transaction; loaded onto
 * the services already in rs. */
struct resultset;
int sq_save_service_extras(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e);
int sq_load_service_extras(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e);
int sq_exposure_save(struct store *s, const char *file, const char *platform, double when,
		     const struct ext_obs *v, size_t n, size_t *ret_added, struct dm_err *e);
int sq_exposure_load(struct store *s, struct ext_set *out, struct dm_err *e);
#define STORE_SQLITE_EXPOSURE_OPS .exposure_save = sq_exposure_save, .exposure_load = sq_exposure_load,

/* schema 16: findings with a life and the alert outbox (store-sqlite-life.c) */
int sq_life_apply(struct store *s, const struct life_apply_in *in, struct life_apply_out *ret,
		  struct dm_err *e);
int sq_life_list(struct store *s, const char *site, int state, life_view_fn fn, void *ctx, struct dm_err *e);
int sq_life_get(struct store *s, int64_t id, life_view_fn fn, void *ctx, struct dm_err *e);
int sq_life_act(struct store *s, int64_t id, enum life_action a, const char *who, const char *why,
		double until, double now, struct dm_err *e);
int sq_life_notes(struct store *s, int64_t id, life_note_fn fn, void *ctx, struct dm_err *e);
int sq_alert_pending(struct store *s, const char *channel, double now, size_t limit, life_alert_fn fn,
		     void *ctx, struct dm_err *e);
int sq_alert_list(struct store *s, bool undelivered, size_t limit, life_alert_fn fn, void *ctx,
		  struct dm_err *e);
int sq_alert_mark(struct store *s, int64_t id, enum alert_mark m, double now, double next_try,
		  const char *error, struct dm_err *e);
int sq_alert_queue(struct store *s, const struct life_alert *v, size_t n, size_t *ret_queued,
		   struct dm_err *e);
int sq_seen_span(struct store *s, const struct ipaddr *ip, int64_t run, enum proto proto, uint16_t port,
		 double *first, double *last, struct dm_err *e);
int sq_answered_before(struct store *s, const struct ipaddr *ip, int64_t run, double *ret_ts,
		       struct dm_err *e);
#define STORE_SQLITE_LIFE_OPS                                                                    \
	.life_apply = sq_life_apply, .life_list = sq_life_list, .life_get = sq_life_get,         \
	.life_act = sq_life_act, .life_notes = sq_life_notes, .alert_pending = sq_alert_pending, \
	.alert_list = sq_alert_list, .alert_mark = sq_alert_mark, .alert_queue = sq_alert_queue, \
	.seen_span = sq_seen_span, .answered_before = sq_answered_before,
int sq_edge_save(struct store *s, int64_t run, const struct edge_set *es, struct dm_err *e);
int sq_edge_load(struct store *s, int64_t run, struct edge_set *out, int64_t *ret_run, struct dm_err *e);
#define STORE_SQLITE_EDGE_OPS .edge_save = sq_edge_save, .edge_load = sq_edge_load,
int sq_netdev_save(struct store *s, int64_t run, const struct netdev_result *rs, size_t n, struct dm_err *e);
int sq_netdev_prev(struct store *s, const char *device, double before, struct netdev_if **ret, size_t *ret_n,
		   double *ret_ts, struct dm_err *e);
int sq_retain(struct store *s, double flow_before, double runs_before, struct store_retain_out *ret,
	      struct dm_err *e);
int sq_sensors_list(struct store *s, struct sensor_info **ret, size_t *ret_n, struct dm_err *e);
int sq_netdev_rows(struct store *s, int64_t run, struct netdev_rows *ret, struct dm_err *e);
int sq_netdev_prev_macs(struct store *s, const char *device, double before, struct netdev_prev_mac **ret,
			size_t *ret_n, double *ret_ts, struct dm_err *e);
#define STORE_SQLITE_NETDEV_OPS                                       \
	.netdev_save = sq_netdev_save, .netdev_prev = sq_netdev_prev, \
	.netdev_prev_macs = sq_netdev_prev_macs, .netdev_rows = sq_netdev_rows,
int sq_idents_save(struct store *s, int64_t run, const struct ident_set *is, struct dm_err *e);
int sq_idents_load(struct store *s, int64_t run, struct ident_set *out, struct dm_err *e);
int sq_ident_history(struct store *s, const char *key, int64_t through, struct ident_addr **ret,
		     size_t *ret_n, struct dm_err *e);
#define STORE_SQLITE_IDENT_OPS \
	.idents_save = sq_idents_save, .idents_load = sq_idents_load, .ident_history = sq_ident_history,
