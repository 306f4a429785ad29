/* Rule unused-port: an open port that nobody connected to in the usage
 * window (failed tries and scans do not count). A service nobody uses is
 * all risk and no benefit: close it. Judged only when the stored traffic
 * covers the scanned hosts. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include <stdio.h>

int rule_unused_port(const struct asset_view *v, struct findings *out)
{
	if (!v->have_flows) return 0;
	const struct resultset *rs = v->in->scan;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *h = &rs->hosts[i];
		if (!h->up || !asset_is_ours(v, h)) continue;
		for (size_t j = 0; j < h->n_ports; j++) {
			const struct port_entry *p = &h->ports[j];
			if (p->state != PORT_OPEN) continue;
			const struct flow_use *u = asset_port_use(v, &h->h.ip, p->proto, p->port);
			if (u && u->flows) continue;
			const struct obs_service *s = host_service(h, p->proto, p->port);
			const char *proto = p->proto == PROTO_UDP ? "udp" : "tcp";
			char ip[IPADDR_STRLEN], what[160], title[512], rem[512], since[64];
			ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
			snprintf(what, sizeof(what), "%s%s%s%s%s",
				 s && s->name[0] ? s->name : "unknown service",
				 s && s->product[0] ? ", " : "", s ? s->product : "",
				 s && s->version[0] ? " " : "", s ? s->version : "");
			if (u && u->last > 0)
				snprintf(since, sizeof(since), "%.1f days", (v->win_to - u->last) / 86400);
			else
				snprintf(since, sizeof(since), "the %.1f days of the records",
					 v->covered_days);
			snprintf(title, sizeof(title), "Port %u/%s (%s) is open but nobody used it in %s",
				 p->port, proto, what, since);
			snprintf(rem, sizeof(rem),
				 "Close %u/%s on %s: stop and disable the %s that listens there, or block it "
				 "in the host's "
				 "firewall. Nobody connected to it in the usage window.",
				 p->port, proto, ip, s && s->name[0] ? s->name : "service");
			struct buf b = BUF_INIT;
			buf_putc(&b, '{');
			ev_time(&b, "seen", p->ts > 0 ? p->ts : h->h.ts);
			if (s && s->name[0]) ev_str(&b, "service", s->name);
			if (s && s->product[0]) ev_str(&b, "product", s->product);
			if (s && s->version[0]) ev_str(&b, "version", s->version);
			ev_use(&b, v, u);
			double t = p->ts > 0 ? p->ts : h->h.ts;
			add_port_finding(out, "unused-port", SEV_LOW, u && u->last > 0 ? 1 : 2, &h->h.ip,
					 p->port, p->proto, title, &b, rem, t, t);
		}
	}
	return 0;
}
