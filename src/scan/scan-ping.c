/* Ping discovery for routed targets, the probes nmap uses by default: ICMP
 * echo, ICMP timestamp, TCP SYN to 443 and TCP ACK to 80. Any valid answer
 * from the target itself means it is up. Every probe carries a keyed
 * cookie that its reply must echo. */
#include "scan/engine.h"
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <string.h>

enum { PING_ECHO, PING_TSTAMP, PING_SYN443, PING_ACK80, PING_SUBS };
enum { HTTPS_PORT = 443, HTTP_PORT = 80 };
const unsigned ping_subs = PING_SUBS;

static size_t ping_make(const struct engine *en, uint32_t dst, unsigned sub, uint8_t *frame)
{
	struct l2 l2;
	if (!engine_l2(en, dst, &l2)) return 0;
	uint32_t src = en->cfg->src;
	switch (sub) {
	case PING_ECHO:
	case PING_TSTAMP: {
		uint64_t ck = engine_cookie(en, dst, (uint16_t)sub);
		uint8_t type = sub == PING_ECHO ? ICMP_ECHO : ICMP_TIMESTAMP;
		return frame_icmp(frame, &l2, src, dst, type, (uint16_t)ck, (uint16_t)(ck >> 16),
				  (uint16_t)(ck >> 48));
	}
	case PING_SYN443: {
		uint64_t ck = engine_cookie(en, dst, HTTPS_PORT);
		return frame_tcp(frame, &l2, src, dst, engine_sport(ck), HTTPS_PORT, (uint32_t)ck, 0, TH_SYN,
				 (uint16_t)(ck >> 48));
	}
	default: {
		uint64_t ck = engine_cookie(en, dst, HTTP_PORT);
		return frame_tcp(frame, &l2, src, dst, engine_sport(ck), HTTP_PORT, 0, (uint32_t)ck, TH_ACK,
				 (uint16_t)(ck >> 48));
	}
	}
}

static const char *unreach_reason(uint8_t code)
{
	return code == ICMP_PORT_UNREACH   ? "port-unreach"
	       : code == ICMP_PROT_UNREACH ? "proto-unreach"
					   : "host-unreach";
}

static bool ping_classify(const struct engine *en, const struct pkt *d, struct reply *r)
{
	if (d->family != 4 || pkt_ipv4(d->dst) != en->cfg->src) return false;
	uint32_t t = pkt_ipv4(d->src);
	r->target = t;
	r->ttl = d->ttl;
	if (d->proto == IPPROTO_ICMP &&
	    (d->icmp_type == ICMP_ECHOREPLY || d->icmp_type == ICMP_TIMESTAMPREPLY)) {
		unsigned sub = d->icmp_type == ICMP_ECHOREPLY ? PING_ECHO : PING_TSTAMP;
		uint64_t ck = engine_cookie(en, t, (uint16_t)sub);
		if (d->echo_id != (uint16_t)ck || d->echo_seq != (uint16_t)(ck >> 16)) return false;
		r->sub = sub;
		r->how = HOW_ICMP;
		r->reason = sub == PING_ECHO ? "echo-reply" : "timestamp-reply";
		return true;
	}
	if (d->proto == IPPROTO_ICMP && d->icmp_type == ICMP_DEST_UNREACH && d->has_inner &&
	    d->inner.saddr == en->cfg->src && d->inner.daddr == t) {
		/* An unreachable from the target itself: it is there. */
		r->sub = PING_ECHO;
		r->how = HOW_ICMP;
		r->reason = unreach_reason(d->icmp_code);
		return true;
	}
	if (d->proto == IPPROTO_TCP && d->sport == HTTPS_PORT && (d->tcp_flags & (TH_SYN | TH_RST))) {
		uint64_t ck = engine_cookie(en, t, HTTPS_PORT);
		if (d->dport != engine_sport(ck) || d->ack != (uint32_t)ck + 1) return false;
		r->sub = PING_SYN443;
		r->how = HOW_TCP;
		r->reason = (d->tcp_flags & TH_RST) ? "reset" : "syn-ack";
		return true;
	}
	if (d->proto == IPPROTO_TCP && d->sport == HTTP_PORT && (d->tcp_flags & TH_RST)) {
		uint64_t ck = engine_cookie(en, t, HTTP_PORT);
		if (d->dport != engine_sport(ck) || d->seq != (uint32_t)ck) return false;
		r->sub = PING_ACK80;
		r->how = HOW_TCP;
		r->reason = "reset";
		return true;
	}
	return false;
}

const struct probe_module probe_module_ping = {
	.name = "ping",
	.phase = PHASE_PING,
	.filter = "(icmp or tcp) and dst host %1$s",
	.answer_per_target = true,
	.make = ping_make,
	.classify = ping_classify,
};
