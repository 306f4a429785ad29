/* Frame construction for the scanner's probes: IPv4 over Ethernet, built
 * in place in the send batch; the constant parts are cheap enough to
 * rewrite for every probe. */
#include "net/frame.h"
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <string.h>

enum {
	IPV4_HDR_LEN = 20,
	TCP_HDR_LEN = 20,
	TCP_MSS_LEN = 4,
	ICMP_TSTAMP_LEN = 20,
	ARP_ETH_IP_LEN = 28,
	PROBE_TTL = 64,
	PROBE_WINDOW = 1024,
	PROBE_MSS = 1460
};

static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }

uint16_t inet_checksum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	for (; len > 1; len -= 2, p += 2) sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len) sum += (uint32_t)p[0] << 8;
	while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t eth_ip(uint8_t *b, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint8_t proto,
		     size_t l4len, uint16_t ipid)
{
	memcpy(b, l2->dst, ETHER_ADDR_LEN);
	memcpy(b + ETHER_ADDR_LEN, l2->src, ETHER_ADDR_LEN);
	put16(b + 2 * ETHER_ADDR_LEN, ETHERTYPE_IP);
	uint8_t *ip = b + ETHER_HDR_LEN;
	ip[0] = IPVERSION << 4 | IPV4_HDR_LEN / 4;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(IPV4_HDR_LEN + l4len));
	put16(ip + 4, ipid);
	put16(ip + 6, 0);
	ip[8] = PROBE_TTL;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, saddr);
	put32(ip + 16, daddr);
	put16(ip + 10, inet_checksum(ip, IPV4_HDR_LEN, 0));
	return ETHER_HDR_LEN + IPV4_HDR_LEN;
}

static size_t pad(uint8_t *buf, size_t len)
{
	if (len < ETH_ZLEN) {
		memset(buf + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	return len;
}

size_t frame_tcp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint16_t sport,
		 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t ipid)
{
	size_t tl = (flags & TH_SYN) ? TCP_HDR_LEN + TCP_MSS_LEN : TCP_HDR_LEN;
	size_t off = eth_ip(buf, l2, saddr, daddr, IPPROTO_TCP, tl, ipid);
	uint8_t *t = buf + off;
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((tl / 4) << 4);
	t[13] = flags;
	put16(t + 14, PROBE_WINDOW);
	put16(t + 16, 0);
	put16(t + 18, 0);
	if (tl > TCP_HDR_LEN) {
		t[20] = TCPOPT_MAXSEG, t[21] = TCPOLEN_MAXSEG;
		put16(t + 22, PROBE_MSS);
	}
	uint32_t pseudo = (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + IPPROTO_TCP +
			  (uint32_t)tl;
	put16(t + 16, inet_checksum(t, tl, pseudo));
	return pad(buf, off + tl);
}

size_t frame_icmp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint8_t type,
		  uint16_t id, uint16_t seq, uint16_t ipid)
{
	size_t il = type == ICMP_TIMESTAMP ? ICMP_TSTAMP_LEN : ICMP_MINLEN;
	size_t off = eth_ip(buf, l2, saddr, daddr, IPPROTO_ICMP, il, ipid);
	uint8_t *c = buf + off;
	memset(c, 0, il);
	c[0] = type;
	put16(c + 4, id);
	put16(c + 6, seq);
	put16(c + 2, inet_checksum(c, il, 0));
	return pad(buf, off + il);
}

size_t frame_arp_request(uint8_t *buf, const uint8_t smac[6], uint32_t sip, uint32_t tip)
{
	memset(buf, 0xff, ETHER_ADDR_LEN); /* broadcast */
	memcpy(buf + ETHER_ADDR_LEN, smac, ETHER_ADDR_LEN);
	put16(buf + 2 * ETHER_ADDR_LEN, ETHERTYPE_ARP);
	uint8_t *a = buf + ETHER_HDR_LEN;
	put16(a, ARPHRD_ETHER);
	put16(a + 2, ETHERTYPE_IP);
	a[4] = ETHER_ADDR_LEN, a[5] = 4;
	put16(a + 6, ARPOP_REQUEST);
	memcpy(a + 8, smac, ETHER_ADDR_LEN);
	put32(a + 14, sip);
	memset(a + 18, 0, ETHER_ADDR_LEN);
	put32(a + 24, tip);
	return pad(buf, ETHER_HDR_LEN + ARP_ETH_IP_LEN);
}
