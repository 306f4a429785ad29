/* Rule idle-host: alive, but no traffic of its own in the usage window:
 * nothing it opened (DNS, NTP and similar chatter aside) and nothing
 * anybody opened to it. The old server left running in the machine room.
 * Judged only when the stored traffic covers the scanned hosts. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include <stdio.h>

int rule_idle_host(const struct asset_view *v, struct findings *out)
{
	if (!v->have_flows) return 0;
	const struct resultset *rs = v->in->scan;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *h = &rs->hosts[i];
		if (!h->up || !asset_is_ours(v, h)) continue;
		const struct flow_use *u = asset_host_use(v, &h->h.ip);
		if (u && u->flows) continue;
		bool by_mac;
		const struct inv_entry *r = asset_registered(v, h, &by_mac);
		char ip[IPADDR_STRLEN], ports[160], title[512], rem[640], since[64];
		ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
		fmt_open_ports(h, 4, ports, sizeof(ports));
		if (u && u->last > 0)
			snprintf(since, sizeof(since), "%.1f days", (v->win_to - u->last) / 86400);
		else
			snprintf(since, sizeof(since), "the %.1f days of the records", v->covered_days);
		const char *name = r && r->hostname[0] ? r->hostname : ip;
		snprintf(title, sizeof(title), "Idle: %.60s has had no traffic of its own for %s (%.100s)",
			 name, since, ports);
		snprintf(rem, sizeof(rem),
			 "Ask %s whether %s (%s) is still needed. If not, shut it down and mark it "
			 "decommissioned in the "
			 "register; if it is, keep it patched and watched, since an unused machine is where "
			 "an intruder "
			 "hides.",
			 r && r->owner[0] ? r->owner : "its owner", name, ip);
		struct buf b = BUF_INIT;
		ev_presence(&b, v, h); /* a lease shows it powered on and renewing, yet unused */
		ev_use(&b, v, u);
		if (r) ev_register_row(&b, r);
		size_t open = asset_open_ports(h);
		add_host_finding(out, "idle-host", open ? SEV_MEDIUM : SEV_LOW, (double)open, &h->h.ip, title,
				 &b, rem, h->h.ts, h->h.ts);
	}
	return 0;
}
