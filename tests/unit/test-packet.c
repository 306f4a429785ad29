/* net/frame and net/decode: frames we build decode back to what we put in;
 * the same packet reads the same through every link type; truncated and
 * lying frames are rejected with a reason, and no prefix of a frame is
 * read past its end (each is decoded from a heap copy of exactly its
 * length, which the sanitizer build checks); the scanner's probe modules
 * accept their replies and nothing else. */
#include "test.h"
#include "base/err.h"
#include "net/decode.h"
#include "net/frame.h"
#include "scan/engine.h"
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <pcap/dlt.h>
#include <stdlib.h>
#include <sys/socket.h>

static const struct l2 l2 = { { 2, 0, 0, 0, 0, 2 }, { 2, 0, 0, 0, 0, 1 } };
enum { LINKTYPE_RAW = 101, DLT_RAW_OPENBSD = 14 };

static void syn_round_trip(void)
{
	uint8_t f[FRAME_MAX];
	size_t n = frame_tcp(f, &l2, 0xc6120001, 0xc612000a, 61234, 443, 0xdeadbeef, 0, TH_SYN, 77);
	CHECK_INT(n, 60);
	struct pkt d;
	const char *why = NULL;
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, &why), 0);
	CHECK_INT(d.ethertype, ETHERTYPE_IP);
	CHECK_INT(d.family, 4);
	CHECK(pkt_ipv4(d.src) == 0xc6120001 && pkt_ipv4(d.dst) == 0xc612000a);
	CHECK_INT(d.proto, IPPROTO_TCP);
	CHECK_INT(d.ttl, 64);
	CHECK_INT(d.sport, 61234);
	CHECK_INT(d.dport, 443);
	CHECK(d.seq == 0xdeadbeef);
	CHECK_INT(d.tcp_flags, TH_SYN);
	CHECK_INT(d.ip_len, 44);
	CHECK_INT(d.payload_len, 0); /* the Ethernet padding is not payload */
	CHECK(d.has_mac && !memcmp(d.mac_src, l2.src, 6));
	CHECK_INT(inet_checksum(f + 14, 20, 0), 0); /* IPv4 header checksum verifies */
	uint32_t pseudo = (0xc6120001 >> 16) + (0xc6120001 & 0xffff) + (0xc612000a >> 16) +
			  (0xc612000a & 0xffff) + 6 + 24;
	CHECK_INT(inet_checksum(f + 34, 24, pseudo), 0); /* TCP checksum verifies */
}

static void icmp_and_arp(void)
{
	uint8_t f[FRAME_MAX];
	struct pkt d;
	size_t n = frame_icmp(f, &l2, 1, 2, ICMP_TIMESTAMP, 0x1234, 0x5678, 1);
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK_INT(d.proto, IPPROTO_ICMP);
	CHECK_INT(d.icmp_type, ICMP_TIMESTAMP);
	CHECK_INT(d.echo_id, 0x1234);
	CHECK_INT(d.echo_seq, 0x5678);
	CHECK_INT(d.sport, 0); /* ICMP has no ports */
	CHECK_INT(inet_checksum(f + 34, 20, 0), 0);
	n = frame_arp_request(f, l2.src, 0xc6120001, 0xc6120014);
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK_INT(d.ethertype, ETHERTYPE_ARP);
	CHECK_INT(d.family, 0);
	CHECK_INT(d.arp_op, ARPOP_REQUEST);
	CHECK(d.arp.spa == 0xc6120001 && d.arp.tpa == 0xc6120014);
	CHECK(!memcmp(d.arp.sha, l2.src, 6));
}

/* An ICMP port unreachable from dst quoting our SYN to port 8080. */
static size_t unreachable_for_probe(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t port)
{
	uint8_t probe[FRAME_MAX];
	frame_tcp(probe, &l2, src, dst, sport, port, 1, 0, TH_SYN, 0);
	struct l2 back = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } };
	memset(f, 0, FRAME_MAX);
	frame_icmp(f, &back, dst, src, ICMP_ECHO, 0, 0, 9);
	f[34] = ICMP_DEST_UNREACH, f[35] = ICMP_PORT_UNREACH;
	memcpy(f + 42, probe + 14, 28); /* the quoted IPv4 header and 8 bytes of TCP */
	f[16] = 0, f[17] = 20 + 8 + 28;
	return 14 + 20 + 8 + 28;
}

static void icmp_error_quotes_probe(void)
{
	uint8_t f[FRAME_MAX];
	size_t n = unreachable_for_probe(f, 0xc6120001, 0xc612000a, 61000, 8080);
	struct pkt d;
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK_INT(d.icmp_type, ICMP_DEST_UNREACH);
	CHECK_INT(d.icmp_code, ICMP_PORT_UNREACH);
	CHECK(d.has_inner);
	CHECK_INT(d.inner.proto, IPPROTO_TCP);
	CHECK_INT(d.inner.dport, 8080);
	CHECK_INT(d.inner.sport, 61000);
	CHECK(d.inner.saddr == 0xc6120001 && d.inner.daddr == 0xc612000a);
	/* a quote too short for the ports: still an ICMP error, without inner */
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n - 6, &d, NULL), 0);
	CHECK(!d.has_inner);
}

/* IPv6 + TCP SYN 2001:db8::1 port 40000 -> 2001:db8::2 port 22. */
static size_t ipv6_syn(uint8_t *p)
{
	memset(p, 0, 60);
	p[0] = 0x60, p[5] = 20, p[6] = IPPROTO_TCP, p[7] = 63;
	p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
	p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 2;
	p[40] = 0x9c, p[41] = 0x40, p[43] = 22, p[52] = 0x50, p[53] = TH_SYN;
	return 60;
}

struct link {
	const char *name;
	int dlt;
	int tags;    /* Ethernet: VLAN tags */
	uint32_t af; /* loopback: the family written, 0 = the usual for the version */
	size_t hdr;  /* link header bytes */
	bool mac;    /* the decoder finds a source MAC */
};

static const struct link links[] = {
	{ "ethernet", DLT_EN10MB, 0, 0, 14, true },
	{ "vlan", DLT_EN10MB, 1, 0, 18, true },
	{ "qinq", DLT_EN10MB, 2, 0, 22, true },
	{ "sll", DLT_LINUX_SLL, 0, 0, 16, true },
	{ "sll2", DLT_LINUX_SLL2, 0, 0, 20, true },
	{ "raw", DLT_RAW, 0, 0, 0, false },
	{ "linktype-raw", LINKTYPE_RAW, 0, 0, 0, false },
	{ "raw-openbsd", DLT_RAW_OPENBSD, 0, 0, 0, false },
	{ "ipv4", DLT_IPV4, 0, 0, 0, false },
	{ "ipv6", DLT_IPV6, 0, 0, 0, false },
	{ "null", DLT_NULL, 0, 0, 4, false },
	{ "null-swapped", DLT_NULL, 0, 1, 4, false },
	{ "null-darwin", DLT_NULL, 0, 30, 4, false },
	{ "null-freebsd", DLT_NULL, 0, 28, 4, false },
	{ "loop", DLT_LOOP, 0, 0, 4, false },
	{ "loop-bsd", DLT_LOOP, 0, 24, 4, false },
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* The IP packet ip (version 4 or 6) behind link l's header; returns the frame's length. */
static size_t wrap(const struct link *l, const uint8_t *ip, size_t n, uint8_t *out)
{
	uint16_t et = (ip[0] >> 4) == 4 ? ETHERTYPE_IP : ETHERTYPE_IPV6;
	uint32_t af = (ip[0] >> 4) == 4 ? 2 : l->af > 1 ? l->af : AF_INET6;
	memset(out, 0, l->hdr);
	switch (l->dlt) {
	case DLT_EN10MB:
		memcpy(out, l2.dst, 6);
		memcpy(out + 6, l2.src, 6);
		for (int t = 0; t < l->tags; t++) /* QinQ: the outer tag is 802.1ad */
			put16(out + 12 + 4 * t, t == 0 && l->tags == 2 ? ETH_P_8021AD : ETHERTYPE_VLAN);
		put16(out + 12 + 4 * l->tags, et);
		break;
	case DLT_LINUX_SLL:
		put16(out + 2, ARPHRD_ETHER);
		put16(out + 4, 6);
		memcpy(out + 6, l2.src, 6);
		put16(out + 14, et);
		break;
	case DLT_LINUX_SLL2:
		put16(out, et);
		put16(out + 8, ARPHRD_ETHER);
		out[11] = 6;
		memcpy(out + 12, l2.src, 6);
		break;
	case DLT_NULL: /* written on a little-endian machine, or (af 1) a big-endian one */
		if (l->af == 1)
			out[3] = (uint8_t)af;
		else
			out[0] = (uint8_t)af;
		break;
	case DLT_LOOP: out[3] = (uint8_t)af; break;
	}
	memcpy(out + l->hdr, ip, n);
	return l->hdr + n;
}

static void every_link_type(void)
{
	uint8_t v4[FRAME_MAX], v6[64], f[128];
	frame_tcp(v4, &l2, 0xc6120001, 0xc612000a, 61234, 443, 7, 0, TH_SYN, 1);
	size_t n6 = ipv6_syn(v6);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		const struct link *l = &links[i];
		CHECK(pkt_link_supported(l->dlt));
		for (int v = 4; v <= 6; v += 2) {
			size_t n = v == 4 ? wrap(l, v4 + 14, 44, f) : wrap(l, v6, n6, f);
			struct pkt d;
			const char *why = "";
			int r = pkt_decode(l->dlt, f, n, &d, &why);
			if (r != 0) printf("    %s IPv%d: %s\n", l->name, v, why);
			CHECK_INT(r, 0);
			CHECK_INT(d.family, v);
			CHECK_INT(d.ethertype, v == 4 ? ETHERTYPE_IP : ETHERTYPE_IPV6);
			CHECK_INT(d.proto, IPPROTO_TCP);
			CHECK_INT(d.tcp_flags, TH_SYN);
			CHECK_INT(d.sport, v == 4 ? 61234 : 40000);
			CHECK_INT(d.dport, v == 4 ? 443 : 22);
			CHECK_INT(d.ip_len, v == 4 ? 44 : 60);
			CHECK_INT(d.ttl, v == 4 ? 64 : 63);
			CHECK_INT(d.src[v == 4 ? 3 : 15], 1);
			CHECK_INT(d.dst[v == 4 ? 3 : 15], v == 4 ? 10 : 2);
			CHECK_INT(d.has_mac, l->mac);
			if (l->mac) CHECK(!memcmp(d.mac_src, l2.src, 6));
		}
	}
	CHECK(!pkt_link_supported(105)); /* 802.11 */
}

/* Every prefix of a whole frame is damaged (the SYN's TCP header with its
 * MSS option ends the frame), named, and read only within its length. */
static void every_prefix_is_rejected(void)
{
	uint8_t v4[FRAME_MAX], v6[64], f[128];
	frame_tcp(v4, &l2, 0xc6120001, 0xc612000a, 61234, 443, 7, 0, TH_SYN, 1);
	size_t n6 = ipv6_syn(v6);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		for (int v = 4; v <= 6; v += 2) {
			size_t n = v == 4 ? wrap(&links[i], v4 + 14, 44, f) : wrap(&links[i], v6, n6, f);
			for (size_t k = 0; k <= n; k++) {
				uint8_t *c = malloc(k ? k : 1);
				memcpy(c, f, k);
				struct pkt d;
				const char *why = NULL;
				int r = pkt_decode(links[i].dlt, c, k, &d, &why);
				free(c);
				if (k == n) {
					CHECK_INT(r, 0);
				} else if (r != DM_EINPUT || !why) {
					printf("    %s IPv%d cut at %zu: %d\n", links[i].name, v, k, r);
					CHECK(r == DM_EINPUT && why);
				}
			}
		}
	}
}

struct bad_case {
	const char *why;
	size_t at; /* byte of the Ethernet + IPv4 + TCP SYN frame to change */
	uint8_t value;
	size_t len; /* bytes captured; 0: the whole frame */
	size_t at2; /* a second byte to change, 0: none */
	uint8_t value2;
};

static void lying_lengths_are_named(void)
{
	static const struct bad_case cases[] = {
		{ "Ethernet header truncated", 0, 0, 10 },
		{ "IPv4 header truncated", 0, 0, 30 },
		{ "IPv4 version field is not 4", 14, 0x65, 0 },
		{ "IPv4 header length below 5", 14, 0x43, 0 },
		{ "IPv4 total length shorter than its header", 17, 19, 0 },
		{ "IPv4 header longer than the capture", 14, 0x4f, 40, 17, 60 },
		{ "TCP header truncated", 17, 30, 0 }, /* the total length cuts the TCP header */
		{ "TCP data offset below 5", 46, 0x20, 0 },
		{ "TCP header longer than the packet", 46, 0xf0, 0 },
		{ "UDP header truncated", 23, IPPROTO_UDP, 38 },
		{ "ICMP header truncated", 23, IPPROTO_ICMP, 38 },
		{ "VLAN tag truncated", 12, 0x81, 16, 13, 0 }, /* ETHERTYPE_VLAN */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t f[FRAME_MAX];
		size_t n = frame_tcp(f, &l2, 1, 2, 3, 4, 5, 6, TH_SYN, 7);
		f[cases[i].at] = cases[i].value;
		if (cases[i].at2) f[cases[i].at2] = cases[i].value2;
		struct pkt d;
		const char *why = NULL;
		CHECK_INT(pkt_decode(DLT_EN10MB, f, cases[i].len ? cases[i].len : n, &d, &why), DM_EINPUT);
		CHECK_STR(why, cases[i].why);
	}
	uint8_t f[FRAME_MAX];
	size_t n = frame_tcp(f, &l2, 1, 2, 3, 4, 5, 6, TH_SYN, 7);
	struct pkt d;
	const char *why = NULL;
	CHECK_INT(pkt_decode(105, f, n, &d, &why), DM_EINPUT);
	CHECK_STR(why, "unsupported link type");
	CHECK_INT(pkt_decode(DLT_LINUX_SLL, f, 15, &d, &why), DM_EINPUT);
	CHECK_STR(why, "Linux cooked header truncated");
	CHECK_INT(pkt_decode(DLT_LINUX_SLL2, f, 19, &d, &why), DM_EINPUT);
	CHECK_STR(why, "Linux cooked v2 header truncated");
	CHECK_INT(pkt_decode(DLT_NULL, f, 3, &d, &why), DM_EINPUT);
	CHECK_STR(why, "loopback header truncated");
	CHECK_INT(pkt_decode(DLT_RAW, f, 0, &d, &why), DM_EINPUT);
	CHECK_STR(why, "empty packet");
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0); /* why may be NULL */
}

static void not_ip_is_well_formed(void)
{
	uint8_t f[FRAME_MAX];
	size_t n = frame_tcp(f, &l2, 1, 2, 3, 4, 5, 6, TH_SYN, 7);
	struct pkt d;
	f[12] = 0x88, f[13] = 0xcc; /* LLDP */
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK_INT(d.family, 0);
	CHECK_INT(d.ethertype, 0x88cc);
	CHECK_INT(pkt_decode(DLT_RAW, f + 14 + 20, 20, &d, NULL), 0); /* a TCP header: version field 0 */
	CHECK_INT(d.family, 0);
	uint8_t lo[8] = { 7, 0, 0, 0, 0x45 }; /* loopback, an unknown family */
	CHECK_INT(pkt_decode(DLT_NULL, lo, sizeof(lo), &d, NULL), 0);
	CHECK_INT(d.family, 0);
	/* ARP of other hardware: well formed, not read */
	n = frame_arp_request(f, l2.src, 1, 2);
	f[15] = ARPHRD_IEEE802;
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK_INT(d.arp_op, 0);
	f[15] = ARPHRD_ETHER;
	const char *why = NULL;
	CHECK_INT(pkt_decode(DLT_EN10MB, f, 14 + 20, &d, &why), DM_EINPUT);
	CHECK_STR(why, "ARP packet truncated");
	CHECK_INT(pkt_decode(DLT_EN10MB, f, 14 + 4, &d, &why), DM_EINPUT);
	CHECK_STR(why, "ARP header truncated");
}

static void ipv6_extension_headers_and_fragments(void)
{
	/* IPv6, hop-by-hop options (8 bytes), then TCP */
	uint8_t p[40 + 8 + 20] = { 0x60 };
	p[4] = 0, p[5] = 28, p[6] = IPPROTO_HOPOPTS, p[7] = 64;
	p[40] = IPPROTO_TCP, p[41] = 0; /* next TCP, length (0+1)*8 */
	p[48] = 0x9c, p[49] = 0x40, p[50] = 0, p[51] = 22, p[60] = 0x50, p[61] = TH_SYN;
	struct pkt k;
	const char *why = NULL;
	CHECK_INT(pkt_decode(DLT_RAW, p, sizeof(p), &k, &why), 0);
	CHECK_INT(k.family, 6);
	CHECK_INT(k.proto, IPPROTO_TCP);
	CHECK_INT(k.dport, 22);
	CHECK_INT(k.tcp_flags, TH_SYN);
	CHECK_INT(k.ip_len, 68);
	/* an extension header claiming more than there is */
	p[41] = 9;
	CHECK_INT(pkt_decode(DLT_RAW, p, sizeof(p), &k, &why), DM_EINPUT);
	CHECK_STR(why, "IPv6 extension header longer than the packet");
	CHECK_INT(pkt_decode(DLT_RAW, p, 44, &k, &why), DM_EINPUT);
	CHECK_STR(why, "IPv6 extension header truncated");
	/* a fragment header: the first fragment is read, a later one gives addresses only */
	p[6] = IPPROTO_FRAGMENT, p[41] = 0;
	CHECK_INT(pkt_decode(DLT_RAW, p, sizeof(p), &k, &why), 0);
	CHECK(!k.fragment);
	CHECK_INT(k.dport, 22);
	p[43] = 0x08; /* offset 1 */
	CHECK_INT(pkt_decode(DLT_RAW, p, sizeof(p), &k, &why), 0);
	CHECK(k.fragment);
	CHECK_INT(k.proto, IPPROTO_TCP);
	CHECK_INT(k.dport, 0);
	CHECK_INT(pkt_decode(DLT_RAW, p, 44, &k, &why), DM_EINPUT);
	CHECK_STR(why, "IPv6 fragment header truncated");
	/* IPv4 non-first fragment: addresses, no ports */
	uint8_t q[28] = { 0x45, 0, 0, 28, 0, 1, 0x00, 0x10, 64, IPPROTO_UDP };
	q[12] = 10, q[15] = 1, q[16] = 10, q[19] = 2;
	CHECK_INT(pkt_decode(DLT_RAW, q, sizeof(q), &k, &why), 0);
	CHECK(k.fragment);
	CHECK_INT(k.proto, IPPROTO_UDP);
	CHECK_INT(k.sport, 0);
	CHECK(k.payload == NULL);
}

static void icmpv6_and_udp_payload(void)
{
	uint8_t p[40 + 8 + 4] = { 0x60 };
	p[5] = 8, p[6] = IPPROTO_ICMPV6, p[7] = 255;
	p[40] = ICMP6_ECHO_REPLY, p[44] = 0x12, p[45] = 0x34, p[47] = 9;
	struct pkt k;
	const char *why = NULL;
	CHECK_INT(pkt_decode(DLT_IPV6, p, 48, &k, &why), 0);
	CHECK_INT(k.proto, IPPROTO_ICMPV6);
	CHECK_INT(k.icmp_type, ICMP6_ECHO_REPLY);
	CHECK_INT(k.echo_id, 0x1234);
	CHECK_INT(k.echo_seq, 9);
	CHECK_INT(pkt_decode(DLT_IPV6, p, 44, &k, &why), DM_EINPUT);
	CHECK_STR(why, "ICMPv6 header truncated");
	/* UDP with 4 bytes of payload in a padded Ethernet frame: the padding is not payload */
	uint8_t f[60] = { 0 };
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45, ip[3] = 20 + 8 + 4, ip[8] = 64, ip[9] = IPPROTO_UDP;
	ip[21] = 53, ip[23] = 53, ip[25] = 12;
	memcpy(ip + 28, "abcd", 4);
	CHECK_INT(pkt_decode(DLT_EN10MB, f, sizeof(f), &k, &why), 0);
	CHECK_INT(k.payload_len, 4);
	CHECK(k.payload == ip + 28);
	/* the same struct reused for IPv6 then IPv4: no field of the first survives */
	CHECK_INT(pkt_decode(DLT_IPV6, p, 48, &k, &why), 0);
	memset(&k.src, 0xee, sizeof(k.src));
	CHECK_INT(pkt_decode(DLT_EN10MB, f, sizeof(f), &k, &why), 0);
	for (int i = 4; i < 16; i++) CHECK_INT(k.src[i] | k.dst[i], 0);
	CHECK_INT(k.icmp_type, 0);
	CHECK_INT(k.sport, 53);
}

/* The probe modules accept the reply to a probe of theirs and nothing
 * else: decoded replies through classify, as the engine's receiver does. */
static void probe_modules_classify(void)
{
	struct engine_config cfg = { .src = 0xc6120001, .key = { 1, 2 } };
	static const uint16_t ports[] = { 22, 8080 };
	cfg.ports = ports;
	cfg.subs = 2;
	struct engine *en = calloc(1, sizeof(*en));
	en->cfg = &cfg;
	memset(en->port_index, 0xff, sizeof(en->port_index));
	en->port_index[22] = 0, en->port_index[8080] = 1;
	CHECK_INT(probe_module_arp.phase, PHASE_ARP);
	CHECK_INT(probe_module_ping.phase, PHASE_PING);
	CHECK_INT(probe_module_syn.phase, PHASE_SYN);

	uint32_t t = 0xc612000a;
	uint64_t ck = engine_cookie(en, t, 8080);
	uint8_t f[FRAME_MAX];
	struct l2 back = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } };
	size_t n =
	    frame_tcp(f, &back, t, cfg.src, 8080, engine_sport(ck), 99, (uint32_t)ck + 1, TH_SYN | TH_ACK, 0);
	struct pkt d;
	struct reply r = { 0 };
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK(probe_module_syn.classify(en, &d, &r));
	CHECK(r.target == t && r.sub == 1 && r.is_port && r.state == PORT_OPEN);
	CHECK(!probe_module_ping.classify(en, &d, &r)); /* not a reply to a ping probe */
	CHECK(!probe_module_arp.classify(en, &d, &r));
	/* the wrong acknowledgement: someone else's connection */
	n = frame_tcp(f, &back, t, cfg.src, 8080, engine_sport(ck), 99, (uint32_t)ck + 2, TH_SYN | TH_ACK, 0);
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK(!probe_module_syn.classify(en, &d, &r));
	/* the ICMP error quoting the probe: filtered */
	n = unreachable_for_probe(f, cfg.src, t, engine_sport(ck), 8080);
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	memset(&r, 0, sizeof(r));
	CHECK(probe_module_syn.classify(en, &d, &r));
	CHECK(r.target == t && r.sub == 1 && r.state == PORT_FILTERED);
	CHECK_STR(r.reason, "port-unreach");
	/* ping: an echo reply carrying the cookie */
	uint64_t pk = engine_cookie(en, t, 0);
	n = frame_icmp(f, &back, t, cfg.src, ICMP_ECHOREPLY, (uint16_t)pk, (uint16_t)(pk >> 16), 0);
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK(probe_module_ping.classify(en, &d, &r));
	CHECK_STR(r.reason, "echo-reply");
	CHECK(!probe_module_syn.classify(en, &d, &r));
	/* ARP: a reply to our address */
	n = frame_arp_request(f, back.src, t, cfg.src);
	f[21] = ARPOP_REPLY;
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK(probe_module_arp.classify(en, &d, &r));
	CHECK(r.target == t && r.has_mac && !memcmp(r.mac, back.src, 6));
	f[21] = ARPOP_REQUEST;
	CHECK_INT(pkt_decode(DLT_EN10MB, f, n, &d, NULL), 0);
	CHECK(!probe_module_arp.classify(en, &d, &r));
	free(en);
}

SUITE(suite_packet, "packet", T(syn_round_trip), T(icmp_and_arp), T(icmp_error_quotes_probe),
      T(every_link_type), T(every_prefix_is_rejected), T(lying_lengths_are_named), T(not_ip_is_well_formed),
      T(ipv6_extension_headers_and_fragments), T(icmpv6_and_udp_payload), T(probe_modules_classify));
