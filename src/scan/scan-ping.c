/* Ping discovery for routed targets, the probes nmap uses by default: ICMP
 * echo, ICMP timestamp, TCP SYN to 443 and TCP ACK to 80. Any valid answer
 * from the target itself means it is up. Every probe carries a keyed
 * cookie that its reply must echo. */
#include "scan/engine.h"
#include <string.h>

enum { PING_ECHO, PING_TSTAMP, PING_SYN443, PING_ACK80, PING_SUBS };
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
		return frame_icmp(frame, &l2, src, dst, sub == PING_ECHO ? 8 : 13, (uint16_t)ck, (uint16_t)(ck >> 16),
				  (uint16_t)(ck >> 48));
	}
	case PING_SYN443: {
		uint64_t ck = engine_cookie(en, dst, 443);
		return frame_tcp(frame, &l2, src, dst, engine_sport(ck), 443, (uint32_t)ck, 0, TH_SYN, (uint16_t)(ck >> 48));
	}
	default: {
		uint64_t ck = engine_cookie(en, dst, 80);
		return frame_tcp(frame, &l2, src, dst, engine_sport(ck), 80, 0, (uint32_t)ck, TH_ACK, (uint16_t)(ck >> 48));
	}
	}
}

static bool ping_classify(const struct engine *en, const struct decoded *d, struct reply *r)
{
	if (d->ethertype != 0x0800 || d->daddr != en->cfg->src) return false;
	uint32_t t = d->saddr;
	r->target = t;
	r->ttl = d->ttl;
	if (d->proto == 1 && (d->icmp_type == 0 || d->icmp_type == 14)) {
		unsigned sub = d->icmp_type == 0 ? PING_ECHO : PING_TSTAMP;
		uint64_t ck = engine_cookie(en, t, (uint16_t)sub);
		if (d->icmp_id != (uint16_t)ck || d->icmp_seq != (uint16_t)(ck >> 16)) return false;
		r->sub = sub;
		r->how = HOW_ICMP;
		r->reason = sub == PING_ECHO ? "echo-reply" : "timestamp-reply";
		return true;
	}
	if (d->proto == 1 && d->icmp_type == 3 && d->has_inner && d->in_saddr == en->cfg->src && d->in_daddr == t) {
		/* An unreachable from the target itself: it is there. */
		r->sub = PING_ECHO;
		r->how = HOW_ICMP;
		r->reason = d->icmp_code == 3 ? "port-unreach" : d->icmp_code == 2 ? "proto-unreach" : "host-unreach";
		return true;
	}
	if (d->proto == 6 && d->sport == 443 && (d->tcp_flags & (TH_SYN | TH_RST))) {
		uint64_t ck = engine_cookie(en, t, 443);
		if (d->dport != engine_sport(ck) || d->ack != (uint32_t)ck + 1) return false;
		r->sub = PING_SYN443;
		r->how = HOW_TCP;
		r->reason = (d->tcp_flags & TH_RST) ? "reset" : "syn-ack";
		return true;
	}
	if (d->proto == 6 && d->sport == 80 && (d->tcp_flags & TH_RST)) {
		uint64_t ck = engine_cookie(en, t, 80);
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
	.filter = "(icmp or tcp) and dst host %1$s",
	.answer_per_target = true,
	.make = ping_make,
	.classify = ping_classify,
};
