/* Building the scanner's probe frames (Ethernet + IPv4 + TCP/ICMP, ARP)
 * and decoding captured replies. The decoder takes hostile bytes: every
 * length is checked against the capture length, nothing is trusted. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 128

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10 };

struct l2 {
	uint8_t dst[6], src[6];
};

/* TCP probe: SYN (with an MSS option, as real stacks send) or bare ACK. */
size_t frame_tcp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint16_t sport,
		 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t ipid);
/* ICMP echo (type 8) or timestamp (type 13) request. */
size_t frame_icmp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint8_t type,
		  uint16_t id, uint16_t seq, uint16_t ipid);
size_t frame_arp_request(uint8_t *buf, const uint8_t smac[6], uint32_t sip, uint32_t tip);

struct decoded {
	uint16_t ethertype;
	uint8_t eth_src[6];
	/* ARP */
	uint16_t arp_op;
	uint8_t arp_sha[6];
	uint32_t arp_spa, arp_tpa;
	/* IPv4, host order */
	uint32_t saddr, daddr;
	uint8_t proto, ttl;
	/* TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	/* ICMP; for errors, the quoted header of our probe */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	bool has_inner;
	uint32_t in_saddr, in_daddr;
	uint8_t in_proto;
	uint16_t in_sport, in_dport;
};

enum { LINK_ETHERNET = 1, LINK_LINUX_SLL = 113 };

/* 0 on success; DM_EINPUT with *why set for malformed or foreign frames. */
int packet_decode(const uint8_t *p, size_t caplen, int linktype, struct decoded *d, const char **why);
uint16_t inet_checksum(const void *data, size_t len, uint32_t seed);
