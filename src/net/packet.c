/* Frame construction and decoding for IPv4 over Ethernet. */
#include "net/packet.h"
#include "base/err.h"
#include <arpa/inet.h>
#include <string.h>

static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

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
	memcpy(b, l2->dst, 6);
	memcpy(b + 6, l2->src, 6);
	put16(b + 12, 0x0800);
	uint8_t *ip = b + 14;
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + l4len));
	put16(ip + 4, ipid);
	put16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, saddr);
	put32(ip + 16, daddr);
	put16(ip + 10, inet_checksum(ip, 20, 0));
	return 34;
}

static size_t pad(uint8_t *buf, size_t len)
{
	if (len < 60) {
		memset(buf + len, 0, 60 - len);
		len = 60;
	}
	return len;
}

size_t frame_tcp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint16_t sport,
		 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t ipid)
{
	size_t tl = (flags & TH_SYN) ? 24 : 20;
	size_t off = eth_ip(buf, l2, saddr, daddr, 6, tl, ipid);
	uint8_t *t = buf + off;
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((tl / 4) << 4);
	t[13] = flags;
	put16(t + 14, 1024);
	put16(t + 16, 0);
	put16(t + 18, 0);
	if (tl == 24) {
		t[20] = 2, t[21] = 4; /* MSS */
		put16(t + 22, 1460);
	}
	uint32_t pseudo = (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + 6 + (uint32_t)tl;
	put16(t + 16, inet_checksum(t, tl, pseudo));
	return pad(buf, off + tl);
}

size_t frame_icmp(uint8_t *buf, const struct l2 *l2, uint32_t saddr, uint32_t daddr, uint8_t type,
		  uint16_t id, uint16_t seq, uint16_t ipid)
{
	size_t il = type == 13 ? 20 : 8;
	size_t off = eth_ip(buf, l2, saddr, daddr, 1, il, ipid);
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
	memset(buf, 0xff, 6);
	memcpy(buf + 6, smac, 6);
	put16(buf + 12, 0x0806);
	uint8_t *a = buf + 14;
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6, a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, smac, 6);
	put32(a + 14, sip);
	memset(a + 18, 0, 6);
	put32(a + 24, tip);
	return pad(buf, 42);
}

#define FAIL(msg) do { *why = (msg); return DM_EINPUT; } while (0)

static int decode_l4(const uint8_t *ip, size_t len, struct decoded *d, const char **why)
{
	if (len < 20) FAIL("truncated IPv4 header");
	if ((ip[0] >> 4) != 4) FAIL("not IPv4");
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	if (ihl < 20 || ihl > len) FAIL("bad IPv4 header length");
	size_t tot = get16(ip + 2);
	if (tot < ihl) FAIL("IPv4 total length below header length");
	if (tot < len) len = tot; /* drop Ethernet padding */
	if (get16(ip + 6) & 0x1fff) FAIL("IPv4 fragment");
	d->ttl = ip[8];
	d->proto = ip[9];
	d->saddr = get32(ip + 12);
	d->daddr = get32(ip + 16);
	const uint8_t *l4 = ip + ihl;
	size_t l4len = len - ihl;
	if (d->proto == 6) {
		if (l4len < 20) FAIL("truncated TCP header");
		d->sport = get16(l4);
		d->dport = get16(l4 + 2);
		d->seq = get32(l4 + 4);
		d->ack = get32(l4 + 8);
		d->tcp_flags = l4[13];
	} else if (d->proto == 1) {
		if (l4len < 8) FAIL("truncated ICMP header");
		d->icmp_type = l4[0];
		d->icmp_code = l4[1];
		d->icmp_id = get16(l4 + 4);
		d->icmp_seq = get16(l4 + 6);
		if (d->icmp_type == 3 || d->icmp_type == 11) { /* quotes our header */
			const uint8_t *in = l4 + 8;
			size_t inlen = l4len - 8;
			if (inlen >= 20 && (in[0] >> 4) == 4) {
				size_t inihl = (size_t)(in[0] & 15) * 4;
				if (inihl >= 20 && inlen >= inihl + 4) {
					d->has_inner = true;
					d->in_proto = in[9];
					d->in_saddr = get32(in + 12);
					d->in_daddr = get32(in + 16);
					d->in_sport = get16(in + inihl);
					d->in_dport = get16(in + inihl + 2);
				}
			}
		}
	} else if (d->proto == 17) {
		if (l4len < 8) FAIL("truncated UDP header");
		d->sport = get16(l4);
		d->dport = get16(l4 + 2);
	}
	return 0;
}

int packet_decode(const uint8_t *p, size_t caplen, int linktype, struct decoded *d, const char **why)
{
	static const char *unused;
	if (!why) why = &unused;
	memset(d, 0, sizeof(*d));
	size_t off = 0;
	if (linktype == LINK_ETHERNET) {
		if (caplen < 14) FAIL("truncated Ethernet header");
		memcpy(d->eth_src, p + 6, 6);
		d->ethertype = get16(p + 12);
		off = 14;
		if (d->ethertype == 0x8100) { /* one VLAN tag */
			if (caplen < 18) FAIL("truncated VLAN tag");
			d->ethertype = get16(p + 16);
			off = 18;
		}
	} else if (linktype == LINK_LINUX_SLL) {
		if (caplen < 16) FAIL("truncated cooked header");
		if (get16(p + 4) == 6) memcpy(d->eth_src, p + 6, 6);
		d->ethertype = get16(p + 14);
		off = 16;
	} else {
		FAIL("unsupported link type");
	}
	const uint8_t *l3 = p + off;
	size_t len = caplen - off;
	if (d->ethertype == 0x0806) {
		if (len < 28) FAIL("truncated ARP packet");
		if (get16(l3) != 1 || get16(l3 + 2) != 0x0800 || l3[4] != 6 || l3[5] != 4) FAIL("not Ethernet/IPv4 ARP");
		d->arp_op = get16(l3 + 6);
		memcpy(d->arp_sha, l3 + 8, 6);
		d->arp_spa = get32(l3 + 14);
		d->arp_tpa = get32(l3 + 24);
		return 0;
	}
	if (d->ethertype == 0x0800) return decode_l4(l3, len, d, why);
	FAIL("not IPv4 or ARP");
}
