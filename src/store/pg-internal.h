/* What the PostgreSQL backend's files share: its state behind struct
 * store's be, text parameters for libpq, and the error helpers. Every
 * value goes to the server as a text parameter (never spliced into SQL). */
#pragma once
#include "base/buf.h"
#include "base/redact.h"
#include "store/store-backend.h"
#include "store/store-row.h"
#include <libpq-fe.h>

struct pg_conn {
	PGconn *c;
	int depth;          /* open transactions: 0 none, more are savepoints */
	bool flow_parted;   /* flow_hour is partitioned by day (a store made before it is not) */
	int64_t fold_below; /* this handle looked for days to fold before this day (store-pg-flow-fold.c) */
	unsigned char redact_key[REDACT_KEY_LEN]; /* read when the store opens */
};

static inline struct pg_conn *PG(struct store *s) { return s->be; }

/* Up to PG_MAX_PARAMS parameters of one statement, as text. */
#define PG_MAX_PARAMS 32
struct pg_params {
	int n;
	const char *v[PG_MAX_PARAMS];
	char num[PG_MAX_PARAMS][32]; /* room for the numbers' text */
};
/* v as given; NULL stays NULL */
void pp_str(struct pg_params *p, const char *v);
/* v, or NULL when v is NULL or empty (the SQLite backend's sq_text) */
void pp_text(struct pg_params *p, const char *v);
void pp_int(struct pg_params *p, int64_t v);
void pp_dbl(struct pg_params *p, double v);
void pp_null(struct pg_params *p);
/* a LIMIT's value: NULL (no limit) when limit is 0 */
void pp_limit(struct pg_params *p, size_t limit);

/* libpq's message (newlines, tabs) on one line, in place. */
void pg_oneline(char *m);
/* Runs one statement; NULL on failure with "--db URL: WHAT: the server's
 * message" in e. The caller PQclear()s the result. */
PGresult *pg_q(struct store *s, const char *sql, const struct pg_params *p, const char *what,
	       struct dm_err *e);
/* The same for a statement whose rows do not matter: 0 or DM_ESTORE. */
int pg_cmd(struct store *s, const char *sql, const struct pg_params *p, const char *what, struct dm_err *e);
/* Statements separated by ';', no parameters (a migration). */
int pg_script(struct store *s, const char *sql, const char *what, struct dm_err *e);
/* Transactions nest: the outermost is BEGIN/COMMIT, inner ones savepoints,
 * so that one store call can run inside a caller's transaction. */
int pg_begin(struct store *s, const char *what, struct dm_err *e);
int pg_commit(struct store *s, const char *what, struct dm_err *e);
void pg_rollback(struct store *s);

/* A column: NULL when SQL NULL. */
static inline const char *pg_col(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}
int64_t pg_i64(const PGresult *r, int row, int col);
/* Row i of r, for the shared decoders (store-row.h). */
struct store_row pg_row(const PGresult *r, int i);
double pg_dbl(const PGresult *r, int row, int col);
/* bool columns read as 't'/'f' */
static inline bool pg_bool(const PGresult *r, int row, int col)
{
	const char *v = pg_col(r, row, col);
	return v && *v == 't';
}

/* The SQLite migrations turned into PostgreSQL (store-pg-schema.c). */
int pg_translate(const char *sqlite_sql, struct buf *out);
int pg_migrate(struct store *s, bool create, struct dm_err *e);

/* A run's results (store-pg-results.c): one transaction, or part of the caller's. */
int pg_save_results(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e);
int pg_load_results(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e);
int pg_save_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
int pg_load_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
int pg_stream_hour_save(struct store *s, int64_t run, struct findings *fs, const char *source,
			const struct stream_state_row *row, double finished, struct dm_err *e);
int pg_stream_state_load(struct store *s, const char *source, struct stream_state_row *ret, struct dm_err *e);
int pg_inventory_replace(struct store *s, const struct inventory *inv, const char *source, double when,
			 struct dm_err *e);
int pg_inventory_load(struct store *s, struct inventory *inv, struct dm_err *e);
int pg_flow_save_hours(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next, void *ctx,
		       bool *ret_known, struct dm_err *e);
int pg_flow_coverage(struct store *s, double *first, double *last, struct dm_err *e);
int pg_flow_host_last_active(struct store *s, const struct ipaddr *host, double before, double *ret,
			     struct dm_err *e);
int pg_flow_host_hourly_up(struct store *s, const struct ipaddr *host, double from, double to,
			   flow_hour_fn fn, void *ctx, struct dm_err *e);
int pg_flow_host_peer_hours(struct store *s, const struct ipaddr *host, double from, double to,
			    flow_peer_hour_fn fn, void *ctx, struct dm_err *e);
int pg_flow_host_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e);
int pg_flow_port_use(struct store *s, double from, double to, const struct ipaddr *only, size_t n_only,
		     flow_use_fn fn, void *ctx, struct dm_err *e);
int pg_flow_hosts_any(struct store *s, double from, double to, struct dm_err *e);
int pg_flow_port_clients(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port,
			 double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e);

int pg_vuln_begin(struct store *s, struct dm_err *e);
int pg_vuln_end(struct store *s, bool commit, struct dm_err *e);
int pg_vuln_put_cve(struct store *s, const struct vuln_cve *c, enum vuln_change *ret, struct dm_err *e);
int pg_vuln_put_kev(struct store *s, const struct vuln_kev *k, struct dm_err *e);
int pg_vuln_put_epss(struct store *s, const struct vuln_epss *x, struct dm_err *e);
int pg_vuln_clear_epss(struct store *s, struct dm_err *e);
int pg_vuln_meta_get(struct store *s, const char *key, char *out, size_t n, struct dm_err *e);
int pg_vuln_meta_set(struct store *s, const char *key, const char *value, struct dm_err *e);
int pg_vuln_by_product(struct store *s, const char *vendor, const char *product, vuln_known_fn known,
		       vuln_info_fn fn, void *ctx, struct dm_err *e);
int pg_vuln_get(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
int pg_vuln_get_brief(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
int pg_vuln_kev_epss(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
int pg_vuln_stats(struct store *s, struct vuln_stats *ret, struct dm_err *e);
int pg_vuln_any(struct store *s, struct dm_err *e);
int pg_vuln_add_briefs(struct store *s, vuln_brief_fn fn, void *ctx, struct dm_err *e);
int pg_distro_put_fix(struct store *s, const struct vuln_distro_fix *f, struct dm_err *e);
int pg_distro_put_pkg(struct store *s, const struct vuln_distro_pkg *p, struct dm_err *e);
int pg_distro_fixes(struct store *s, const char *distro, const char *package, distro_fix_fn fn, void *ctx,
		    struct dm_err *e);
int pg_distro_pkgs(struct store *s, const char *distro, const char *package, distro_pkg_fn fn, void *ctx,
		   struct dm_err *e);
int pg_distro_stats(struct store *s, distro_count_fn fn, void *ctx, struct dm_err *e);
int pg_exposure_save(struct store *s, const char *file, const char *platform, double when,
		     const struct ext_obs *v, size_t n, size_t *ret_added, struct dm_err *e);
int pg_exposure_load(struct store *s, struct ext_set *out, struct dm_err *e);

/* schema 16: findings with a life and the alert outbox (store-pg-life.c) */
int pg_life_apply(struct store *s, const struct life_apply_in *in, struct life_apply_out *ret,
		  struct dm_err *e);
int pg_life_list(struct store *s, const char *site, int state, life_view_fn fn, void *ctx, struct dm_err *e);
int pg_life_get(struct store *s, int64_t id, life_view_fn fn, void *ctx, struct dm_err *e);
int pg_life_act(struct store *s, int64_t id, enum life_action a, const char *who, const char *why,
		double until, double now, struct dm_err *e);
int pg_life_notes(struct store *s, int64_t id, life_note_fn fn, void *ctx, struct dm_err *e);
int pg_alert_pending(struct store *s, const char *channel, double now, size_t limit, life_alert_fn fn,
		     void *ctx, struct dm_err *e);
int pg_alert_list(struct store *s, bool undelivered, size_t limit, life_alert_fn fn, void *ctx,
		  struct dm_err *e);
int pg_alert_mark(struct store *s, int64_t id, enum alert_mark m, double now, double next_try,
		  const char *error, struct dm_err *e);
/* asset_idents (issue 22): the hosts' identities per run (store-pg-idents.c) */
int pg_idents_save(struct store *s, int64_t run, const struct ident_set *is, struct dm_err *e);
int pg_idents_load(struct store *s, int64_t run, struct ident_set *out, struct dm_err *e);
int pg_ident_history(struct store *s, const char *key, int64_t through, struct ident_addr **ret,
		     size_t *ret_n, struct dm_err *e);
int pg_alert_queue(struct store *s, const struct life_alert *v, size_t n, size_t *ret_queued,
		   struct dm_err *e);
int pg_seen_span(struct store *s, const struct ipaddr *ip, int64_t run, enum proto proto, uint16_t port,
		 double *first, double *last, struct dm_err *e);
int pg_answered_before(struct store *s, const struct ipaddr *ip, int64_t run, double *ret_ts,
		       struct dm_err *e);
/* schema 17 and 18: edge mappings and network device walks (store-pg-devices.c) */
int pg_edge_save(struct store *s, int64_t run, const struct edge_set *es, struct dm_err *e);
int pg_edge_load(struct store *s, int64_t run, struct edge_set *out, int64_t *ret_run, struct dm_err *e);
int pg_netdev_save(struct store *s, int64_t run, const struct netdev_result *rs, size_t n, struct dm_err *e);
int pg_netdev_prev(struct store *s, const char *device, double before, struct netdev_if **ret, size_t *ret_n,
		   double *ret_ts, struct dm_err *e);
int pg_netdev_rows(struct store *s, int64_t run, struct netdev_rows *ret, struct dm_err *e);
int pg_netdev_prev_macs(struct store *s, const char *device, double before, struct netdev_prev_mac **ret,
			size_t *ret_n, double *ret_ts, struct dm_err *e);
/* Retention, and flow_hour's partitions by day (store-pg-retain.c). */
int pg_flow_partitioned(struct store *s, struct dm_err *e);
/* The day partitions of days (hour / 24; any order, repeats allowed). */
int pg_flow_partitions(struct store *s, const int64_t *days, size_t n, struct dm_err *e);
/* After a save whose newest hour is max_hour (no transaction open): the
 * closed days of flow_day not folded yet folded to a row a key; looked for
 * once a handle's saves cross a day, or again when the save unmarked days. */
int pg_flow_fold_closed(struct store *s, int64_t max_hour, bool again, struct dm_err *e);
/* In a save's transaction, after its day rows: of days (an array's text,
 * "{d,...}", each once) those marked folded are unmarked (*ret_n of them),
 * so the rows it appended to them are folded when the day is next seen
 * closed. */
int pg_flow_day_unfold(struct store *s, const char *days, size_t *ret_n, struct dm_err *e);
int pg_retain(struct store *s, double flow_before, double runs_before, struct store_retain_out *ret,
	      struct dm_err *e);
int pg_sensors_list(struct store *s, struct sensor_info **ret, size_t *ret_n, struct dm_err *e);
