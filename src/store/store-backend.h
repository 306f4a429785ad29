/* What a store backend implements: the one struct store every backend
 * shares, and the table of operations store.c forwards to. SQLite is the
 * backend built in by default, PostgreSQL (store-pg*.c) the central one.
 * An operation a backend leaves NULL fails with "not supported by the
 * NAME backend: OP" (store.c), never a crash. Only src/store/ includes this header; callers see struct store as
 * an opaque handle (store/store.h). */
#pragma once
#include "store/store.h"

/* The handle. store.c allocates it and fills ops and path; the backend's
 * open sets be to its own state (and its close frees that). */
struct store {
	const struct store_ops *ops;
	char *path; /* as given to store_open: every error message names it */
	enum store_mode mode;
	void *be;        /* the backend's state (struct sq_conn for SQLite) */
	char *sensor;    /* store_set_sensor: runs begun are this sensor's */
	char *site;      /* store_set_site: runs, assets and the register are this site's */
	char *run_group; /* store_set_run_group: runs begun are shard shard of shards of it */
	unsigned shard, shards;
};

/* The handle's site, "default" when none was set. */
static inline const char *store_site_name(const struct store *s) { return s->site ? s->site : "default"; }

/* Every operation reports failure as a negative code with the sentence in
 * e (e may be NULL): the store's path, what it was doing, the backend's
 * own message. Errors of a caller's callback are returned unchanged. */
struct store_ops {
	const char *name;
	int (*open)(struct store *s, struct dm_err *e);
	void (*close)(struct store *s);
	int (*run_begin)(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id,
			 struct dm_err *e);
	int (*run_get)(struct store *s, int64_t id, struct run_info *ret, struct dm_err *e);
	int (*run_finish)(struct store *s, int64_t id, const char *status, double finished, struct dm_err *e);
	/* run was begun by sensor (store_set_sensor): noted with it and in sensors */
	int (*sensor_note)(struct store *s, int64_t run, const char *sensor, double when, struct dm_err *e);
	/* run is shard `shard` of `shards` of run group `group` (store_set_run_group) */
	int (*group_note)(struct store *s, int64_t run, const char *group, unsigned shard, unsigned shards,
			  struct dm_err *e);
	int (*run_resume)(struct store *s, int64_t id, struct dm_err *e);
	int (*save_results)(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e);
	int (*load_results)(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e);
	int (*runs_list)(struct store *s, struct run_info **ret, size_t *ret_n, struct dm_err *e);
	int (*run_set_coverage)(struct store *s, int64_t run, const struct coverage *c, struct dm_err *e);
	int (*run_coverage)(struct store *s, int64_t run, struct coverage *ret, struct dm_err *e);
	/* Vulnerability data: writes happen between vuln_begin and vuln_end. */
	int (*vuln_begin)(struct store *s, struct dm_err *e);
	int (*vuln_end)(struct store *s, bool commit, struct dm_err *e);
	int (*vuln_put_cve)(struct store *s, const struct vuln_cve *c, enum vuln_change *ret,
			    struct dm_err *e);
	int (*vuln_put_kev)(struct store *s, const struct vuln_kev *k, struct dm_err *e);
	int (*vuln_put_epss)(struct store *s, const struct vuln_epss *x, struct dm_err *e);
	int (*vuln_clear_epss)(struct store *s, struct dm_err *e);
	int (*vuln_meta_get)(struct store *s, const char *key, char *out, size_t n, struct dm_err *e);
	int (*vuln_meta_set)(struct store *s, const char *key, const char *value, struct dm_err *e);
	int (*vuln_by_product)(struct store *s, const char *vendor, const char *product, vuln_known_fn known,
			       vuln_info_fn fn, void *ctx, struct dm_err *e);
	int (*vuln_get)(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
	int (*vuln_get_brief)(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
	int (*vuln_kev_epss)(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
	int (*vuln_stats)(struct store *s, struct vuln_stats *ret, struct dm_err *e);
	int (*vuln_any)(struct store *s, struct dm_err *e);
	int (*vuln_add_briefs)(struct store *s, vuln_brief_fn fn, void *ctx, struct dm_err *e);
	int (*distro_put_fix)(struct store *s, const struct vuln_distro_fix *f, struct dm_err *e);
	int (*distro_put_pkg)(struct store *s, const struct vuln_distro_pkg *p, struct dm_err *e);
	int (*distro_fixes)(struct store *s, const char *distro, const char *package, distro_fix_fn fn,
			    void *ctx, struct dm_err *e);
	int (*distro_pkgs)(struct store *s, const char *distro, const char *package, distro_pkg_fn fn,
			   void *ctx, struct dm_err *e);
	int (*distro_stats)(struct store *s, distro_count_fn fn, void *ctx, struct dm_err *e);
	int (*save_findings)(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
	int (*load_findings)(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
	int (*inventory_replace)(struct store *s, const struct inventory *inv, const char *source,
				 double when, struct dm_err *e);
	int (*inventory_load)(struct store *s, struct inventory *inv, struct dm_err *e);
	int (*read_begin)(struct store *s, struct dm_err *e);
	int (*read_end)(struct store *s, struct dm_err *e);
	int (*flow_save_hours)(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next,
			       void *ctx, bool *ret_known, struct dm_err *e);
	int (*flow_coverage)(struct store *s, double *first, double *last, struct dm_err *e);
	int (*flow_host_last_active)(struct store *s, const struct ipaddr *host, double before, double *ret,
				     struct dm_err *e);
	int (*flow_host_hourly_up)(struct store *s, const struct ipaddr *host, double from, double to,
				   flow_hour_fn fn, void *ctx, struct dm_err *e);
	int (*flow_host_peer_hours)(struct store *s, const struct ipaddr *host, double from, double to,
				    flow_peer_hour_fn fn, void *ctx, struct dm_err *e);
	/* only, n_only: those hosts' use; only NULL: every host's */
	int (*flow_host_use)(struct store *s, double from, double to, const struct ipaddr *only,
			     size_t n_only, flow_use_fn fn, void *ctx, struct dm_err *e);
	int (*flow_port_use)(struct store *s, double from, double to, const struct ipaddr *only,
			     size_t n_only, flow_use_fn fn, void *ctx, struct dm_err *e);
	int (*flow_hosts_any)(struct store *s, double from, double to, struct dm_err *e);
	int (*flow_port_clients)(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port,
				 double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e);
	int (*save_caveats)(struct store *s, int64_t run, const struct caveats *cs, struct dm_err *e);
	int (*load_caveats)(struct store *s, int64_t run, struct caveats *ret, struct dm_err *e);
	int (*exposure_save)(struct store *s, const char *file, const char *platform, double when,
			     const struct ext_obs *v, size_t n, size_t *ret_added, struct dm_err *e);
	int (*exposure_load)(struct store *s, struct ext_set *out, struct dm_err *e);
	int (*life_apply)(struct store *s, const struct life_apply_in *in, struct life_apply_out *ret,
			  struct dm_err *e);
	int (*life_list)(struct store *s, const char *site, int state, life_view_fn fn, void *ctx,
			 struct dm_err *e);
	int (*life_get)(struct store *s, int64_t id, life_view_fn fn, void *ctx, struct dm_err *e);
	int (*life_act)(struct store *s, int64_t id, enum life_action a, const char *who, const char *why,
			double until, double now, struct dm_err *e);
	int (*life_notes)(struct store *s, int64_t id, life_note_fn fn, void *ctx, struct dm_err *e);
	int (*alert_pending)(struct store *s, const char *channel, double now, size_t limit, life_alert_fn fn,
			     void *ctx, struct dm_err *e);
	int (*alert_list)(struct store *s, bool undelivered, size_t limit, life_alert_fn fn, void *ctx,
			  struct dm_err *e);
	int (*alert_mark)(struct store *s, int64_t id, enum alert_mark m, double now, double next_try,
			  const char *error, struct dm_err *e);
	int (*alert_queue)(struct store *s, const struct life_alert *v, size_t n, size_t *ret_queued,
			   struct dm_err *e);
	int (*seen_span)(struct store *s, const struct ipaddr *ip, int64_t run, enum proto proto,
			 uint16_t port, double *first, double *last, struct dm_err *e);
	int (*answered_before)(struct store *s, const struct ipaddr *ip, int64_t run, double *ret_ts,
			       struct dm_err *e);
	/* optional: flow saves held in one transaction (store_flow_hold_begin) */
	int (*flow_hold_begin)(struct store *s, struct dm_err *e);
	int (*flow_hold_end)(struct store *s, bool commit, struct dm_err *e);
	/* optional: what is saved between them lands at once (store_save_begin) */
	int (*save_begin)(struct store *s, struct dm_err *e);
	int (*save_end)(struct store *s, bool commit, struct dm_err *e);
	int (*edge_save)(struct store *s, int64_t run, const struct edge_set *es, struct dm_err *e);
	int (*edge_load)(struct store *s, int64_t run, struct edge_set *out, int64_t *ret_run,
			 struct dm_err *e);
	int (*netdev_save)(struct store *s, int64_t run, const struct netdev_result *rs, size_t n,
			   struct dm_err *e);
	int (*netdev_prev)(struct store *s, const char *device, double before, struct netdev_if **ret,
			   size_t *ret_n, double *ret_ts, struct dm_err *e);
	int (*retain)(struct store *s, double flow_before, double runs_before, struct store_retain_out *ret,
		      struct dm_err *e);
	int (*sensors_list)(struct store *s, struct sensor_info **ret, size_t *ret_n, struct dm_err *e);
	int (*netdev_prev_macs)(struct store *s, const char *device, double before,
				struct netdev_prev_mac **ret, size_t *ret_n, double *ret_ts,
				struct dm_err *e);
	int (*idents_save)(struct store *s, int64_t run, const struct ident_set *is, struct dm_err *e);
	int (*idents_load)(struct store *s, int64_t run, struct ident_set *out, struct dm_err *e);
	int (*ident_history)(struct store *s, const char *key, int64_t through, struct ident_addr **ret,
			     size_t *ret_n, struct dm_err *e);
	int (*netdev_rows)(struct store *s, int64_t run, struct netdev_rows *ret, struct dm_err *e);
	/* store_stream_hour_save (its findings through save_findings, which
	 * joins the transaction) and store_stream_state_load */
	int (*stream_hour_save)(struct store *s, int64_t run, struct findings *fs, const char *source,
				const struct stream_state_row *row, double finished, struct dm_err *e);
	int (*stream_state_load)(struct store *s, const char *source, struct stream_state_row *ret,
				 struct dm_err *e);
	/* the key of the redaction tags, read when the store opened */
	const unsigned char *(*redact_key)(struct store *s);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;
/* The schema's migrations in SQLite's dialect (store-sqlite-schema.c); the
 * PostgreSQL backend applies the same list, translated (store-pg-schema.c). */
const char *const *store_sqlite_migrations(size_t *n);
