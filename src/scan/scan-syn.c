/* The stateless SYN scan: a SYN per (target, port) whose sequence number
 * and source port are a keyed cookie of the pair. A SYN-ACK acknowledging
 * cookie+1 means open, a matching RST closed, an ICMP unreachable quoting
 * our probe filtered; anything that does not check out is ignored. */
#include "scan/engine.h"
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <string.h>

static size_t syn_make(const struct engine *en, uint32_t dst, unsigned sub, uint8_t *frame)
{
	struct l2 l2;
	if (!engine_l2(en, dst, &l2)) return 0;
	uint16_t port = en->cfg->ports[sub];
	uint64_t ck = engine_cookie(en, dst, port);
	return frame_tcp(frame, &l2, en->cfg->src, dst, engine_sport(ck), port, (uint32_t)ck, 0, TH_SYN,
			 (uint16_t)(ck >> 48));
}

static const char *unreach_reason(uint8_t code)
{
	if (code == ICMP_PORT_UNREACH) return "port-unreach";
	if (code == ICMP_NET_ANO || code == ICMP_HOST_ANO || code == ICMP_PKT_FILTERED)
		return "admin-prohibited";
	return "host-unreach";
}

static bool syn_classify(const struct engine *en, const struct pkt *d, struct reply *r)
{
	if (d->family != 4 || pkt_ipv4(d->dst) != en->cfg->src) return false;
	uint32_t from = pkt_ipv4(d->src);
	if (d->proto == IPPROTO_TCP) {
		if (en->port_index[d->sport] < 0) return false;
		uint64_t ck = engine_cookie(en, from, d->sport);
		if (d->dport != engine_sport(ck) || d->ack != (uint32_t)ck + 1) return false;
		if ((d->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
			r->state = PORT_OPEN;
			r->reason = "syn-ack";
		} else if (d->tcp_flags & TH_RST) {
			r->state = PORT_CLOSED;
			r->reason = "reset";
		} else {
			return false;
		}
		r->target = from;
		r->sub = (unsigned)en->port_index[d->sport];
		r->is_port = true;
		r->ttl = d->ttl;
		return true;
	}
	if (d->proto == IPPROTO_ICMP && d->icmp_type == ICMP_DEST_UNREACH && d->has_inner &&
	    d->inner.proto == IPPROTO_TCP && d->inner.saddr == en->cfg->src) {
		if (en->port_index[d->inner.dport] < 0) return false;
		uint64_t ck = engine_cookie(en, d->inner.daddr, d->inner.dport);
		if (d->inner.sport != engine_sport(ck)) return false;
		r->target = d->inner.daddr;
		r->sub = (unsigned)en->port_index[d->inner.dport];
		r->is_port = true;
		r->state = PORT_FILTERED;
		r->reason = unreach_reason(d->icmp_code);
		r->ttl = d->ttl;
		return true;
	}
	return false;
}

const struct probe_module probe_module_syn = {
	.name = "syn",
	.phase = PHASE_SYN,
	.filter = "((tcp and dst portrange 61000-65535) or icmp) and dst host %1$s",
	.answer_per_target = false,
	.make = syn_make,
	.classify = syn_classify,
};
