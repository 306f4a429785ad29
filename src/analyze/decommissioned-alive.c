/* Rule decommissioned-alive: the register says the device was
 * decommissioned, yet it answers. Retired machines keep their old
 * software and old accounts and nobody watches them. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include <stdio.h>

int rule_decommissioned_alive(const struct asset_view *v, struct findings *out)
{
	for (size_t i = 0; i < v->n_present; i++) {
		const struct host_entry *h = v->present[i];
		bool by_mac;
		const struct inv_entry *r = asset_registered(v, h, &by_mac);
		if (!r || r->status != INV_DECOMMISSIONED) continue;
		char ip[IPADDR_STRLEN], ports[200], title[512], rem[640];
		ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
		fmt_presence(v, h, ports, sizeof(ports));
		const char *name = r->hostname[0] ? r->hostname : ip;
		snprintf(title, sizeof(title), "Decommissioned %.40s %.60s %s (%.150s)",
			 r->role[0] ? r->role : "device", name, asset_alive_verb(h), ports);
		snprintf(
		    rem, sizeof(rem),
		    "Power off %s (%s%s) and remove it from the network: the register (line %u) lists it as "
		    "decommissioned. Wipe its disks and revoke its accounts and certificates%s%s.",
		    name, ip, by_mac ? ", found by its MAC" : "", r->line,
		    r->owner[0] ? "; owner on record: " : "", r->owner);
		struct buf b = BUF_INIT;
		ev_presence(&b, v, h);
		ev_register_row(&b, r);
		if (by_mac) ev_bool(&b, "matched_by_mac", true);
		if (v->have_flows) ev_use(&b, v, asset_host_use(v, &h->h.ip));
		add_host_finding(out, "decommissioned-alive", SEV_HIGH, (double)asset_open_ports(h), &h->h.ip,
				 title, &b, rem, h->h.ts, h->h.ts);
	}
	return 0;
}
