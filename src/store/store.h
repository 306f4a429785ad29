/* The store: dormant's model on disk, with history. Runs (one per command
 * that observes), assets (ip, mac, first/last seen), ports (state,
 * first/last seen and run), and what each run observed, so that a later
 * run can say what changed. struct store is an opaque handle; backends
 * implement struct store_ops (store-backend.h), SQLite (WAL, file mode
 * 0600) is the one built in. Errors: every call returns a negative code
 * and puts the sentence in e (may be NULL): the store's path, what it was
 * doing, the backend's message ("--db PATH: saving findings: disk full").
 * Not thread-safe: one thread per handle. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"
#include "model/coverage.h"
#include "model/edge.h"
#include "model/external.h"
#include "model/caveat.h"
#include "model/finding.h"
#include "model/finding-life.h"
#include "model/alert-config.h"
#include "model/flowset.h"
#include "model/inventory.h"
#include "model/identity.h"
#include "model/netdev.h"
#include "model/resultset.h"
#include "model/vuln.h"

struct store;

enum vuln_change { VULN_UNCHANGED = 0, VULN_ADDED, VULN_UPDATED };
/* Called per CVE found; return <0 to stop. */
typedef int (*vuln_info_fn)(void *ctx, const struct vuln_info *v);
/* Whether the caller holds a CVE already (its configurations need no reading). */
typedef bool (*vuln_known_fn)(void *ctx, int64_t num);

struct vuln_stats {
	uint64_t cves, with_configs, products, kev, kev_with_cve, epss;
	char newest[32]; /* latest lastModified */
	char nvd_timestamp[40], kev_catalog[32], epss_model[48], epss_date[40];
};

/* Called per hour with an internal host's upload to external peers. */
typedef int (*flow_hour_fn)(void *ctx, int64_t hour, uint64_t bytes_up);
/* One hour of uploads to one peer; names: its TLS/DNS names, comma-separated, or NULL. */
typedef int (*flow_peer_hour_fn)(void *ctx, int64_t hour, const struct ipaddr *peer, const char *names,
				 uint64_t bytes_up);

/* How much a host, or one of its service ports, was used: flows before
 * `to`, and those of the window [from, to). port 0: the host as a whole. */
struct flow_use {
	struct ipaddr host;
	uint16_t port;
	uint8_t proto;
	double last;                  /* end of the last hour with flows; 0: none before `to` */
	uint64_t flows, peers, bytes; /* in the window */
};
typedef int (*flow_use_fn)(void *ctx, const struct flow_use *u);

struct run_info {
	int64_t id;
	double started, finished; /* seconds since the epoch; finished 0 while running */
	char kind[16];            /* scan, audit */
	char status[16];          /* running, done, failed, interrupted */
	char args[512];
	uint64_t hosts_up, open_ports;
	char site[72];          /* the site it observed (--site; "default") */
	char run_group[72];     /* --run-group: "" when none */
	uint32_t shard, shards; /* its shard I of N (1-based) in the group; 0 when none */
};

/* The asset register: an import replaces it whole, in one transaction. */
int store_inventory_replace(struct store *s, const struct inventory *inv, const char *source, double when,
			    struct dm_err *e);
int store_inventory_load(struct store *s, struct inventory *inv, struct dm_err *e);
/* What mapping platforms indexed (model/external.h): one import of a file,
 * in one transaction; an observation already stored (same platform,
 * address, port, transport and time indexed) is not added again, and
 * *ret_added counts those that were. */
int store_exposure_save(struct store *s, const char *file, const char *platform, double when,
			const struct ext_obs *v, size_t n, size_t *ret_added, struct dm_err *e);
/* Every stored external observation, oldest indexed first. */
int store_exposure_load(struct store *s, struct ext_set *out, struct dm_err *e);
/* The gateways a run read and their port mappings (model/edge.h), in one
 * transaction. */
int store_edge_save(struct store *s, int64_t run, const struct edge_set *es, struct dm_err *e);
/* Those of run, or with run 0 of the latest run that read a gateway
 * (*ret_run: which; 0 and an empty set when none did). Each mapping's
 * first_seen is the earliest run holding the same mapping on the same
 * gateway address. */
int store_edge_load(struct store *s, int64_t run, struct edge_set *out, int64_t *ret_run, struct dm_err *e);
/* What network devices said (model/netdev.h), kept with the run, in one
 * transaction: each walk (complete or not) and its tables. */
int store_netdev_save(struct store *s, int64_t run, const struct netdev_result *rs, size_t n,
		      struct dm_err *e);
/* The ports (with counters) of the newest complete walk of the device
 * named so that began before `before`: *ret (the caller frees it), *ret_ts
 * its time; *ret_n 0 when there is none. */
int store_netdev_prev(struct store *s, const char *device, double before, struct netdev_if **ret,
		      size_t *ret_n, double *ret_ts, struct dm_err *e);
/* The learned MACs on access ports (Ethernet, at most four MACs, no LLDP or
 * CDP neighbour) of that same walk: *ret (the caller frees it), *ret_ts
 * its time; *ret_n 0 when there is none. */
int store_netdev_prev_macs(struct store *s, const char *device, double before, struct netdev_prev_mac **ret,
			   size_t *ret_n, double *ret_ts, struct dm_err *e);
/* What a run saw of its live hosts' identities (model/identity.h), one
 * row per address, in one transaction; saving again replaces the run's.
 * The rows are the run's site's (runs.site). */
int store_idents_save(struct store *s, int64_t run, const struct ident_set *is, struct dm_err *e);
/* The run's identity rows added to out. */
int store_idents_load(struct store *s, int64_t run, struct ident_set *out, struct dm_err *e);
/* Where an identity key was seen, by address: first and last time and how
 * many runs, oldest last sighting first, runs up to `through` (0: all), at
 * through's site (0: the handle's site, else "default"); never another's. */
int store_ident_history(struct store *s, const char *key, int64_t through, struct ident_addr **ret,
			size_t *ret_n, struct dm_err *e);
/* The rows of run's complete device walks that `dormant diff` compares
 * (ROW_NETDEV_ROWS_SQL); empty when the run walked none. */
int store_netdev_rows(struct store *s, int64_t run, struct netdev_rows *ret, struct dm_err *e);
/* A consistent view for a series of reads: what other connections commit
 * meanwhile is not seen until read_end. No writes in between. */
int store_read_begin(struct store *s, struct dm_err *e);
int store_read_end(struct store *s, struct dm_err *e);
/* Flow summaries. An input is told by its digest (what was read, not its
 * file name): saving one already saved changes nothing and sets *ret_known. */
int store_flow_save_hours(struct store *s, int64_t run, const char *digest, const struct flow_hour *v,
			  size_t n, bool *ret_known, struct dm_err *e);
/* The same, the rows asked of next(ctx) a chunk at a time until it gives
 * none (flowset_hours_next): one chunk of rows in memory, one transaction. */
int store_flow_save_hours_from(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next,
			       void *ctx, bool *ret_known, struct dm_err *e);
/* Flow summaries saved on this handle from here on are held in one open
 * transaction until flow_hold_end (the hours of a file judged on the
 * stream: a transaction per hour rewrote every page of the hour table
 * that its hosts touch, each hour again); reads on this handle meanwhile
 * see them, other handles do not. Returns 1 when held, 0 where each save
 * stays its own transaction (PostgreSQL: a save appends, nothing is
 * rewritten). A save that fails while held may leave part of itself:
 * end(commit=false) undoes what was held. */
int store_flow_hold_begin(struct store *s, struct dm_err *e);
int store_flow_hold_end(struct store *s, bool commit, struct dm_err *e);
/* The hours the summaries cover: 1 and [first, last) when any, else 0. */
int store_flow_coverage(struct store *s, double *first, double *last, struct dm_err *e);
/* 1 and the end of the host's last hour of own (not background) traffic
 * that began before `before`; 0 when none. */
int store_flow_host_last_active(struct store *s, const struct ipaddr *host, double before, double *ret,
				struct dm_err *e);
/* The host's hourly upload to external peers in [from, to), hours with any. */
int store_flow_host_hourly_up(struct store *s, const struct ipaddr *host, double from, double to,
			      flow_hour_fn fn, void *ctx, struct dm_err *e);

/* The host's hourly upload to each external peer in [from, to), in hour
 * order: a destination's own history (background chatter left out). */
int store_flow_host_peer_hours(struct store *s, const struct ipaddr *host, double from, double to,
			       flow_peer_hour_fn fn, void *ctx, struct dm_err *e);

/* Per internal host: its own traffic (not background chatter) and any
 * conversation others opened to it. */
int store_flow_host_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e);
/* Per (host, service port, protocol): conversations others opened to it. */
int store_flow_port_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e);
/* The same two for the hosts hosts[0..n) only (each once), what they would
 * give of those: their own rows are read, not every stored host's days
 * (a report's live hosts among 10 M stored hours). */
int store_flow_host_use_of(struct store *s, double from, double to, const struct ipaddr *hosts, size_t n,
			   flow_use_fn fn, void *ctx, struct dm_err *e);
int store_flow_port_use_of(struct store *s, double from, double to, const struct ipaddr *hosts, size_t n,
			   flow_use_fn fn, void *ctx, struct dm_err *e);
/* 1 when store_flow_host_use would call fn at all (a host has rows before
 * `to`), else 0: a row found, not every host's counted. */
int store_flow_hosts_any(struct store *s, double from, double to, struct dm_err *e);
/* Who opened conversations to one (host, port, protocol) in [from, to):
 * one call per client, its address in u->host, with flows and last. */
int store_flow_port_clients(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port,
			    double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e);

/* Opens the store at path (created with its folders if missing). */
int store_open(const char *path, struct store **ret, struct dm_err *e);
/* How a store is opened. STORE_EXISTING, for the commands that only read
 * (report, diff, inventory list): no folder or file is created, a path that
 * does not exist is an error (-ENOENT) and so is a database that is not a
 * dormant store (schema 0). The store is still opened for writing, so that
 * an older schema is brought up to date and a run whose process is gone is
 * marked interrupted: a read shows the store as it is. */
enum store_mode { STORE_CREATE = 0, STORE_EXISTING };
int store_open_mode(const char *path, enum store_mode mode, struct store **ret, struct dm_err *e);
void store_close(struct store *s);
/* A --db of postgresql:// or postgres:// names a PostgreSQL database (libpq's
 * URI; PG* environment variables and the service file fill in the rest). */
bool store_is_postgres(const char *path);
/* The runs this handle begins are sensor NAME's (--sensor): kept with each
 * run, and NAME registered in the store's sensors with its last contact.
 * NAME: 1 to 64 of [A-Za-z0-9._-]. */
int store_set_sensor(struct store *s, const char *name, struct dm_err *e);
/* The runs this handle begins, the assets they save and the register it
 * replaces or loads are site NAME's (--site, else the config's [site] name):
 * the same address at two sites is two assets. Unset: "default".
 * NAME: 1-63 characters, no spaces or '|' (as [site] name). */
int store_set_site(struct store *s, const char *name, struct dm_err *e);
/* The runs this handle begins are shard I of N (1-based) of run group ID
 * (--run-group): n sensors scanning one seeded order into one logical run,
 * complete when each shard has a finished run. ID: as a sensor's name. */
int store_set_run_group(struct store *s, const char *id, unsigned shard, unsigned shards, struct dm_err *e);
/* The site set on the handle; NULL when none was. */
const char *store_site(const struct store *s);
/* 0 when NAME is a site name, else DM_EINPUT and why (naming opt). */
int store_site_check(const char *opt, const char *name, struct dm_err *e);
/* A sensor as the store knows it (dormant sensors): first and last
 * contact, its last run, and how many runs of each kind it made. */
struct sensor_info {
	char name[72];
	double first_seen, last_seen;
	int64_t last_run; /* 0: none kept (retention may have deleted it) */
	char last_kind[16], last_status[16];
	uint64_t runs;
	char kinds[256]; /* "audit 2, scan 1", by kind */
};
/* Every sensor, by name; the caller frees *ret. */
int store_sensors_list(struct store *s, struct sensor_info **ret, size_t *ret_n, struct dm_err *e);
/* 0 when NAME is a sensor name, else DM_EINPUT and why. */
int store_sensor_check(const char *name, struct dm_err *e);
/* "sqlite" or "postgresql" */
const char *store_backend(const struct store *s);
/* What is saved between these (a run's results, findings, caveats and its
 * end) lands at once or not at all, on a backend that can (PostgreSQL);
 * elsewhere each call stays its own transaction. end(commit=false) undoes. */
int store_save_begin(struct store *s, struct dm_err *e);
int store_save_end(struct store *s, bool commit, struct dm_err *e);
int store_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id,
		    struct dm_err *e);
int store_run_get(struct store *s, int64_t id, struct run_info *ret, struct dm_err *e);
int store_run_finish(struct store *s, int64_t id, const char *status, double finished, struct dm_err *e);
/* A run continued (from a --resume log) belongs to this process again. */
int store_run_resume(struct store *s, int64_t id, struct dm_err *e);
/* Records what the run saw, updates assets and ports; one transaction. */
int store_save_results(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e);
int store_load_results(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e);
/* What a run covered (targets, ports, checks): stored with it so that
 * changes are stated only where two runs both looked. run_coverage returns
 * 1 with *ret filled (release it), or 0 with *ret unknown for a run stored
 * without one (before schema 9) or whose row is damaged. */
int store_run_set_coverage(struct store *s, int64_t run, const struct coverage *c, struct dm_err *e);
int store_run_coverage(struct store *s, int64_t run, struct coverage *ret, struct dm_err *e);
/* All runs, oldest first; the caller frees *ret. */
int store_runs_list(struct store *s, struct run_info **ret, size_t *ret_n, struct dm_err *e);
int store_vuln_begin(struct store *s, struct dm_err *e);
int store_vuln_end(struct store *s, bool commit, struct dm_err *e);
/* Adds or updates a CVE: a record changes when its lastModified does; NVD's
 * configurations win over a CVE 5 record's, which fill in where NVD has none. */
int store_vuln_put_cve(struct store *s, const struct vuln_cve *c, enum vuln_change *ret, struct dm_err *e);
int store_vuln_put_kev(struct store *s, const struct vuln_kev *k, struct dm_err *e);
int store_vuln_put_epss(struct store *s, const struct vuln_epss *x, struct dm_err *e);
int store_vuln_clear_epss(struct store *s, struct dm_err *e);
/* 1 and the value when set, 0 when not. */
int store_vuln_meta_get(struct store *s, const char *key, char *out, size_t n, struct dm_err *e);
int store_vuln_meta_set(struct store *s, const char *key, const char *value, struct dm_err *e);
/* Every CVE whose configurations name vendor:product (CPE-quoted): fn gets
 * the number and the configurations only (the rest NULL, scores -1), which
 * is all matching evaluates; store_vuln_get reads a whole record. A CVE
 * known (may be NULL) says the caller holds comes with its number alone
 * (configs "", packed NULL) when the backend can skip reading it. */
int store_vuln_by_product(struct store *s, const char *vendor, const char *product, vuln_known_fn known,
			  vuln_info_fn fn, void *ctx, struct dm_err *e);
/* 1 when found (fn called), 0 when not. */
int store_vuln_get(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
/* store_vuln_get of what a matched CVE shows: scores, exploit, KEV and
 * EPSS; the description, dates, status, source, vector and configurations
 * are NULL (matching reads this for every CVE that applies). */
int store_vuln_get_brief(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
/* What CISA's catalogue and EPSS say of a CVE (kev, ransomware, kev_added
 * from the catalogue or NULL, kev_due, kev_action, epss, percentile), the
 * rest unset: the brief of a CVE whose scores came with its configurations. */
int store_vuln_kev_epss(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e);
int store_vuln_stats(struct store *s, struct vuln_stats *ret, struct dm_err *e);
/* The product index rows of an import before schema 30 given their briefs
 * (model/vuln.h; within vuln_begin/vuln_end, written at vuln_end): each
 * CVE with packed configurations goes to fn with its number, packed and
 * products set, and fn sets briefs, brief_at and brief_len. The vuln meta
 * "index.briefs" is then "done". The number of CVEs, or < 0. */
typedef int (*vuln_brief_fn)(void *ctx, struct vuln_cve *c, struct dm_err *e);
int store_vuln_add_briefs(struct store *s, vuln_brief_fn fn, void *ctx, struct dm_err *e);
/* 1 when any CVE is stored (cheap, unlike the counts of store_vuln_stats), 0 when none. */
int store_vuln_any(struct store *s, struct dm_err *e);
/* The distributions' data (within vuln_begin/vuln_end when written). */
typedef int (*distro_fix_fn)(void *ctx, const struct vuln_distro_fix *f);
typedef int (*distro_pkg_fn)(void *ctx, const struct vuln_distro_pkg *p);
typedef int (*distro_count_fn)(void *ctx, const char *distro, uint64_t releases, uint64_t packages,
			       uint64_t rows);
int store_distro_put_fix(struct store *s, const struct vuln_distro_fix *f, struct dm_err *e);
int store_distro_put_pkg(struct store *s, const struct vuln_distro_pkg *p, struct dm_err *e);
/* Every verdict (every release's version) of distro's source package; returns how many. */
int store_distro_fixes(struct store *s, const char *distro, const char *package, distro_fix_fn fn, void *ctx,
		       struct dm_err *e);
int store_distro_pkgs(struct store *s, const char *distro, const char *package, distro_pkg_fn fn, void *ctx,
		      struct dm_err *e);
/* Per distribution: releases, packages and verdicts held. */
int store_distro_stats(struct store *s, distro_count_fn fn, void *ctx, struct dm_err *e);
/* A run's findings; first_seen carries over from earlier runs with the same rule, address and port. */
int store_save_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
int store_load_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e);
/* The traffic stream's state between judged hours (analyze/traffic-state-save.h),
 * one row per source and site (the handle's), schema 37. */
struct stream_state_row {
	int format;   /* of the bytes (TRAFFIC_STATE_FORMAT when saved) */
	double clock; /* the latest flow end judged into it */
	int64_t run;  /* the hour's run that saved it */
	void *data;   /* the state's bytes; loaded: the caller frees them */
	size_t n;
};
/* An hour of a stream at once: its findings, the source's state and the
 * run's end ("done" at finished) in one transaction, so that a kill at any
 * moment leaves both or neither. */
int store_stream_hour_save(struct store *s, int64_t run, struct findings *fs, const char *source,
			   const struct stream_state_row *row, double finished, struct dm_err *e);
/* 1 with *ret (ret->data the caller's), 0 when the source saved none. */
int store_stream_state_load(struct store *s, const char *source, struct stream_state_row *ret,
			    struct dm_err *e);
/* What a run could not judge (model/caveat.h), replacing what was saved for it; a
 * run saved before schema 9 has none. */
int store_save_caveats(struct store *s, int64_t run, const struct caveats *cs, struct dm_err *e);
int store_load_caveats(struct store *s, int64_t run, struct caveats *ret, struct dm_err *e);

/* Findings with a life (model/finding-life.h, schema 16). One run's
 * findings applied to the records of its site, in one transaction with the
 * outbox rows of the alerts the changes make (a channel of `alerts` gets a
 * row when it wants the event and the finding is not suppressed). A record
 * not seen is resolved only when the run judged it: its rule is in `rules`
 * (or all_rules) and its address is in cov (NULL: every address; a finding
 * without an address only when cov is NULL). */
struct life_apply_in {
	int64_t run;
	const char *site;
	const struct findings *fs;
	bool all_rules;
	const char *rules; /* comma-separated rule ids judged, with all_rules false */
	const struct coverage *cov;
	/* n_paths > 0: the files and directories the run read (a secrets
	 * run): only a record about a path at or below one of them, and at or
	 * below none of unread (what the run could not read whole), is judged */
	const char *const *paths;
	size_t n_paths;
	const char *const *unread;
	size_t n_unread;
	const struct alert_configs *alerts; /* may be NULL: no alerts */
	/* the config's allowlist per finding of fs (NULL: none): suppressions
	 * with their origin, lifted when no entry covers the finding any more */
	const struct life_allow *allow;
	/* the site config the run read (NULL: none): only such a run lifts
	 * the suppressions that file's entries made */
	const char *config;
	double now;
	/* NULL, or one per finding of fs, set: its record is suppressed or
	 * acknowledged after the change (lifecycle_scope.ret_quiet) */
	bool *ret_quiet;
};
struct life_apply_out {
	size_t seen, created, reopened, escalated, resolved, alerts;
};
/* Retention ([retention] flow_days, runs_days): hourly flow summaries of
 * hours before flow_before (epoch seconds) are dropped, with the inputs
 * they came from (whole day partitions on PostgreSQL, rows on SQLite);
 * runs that ended before runs_before are deleted with everything stored
 * with them (not the assets, ports and services they first or last saw).
 * 0 keeps that kind. One transaction. */
struct store_retain_out {
	uint64_t flow_rows, flow_partitions, runs;
};
int store_retain(struct store *s, double flow_before, double runs_before, struct store_retain_out *ret,
		 struct dm_err *e);
/* Whether the backend keeps finding life (both built in do). */
bool store_has_life(const struct store *s);
int store_life_apply(struct store *s, const struct life_apply_in *in, struct life_apply_out *ret,
		     struct dm_err *e);
typedef int (*life_view_fn)(void *ctx, const struct life_view *v);
/* Records of site (NULL: every site) in state (-1: every state but resolved, -2: all),
 * highest severity first. */
int store_life_list(struct store *s, const char *site, int state, life_view_fn fn, void *ctx,
		    struct dm_err *e);
/* 1 and fn called when found, 0 when not. */
int store_life_get(struct store *s, int64_t id, life_view_fn fn, void *ctx, struct dm_err *e);
/* What a person does to a finding, recorded with who, why and until
 * (0: no end) as a note: acknowledge (only an unresolved finding; until
 * the ack lapses), suppress (no alerts while it holds), unsuppress, note.
 * -ENOENT when there is no such finding. */
enum life_action { LIFE_ACT_ACK = 0, LIFE_ACT_SUPPRESS, LIFE_ACT_UNSUPPRESS, LIFE_ACT_NOTE };
int store_life_act(struct store *s, int64_t id, enum life_action a, const char *who, const char *why,
		   double until, double now, struct dm_err *e);
typedef int (*life_note_fn)(void *ctx, double at, const char *action, const char *who, const char *why,
			    double until);
int store_life_notes(struct store *s, int64_t id, life_note_fn fn, void *ctx, struct dm_err *e);
/* The alert outbox. pending: a channel's undelivered alerts due at now
 * (next_try <= now), oldest first, at most limit; list: every alert, or the
 * undelivered ones, newest first, at most limit (0: all). */
typedef int (*life_alert_fn)(void *ctx, const struct life_alert *a);
int store_alert_pending(struct store *s, const char *channel, double now, size_t limit, life_alert_fn fn,
			void *ctx, struct dm_err *e);
int store_alert_list(struct store *s, bool undelivered, size_t limit, life_alert_fn fn, void *ctx,
		     struct dm_err *e);
/* Queues alerts that are no finding's change (a watch job's host and port
 * changes: finding 0) in one transaction. A row whose channel and key are
 * queued already is left as it is, so a change queued twice is sent once.
 * ret_queued (may be NULL): the rows added. */
int store_alert_queue(struct store *s, const struct life_alert *v, size_t n, size_t *ret_queued,
		      struct dm_err *e);
/* When ip, an asset of run's site, was first and last seen answering
 * (port 0), or its port open (proto, port), by any run: 1, or 0 when never. */
int store_seen_span(struct store *s, const struct ipaddr *ip, int64_t run, enum proto proto, uint16_t port,
		    double *first, double *last, struct dm_err *e);
/* When ip (of run's site) last answered in a run before run (by id): 1 with
 * *ret_ts the observation's time, or 0 when no kept run saw it answer. */
int store_host_answered_before(struct store *s, const struct ipaddr *ip, int64_t run, double *ret_ts,
			       struct dm_err *e);
/* A delivery's steps: begun (recorded before anything is sent, so a kill
 * leaves `sending` set), delivered at now, or failed with error and the
 * next try at next_try. */
enum alert_mark { ALERT_MARK_SENDING = 0, ALERT_MARK_SENT, ALERT_MARK_FAILED };
int store_alert_mark(struct store *s, int64_t id, enum alert_mark m, double now, double next_try,
		     const char *error, struct dm_err *e);

/* The store's key for redaction tags (REDACT_KEY_LEN random bytes, made
 * with the store): commands hand it to redact_set_key before they redact. */
const unsigned char *store_redact_key(struct store *s);

/* $XDG_DATA_HOME/dormant/dormant.db, or ~/.local/share/dormant/dormant.db */
char *store_default_path(void);
