/* Rule expired-test-device: a device registered for testing whose expiry
 * date has passed and that still answers: the test box never taken
 * offline. */
#include "analyze/assets.h"
#include "analyze/evidence.h"
#include <stdio.h>

int rule_expired_test_device(const struct asset_view *v, struct findings *out)
{
	for (size_t i = 0; i < v->n_present; i++) {
		const struct host_entry *h = v->present[i];
		bool by_mac;
		const struct inv_entry *r = asset_registered(v, h, &by_mac);
		if (!r || r->status != INV_TEST || r->expires <= 0 || r->expires > v->in->now) continue;
		char ip[IPADDR_STRLEN], ports[200], title[512], rem[640];
		ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
		fmt_presence(v, h, ports, sizeof(ports));
		struct buf b = BUF_INIT;
		ev_presence(&b, v, h);
		ev_register_row(&b, r);
		double days = (v->in->now - r->expires) / 86400;
		ev_num(&b, "days_past_expiry", (double)(int64_t)days);
		if (v->have_flows) ev_use(&b, v, asset_host_use(v, &h->h.ip));
		const char *name = r->hostname[0] ? r->hostname : ip;
		snprintf(title, sizeof(title), "Test device %.60s expired %.0f days ago and %s (%.150s)",
			 name, days, asset_alive_verb(h), ports);
		snprintf(rem, sizeof(rem),
			 "Take %s (%s) offline and wipe it: its test period ended %.0f days ago (register "
			 "line %u)%s%s. If the "
			 "test goes on, set a new expiry date in the register.",
			 name, ip, days, r->line, r->owner[0] ? "; ask its owner, " : "", r->owner);
		size_t open = asset_open_ports(h);
		add_host_finding(out, "expired-test-device", open ? SEV_HIGH : SEV_MEDIUM,
				 days / 30 + (double)open, &h->h.ip, title, &b, rem, h->h.ts, h->h.ts);
	}
	return 0;
}
