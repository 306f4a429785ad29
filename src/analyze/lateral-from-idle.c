/* Rule lateral-from-idle: a host that was idle for the configured window
 * and, after waking, connects into a protected segment of the config (one
 * it is not itself in). The seed case: an idle test device used as a
 * springboard into the core network. */
#include "analyze/traffic-util.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

int rule_lateral_from_idle(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	bool any_protected = false;
	for (size_t i = 0; i < in->cfg->n_segments; i++) any_protected |= in->cfg->segments[i].protected_;
	if (!any_protected) return 0;
	struct wakeup *w;
	size_t n = find_wakeups(in, &w);
	uint32_t *idx = NULL;
	size_t ni = n ? flows_by_source(in, NULL, &idx) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct segment *home = site_segment_of(in->cfg, &w[i].host, false);
		double next_wake = w[i].woke + 1e18;
		if (i + 1 < n && !ipaddr_cmp(&w[i + 1].host, &w[i].host)) next_wake = w[i + 1].woke;
		/* per segment reached: the connections after waking */
		for (size_t sg = 0; sg < in->cfg->n_segments; sg++) {
			const struct segment *seg = &in->cfg->segments[sg];
			if (!seg->protected_ || seg == home) continue;
			size_t conns = 0, failed = 0, n_targets = 0;
			struct ipaddr targets[16];
			uint16_t ports[16];
			size_t n_ports = 0;
			double first = 0, last = 0;
			uint64_t up = 0;
			for (size_t k = source_position(fs, idx, ni, &w[i].host, w[i].woke); k < ni; k++) {
				const struct flowrec *r = &fs->v[idx[k]];
				if (ipaddr_cmp(&r->src, &w[i].host) || r->start >= next_wake) break;
				/* asking the core's resolver or clock is not moving into it */
				if (!cidr_list_contains(&seg->cidrs, &r->dst) || flow_is_background(r))
					continue;
				if (!conns++) first = r->start;
				if (r->end > last) last = r->end;
				failed += flow_is_failed(r);
				up += r->bytes_out;
				size_t t = 0;
				while (t < n_targets && ipaddr_cmp(&targets[t], &r->dst)) t++;
				if (t == n_targets && n_targets < ARRAY_SIZE(targets))
					targets[n_targets++] = r->dst;
				size_t p = 0;
				while (p < n_ports && ports[p] != r->dport) p++;
				if (p == n_ports && n_ports < ARRAY_SIZE(ports)) ports[n_ports++] = r->dport;
			}
			if (!conns) continue;
			char host[IPADDR_STRLEN], title[512], rem[512];
			ipaddr_fmt(&w[i].host, host, sizeof(host));
			snprintf(title, sizeof(title),
				 "Idle host woke and connected into protected segment %s (%zu connections to "
				 "%zu hosts)",
				 seg->name, conns, n_targets);
			snprintf(rem, sizeof(rem),
				 "Treat %s as compromised until shown otherwise: disconnect it, check the "
				 "%zu hosts it reached in "
				 "segment %s for logins and changes since %s's wake-up, and allow the "
				 "segment only from the hosts "
				 "that need it.",
				 host, n_targets, seg->name, host);
			struct buf b = BUF_INIT;
			buf_putc(&b, '{');
			ev_str(&b, "segment", seg->name);
			ev_str(&b, "from_segment", home ? home->name : NULL);
			ev_time(&b, "quiet_since", w[i].quiet_since);
			ev_time(&b, "woke", w[i].woke);
			buf_printf(&b, ",\"connections\":%zu,\"failed\":%zu,\"bytes_out\":%llu,\"targets\":[",
				   conns, failed, (unsigned long long)up);
			for (size_t t = 0; t < n_targets; t++) {
				char a[IPADDR_STRLEN];
				ipaddr_fmt(&targets[t], a, sizeof(a));
				buf_printf(&b, "%s\"%s\"", t ? "," : "", a);
			}
			buf_puts(&b, "],\"ports\":[");
			for (size_t p = 0; p < n_ports; p++) buf_printf(&b, "%s%u", p ? "," : "", ports[p]);
			buf_puts(&b, "]");
			ev_time(&b, "first", first);
			ev_time(&b, "last", last);
			add_host_finding(out, "lateral-from-idle", SEV_CRITICAL, (double)conns, &w[i].host,
					 title, &b, rem, first, last);
		}
	}
	free(idx);
	free(w);
	return 0;
}
