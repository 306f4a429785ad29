/* "flow" JSON Lines records (docs/ARCHITECTURE.md), with what the first packets said. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Formatted by hand into one line buffer: `flows -oJ` writes a record per
 * flow, and printf's parsing of the format was most of its cost. */
static char *put_s(char *o, const char *s)
{
	size_t n = strlen(s);
	memcpy(o, s, n);
	return o + n;
}

static char *put_u(char *o, unsigned long long v)
{
	char t[24];
	int i = 0;
	do t[i++] = (char)('0' + v % 10);
	while (v /= 10);
	while (i) *o++ = t[--i];
	return o;
}

static void put_str_or_null(struct buf *b, const char *key, const char *v)
{
	char k[32] = ",\"";
	char *o = put_s(k + 2, key);
	o = put_s(o, "\":");
	buf_append(b, k, (size_t)(o - k));
	if (v)
		json_put_str(b, v);
	else
		buf_append(b, "null", 4);
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
	char line[512], *o = line; /* the fixed part: at most about 400 bytes */
	o = put_s(o, "{\"type\":\"flow\",\"ts\":\""), o = put_s(o, end);
	o = put_s(o, "\",\"src\":\""), o = put_s(o, src);
	o = put_s(o, "\",\"dst\":\""), o = put_s(o, dst);
	o = put_s(o, "\",\"sport\":"), o = put_u(o, f->sport);
	o = put_s(o, ",\"dport\":"), o = put_u(o, f->dport);
	o = put_s(o, ",\"proto\":\""), o = put_s(o, proto_label(f->proto, tmp, sizeof(tmp)));
	o = put_s(o, "\",\"start\":\""), o = put_s(o, start);
	o = put_s(o, "\",\"end\":\""), o = put_s(o, end);
	o = put_s(o, "\",\"bytes_out\":"), o = put_u(o, f->bytes_out);
	o = put_s(o, ",\"bytes_in\":"), o = put_u(o, f->bytes_in);
	o = put_s(o, ",\"pkts_out\":"), o = put_u(o, f->pkts_out);
	o = put_s(o, ",\"pkts_in\":"), o = put_u(o, f->pkts_in);
	buf_append(b, line, (size_t)(o - line));
	put_str_or_null(b, "app", f->app);
	put_str_or_null(b, "sni", f->sni);
	put_str_or_null(b, "country", f->country);
	put_str_or_null(b, "name", f->name);
	put_str_or_null(b, "ja3", f->ja3);
	put_str_or_null(b, "ja4", f->ja4);
	put_str_or_null(b, "alpn", f->alpn);
	put_str_or_null(b, "ssh_client", f->ssh_client);
	put_str_or_null(b, "ssh_server", f->ssh_server);
	o = line;
	if (f->proto == IPPROTO_TCP) {
		o = put_s(o, ",\"tcp_flags_out\":"), o = put_u(o, f->flags_out);
		o = put_s(o, ",\"tcp_flags_in\":"), o = put_u(o, f->flags_in);
	}
	if (f->entropy >= 0) { /* tenths, as %.1f of entropy / 10 prints them */
		o = put_s(o, ",\"entropy\":"), o = put_u(o, (unsigned)f->entropy / 10);
		*o++ = '.', *o++ = (char)('0' + f->entropy % 10);
	}
	buf_append(b, line, (size_t)(o - line));
	put_str_or_null(b, "end_reason", f->end_reason);
	return buf_puts(b, "}\n");
}
