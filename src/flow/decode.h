/* Decoding captured packets for the flow table: link layers libpcap hands
 * over (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback),
 * IPv4 and IPv6 (extension headers walked, fragments recognised), TCP,
 * UDP, ICMP. Every length is checked against the captured length. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pkt {
	uint8_t family;        /* 4 or 6 */
	uint8_t proto;         /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, other */
	uint8_t tcp_flags;
	bool fragment;         /* a non-first fragment: addresses only */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint16_t sport, dport; /* ICMP: type and code */
	uint32_t ip_len;       /* bytes on the wire from the IP header on (the IP length field) */
	const uint8_t *payload; /* transport payload as captured */
	uint32_t payload_len;
};

enum decode_result { DECODE_OK = 0, DECODE_NOT_IP, DECODE_BAD };

/* why names what was wrong when the result is DECODE_BAD ("IPv4 header length 3"). */
enum decode_result pkt_decode(int linktype, const uint8_t *p, size_t caplen, struct pkt *out, const char **why);
/* Whether dormant can decode this libpcap link type. */
bool pkt_linktype_supported(int linktype);
