/* Store front: picks the backend and forwards. */
#include "store/store.h"
#include "base/util.h"
#include <string.h>
#include <stdio.h>

struct store {
	const struct store_ops *ops;
};

int store_open(const char *path, struct store **ret, struct dm_err *e)
{
	if (!strncmp(path, "postgresql:", 11) || !strncmp(path, "postgres:", 9))
		return dm_fail(e, DM_EINPUT, "--db %s: this build has no PostgreSQL backend", path);
	return store_sqlite_ops.open(path, ret, e);
}

#define OPS(s) (*(const struct store_ops *const *)(s))
void store_close(struct store *s) { if (s) OPS(s)->close(s); }
int store_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id)
{
	return OPS(s)->run_begin(s, kind, args, started, ret_id);
}
int store_run_get(struct store *s, int64_t id, struct run_info *ret) { return OPS(s)->run_get(s, id, ret); }
int store_run_finish(struct store *s, int64_t id, const char *status, double finished)
{
	return OPS(s)->run_finish(s, id, status, finished);
}
int store_save_results(struct store *s, int64_t run, const struct resultset *rs) { return OPS(s)->save_results(s, run, rs); }
int store_load_results(struct store *s, int64_t run, struct resultset *rs) { return OPS(s)->load_results(s, run, rs); }
int store_runs_list(struct store *s, struct run_info **ret, size_t *n) { return OPS(s)->runs_list(s, ret, n); }
const char *store_errmsg(struct store *s) { return OPS(s)->errmsg(s); }
int store_vuln_begin(struct store *s) { return OPS(s)->vuln_begin(s); }
int store_vuln_end(struct store *s, bool commit) { return OPS(s)->vuln_end(s, commit); }
int store_vuln_put_cve(struct store *s, const struct vuln_cve *c, enum vuln_change *ret) { return OPS(s)->vuln_put_cve(s, c, ret); }
int store_vuln_put_kev(struct store *s, const struct vuln_kev *k) { return OPS(s)->vuln_put_kev(s, k); }
int store_vuln_put_epss(struct store *s, const struct vuln_epss *x) { return OPS(s)->vuln_put_epss(s, x); }
int store_vuln_clear_epss(struct store *s) { return OPS(s)->vuln_clear_epss(s); }
int store_vuln_meta_get(struct store *s, const char *key, char *out, size_t n) { return OPS(s)->vuln_meta_get(s, key, out, n); }
int store_vuln_meta_set(struct store *s, const char *key, const char *value) { return OPS(s)->vuln_meta_set(s, key, value); }
int store_vuln_by_product(struct store *s, const char *vendor, const char *product, vuln_info_fn fn, void *ctx)
{
	return OPS(s)->vuln_by_product(s, vendor, product, fn, ctx);
}
int store_vuln_get(struct store *s, int64_t num, vuln_info_fn fn, void *ctx) { return OPS(s)->vuln_get(s, num, fn, ctx); }
int store_vuln_stats(struct store *s, struct vuln_stats *ret) { return OPS(s)->vuln_stats(s, ret); }
int store_vuln_any(struct store *s) { return OPS(s)->vuln_any(s); }
int store_save_findings(struct store *s, int64_t run, struct findings *fs) { return OPS(s)->save_findings(s, run, fs); }
int store_load_findings(struct store *s, int64_t run, struct findings *fs) { return OPS(s)->load_findings(s, run, fs); }

char *store_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char buf[4096];
	if (xdg && *xdg) snprintf(buf, sizeof(buf), "%s/dormant/dormant.db", xdg);
	else snprintf(buf, sizeof(buf), "%s/.local/share/dormant/dormant.db", home && *home ? home : ".");
	return xstrdup(buf);
}
int store_flow_save_hours(struct store *s, int64_t run, const char *digest, const struct flow_hour *v, size_t n,
			  bool *ret_known)
{
	return OPS(s)->flow_save_hours(s, run, digest, v, n, ret_known);
}
int store_flow_coverage(struct store *s, double *first, double *last) { return OPS(s)->flow_coverage(s, first, last); }
int store_flow_host_last_active(struct store *s, const struct ipaddr *host, double before, double *ret)
{
	return OPS(s)->flow_host_last_active(s, host, before, ret);
}
int store_flow_host_hourly_up(struct store *s, const struct ipaddr *host, double from, double to, flow_hour_fn fn,
			      void *ctx)
{
	return OPS(s)->flow_host_hourly_up(s, host, from, to, fn, ctx);
}
int store_flow_host_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx)
{
	return OPS(s)->flow_host_use(s, from, to, fn, ctx);
}
int store_flow_port_use(struct store *s, double from, double to, flow_use_fn fn, void *ctx)
{
	return OPS(s)->flow_port_use(s, from, to, fn, ctx);
}
int store_flow_port_clients(struct store *s, const struct ipaddr *host, uint8_t proto, uint16_t port, double from,
			    double to, flow_use_fn fn, void *ctx)
{
	return OPS(s)->flow_port_clients(s, host, proto, port, from, to, fn, ctx);
}
int store_run_resume(struct store *s, int64_t id) { return OPS(s)->run_resume(s, id); }
int store_read_begin(struct store *s) { return OPS(s)->read_begin(s); }
int store_read_end(struct store *s) { return OPS(s)->read_end(s); }
int store_inventory_replace(struct store *s, const struct inventory *inv, const char *source, double when)
{
	return OPS(s)->inventory_replace(s, inv, source, when);
}
int store_inventory_load(struct store *s, struct inventory *inv) { return OPS(s)->inventory_load(s, inv); }
const unsigned char *store_redact_key(struct store *s) { return OPS(s)->redact_key(s); }
