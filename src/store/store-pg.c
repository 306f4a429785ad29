/* PostgreSQL backend of the store (libpq): one connection per handle, the
 * same schema as SQLite's (store-pg-schema.c), every value sent as a
 * parameter. Selected by a --db of postgresql:// or postgres://; what the
 * URI leaves out libpq takes from the PG* environment variables and the
 * service file (postgresql:///?service=NAME). Many sensors may write to
 * one database at once: each call is a transaction of its own, or part of
 * the caller's (store_save_begin), and runs are numbered by the server. */
#include "store/pg-internal.h"
#include "base/log.h"
#include "base/owner.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* The URI as errors show it: a password in it becomes "***". */
static void hide_password(char *uri)
{
	char *auth = strstr(uri, "://");
	if (!auth) return;
	auth += 3;
	char *at = strchr(auth, '@'), *slash = strchr(auth, '/');
	if (!at || (slash && slash < at)) return;
	char *colon = memchr(auth, ':', (size_t)(at - auth));
	if (!colon) return;
	memmove(colon + 4, at, strlen(at) + 1);
	memcpy(colon + 1, "***", 3);
}

/* NOTICEs (a table that already exists, ...) are not the user's business. */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void pg_close(struct store *s)
{
	if (!PG(s)) return;
	PQfinish(PG(s)->c);
	free(s->be);
	s->be = NULL;
}

/* The redaction key (see store-sqlite.c): made once, the first writer wins. */
static int load_redact_key(struct store *s, struct dm_err *e)
{
	const char *what = "reading the redaction key";
	for (int attempt = 0; attempt < 2; attempt++) {
		PGresult *r =
		    pg_q(s, "SELECT encode(key, 'hex') FROM redact_key WHERE id = 1", NULL, what, e);
		if (!r) return DM_ESTORE;
		const char *hex = PQntuples(r) == 1 ? pg_col(r, 0, 0) : NULL;
		bool found = hex && strlen(hex) == 2 * REDACT_KEY_LEN;
		for (size_t i = 0; found && i < REDACT_KEY_LEN; i++) {
			unsigned v;
			if (sscanf(hex + 2 * i, "%2x", &v) != 1) found = false;
			PG(s)->redact_key[i] = (unsigned char)v;
		}
		PQclear(r);
		if (found) return 0;
		if (attempt) break;
		unsigned char k[REDACT_KEY_LEN];
		char lit[2 * REDACT_KEY_LEN + 3] = "\\x";
		if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
			return dm_fail(e, -errno, "--db %s: no random bytes for the redaction key: %s",
				       s->path, strerror(errno));
		for (size_t i = 0; i < sizeof(k); i++) snprintf(lit + 2 + 2 * i, 3, "%02x", k[i]);
		memset(k, 0, sizeof(k));
		struct pg_params p = { 0 };
		pp_str(&p, lit);
		int rc = pg_cmd(s, "INSERT INTO redact_key(id, key) VALUES (1, $1) ON CONFLICT DO NOTHING",
				&p, "storing the redaction key", e);
		memset(lit, 0, sizeof(lit));
		if (rc < 0) return rc;
	}
	return dm_fail(e, DM_ESTORE, "--db %s: the redaction key is damaged (not %d bytes)", s->path,
		       REDACT_KEY_LEN);
}

static const unsigned char *pg_redact_key(struct store *s) { return PG(s)->redact_key; }

/* Runs still "running" whose process is gone are marked interrupted; only
 * those of this machine (same boot id): another sensor's runs are its own. */
static void reap_runs(struct store *s)
{
	char self[96];
	owner_self(self, sizeof(self));
	char *colon = strchr(self, ':');
	if (!colon || colon == self || self[0] == '-') return;
	colon[1] = 0;
	struct pg_params p = { 0 };
	pp_str(&p, self);
	PGresult *r = pg_q(s,
			   "SELECT id, kind, started, owner FROM runs WHERE status = 'running'"
			   " AND starts_with(owner, $1)",
			   &p, "reaping runs", NULL);
	if (!r) return;
	for (int i = 0; i < PQntuples(r); i++) {
		if (owner_alive(pg_col(r, i, 3))) continue;
		struct pg_params u = { 0 };
		pp_int(&u, pg_i64(r, i, 0));
		PGresult *x =
		    pg_q(s, "UPDATE runs SET status = 'interrupted' WHERE id = $1 AND status = 'running'", &u,
			 "reaping runs", NULL);
		if (x && !strcmp(PQcmdTuples(x), "1")) {
			char when[40];
			fmt_rfc3339(pg_dbl(r, i, 2), when, sizeof(when));
			log_warn(
			    "%s: run %lld (%s, started %s) was interrupted: its process is gone. Marked "
			    "interrupted; it saved no results, reports and diffs skip it (a scan or audit "
			    "given --resume FILE continues it)",
			    s->path, (long long)pg_i64(r, i, 0), pg_col(r, i, 1), when);
		}
		PQclear(x);
	}
	PQclear(r);
}

static int pg_open(struct store *s, struct dm_err *e)
{
	char *conninfo = xstrdup(s->path);
	hide_password(s->path);
	s->be = xcalloc(1, sizeof(struct pg_conn));
	PG(s)->c = PQconnectdb(conninfo);
	explicit_bzero(conninfo, strlen(conninfo));
	free(conninfo);
	int r;
	if (!PG(s)->c || PQstatus(PG(s)->c) != CONNECTION_OK) {
		char m[512];
		snprintf(m, sizeof(m), "%s", PG(s)->c ? PQerrorMessage(PG(s)->c) : "out of memory");
		pg_oneline(m);
		r = dm_fail(e, DM_ESTORE, "--db %s: cannot connect: %s", s->path, m);
		pg_close(s);
		return r;
	}
	PQsetNoticeProcessor(PG(s)->c, quiet, NULL);
	if ((r = pg_migrate(s, s->mode == STORE_CREATE, e)) < 0 || (r = load_redact_key(s, e)) < 0) {
		pg_close(s);
		return r;
	}
	if ((r = pg_flow_partitioned(s, e)) < 0) {
		pg_close(s);
		return r;
	}
	reap_runs(s);
	return 0;
}

static int pg_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id,
			struct dm_err *e)
{
	char owner[96];
	owner_self(owner, sizeof(owner));
	struct pg_params p = { 0 };
	pp_str(&p, kind);
	pp_str(&p, args);
	pp_dbl(&p, started);
	pp_str(&p, owner);
	pp_str(&p, store_site_name(s));
	PGresult *r = pg_q(
	    s, "INSERT INTO runs(kind, args, started, owner, site) VALUES ($1, $2, $3, $4, $5) RETURNING id",
	    &p, "starting a run", e);
	if (!r) return DM_ESTORE;
	*ret_id = pg_i64(r, 0, 0);
	PQclear(r);
	return 0;
}

#define RUN_COLUMNS                                                                               \
	"SELECT id, kind, args, started, coalesce(finished, 0), status,"                          \
	" (SELECT count(*) FROM host_obs h WHERE h.run_id = runs.id AND h.how <> 'none'),"        \
	" (SELECT count(*) FROM port_obs p WHERE p.run_id = runs.id AND p.state = 'open'), site," \
	" run_group, coalesce(shard, 0), coalesce(shards, 0) FROM runs"

static void fill_run(const PGresult *r, int i, struct run_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->id = pg_i64(r, i, 0);
	snprintf(ri->kind, sizeof(ri->kind), "%s", PQgetvalue(r, i, 1));
	snprintf(ri->args, sizeof(ri->args), "%s", PQgetvalue(r, i, 2));
	ri->started = pg_dbl(r, i, 3);
	ri->finished = pg_dbl(r, i, 4);
	snprintf(ri->status, sizeof(ri->status), "%s", PQgetvalue(r, i, 5));
	ri->hosts_up = (uint64_t)pg_i64(r, i, 6);
	ri->open_ports = (uint64_t)pg_i64(r, i, 7);
	snprintf(ri->site, sizeof(ri->site), "%s", PQgetvalue(r, i, 8));
	snprintf(ri->run_group, sizeof(ri->run_group), "%s", PQgetvalue(r, i, 9));
	ri->shard = (uint32_t)pg_i64(r, i, 10);
	ri->shards = (uint32_t)pg_i64(r, i, 11);
}

static int pg_run_get(struct store *s, int64_t id, struct run_info *ret, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, id);
	PGresult *r = pg_q(s, RUN_COLUMNS " WHERE id = $1", &p, "reading a run", e);
	if (!r) return DM_ESTORE;
	bool found = PQntuples(r) == 1;
	if (found) fill_run(r, 0, ret);
	PQclear(r);
	return found ? 0 : dm_fail(e, -ENOENT, "--db %s: no run %lld", s->path, (long long)id);
}

static int pg_runs_list(struct store *s, struct run_info **ret, size_t *ret_n, struct dm_err *e)
{
	PGresult *r = pg_q(s, RUN_COLUMNS " ORDER BY id", NULL, "listing runs", e);
	if (!r) return DM_ESTORE;
	size_t n = (size_t)PQntuples(r);
	struct run_info *v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) fill_run(r, (int)i, &v[i]);
	PQclear(r);
	*ret = v;
	*ret_n = n;
	return 0;
}

static int pg_run_resume(struct store *s, int64_t id, struct dm_err *e)
{
	char owner[96];
	owner_self(owner, sizeof(owner));
	struct pg_params p = { 0 };
	pp_str(&p, owner);
	pp_int(&p, id);
	return pg_cmd(s, "UPDATE runs SET status = 'running', finished = NULL, owner = $1 WHERE id = $2", &p,
		      "resuming a run", e);
}

/* The run's sensor, and the sensor's last contact (store-sqlite.c). */
static int pg_sensor_note(struct store *s, int64_t run, const char *sensor, double when, struct dm_err *e)
{
	const char *what = "registering the sensor";
	struct pg_params p = { 0 }, q = { 0 };
	pp_str(&p, sensor);
	pp_int(&p, run);
	pp_str(&q, sensor);
	pp_dbl(&q, when);
	pp_int(&q, run);
	int r = pg_begin(s, what, e);
	if (r == 0) r = pg_cmd(s, "UPDATE runs SET sensor = $1 WHERE id = $2", &p, what, e);
	if (r == 0)
		r = pg_cmd(
		    s,
		    "INSERT INTO sensors AS x (name, first_seen, last_seen, last_run) VALUES ($1, $2, $2, $3)"
		    " ON CONFLICT (name) DO UPDATE SET last_seen = greatest(x.last_seen, excluded.last_seen),"
		    " last_run = excluded.last_run",
		    &q, what, e);
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

/* The run's place in its run group (store-sqlite.c). */
static int pg_group_note(struct store *s, int64_t run, const char *group, unsigned shard, unsigned shards,
			 struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, group);
	pp_int(&p, shard);
	pp_int(&p, shards);
	pp_int(&p, run);
	return pg_cmd(s, "UPDATE runs SET run_group = $1, shard = $2, shards = $3 WHERE id = $4", &p,
		      "noting the run group", e);
}

static int pg_run_finish(struct store *s, int64_t id, const char *status, double finished, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, status);
	pp_dbl(&p, finished);
	pp_int(&p, id);
	return pg_cmd(s, "UPDATE runs SET status = $1, finished = $2 WHERE id = $3", &p, "finishing a run",
		      e);
}

static int pg_run_set_coverage(struct store *s, int64_t run, const struct coverage *c, struct dm_err *e)
{
	struct buf t = BUF_INIT, p = BUF_INIT, k = BUF_INIT;
	int r;
	coverage_format(c, &t, &p, &k);
	buf_putc(&t, 0), buf_putc(&p, 0), buf_putc(&k, 0);
	if (buf_error(&t) || buf_error(&p) || buf_error(&k)) {
		r = dm_fail(e, DM_ETOOBIG, "--db %s: run %lld: its coverage is too long to store", s->path,
			    (long long)run);
	} else {
		struct pg_params q = { 0 };
		pp_int(&q, run);
		pp_str(&q, t.data);
		pp_str(&q, p.data);
		pp_str(&q, k.data);
		r = pg_cmd(
		    s,
		    "INSERT INTO run_coverage VALUES ($1, $2, $3, $4) ON CONFLICT (run_id) DO UPDATE SET"
		    " targets = excluded.targets, ports = excluded.ports, checks = excluded.checks",
		    &q, "saving a run's coverage", e);
	}
	buf_release(&t);
	buf_release(&p);
	buf_release(&k);
	return r;
}

static int pg_run_coverage(struct store *s, int64_t run, struct coverage *ret, struct dm_err *e)
{
	*ret = (struct coverage){ 0 };
	struct pg_params p = { 0 };
	pp_int(&p, run);
	PGresult *r = pg_q(s, "SELECT targets, ports, checks FROM run_coverage WHERE run_id = $1", &p,
			   "reading a run's coverage", e);
	if (!r) return DM_ESTORE;
	int found = 0;
	if (PQntuples(r) == 1) {
		if (coverage_parse(ret, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2)) < 0)
			log_warn("%s: run %lld: its stored coverage is damaged; it is compared as stored",
				 s->path, (long long)run);
		else
			found = 1;
	}
	PQclear(r);
	return found;
}

static int pg_save_caveats(struct store *s, int64_t run, const struct caveats *cs, struct dm_err *e)
{
	const char *what = "saving the run's caveats";
	int r = pg_begin(s, what, e);
	if (r < 0) return r;
	struct pg_params p = { 0 };
	pp_int(&p, run);
	r = pg_cmd(s, "DELETE FROM run_caveats WHERE run_id = $1", &p, what, e);
	for (size_t i = 0; i < cs->n && r == 0; i++) {
		struct pg_params q = { 0 };
		pp_int(&q, run);
		pp_str(&q, cs->v[i].code);
		pp_str(&q, cs->v[i].text);
		r = pg_cmd(s, "INSERT INTO run_caveats(run_id, code, text) VALUES ($1, $2, $3)", &q, what, e);
	}
	if (r == 0) return pg_commit(s, what, e);
	pg_rollback(s);
	return r;
}

static int pg_load_caveats(struct store *s, int64_t run, struct caveats *ret, struct dm_err *e)
{
	*ret = (struct caveats){ 0 };
	struct pg_params p = { 0 };
	pp_int(&p, run);
	PGresult *r = pg_q(s, "SELECT code, text FROM run_caveats WHERE run_id = $1 ORDER BY pg_seq", &p,
			   "reading the run's caveats", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++)
		caveats_add(ret, PQgetvalue(r, i, 0), "%s", PQgetvalue(r, i, 1));
	PQclear(r);
	return 0;
}

/* A snapshot for a series of reads (REPEATABLE READ keeps the first one). */
static int pg_read_begin(struct store *s, struct dm_err *e)
{
	if (PG(s)->depth) return pg_begin(s, "starting a read", e);
	int r = pg_cmd(s, "BEGIN ISOLATION LEVEL REPEATABLE READ", NULL, "starting a read", e);
	if (r == 0) PG(s)->depth++;
	return r;
}

static int pg_read_end(struct store *s, struct dm_err *e) { return pg_commit(s, "ending a read", e); }

static int pg_save_begin(struct store *s, struct dm_err *e) { return pg_begin(s, "saving the run", e); }

static int pg_save_end(struct store *s, bool commit, struct dm_err *e)
{
	if (commit) return pg_commit(s, "saving the run", e);
	pg_rollback(s);
	return 0;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.run_begin = pg_run_begin,
	.run_get = pg_run_get,
	.run_finish = pg_run_finish,
	.sensor_note = pg_sensor_note,
	.group_note = pg_group_note,
	.run_resume = pg_run_resume,
	.save_results = pg_save_results,
	.load_results = pg_load_results,
	.runs_list = pg_runs_list,
	.run_set_coverage = pg_run_set_coverage,
	.run_coverage = pg_run_coverage,
	.read_begin = pg_read_begin,
	.read_end = pg_read_end,
	.save_begin = pg_save_begin,
	.save_end = pg_save_end,
	.save_findings = pg_save_findings,
	.load_findings = pg_load_findings,
	.stream_hour_save = pg_stream_hour_save,
	.stream_state_load = pg_stream_state_load,
	.save_caveats = pg_save_caveats,
	.load_caveats = pg_load_caveats,
	.inventory_replace = pg_inventory_replace,
	.inventory_load = pg_inventory_load,
	.flow_save_hours = pg_flow_save_hours,
	.flow_coverage = pg_flow_coverage,
	.flow_host_last_active = pg_flow_host_last_active,
	.flow_host_hourly_up = pg_flow_host_hourly_up,
	.flow_host_peer_hours = pg_flow_host_peer_hours,
	.flow_host_use = pg_flow_host_use,
	.flow_port_use = pg_flow_port_use,
	.flow_hosts_any = pg_flow_hosts_any,
	.flow_port_clients = pg_flow_port_clients,
	.vuln_begin = pg_vuln_begin,
	.vuln_end = pg_vuln_end,
	.vuln_put_cve = pg_vuln_put_cve,
	.vuln_put_kev = pg_vuln_put_kev,
	.vuln_put_epss = pg_vuln_put_epss,
	.vuln_clear_epss = pg_vuln_clear_epss,
	.vuln_meta_get = pg_vuln_meta_get,
	.vuln_meta_set = pg_vuln_meta_set,
	.vuln_by_product = pg_vuln_by_product,
	.vuln_get = pg_vuln_get,
	.vuln_get_brief = pg_vuln_get_brief,
	.vuln_kev_epss = pg_vuln_kev_epss,
	.vuln_stats = pg_vuln_stats,
	.vuln_any = pg_vuln_any,
	.vuln_add_briefs = pg_vuln_add_briefs,
	.distro_put_fix = pg_distro_put_fix,
	.distro_put_pkg = pg_distro_put_pkg,
	.distro_fixes = pg_distro_fixes,
	.distro_pkgs = pg_distro_pkgs,
	.distro_stats = pg_distro_stats,
	.exposure_save = pg_exposure_save,
	.exposure_load = pg_exposure_load,
	.life_apply = pg_life_apply,
	.life_list = pg_life_list,
	.life_get = pg_life_get,
	.life_act = pg_life_act,
	.life_notes = pg_life_notes,
	.alert_pending = pg_alert_pending,
	.alert_list = pg_alert_list,
	.alert_mark = pg_alert_mark,
	.alert_queue = pg_alert_queue,
	.seen_span = pg_seen_span,
	.answered_before = pg_answered_before,
	.edge_save = pg_edge_save,
	.edge_load = pg_edge_load,
	.netdev_save = pg_netdev_save,
	.netdev_prev = pg_netdev_prev,
	.netdev_prev_macs = pg_netdev_prev_macs,
	.idents_save = pg_idents_save,
	.idents_load = pg_idents_load,
	.ident_history = pg_ident_history,
	.netdev_rows = pg_netdev_rows,
	.retain = pg_retain,
	.sensors_list = pg_sensors_list,
	.redact_key = pg_redact_key,
};
