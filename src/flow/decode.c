/* Packet decoding for flows; hostile bytes, checked lengths. */
#include "flow/decode.h"
#include <string.h>

enum {
	DLT_NULL_ = 0, DLT_EN10MB_ = 1, DLT_RAW_A = 12, DLT_RAW_B = 14, DLT_RAW_ = 101, DLT_LOOP_ = 108,
	DLT_LINUX_SLL_ = 113, DLT_IPV4_ = 228, DLT_IPV6_ = 229, DLT_LINUX_SLL2_ = 276,
};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

bool pkt_linktype_supported(int lt)
{
	switch (lt) {
	case DLT_NULL_: case DLT_EN10MB_: case DLT_RAW_A: case DLT_RAW_B: case DLT_RAW_: case DLT_LOOP_:
	case DLT_LINUX_SLL_: case DLT_IPV4_: case DLT_IPV6_: case DLT_LINUX_SLL2_:
		return true;
	}
	return false;
}

static enum decode_result bad(const char **why, const char *w)
{
	if (why) *why = w;
	return DECODE_BAD;
}

static enum decode_result transport(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	switch (o->proto) {
	case 6: {
		if (n < 20) return bad(why, "TCP header truncated");
		size_t hl = (size_t)(p[12] >> 4) * 4;
		if (hl < 20) return bad(why, "TCP data offset below 5");
		if (hl > n) return bad(why, "TCP header longer than the packet");
		o->sport = be16(p);
		o->dport = be16(p + 2);
		o->tcp_flags = p[13];
		o->payload = p + hl;
		o->payload_len = (uint32_t)(n - hl);
		return DECODE_OK;
	}
	case 17:
		if (n < 8) return bad(why, "UDP header truncated");
		o->sport = be16(p);
		o->dport = be16(p + 2);
		o->payload = p + 8;
		o->payload_len = (uint32_t)(n - 8);
		return DECODE_OK;
	case 1:
	case 58:
		if (n < 4) return bad(why, "ICMP header truncated");
		o->sport = p[0];
		o->dport = p[1];
		return DECODE_OK;
	default:
		return DECODE_OK; /* other protocols: a flow by addresses */
	}
}

static enum decode_result ipv4(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < 20) return bad(why, "IPv4 header truncated");
	if (p[0] >> 4 != 4) return bad(why, "IPv4 version field is not 4");
	size_t hl = (size_t)(p[0] & 15) * 4;
	if (hl < 20) return bad(why, "IPv4 header length below 5");
	size_t total = be16(p + 2);
	if (total < hl) return bad(why, "IPv4 total length shorter than its header");
	if (hl > n) return bad(why, "IPv4 header longer than the capture");
	o->family = 4;
	o->proto = p[9];
	memcpy(o->src, p + 12, 4);
	memcpy(o->dst, p + 16, 4);
	o->ip_len = (uint32_t)total;
	/* The captured part may be shorter (snaplen) but never counts past the length field. */
	size_t avail = (total < n ? total : n) - hl;
	uint16_t frag = be16(p + 6);
	if (frag & 0x1fff) {
		o->fragment = true;
		return DECODE_OK;
	}
	return transport(p + hl, avail, o, why);
}

static enum decode_result ipv6(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < 40) return bad(why, "IPv6 header truncated");
	if (p[0] >> 4 != 6) return bad(why, "IPv6 version field is not 6");
	o->family = 6;
	memcpy(o->src, p + 8, 16);
	memcpy(o->dst, p + 24, 16);
	size_t plen = be16(p + 4);
	o->ip_len = (uint32_t)(plen + 40);
	size_t avail = (plen < n - 40 ? plen : n - 40);
	const uint8_t *q = p + 40;
	uint8_t next = p[6];
	/* Extension headers, a bounded number of them. */
	for (int i = 0; i < 8; i++) {
		if (next == 0 || next == 43 || next == 60) {
			if (avail < 8) return bad(why, "IPv6 extension header truncated");
			size_t len = ((size_t)q[1] + 1) * 8;
			if (len > avail) return bad(why, "IPv6 extension header longer than the packet");
			next = q[0];
			q += len;
			avail -= len;
		} else if (next == 44) {
			if (avail < 8) return bad(why, "IPv6 fragment header truncated");
			uint16_t off = be16(q + 2) >> 3;
			next = q[0];
			q += 8;
			avail -= 8;
			if (off) {
				o->proto = next;
				o->fragment = true;
				return DECODE_OK;
			}
		} else {
			break;
		}
	}
	o->proto = next;
	return transport(q, avail, o, why);
}

static enum decode_result by_ethertype(uint16_t et, const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (et == 0x0800) return ipv4(p, n, o, why);
	if (et == 0x86dd) return ipv6(p, n, o, why);
	return DECODE_NOT_IP;
}

static enum decode_result raw_ip(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < 1) return bad(why, "empty packet");
	if (p[0] >> 4 == 4) return ipv4(p, n, o, why);
	if (p[0] >> 4 == 6) return ipv6(p, n, o, why);
	return DECODE_NOT_IP;
}

enum decode_result pkt_decode(int lt, const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	memset(o, 0, offsetof(struct pkt, src));
	o->payload = NULL;
	o->payload_len = 0;
	o->sport = o->dport = 0;
	o->ip_len = 0;
	switch (lt) {
	case DLT_EN10MB_: {
		if (n < 14) return bad(why, "Ethernet header truncated");
		uint16_t et = be16(p + 12);
		size_t off = 14;
		for (int tags = 0; (et == 0x8100 || et == 0x88a8) && tags < 2; tags++) {
			if (n < off + 4) return bad(why, "VLAN tag truncated");
			et = be16(p + off + 2);
			off += 4;
		}
		return by_ethertype(et, p + off, n - off, o, why);
	}
	case DLT_LINUX_SLL_:
		if (n < 16) return bad(why, "Linux cooked header truncated");
		return by_ethertype(be16(p + 14), p + 16, n - 16, o, why);
	case DLT_LINUX_SLL2_:
		if (n < 20) return bad(why, "Linux cooked v2 header truncated");
		return by_ethertype(be16(p), p + 20, n - 20, o, why);
	case DLT_NULL_:
	case DLT_LOOP_: {
		if (n < 4) return bad(why, "loopback header truncated");
		/* the address family, in host order (NULL) or network order (LOOP) */
		uint32_t af = lt == DLT_LOOP_ ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
					      : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
		if (af == 2) return ipv4(p + 4, n - 4, o, why);
		if (af == 10 || af == 24 || af == 28 || af == 30) return ipv6(p + 4, n - 4, o, why);
		if (lt == DLT_NULL_ && (af >> 24 == 2 || af >> 24 == 10 || af >> 24 == 24 || af >> 24 == 28 || af >> 24 == 30))
			return raw_ip(p + 4, n - 4, o, why); /* written on the other endianness */
		return DECODE_NOT_IP;
	}
	case DLT_RAW_A:
	case DLT_RAW_B:
	case DLT_RAW_:
	case DLT_IPV4_:
	case DLT_IPV6_:
		return raw_ip(p, n, o, why);
	}
	return bad(why, "unsupported link type");
}
