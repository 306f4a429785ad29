/* The one decoder of captured frames, shared by the scanner (replies to
 * its probes) and the flow reader (every packet of a capture): the link
 * layers libpcap hands over, ARP, IPv4 and IPv6, TCP, UDP, ICMP and
 * ICMPv6, into one struct. The bytes are hostile: every length is checked
 * against the captured length before it is read. Thread-safe (no state). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One decoded frame. The fields up to seq are set for every frame (zero
 * when the layer is absent); the rest are valid only when a field above
 * says so, because the flow reader decodes millions a second and clears
 * no more than it must. Nothing is copied but fields: payload points into
 * the caller's buffer. */
struct pkt {
	uint16_t ethertype; /* ETHERTYPE_IP, ETHERTYPE_IPV6, ETHERTYPE_ARP, other; 0 unknown (raw link) */
	uint8_t family;     /* 4 or 6 when an IP header was read, else 0 (not IP) */
	uint8_t proto;      /* IPPROTO_*, after IPv6 extension headers */
	uint8_t ttl;        /* IPv4 TTL, IPv6 hop limit */
	uint8_t tcp_flags;  /* TH_* */
	uint8_t icmp_type, icmp_code; /* proto IPPROTO_ICMP or IPPROTO_ICMPV6 */
	bool fragment;                /* a non-first fragment: addresses and proto only */
	bool has_inner;               /* an ICMP error quoting an IPv4 header: inner is set */
	bool has_mac;                 /* mac_src is set */
	uint16_t sport, dport;        /* TCP and UDP, else 0 */
	uint16_t arp_op;              /* ARPOP_*; 0 unless an Ethernet/IPv4 ARP packet was read */
	uint32_t ip_len;              /* bytes on the wire from the IP header on (its length field) */
	uint32_t payload_len;         /* transport payload as captured (TCP and UDP) */
	const uint8_t *payload;       /* NULL when payload_len is 0 */

	uint32_t seq, ack;          /* proto IPPROTO_TCP */
	uint16_t echo_id, echo_seq; /* ICMP and ICMPv6: identifier and sequence of an echo or timestamp */
	uint8_t src[16], dst[16];   /* family 4: the address in the first 4 bytes, the other 12 zero */
	uint8_t mac_src[6];         /* has_mac */
	struct {                    /* has_inner: the header of the packet the error is about, host order */
		uint32_t saddr, daddr;
		uint8_t proto;
		uint16_t sport, dport;
	} inner;
	struct { /* arp_op != 0; addresses in host order */
		uint8_t sha[6];
		uint32_t spa, tpa;
	} arp;
};

/* Decodes one frame of link type dlt (a <pcap/dlt.h> DLT_* value, as
 * pcap_datalink gives it). 0 when the frame is well formed as far as it
 * was read (a frame that is not IP is well formed: family 0); DM_EINPUT
 * when it is damaged or the link type is not one of pkt_link_supported's,
 * with *why (may be NULL) naming what was wrong ("IPv4 header length
 * below 5"); *ret is then partly filled and must not be used. */
int pkt_decode(int dlt, const uint8_t *p, size_t caplen, struct pkt *ret, const char **why);
/* Whether pkt_decode reads this link type. */
bool pkt_link_supported(int dlt);
/* Every link type pkt_decode reads (DLT_* values, as libpcap reports them). */
extern const int pkt_link_types[];
extern const size_t pkt_n_link_types;

/* An IPv4 address of a decoded packet (src, dst) in host order. */
static inline uint32_t pkt_ipv4(const uint8_t a[16])
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}
