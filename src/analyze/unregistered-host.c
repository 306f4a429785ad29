/* Rule unregistered-host: a live host that is not in the asset register,
 * neither by address nor by MAC. Nobody owns it, so nobody patches it:
 * exactly the forgotten box an intruder looks for. Judged only when a
 * register exists. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include <stdio.h>

int rule_unregistered_host(const struct asset_view *v, struct findings *out)
{
	if (!v->n_inv) return 0;
	for (size_t i = 0; i < v->n_present; i++) {
		const struct host_entry *h = v->present[i];
		bool by_mac;
		if (asset_registered(v, h, &by_mac)) continue;
		char ip[IPADDR_STRLEN], ports[200], title[512], rem[512];
		ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
		size_t open = asset_open_ports(h);
		fmt_presence(v, h, ports, sizeof(ports));
		snprintf(title, sizeof(title), "%s but not in the asset register (%.60s%s%.150s)",
			 h->up ? "Alive" : "On the network", h->vendor[0] ? h->vendor : "",
			 h->vendor[0] ? ", " : "", ports);
		snprintf(
		    rem, sizeof(rem),
		    "Find the owner of %s%s%s and add it to the register (owner, role, status), or take it "
		    "off the "
		    "network: a device nobody owns gets no patches and nobody notices when it is taken over.",
		    ip, h->vendor[0] ? ", a " : "", h->vendor);
		struct buf b = BUF_INIT;
		ev_presence(&b, v, h);
		ev_num(&b, "register_entries", (double)v->n_inv);
		const struct flow_use *u = asset_host_use(v, &h->h.ip);
		if (v->have_flows) ev_use(&b, v, u);
		/* what it exposes and whether it is in use decides the order */
		enum severity sev = open ? SEV_MEDIUM : SEV_LOW;
		add_host_finding(out, "unregistered-host", sev, (double)open + (u && u->flows ? 0.5 : 0),
				 &h->h.ip, title, &b, rem, h->h.ts, h->h.ts);
	}
	return 0;
}
