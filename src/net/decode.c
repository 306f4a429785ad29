/* Decoding captured frames for the scanner and the flow reader, one layer
 * per function: link (Ethernet with up to two VLAN tags, Linux cooked v1
 * and v2, raw IP, BSD loopback), network (ARP, IPv4, IPv6 with its
 * extension headers walked and fragments recognised), transport (TCP, UDP,
 * ICMP with the header an error quotes, ICMPv6). It is on the flow
 * reader's hot path: no allocation, no copy of the payload, and only the
 * head of struct pkt is cleared. */
#include "net/decode.h"
#include "base/err.h"
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <pcap/dlt.h>
#include <string.h>
#include <sys/socket.h>

/* LINKTYPE_RAW of a pcap file header: libpcap hands it over as DLT_RAW,
 * but a caller reading a header itself may pass it unmapped. OpenBSD's
 * DLT_RAW is 14, which older OpenBSD captures carry in their header and
 * which libpcap passes through unmapped (no Linux link type has it). */
enum { LINKTYPE_RAW = 101, DLT_RAW_OPENBSD = 14 };
/* A BSD loopback header holds the writer's address family: AF_INET is 2
 * everywhere, AF_INET6 is 10 on Linux and differs among the BSDs. */
enum { BSD_AF_INET = 2, BSD_AF_INET6_BSD = 24, BSD_AF_INET6_FREEBSD = 28, BSD_AF_INET6_DARWIN = 30 };
enum {
	SLL_HDR_LEN = 16,
	SLL2_HDR_LEN = 20,
	LOOP_HDR_LEN = 4,
	VLAN_TAG_LEN = 4,
	MAX_VLAN_TAGS = 2, /* 802.1ad: an outer and an inner tag */
	ARP_HDR_LEN = 8,
	ARP_ETH_IP_LEN = 28, /* the fixed header and two Ethernet/IPv4 address pairs */
	IPV4_MIN_HDR = 20,
	IPV6_HDR_LEN = 40,
	IPV6_EXT_MIN = 8,
	MAX_IPV6_EXT = 8, /* extension headers walked before giving up */
	TCP_MIN_HDR = 20,
	UDP_HDR_LEN = 8,
	ICMP6_HDR_LEN = 8,
	QUOTED_PORTS = 4, /* an ICMP error quotes at least 8 bytes of transport; the ports are the first 4 */
};

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }

static int bad(const char **why, const char *w)
{
	if (why) *why = w;
	return DM_EINPUT;
}

static int tcp(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < TCP_MIN_HDR) return bad(why, "TCP header truncated");
	size_t hl = (size_t)(p[12] >> 4) * 4;
	if (hl < TCP_MIN_HDR) return bad(why, "TCP data offset below 5");
	if (hl > n) return bad(why, "TCP header longer than the packet");
	o->sport = be16(p);
	o->dport = be16(p + 2);
	o->seq = be32(p + 4);
	o->ack = be32(p + 8);
	o->tcp_flags = p[13];
	if (n > hl) {
		o->payload = p + hl;
		o->payload_len = (uint32_t)(n - hl);
	}
	return 0;
}

static int udp(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < UDP_HDR_LEN) return bad(why, "UDP header truncated");
	o->sport = be16(p);
	o->dport = be16(p + 2);
	if (n > UDP_HDR_LEN) {
		o->payload = p + UDP_HDR_LEN;
		o->payload_len = (uint32_t)(n - UDP_HDR_LEN);
	}
	return 0;
}

/* The IPv4 header (and the ports) an ICMP error quotes: the packet it is
 * about, which lets the scanner match the error to its probe. A quote too
 * short to hold them is not an error: the message is still an ICMP one. */
static void quoted_ipv4(const uint8_t *q, size_t n, struct pkt *o)
{
	if (n < IPV4_MIN_HDR || q[0] >> 4 != 4) return;
	size_t hl = (size_t)(q[0] & 15) * 4;
	if (hl < IPV4_MIN_HDR || n < hl + QUOTED_PORTS) return;
	o->has_inner = true;
	o->inner.proto = q[9];
	o->inner.saddr = be32(q + 12);
	o->inner.daddr = be32(q + 16);
	o->inner.sport = be16(q + hl);
	o->inner.dport = be16(q + hl + 2);
}

static int icmp(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < ICMP_MINLEN) return bad(why, "ICMP header truncated");
	o->icmp_type = p[0];
	o->icmp_code = p[1];
	o->echo_id = be16(p + 4);
	o->echo_seq = be16(p + 6);
	if (p[0] == ICMP_DEST_UNREACH || p[0] == ICMP_TIME_EXCEEDED)
		quoted_ipv4(p + ICMP_MINLEN, n - ICMP_MINLEN, o);
	return 0;
}

static int icmp6(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < ICMP6_HDR_LEN) return bad(why, "ICMPv6 header truncated");
	o->icmp_type = p[0];
	o->icmp_code = p[1];
	o->echo_id = be16(p + 4);
	o->echo_seq = be16(p + 6);
	return 0;
}

static int transport(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	switch (o->proto) {
	case IPPROTO_TCP: return tcp(p, n, o, why);
	case IPPROTO_UDP: return udp(p, n, o, why);
	case IPPROTO_ICMP: return o->family == 4 ? icmp(p, n, o, why) : 0;
	case IPPROTO_ICMPV6: return o->family == 6 ? icmp6(p, n, o, why) : 0;
	default: return 0; /* another protocol: a flow by addresses */
	}
}

static int ipv4(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < IPV4_MIN_HDR) return bad(why, "IPv4 header truncated");
	if (p[0] >> 4 != 4) return bad(why, "IPv4 version field is not 4");
	size_t hl = (size_t)(p[0] & 15) * 4;
	if (hl < IPV4_MIN_HDR) return bad(why, "IPv4 header length below 5");
	size_t total = be16(p + 2);
	if (total < hl) return bad(why, "IPv4 total length shorter than its header");
	if (hl > n) return bad(why, "IPv4 header longer than the capture");
	o->family = 4;
	o->ttl = p[8];
	o->proto = p[9];
	memcpy(o->src, p + 12, 4);
	memset(o->src + 4, 0, 12);
	memcpy(o->dst, p + 16, 4);
	memset(o->dst + 4, 0, 12);
	o->ip_len = (uint32_t)total;
	if (be16(p + 6) & IP_OFFMASK) {
		o->fragment = true;
		return 0;
	}
	/* The captured part may be shorter (snaplen) but never counts past the
	 * length field: what follows is Ethernet padding. */
	return transport(p + hl, (total < n ? total : n) - hl, o, why);
}

static bool ipv6_ext(uint8_t next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS;
}

static int ipv6(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < IPV6_HDR_LEN) return bad(why, "IPv6 header truncated");
	if (p[0] >> 4 != 6) return bad(why, "IPv6 version field is not 6");
	o->family = 6;
	o->ttl = p[7];
	memcpy(o->src, p + 8, 16);
	memcpy(o->dst, p + 24, 16);
	size_t plen = be16(p + 4);
	o->ip_len = (uint32_t)(plen + IPV6_HDR_LEN);
	size_t avail = plen < n - IPV6_HDR_LEN ? plen : n - IPV6_HDR_LEN;
	const uint8_t *q = p + IPV6_HDR_LEN;
	uint8_t next = p[6];
	for (int i = 0; i < MAX_IPV6_EXT; i++) {
		if (ipv6_ext(next)) {
			if (avail < IPV6_EXT_MIN) return bad(why, "IPv6 extension header truncated");
			size_t len = ((size_t)q[1] + 1) * 8;
			if (len > avail) return bad(why, "IPv6 extension header longer than the packet");
			next = q[0];
			q += len;
			avail -= len;
		} else if (next == IPPROTO_FRAGMENT) {
			if (avail < IPV6_EXT_MIN) return bad(why, "IPv6 fragment header truncated");
			uint16_t off = be16(q + 2) >> 3;
			next = q[0];
			q += IPV6_EXT_MIN;
			avail -= IPV6_EXT_MIN;
			if (off) {
				o->proto = next;
				o->fragment = true;
				return 0;
			}
		} else {
			break;
		}
	}
	o->proto = next;
	return transport(q, avail, o, why);
}

static int arp(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < ARP_HDR_LEN) return bad(why, "ARP header truncated");
	/* ARP for other hardware or protocols is well formed, but not read */
	if (be16(p) != ARPHRD_ETHER || be16(p + 2) != ETHERTYPE_IP || p[4] != ETHER_ADDR_LEN || p[5] != 4)
		return 0;
	if (n < ARP_ETH_IP_LEN) return bad(why, "ARP packet truncated");
	o->arp_op = be16(p + 6);
	memcpy(o->arp.sha, p + 8, ETHER_ADDR_LEN);
	o->arp.spa = be32(p + 14);
	o->arp.tpa = be32(p + 24);
	return 0;
}

static int network(uint16_t et, const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	o->ethertype = et;
	switch (et) {
	case ETHERTYPE_IP: return ipv4(p, n, o, why);
	case ETHERTYPE_IPV6: return ipv6(p, n, o, why);
	case ETHERTYPE_ARP: return arp(p, n, o, why);
	default: return 0; /* not IP */
	}
}

/* Raw IP: the version field says which. */
static int raw_ip(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < 1) return bad(why, "empty packet");
	if (p[0] >> 4 == 4) return network(ETHERTYPE_IP, p, n, o, why);
	if (p[0] >> 4 == 6) return network(ETHERTYPE_IPV6, p, n, o, why);
	return 0;
}

static int ethernet(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < ETHER_HDR_LEN) return bad(why, "Ethernet header truncated");
	memcpy(o->mac_src, p + ETHER_ADDR_LEN, ETHER_ADDR_LEN);
	o->has_mac = true;
	uint16_t et = be16(p + 2 * ETHER_ADDR_LEN);
	size_t off = ETHER_HDR_LEN;
	for (int tags = 0; (et == ETHERTYPE_VLAN || et == ETH_P_8021AD) && tags < MAX_VLAN_TAGS; tags++) {
		if (n < off + VLAN_TAG_LEN) return bad(why, "VLAN tag truncated");
		et = be16(p + off + 2);
		off += VLAN_TAG_LEN;
	}
	return network(et, p + off, n - off, o, why);
}

/* Linux cooked capture v1: packet type, ARPHRD type, address length,
 * address (8 bytes, padded), protocol. */
static int linux_sll(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < SLL_HDR_LEN) return bad(why, "Linux cooked header truncated");
	if (be16(p + 4) == ETHER_ADDR_LEN) {
		memcpy(o->mac_src, p + 6, ETHER_ADDR_LEN);
		o->has_mac = true;
	}
	return network(be16(p + 14), p + SLL_HDR_LEN, n - SLL_HDR_LEN, o, why);
}

/* v2: protocol, reserved, interface index, ARPHRD type, packet type,
 * address length, address (8 bytes, padded). */
static int linux_sll2(const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < SLL2_HDR_LEN) return bad(why, "Linux cooked v2 header truncated");
	if (p[11] == ETHER_ADDR_LEN) {
		memcpy(o->mac_src, p + 12, ETHER_ADDR_LEN);
		o->has_mac = true;
	}
	return network(be16(p), p + SLL2_HDR_LEN, n - SLL2_HDR_LEN, o, why);
}

/* BSD loopback: the address family, in the writer's byte order (DLT_NULL)
 * or in network order (DLT_LOOP). */
static int loopback(int dlt, const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	if (n < LOOP_HDR_LEN) return bad(why, "loopback header truncated");
	uint32_t le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	uint32_t af = dlt == DLT_LOOP ? be32(p) : le;
	if (dlt == DLT_NULL && af > 0xffff) af = __builtin_bswap32(af); /* written on the other byte order */
	p += LOOP_HDR_LEN;
	n -= LOOP_HDR_LEN;
	switch (af) {
	case BSD_AF_INET: return network(ETHERTYPE_IP, p, n, o, why);
	case AF_INET6:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN: return network(ETHERTYPE_IPV6, p, n, o, why);
	default: return 0;
	}
}

const int pkt_link_types[] = { DLT_NULL, DLT_EN10MB,    DLT_RAW,  DLT_RAW_OPENBSD, LINKTYPE_RAW,
			       DLT_LOOP, DLT_LINUX_SLL, DLT_IPV4, DLT_IPV6,        DLT_LINUX_SLL2 };
const size_t pkt_n_link_types = sizeof(pkt_link_types) / sizeof(pkt_link_types[0]);

bool pkt_link_supported(int dlt)
{
	for (size_t i = 0; i < pkt_n_link_types; i++)
		if (pkt_link_types[i] == dlt) return true;
	return false;
}

int pkt_decode(int dlt, const uint8_t *p, size_t n, struct pkt *o, const char **why)
{
	memset(o, 0, offsetof(struct pkt, seq));
	switch (dlt) {
	case DLT_EN10MB: return ethernet(p, n, o, why);
	case DLT_LINUX_SLL: return linux_sll(p, n, o, why);
	case DLT_LINUX_SLL2: return linux_sll2(p, n, o, why);
	case DLT_NULL:
	case DLT_LOOP: return loopback(dlt, p, n, o, why);
	case DLT_RAW:
	case DLT_RAW_OPENBSD:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6: return raw_ip(p, n, o, why);
	}
	return bad(why, "unsupported link type");
}
