/* The walk of the configured network devices (pipeline/netdev.h): the
 * safety rules on their addresses, then probe/netdev-snmp.c per device. */
#include "pipeline/netdev.h"
#include "base/log.h"
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
