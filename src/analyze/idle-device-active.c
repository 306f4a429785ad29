/* Rule idle-device-active: an internal host with no traffic of its own
 * (background chatter such as DNS and NTP aside) for the configured window
 * that starts opening connections. The silence is judged against what the
 * records cover: this input and the stored history before it. */
#include "analyze/traffic-util.h"
#include "base/util.h"
#include <stdio.h>

int rule_idle_device_active(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	struct wakeup *w;
	size_t n = find_wakeups(in, &w);
	uint32_t *idx = NULL;
	size_t ni = n ? flows_by_source(in, NULL, &idx) : 0;
	for (size_t i = 0; i < n; i++) {
		/* what it did in the hour after waking */
		size_t flows = 0;
		uint64_t up = 0, down = 0;
		struct ipaddr peers[8];
		size_t n_peers = 0;
		double last = w[i].woke;
		for (size_t k = source_position(fs, idx, ni, &w[i].host, w[i].woke); k < ni; k++) {
			const struct flowrec *r = &fs->v[idx[k]];
			if (ipaddr_cmp(&r->src, &w[i].host) || r->start > w[i].woke + 3600) break;
			if (flow_is_background(r)) continue;
			flows++;
			up += r->bytes_out;
			down += r->bytes_in;
			if (r->end > last) last = r->end;
			size_t p = 0;
			while (p < n_peers && ipaddr_cmp(&peers[p], &r->dst)) p++;
			if (p == n_peers && n_peers < ARRAY_SIZE(peers)) peers[n_peers++] = r->dst;
		}
		const struct flowrec *f0 = &fs->v[w[i].first_flow];
		char host[IPADDR_STRLEN], dst[IPADDR_STRLEN], title[512], rem[512];
		ipaddr_fmt(&w[i].host, host, sizeof(host));
		ipaddr_fmt(&f0->dst, dst, sizeof(dst));
		double quiet_days = (w[i].woke - w[i].quiet_since) / 86400;
		snprintf(title, sizeof(title), "Idle for %.1f days, then opened connections (first to %s:%u)",
			 quiet_days, dst, f0->dport);
		snprintf(rem, sizeof(rem),
			 "Find out who woke %s and why (logins, scheduled tasks, its owner); a forgotten "
			 "device that starts "
			 "talking is a classic springboard: if no owner claims it, disconnect it.",
			 host);
		struct buf b = BUF_INIT;
		buf_putc(&b, '{');
		ev_time(&b, "quiet_since", w[i].quiet_since);
		buf_printf(&b, ",\"quiet_days\":%.2f,\"window_days\":%g,\"quiet_since_records_began\":%s",
			   quiet_days, in->cfg->window_days, w[i].never_seen ? "true" : "false");
		ev_time(&b, "woke", w[i].woke);
		ev_addr(&b, "first_dst", &f0->dst);
		buf_printf(&b,
			   ",\"first_dport\":%u,\"flows_first_hour\":%zu,\"bytes_out\":%llu,\"bytes_in\":%"
			   "llu,\"peers\":[",
			   f0->dport, flows, (unsigned long long)up, (unsigned long long)down);
		for (size_t p = 0; p < n_peers; p++) {
			char a[IPADDR_STRLEN];
			ipaddr_fmt(&peers[p], a, sizeof(a));
			buf_printf(&b, "%s\"%s\"", p ? "," : "", a);
		}
		buf_puts(&b, "]");
		add_host_finding(out, "idle-device-active", SEV_MEDIUM, quiet_days, &w[i].host, title, &b,
				 rem, w[i].woke, last);
	}
	free(idx);
	free(w);
	return 0;
}
