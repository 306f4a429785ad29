/* "flow" JSON Lines records (docs/ARCHITECTURE.md), with what the first packets said. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <netinet/in.h>

static void put_str_or_null(struct buf *b, const char *key, const char *v)
{
	buf_printf(b, ",\"%s\":", key);
	if (v)
		json_put_str(b, v);
	else
		buf_puts(b, "null");
}

static const char *proto_label(uint8_t p, char *tmp, size_t n)
{
	if (p == IPPROTO_TCP) return "tcp";
	if (p == IPPROTO_UDP) return "udp";
	if (p == IPPROTO_ICMP) return "icmp";
	if (p == IPPROTO_ICMPV6) return "icmp6";
	snprintf(tmp, n, "%u", p);
	return tmp;
}

int flow_json(struct buf *b, const struct obs_flow *f)
{
	char src[IPADDR_STRLEN], dst[IPADDR_STRLEN], start[40], end[40], tmp[8];
	ipaddr_fmt(&f->src, src, sizeof(src));
	ipaddr_fmt(&f->dst, dst, sizeof(dst));
	fmt_rfc3339(f->start, start, sizeof(start));
	fmt_rfc3339(f->end, end, sizeof(end));
	buf_printf(b,
		   "{\"type\":\"flow\",\"ts\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\",\"sport\":%u,\"dport\":%u,"
		   "\"proto\":\"%s\","
		   "\"start\":\"%s\",\"end\":\"%s\",\"bytes_out\":%llu,\"bytes_in\":%llu,\"pkts_out\":%llu,"
		   "\"pkts_in\":%llu",
		   end, src, dst, f->sport, f->dport, proto_label(f->proto, tmp, sizeof(tmp)), start, end,
		   (unsigned long long)f->bytes_out, (unsigned long long)f->bytes_in,
		   (unsigned long long)f->pkts_out, (unsigned long long)f->pkts_in);
	put_str_or_null(b, "app", f->app);
	put_str_or_null(b, "sni", f->sni);
	put_str_or_null(b, "country", f->country);
	put_str_or_null(b, "name", f->name);
	put_str_or_null(b, "ja3", f->ja3);
	put_str_or_null(b, "ja4", f->ja4);
	put_str_or_null(b, "alpn", f->alpn);
	put_str_or_null(b, "ssh_client", f->ssh_client);
	put_str_or_null(b, "ssh_server", f->ssh_server);
	if (f->proto == IPPROTO_TCP)
		buf_printf(b, ",\"tcp_flags_out\":%u,\"tcp_flags_in\":%u", f->flags_out, f->flags_in);
	if (f->entropy >= 0) buf_printf(b, ",\"entropy\":%.1f", f->entropy / 10.0);
	put_str_or_null(b, "end_reason", f->end_reason);
	return buf_puts(b, "}\n");
}
