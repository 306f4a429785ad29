/* Store front: picks the backend from the path, owns the one struct store
 * (store-backend.h) and forwards each call through the backend's ops. */
#include "store/store-backend.h"
#include "base/buf.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_open(const char *path, struct store **ret, struct dm_err *e)
{
	return store_open_mode(path, STORE_CREATE, ret, e);
}

bool store_is_postgres(const char *path)
{
	return !strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11);
}

/* A backend that lacks an operation says so rather than crash. */
static int unsupported(struct store *s, const char *op, struct dm_err *e)
{
	return dm_fail(e, DM_ESTORE, "--db %s: not supported by the %s backend: %s", s->path, s->ops->name,
		       op);
}

#define NEED(op) \
	if (!s->ops->op) return unsupported(s, #op, e)

int store_open_mode(const char *path, enum store_mode mode, struct store **ret, struct dm_err *e)
{
	struct store *s = xcalloc(1, sizeof(*s));
	s->ops = store_is_postgres(path) ? &store_pg_ops : &store_sqlite_ops;
	s->path = xstrdup(path);
	s->mode = mode;
	int r = s->ops->open(s, e);
	if (r < 0) {
		free(s->path);
		free(s);
		return r;
	}
	*ret = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s) return;
	s->ops->close(s);
	free(s->sensor);
	free(s->site);
	free(s->run_group);
	free(s->path);
	free(s);
}

char *store_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char buf[4096];
	if (xdg && *xdg)
		snprintf(buf, sizeof(buf), "%s/dormant/dormant.db", xdg);
	else
		snprintf(buf, sizeof(buf), "%s/.local/share/dormant/dormant.db", home && *home ? home : ".");
	return xstrdup(buf);
}

int store_inventory_replace(struct store *s, const struct inventory *inv, const char *source, double when,
			    struct dm_err *e)
{
	NEED(inventory_replace);
	return s->ops->inventory_replace(s, inv, source, when, e);
}

int store_inventory_load(struct store *s, struct inventory *inv, struct dm_err *e)
{
	NEED(inventory_load);
	return s->ops->inventory_load(s, inv, e);
}

int store_read_begin(struct store *s, struct dm_err *e)
{
	NEED(read_begin);
	return s->ops->read_begin(s, e);
}

int store_read_end(struct store *s, struct dm_err *e)
{
	NEED(read_end);
	return s->ops->read_end(s, e);
}

struct hours_array {
	const struct flow_hour *v;
	size_t n, i;
};

static size_t hours_array_next(void *ctx, struct flow_hour *buf, size_t cap)
{
	struct hours_array *a = ctx;
	size_t k = a->n - a->i < cap ? a->n - a->i : cap;
	if (k) memcpy(buf, a->v + a->i, k * sizeof(*buf));
	a->i += k;
	return k;
}

int store_flow_save_hours(struct store *s, int64_t run, const char *digest, const struct flow_hour *v,
			  size_t n, bool *ret_known, struct dm_err *e)
{
	struct hours_array a = { v, n, 0 };
	return store_flow_save_hours_from(s, run, digest, hours_array_next, &a, ret_known, e);
}

int store_flow_save_hours_from(struct store *s, int64_t run, const char *digest, flow_hour_next_fn next,
			       void *ctx, bool *ret_known, struct dm_err *e)
{
	NEED(flow_save_hours);
	return s->ops->flow_save_hours(s, run, digest, next, ctx, ret_known, e);
}

/* A backend without its own: each save stays one transaction. */
int store_flow_hold_begin(struct store *s, struct dm_err *e)
{
	return s->ops->flow_hold_begin ? s->ops->flow_hold_begin(s, e) : 0;
}

int store_flow_hold_end(struct store *s, bool commit, struct dm_err *e)
{
	return s->ops->flow_hold_end ? s->ops->flow_hold_end(s, commit, e) : 0;
}

int store_flow_coverage(struct store *s, double *first, double *last, struct dm_err *e)
{
	NEED(flow_coverage);
	return s->ops->flow_coverage(s, first, last, e);
}

int store_flow_host_last_active(struct store *s, const struct ipaddr *host, double before, double *ret,
				struct dm_err *e)
{
	NEED(flow_host_last_active);
	return s->ops->flow_host_last_active(s, host, before, ret, e);
}

int store_flow_host_hourly_up(struct store *s, const struct ipaddr *host, double from, double to,
			      flow_hour_fn fn, void *ctx, struct dm_err *e)
{
	NEED(flow_host_hourly_up);
	return s->ops->flow_host_hourly_up(s, host, from, to, fn, ctx, e);
}

int store_flow_host_peer_hours(struct store *s, const struct ipaddr *host, double from, double to,
			       flow_peer_hour_fn fn, void *ctx, struct dm_err *e)
{
	NEED(flow_host_peer_hours);
	return s->ops->flow_host_peer_hours(s, host, from, to, fn, ctx, e);
}

int store_flow_host_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	NEED(flow_host_use);
	return s->ops->flow_host_use(s, from, to, NULL, 0, fn, ctx, e);
}

int store_flow_port_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	NEED(flow_port_use);
	return s->ops->flow_port_use(s, from, to, NULL, 0, fn, ctx, e);
}

int store_flow_host_use_of(struct store *s, double from, double to, const struct ipaddr *hosts, size_t n,
			   flow_use_fn fn, void *ctx, struct dm_err *e)
{
	NEED(flow_host_use);
	return s->ops->flow_host_use(s, from, to, hosts, n, fn, ctx, e);
}

int store_flow_port_use_of(struct store *s, double from, double to, const struct ipaddr *hosts, size_t n,
			   flow_use_fn fn, void *ctx, struct dm_err *e)
{
	NEED(flow_port_use);
	return s->ops->flow_port_use(s, from, to, hosts, n, fn, ctx, e);
}

int store_flow_hosts_any(struct store *s, double from, double to, struct dm_err *e)
{
	NEED(flow_hosts_any);
	return s->ops->flow_hosts_any(s, from, to, e);
}

int store_flow_port_clients(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port,
			    double from, double to, flow_use_fn fn, void *ctx, struct dm_err *e)
{
	NEED(flow_port_clients);
	return s->ops->flow_port_clients(s, host, proto, port, from, to, fn, ctx, e);
}

/* A password in a URI of the arguments (--db postgresql://user:PW@host)
 * is not kept with the run: "user:***@". */
static char *hide_passwords(const char *args)
{
	struct buf b = BUF_INIT;
	const char *p = args;
	for (const char *u; (u = strstr(p, "://"));) {
		u += 3;
		size_t n = strcspn(u, "@/ ");
		const char *colon = memchr(u, ':', n);
		if (u[n] != '@' || !colon) {
			buf_append(&b, p, (size_t)(u - p));
			p = u;
			continue;
		}
		buf_append(&b, p, (size_t)(colon + 1 - p));
		buf_puts(&b, "***");
		p = u + n;
	}
	buf_puts(&b, p);
	buf_putc(&b, 0);
	return buf_error(&b) ? NULL : buf_detach(&b);
}

int store_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id,
		    struct dm_err *e)
{
	NEED(run_begin);
	char *shown = hide_passwords(args);
	int r = s->ops->run_begin(s, kind, shown ? shown : "", started, ret_id, e);
	free(shown);
	if (r == 0 && s->sensor) {
		NEED(sensor_note);
		r = s->ops->sensor_note(s, *ret_id, s->sensor, started, e);
	}
	if (r == 0 && s->run_group) {
		NEED(group_note);
		r = s->ops->group_note(s, *ret_id, s->run_group, s->shard, s->shards, e);
	}
	return r;
}

/* A site name is what the config's [site] name accepts: 1-63 bytes, no
 * spaces, '|' (the finding identity's separator) or control characters. */
int store_site_check(const char *opt, const char *name, struct dm_err *e)
{
	size_t n = name ? strlen(name) : 0;
	bool ok = n && n < 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)name[i] > ' ' && name[i] != '|' && name[i] != 0x7f;
	if (!ok)
		return dm_fail(e, DM_EINPUT, "%s \"%.80s\": 1-63 characters, no spaces or '|'", opt,
			       name ? name : "");
	return 0;
}

int store_sensor_check(const char *name, struct dm_err *e)
{
	size_t n = name ? strlen(name) : 0;
	if (!n || n > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return dm_fail(e, DM_EINPUT, "--sensor \"%s\": 1 to 64 letters, digits, '.', '_' or '-'",
			       name ? name : "");
	return 0;
}

int store_set_site(struct store *s, const char *name, struct dm_err *e)
{
	int r = store_site_check("--site", name, e);
	if (r < 0) return r;
	free(s->site);
	s->site = xstrdup(name);
	return 0;
}

const char *store_site(const struct store *s) { return s->site; }

int store_set_run_group(struct store *s, const char *id, unsigned shard, unsigned shards, struct dm_err *e)
{
	size_t n = id ? strlen(id) : 0;
	if (!n || n > 64 ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return dm_fail(e, DM_EINPUT, "--run-group \"%s\": 1 to 64 letters, digits, '.', '_' or '-'",
			       id ? id : "");
	if (!shard || shard > shards)
		return dm_fail(e, DM_EINPUT, "--run-group %s: shard %u of %u", id, shard, shards);
	free(s->run_group);
	s->run_group = xstrdup(id);
	s->shard = shard;
	s->shards = shards;
	return 0;
}

int store_set_sensor(struct store *s, const char *name, struct dm_err *e)
{
	int r = store_sensor_check(name, e);
	if (r < 0) return r;
	free(s->sensor);
	s->sensor = xstrdup(name);
	return 0;
}

int store_run_get(struct store *s, int64_t id, struct run_info *ret, struct dm_err *e)
{
	NEED(run_get);
	return s->ops->run_get(s, id, ret, e);
}

int store_run_finish(struct store *s, int64_t id, const char *status, double finished, struct dm_err *e)
{
	NEED(run_finish);
	return s->ops->run_finish(s, id, status, finished, e);
}

int store_run_resume(struct store *s, int64_t id, struct dm_err *e)
{
	NEED(run_resume);
	return s->ops->run_resume(s, id, e);
}

int store_save_results(struct store *s, int64_t run, const struct resultset *rs, struct dm_err *e)
{
	NEED(save_results);
	return s->ops->save_results(s, run, rs, e);
}

int store_load_results(struct store *s, int64_t run, struct resultset *rs, struct dm_err *e)
{
	NEED(load_results);
	return s->ops->load_results(s, run, rs, e);
}

int store_runs_list(struct store *s, struct run_info **ret, size_t *ret_n, struct dm_err *e)
{
	NEED(runs_list);
	return s->ops->runs_list(s, ret, ret_n, e);
}

int store_run_set_coverage(struct store *s, int64_t run, const struct coverage *c, struct dm_err *e)
{
	NEED(run_set_coverage);
	return s->ops->run_set_coverage(s, run, c, e);
}

int store_run_coverage(struct store *s, int64_t run, struct coverage *ret, struct dm_err *e)
{
	NEED(run_coverage);
	return s->ops->run_coverage(s, run, ret, e);
}

int store_vuln_begin(struct store *s, struct dm_err *e)
{
	NEED(vuln_begin);
	return s->ops->vuln_begin(s, e);
}

int store_vuln_end(struct store *s, bool commit, struct dm_err *e)
{
	NEED(vuln_end);
	return s->ops->vuln_end(s, commit, e);
}

int store_vuln_put_cve(struct store *s, const struct vuln_cve *c, enum vuln_change *ret, struct dm_err *e)
{
	NEED(vuln_put_cve);
	return s->ops->vuln_put_cve(s, c, ret, e);
}

int store_vuln_put_kev(struct store *s, const struct vuln_kev *k, struct dm_err *e)
{
	NEED(vuln_put_kev);
	return s->ops->vuln_put_kev(s, k, e);
}

int store_vuln_put_epss(struct store *s, const struct vuln_epss *x, struct dm_err *e)
{
	NEED(vuln_put_epss);
	return s->ops->vuln_put_epss(s, x, e);
}

int store_vuln_clear_epss(struct store *s, struct dm_err *e)
{
	NEED(vuln_clear_epss);
	return s->ops->vuln_clear_epss(s, e);
}

int store_vuln_meta_get(struct store *s, const char *key, char *out, size_t n, struct dm_err *e)
{
	NEED(vuln_meta_get);
	return s->ops->vuln_meta_get(s, key, out, n, e);
}

int store_vuln_meta_set(struct store *s, const char *key, const char *value, struct dm_err *e)
{
	NEED(vuln_meta_set);
	return s->ops->vuln_meta_set(s, key, value, e);
}

int store_vuln_by_product(struct store *s, const char *vendor, const char *product, vuln_known_fn known,
			  vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	NEED(vuln_by_product);
	return s->ops->vuln_by_product(s, vendor, product, known, fn, ctx, e);
}

int store_vuln_get(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	NEED(vuln_get);
	return s->ops->vuln_get(s, num, fn, ctx, e);
}

int store_vuln_get_brief(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	NEED(vuln_get_brief);
	return s->ops->vuln_get_brief(s, num, fn, ctx, e);
}

int store_vuln_kev_epss(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	NEED(vuln_kev_epss);
	return s->ops->vuln_kev_epss(s, num, fn, ctx, e);
}

int store_vuln_stats(struct store *s, struct vuln_stats *ret, struct dm_err *e)
{
	NEED(vuln_stats);
	return s->ops->vuln_stats(s, ret, e);
}

int store_vuln_add_briefs(struct store *s, vuln_brief_fn fn, void *ctx, struct dm_err *e)
{
	NEED(vuln_add_briefs);
	return s->ops->vuln_add_briefs(s, fn, ctx, e);
}

int store_vuln_any(struct store *s, struct dm_err *e)
{
	NEED(vuln_any);
	return s->ops->vuln_any(s, e);
}

int store_distro_put_fix(struct store *s, const struct vuln_distro_fix *f, struct dm_err *e)
{
	NEED(distro_put_fix);
	return s->ops->distro_put_fix(s, f, e);
}

int store_distro_put_pkg(struct store *s, const struct vuln_distro_pkg *p, struct dm_err *e)
{
	NEED(distro_put_pkg);
	return s->ops->distro_put_pkg(s, p, e);
}

int store_distro_fixes(struct store *s, const char *distro, const char *package, distro_fix_fn fn, void *ctx,
		       struct dm_err *e)
{
	NEED(distro_fixes);
	return s->ops->distro_fixes(s, distro, package, fn, ctx, e);
}

int store_distro_pkgs(struct store *s, const char *distro, const char *package, distro_pkg_fn fn, void *ctx,
		      struct dm_err *e)
{
	NEED(distro_pkgs);
	return s->ops->distro_pkgs(s, distro, package, fn, ctx, e);
}

int store_distro_stats(struct store *s, distro_count_fn fn, void *ctx, struct dm_err *e)
{
	NEED(distro_stats);
	return s->ops->distro_stats(s, fn, ctx, e);
}

int store_save_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e)
{
	NEED(save_findings);
	return s->ops->save_findings(s, run, fs, e);
}

int store_stream_hour_save(struct store *s, int64_t run, struct findings *fs, const char *source,
			   const struct stream_state_row *row, double finished, struct dm_err *e)
{
	NEED(stream_hour_save);
	return s->ops->stream_hour_save(s, run, fs, source, row, finished, e);
}

int store_stream_state_load(struct store *s, const char *source, struct stream_state_row *ret,
			    struct dm_err *e)
{
	NEED(stream_state_load);
	return s->ops->stream_state_load(s, source, ret, e);
}

int store_load_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e)
{
	NEED(load_findings);
	return s->ops->load_findings(s, run, fs, e);
}
int store_save_caveats(struct store *s, int64_t run, const struct caveats *cs, struct dm_err *e)
{
	NEED(save_caveats);
	return s->ops->save_caveats(s, run, cs, e);
}
int store_load_caveats(struct store *s, int64_t run, struct caveats *ret, struct dm_err *e)
{
	NEED(load_caveats);
	return s->ops->load_caveats(s, run, ret, e);
}
const unsigned char *store_redact_key(struct store *s) { return s->ops->redact_key(s); }

int store_exposure_save(struct store *s, const char *file, const char *platform, double when,
			const struct ext_obs *v, size_t n, size_t *ret_added, struct dm_err *e)
{
	NEED(exposure_save);
	return s->ops->exposure_save(s, file, platform, when, v, n, ret_added, e);
}

int store_exposure_load(struct store *s, struct ext_set *out, struct dm_err *e)
{
	NEED(exposure_load);
	return s->ops->exposure_load(s, out, e);
}

int store_life_apply(struct store *s, const struct life_apply_in *in, struct life_apply_out *ret,
		     struct dm_err *e)
{
	NEED(life_apply);
	return s->ops->life_apply(s, in, ret, e);
}

int store_life_list(struct store *s, const char *site, int state, life_view_fn fn, void *ctx,
		    struct dm_err *e)
{
	NEED(life_list);
	return s->ops->life_list(s, site, state, fn, ctx, e);
}

int store_life_get(struct store *s, int64_t id, life_view_fn fn, void *ctx, struct dm_err *e)
{
	NEED(life_get);
	return s->ops->life_get(s, id, fn, ctx, e);
}

int store_life_act(struct store *s, int64_t id, enum life_action a, const char *who, const char *why,
		   double until, double now, struct dm_err *e)
{
	NEED(life_act);
	return s->ops->life_act(s, id, a, who, why, until, now, e);
}

int store_life_notes(struct store *s, int64_t id, life_note_fn fn, void *ctx, struct dm_err *e)
{
	NEED(life_notes);
	return s->ops->life_notes(s, id, fn, ctx, e);
}

int store_alert_pending(struct store *s, const char *channel, double now, size_t limit, life_alert_fn fn,
			void *ctx, struct dm_err *e)
{
	NEED(alert_pending);
	return s->ops->alert_pending(s, channel, now, limit, fn, ctx, e);
}

int store_alert_list(struct store *s, bool undelivered, size_t limit, life_alert_fn fn, void *ctx,
		     struct dm_err *e)
{
	NEED(alert_list);
	return s->ops->alert_list(s, undelivered, limit, fn, ctx, e);
}

int store_alert_mark(struct store *s, int64_t id, enum alert_mark m, double now, double next_try,
		     const char *error, struct dm_err *e)
{
	NEED(alert_mark);
	return s->ops->alert_mark(s, id, m, now, next_try, error, e);
}
int store_alert_queue(struct store *s, const struct life_alert *v, size_t n, size_t *ret_queued,
		      struct dm_err *e)
{
	NEED(alert_queue);
	return s->ops->alert_queue(s, v, n, ret_queued, e);
}

int store_seen_span(struct store *s, const struct ipaddr *ip, int64_t run, enum proto proto, uint16_t port,
		    double *first, double *last, struct dm_err *e)
{
	NEED(seen_span);
	return s->ops->seen_span(s, ip, run, proto, port, first, last, e);
}

int store_host_answered_before(struct store *s, const struct ipaddr *ip, int64_t run, double *ret_ts,
			       struct dm_err *e)
{
	NEED(answered_before);
	return s->ops->answered_before(s, ip, run, ret_ts, e);
}

/* A backend without its own: each call above is already one transaction. */
int store_save_begin(struct store *s, struct dm_err *e)
{
	return s->ops->save_begin ? s->ops->save_begin(s, e) : 0;
}

int store_save_end(struct store *s, bool commit, struct dm_err *e)
{
	return s->ops->save_end ? s->ops->save_end(s, commit, e) : 0;
}

const char *store_backend(const struct store *s) { return s->ops->name; }

int store_edge_save(struct store *s, int64_t run, const struct edge_set *es, struct dm_err *e)
{
	NEED(edge_save);
	return s->ops->edge_save(s, run, es, e);
}

int store_edge_load(struct store *s, int64_t run, struct edge_set *out, int64_t *ret_run, struct dm_err *e)
{
	/* a backend that cannot keep mappings holds none */
	if (!s->ops->edge_load) {
		*ret_run = 0;
		return 0;
	}
	return s->ops->edge_load(s, run, out, ret_run, e);
}

bool store_has_life(const struct store *s) { return s->ops->life_apply != NULL; }

int store_netdev_save(struct store *s, int64_t run, const struct netdev_result *rs, size_t n,
		      struct dm_err *e)
{
	NEED(netdev_save);
	return s->ops->netdev_save(s, run, rs, n, e);
}

int store_netdev_prev(struct store *s, const char *device, double before, struct netdev_if **ret,
		      size_t *ret_n, double *ret_ts, struct dm_err *e)
{
	NEED(netdev_prev);
	return s->ops->netdev_prev(s, device, before, ret, ret_n, ret_ts, e);
}

int store_retain(struct store *s, double flow_before, double runs_before, struct store_retain_out *ret,
		 struct dm_err *e)
{
	*ret = (struct store_retain_out){ 0 };
	if (flow_before <= 0 && runs_before <= 0) return 0;
	NEED(retain);
	return s->ops->retain(s, flow_before, runs_before, ret, e);
}

int store_sensors_list(struct store *s, struct sensor_info **ret, size_t *ret_n, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	NEED(sensors_list);
	return s->ops->sensors_list(s, ret, ret_n, e);
}

int store_idents_save(struct store *s, int64_t run, const struct ident_set *is, struct dm_err *e)
{
	NEED(idents_save);
	return s->ops->idents_save(s, run, is, e);
}

int store_idents_load(struct store *s, int64_t run, struct ident_set *out, struct dm_err *e)
{
	NEED(idents_load);
	return s->ops->idents_load(s, run, out, e);
}

int store_ident_history(struct store *s, const char *key, int64_t through, struct ident_addr **ret,
			size_t *ret_n, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	NEED(ident_history);
	return s->ops->ident_history(s, key, through, ret, ret_n, e);
}

int store_netdev_rows(struct store *s, int64_t run, struct netdev_rows *ret, struct dm_err *e)
{
	*ret = (struct netdev_rows){ 0 };
	NEED(netdev_rows);
	return s->ops->netdev_rows(s, run, ret, e);
}

int store_netdev_prev_macs(struct store *s, const char *device, double before, struct netdev_prev_mac **ret,
			   size_t *ret_n, double *ret_ts, struct dm_err *e)
{
	NEED(netdev_prev_macs);
	return s->ops->netdev_prev_macs(s, device, before, ret, ret_n, ret_ts, e);
}
