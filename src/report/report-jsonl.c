/* JSON Lines: "host" and "port" records as docs/ARCHITECTURE.md fixes them, then one
 * "run" record with the totals. One object per line, stable field names. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "net/route.h"
#include <errno.h>

static void put_ts(struct buf *b, double t)
{
	char ts[40];
	fmt_rfc3339(t, ts, sizeof(ts));
	buf_printf(b, "\"ts\":\"%s\"", ts);
}

int report_jsonl(FILE *f, const struct resultset *rs, const struct report_meta *m)
{
	struct buf b = BUF_INIT;
	size_t up = 0, open = 0;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		if (!he->up) continue;
		up++;
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		buf_reset(&b);
		buf_puts(&b, "{\"type\":\"host\",");
		put_ts(&b, he->h.ts);
		buf_printf(&b, ",\"ip\":\"%s\"", ip);
		if (he->h.has_mac) {
			char mac[24];
			mac_fmt(he->h.mac, mac, sizeof(mac));
			buf_printf(&b, ",\"mac\":\"%s\"", mac);
		} else {
			buf_puts(&b, ",\"mac\":null");
		}
		buf_puts(&b, ",\"vendor\":");
		if (he->vendor[0])
			json_put_str(&b, he->vendor);
		else
			buf_puts(&b, "null");
		buf_printf(&b, ",\"hostname\":null,\"state\":\"up\",\"how\":\"%s\",\"reason\":",
			   host_how_name(he->h.how));
		json_put_str(&b, he->h.reason ? he->h.reason : "");
		buf_printf(&b, ",\"closed\":%llu,\"filtered\":%llu,\"run\":%lld}\n",
			   (unsigned long long)he->closed, (unsigned long long)he->filtered,
			   (long long)m->run_id);
		fwrite(b.data, 1, b.len, f);
		for (size_t j = 0; j < he->n_ports; j++) {
			const struct port_entry *pe = &he->ports[j];
			buf_reset(&b);
			buf_puts(&b, "{\"type\":\"port\",");
			put_ts(&b, pe->ts);
			buf_printf(&b,
				   ",\"ip\":\"%s\",\"port\":%u,\"proto\":\"%s\",\"state\":\"%s\",\"reason\":"
				   "\"%s\",\"ttl\":%u,\"run\":%lld}\n",
				   ip, pe->port, proto_name(pe->proto), port_state_name(pe->state),
				   pe->reason ? pe->reason : "", pe->ttl, (long long)m->run_id);
			fwrite(b.data, 1, b.len, f);
			open += pe->state == PORT_OPEN;
		}
		for (size_t j = 0; j < he->n_svcs; j++) {
			const struct obs_service *sv = &he->svcs[j];
			buf_reset(&b);
			buf_puts(&b, "{\"type\":\"service\",");
			put_ts(&b, sv->ts);
			buf_printf(&b, ",\"ip\":\"%s\",\"port\":%u,\"proto\":\"%s\",", ip, sv->port,
				   proto_name(sv->proto));
			json_service_fields(&b, sv);
			buf_printf(&b, ",\"run\":%lld}\n", (long long)m->run_id);
			fwrite(b.data, 1, b.len, f);
		}
	}
	if (m->findings) report_findings_jsonl(f, m->findings, m->run_id);
	if (m->n_assets) report_assets_jsonl(f, m);
	buf_reset(&b);
	buf_puts(&b, "{\"type\":\"run\",");
	put_ts(&b, m->end);
	buf_printf(&b,
		   ",\"run\":%lld,\"command\":\"%s\",\"scan_type\":\"%s\",\"start\":", (long long)m->run_id,
		   m->command, m->scan_type ? m->scan_type : "");
	char ts[40];
	fmt_rfc3339(m->start, ts, sizeof(ts));
	buf_printf(&b,
		   "\"%s\",\"elapsed\":%.3f,\"targets\":%llu,\"hosts_up\":%zu,\"open_ports\":%zu,\"probes\":%"
		   "llu,\"send_seconds\":%.3f,\"args\":",
		   ts, m->end - m->start, (unsigned long long)m->targets, up, open,
		   (unsigned long long)m->probes, m->send_seconds);
	json_put_str(&b, m->args ? m->args : "");
	/* what the run could not judge: [] when nothing is known to be missing */
	buf_puts(&b, ",\"caveats\":[");
	for (size_t i = 0; m->caveats && i < m->caveats->n; i++) {
		buf_puts(&b, i ? ",{\"code\":" : "{\"code\":");
		json_put_str(&b, m->caveats->v[i].code);
		buf_puts(&b, ",\"text\":");
		json_put_str(&b, m->caveats->v[i].text);
		buf_putc(&b, '}');
	}
	buf_puts(&b, "]}\n");
	fwrite(b.data, 1, b.len, f);
	buf_release(&b);
	return ferror(f) ? -EIO : 0;
}
