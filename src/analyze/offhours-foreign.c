/* Rule offhours-foreign-encrypted: an internal host that sends encrypted
 * traffic (TLS, SSH, a high-entropy unknown payload, or an encrypted-only
 * port when the records carry no payload) to countries outside the home
 * countries, outside business hours in the site's time zone, and uploads
 * more than it downloads. Downloads at night (updates, backups pulled in)
 * are not the pattern; uploads are. One finding per host. */
#include "analyze/traffic-util.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

#define MIN_UPLOAD 262144ull                   /* in all, with upload > download */
#define SESSION_UPLOAD OFFHOURS_SESSION_UPLOAD /* one session this large is enough */
#define HIGH_UPLOAD 10485760ull

static bool candidate(const struct traffic_input *in, const struct flowrec *r)
{
	return is_outbound_external(in, r) && is_foreign(in, r) && flow_is_encrypted(r) &&
	       !flow_is_failed(r) && !site_is_business_time(in->cfg, r->start);
}

static void judge(const struct traffic_input *in, const uint32_t *idx, size_t n, struct findings *out)
{
	const struct flowset *fs = in->flows;
	uint64_t up = 0, down = 0, biggest = 0;
	struct ipaddr addrs[32];
	size_t n_addrs = 0, more = 0;
	char ccs[96] = "", names[512] = "";
	int dport = -1; /* the sessions' one destination port; 0 when they differ */
	for (size_t i = 0; i < n; i++) {
		const struct flowrec *r = &fs->v[idx[i]];
		dport = dport < 0 || dport == r->dport ? r->dport : 0;
		up += r->bytes_out;
		down += r->bytes_in;
		if (r->bytes_out > biggest) biggest = r->bytes_out;
		size_t k = 0;
		while (k < n_addrs && ipaddr_cmp(&addrs[k], &r->dst)) k++;
		if (k == n_addrs) {
			if (n_addrs < ARRAY_SIZE(addrs))
				addrs[n_addrs++] = r->dst;
			else
				more++;
		}
		if (!strstr(ccs, r->cc) && strlen(ccs) + 4 < sizeof(ccs))
			snprintf(ccs + strlen(ccs), sizeof(ccs) - strlen(ccs), "%s%s", *ccs ? "," : "",
				 r->cc);
		const char *nm = flowset_name(fs, r);
		if (nm && !strstr(names, nm) && strlen(names) + strlen(nm) + 2 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 *names ? "," : "", nm);
	}
	if (!(biggest >= SESSION_UPLOAD || (up >= MIN_UPLOAD && up > down))) return;
	const struct flowrec *r0 = &fs->v[idx[0]];
	double first = r0->start, last = r0->end;
	for (size_t i = 1; i < n; i++) {
		if (fs->v[idx[i]].end > last) last = fs->v[idx[i]].end;
	}
	char upb[32], downb[32], src[IPADDR_STRLEN], title[512], rem[512], when[16];
	fmt_bytes(up, upb, sizeof(upb));
	fmt_bytes(down, downb, sizeof(downb));
	ipaddr_fmt(&r0->src, src, sizeof(src));
	int wday, minute;
	site_local_time(in->cfg, first, &wday, &minute);
	snprintf(when, sizeof(when), "%02u:%02u", (unsigned)minute / 60 % 100, (unsigned)minute % 60);
	snprintf(
	    title, sizeof(title),
	    "Encrypted upload of %s to %s outside business hours (%zu sessions to %zu addresses, from %s)",
	    upb, ccs, n, n_addrs + more, when);
	snprintf(
	    rem, sizeof(rem),
	    "Find what on %s sends encrypted data to %s at night (ss -tnp, the EDR, scheduled tasks); if no "
	    "one "
	    "can name a business reason, isolate the host, block the destinations at the egress and look for "
	    "what was taken.",
	    src, ccs);
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	buf_printf(&b,
		   "\"sessions\":%zu,\"bytes_out\":%llu,\"bytes_in\":%llu,\"upload_ratio\":%.2f,"
		   "\"largest_upload\":%llu,\"addresses_total\":%zu",
		   n, (unsigned long long)up, (unsigned long long)down,
		   down ? (double)up / (double)down : (double)up, (unsigned long long)biggest,
		   n_addrs + more);
	ev_str(&b, "countries", ccs);
	ev_str(&b, "names", *names ? names : NULL);
	/* one port for every session: an allowlist entry's port can cover the finding */
	if (dport > 0) ev_num(&b, "dport", dport);
	buf_puts(&b, ",\"addresses\":[");
	for (size_t i = 0; i < n_addrs; i++) {
		char a[IPADDR_STRLEN];
		ipaddr_fmt(&addrs[i], a, sizeof(a));
		buf_printf(&b, "%s\"%s\"", i ? "," : "", a);
	}
	buf_puts(&b, "]");
	ev_str(&b, "timezone", *in->cfg->timezone ? in->cfg->timezone : "local");
	ev_str(&b, "local_start", when);
	ev_time(&b, "first", first);
	ev_time(&b, "last", last);
	enum severity sev = up >= HIGH_UPLOAD || (n_addrs + more >= 3 && up >= SESSION_UPLOAD) ? SEV_HIGH
											       : SEV_MEDIUM;
	add_host_finding(out, "offhours-foreign-encrypted", sev, (double)up, &r0->src, title, &b, rem, first,
			 last);
}

int rule_offhours_foreign(const struct traffic_input *in, struct findings *out)
{
	if (!in->cfg->n_home) return 0; /* nothing is foreign until home_countries is set */
	each_source(in, candidate, 1, judge, out);
	return 0;
}
