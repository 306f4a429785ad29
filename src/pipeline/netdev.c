/* The walk of the configured network devices (pipeline/netdev.h): the
 * safety rules on their addresses, then probe/netdev-snmp.c per device. */
#include "pipeline/netdev.h"
#include "analyze/assets.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "probe/netdev-snmp.h"
#include <stdlib.h>
#include <string.h>

static bool is_public(const struct ipaddr *a)
{
	return a->family == AF_INET ? ipv4_is_public(a->v4) : ipv6_is_public(&a->v6);
}

int netdev_collect(const struct netdev_confs *c, const char *only, bool allow_public,
		   struct netdev_result **ret, size_t *ret_n, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (only && strcmp(c->v[i].name, only)) continue;
		n++;
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&c->v[i].addr, ip, sizeof(ip));
		if (is_public(&c->v[i].addr) && !allow_public)
			return dm_fail(e, DM_EINPUT, "[netdev %s]: %s is a public address (--allow-public)",
				       c->v[i].name, ip);
	}
	if (only && !n) return dm_fail(e, DM_EINPUT, "--device %s: no [netdev %s] section", only, only);
	if (!n) return 0;
	struct netdev_result *rs = xcalloc(n, sizeof(*rs));
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (only && strcmp(c->v[i].name, only)) continue;
		struct netdev_result *r = &rs[k++];
		netdev_walk(&c->v[i], r);
		if (!r->ok)
			log_warn("netdev: %s", r->error);
		else
			log_info("netdev: %s: %zu interfaces, %zu ARP, %zu FDB, %zu LLDP rows in %.1f s",
				 c->v[i].name, r->n_ifs, r->n_arp, r->n_fdb, r->n_lldp, r->ts - r->started);
	}
	*ret = rs;
	*ret_n = n;
	return 0;
}

void netdev_results_free(struct netdev_result *rs, size_t n)
{
	for (size_t i = 0; i < n; i++) netdev_result_release(&rs[i]);
	free(rs);
}

int netdev_judge(struct store *st, const struct site_config *cfg, const struct netdev_result *rs, size_t n,
		 struct findings *out, struct dm_err *e)
{
	struct inventory inv = { 0 };
	struct resultset none = { 0 };
	int r;
	if ((r = store_inventory_load(st, &inv, e)) < 0) return r;
	if (!inv.n)
		log_info("netdev: no asset register ('dormant inventory import'): unregistered devices are "
			 "not judged");
	struct netdev_rules_input ni = {
		.cfg = cfg, .nv = { rs, n }, .inv = &inv, .store = st, .now = now_real()
	};
	if ((r = store_read_begin(st, e)) < 0) goto out;
	r = analyze_netdev(&ni, out, e);
	store_read_end(st, NULL);
	if (r < 0) goto out;
	/* no scan and no traffic here: the hosts are those of the ARP tables */
	struct asset_input ai = { .cfg = cfg, .scan = &none, .inv = &inv, .now = ni.now, .netdev = { rs, n } };
	r = analyze_assets(&ai, "unregistered-host,decommissioned-alive,expired-test-device", out, NULL, e);
out:
	inventory_release(&inv);
	resultset_release(&none);
	return r;
}

int netdev_run_save(struct store *st, const char *args, double started, const struct netdev_result *rs,
		    size_t n, struct findings *fs, int64_t *ret_run, struct dm_err *e)
{
	int64_t run = 0;
	int r;
	if ((r = store_run_begin(st, "netdev", args, started, &run, e)) < 0) return r;
	if ((r = store_netdev_save(st, run, rs, n, e)) < 0 || (r = store_save_findings(st, run, fs, e)) < 0 ||
	    (r = store_run_finish(st, run, "done", now_real(), e)) < 0)
		return r;
	*ret_run = run;
	return 0;
}
