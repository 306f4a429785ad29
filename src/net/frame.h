/* Building the scanner's probe frames: Ethernet + IPv4 + TCP or ICMP, and
 * ARP requests, with their checksums. Replies are read by net/decode.h. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 128

struct l2 {
	uint8_t dst[6], src[6];
};

/* TCP probe: SYN (with an MSS option, as real stacks send) or bare ACK;
 * flags are TH_* of <netinet/tcp.h>. Addresses in host order. */
size_t frame_tcp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint16_t sport,
		 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t ipid);
/* ICMP echo (ICMP_ECHO) or timestamp (ICMP_TIMESTAMP) request. */
size_t frame_icmp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint8_t type,
		  uint16_t id, uint16_t seq, uint16_t ipid);
size_t frame_arp_request(uint8_t *buf, const uint8_t smac[6], uint32_t sip, uint32_t tip);
uint16_t inet_checksum(const void *data, size_t len, uint32_t seed);
