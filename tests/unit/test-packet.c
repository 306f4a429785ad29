/* net/packet: frames we build decode back to what we put in; hostile
 * frames are rejected with a reason. */
#include "test.h"
#include "base/err.h"
#include "net/packet.h"

static const struct l2 l2 = { { 2, 0, 0, 0, 0, 2 }, { 2, 0, 0, 0, 0, 1 } };

static void syn_round_trip(void)
{
	uint8_t f[FRAME_MAX];
	size_t n = frame_tcp(f, &l2, 0xc6120001, 0xc612000a, 61234, 443, 0xdeadbeef, 0, TH_SYN, 77);
	CHECK_INT(n, 60);
	struct decoded d;
	const char *why = NULL;
	CHECK_INT(packet_decode(f, n, LINK_ETHERNET, &d, &why), 0);
	CHECK_INT(d.ethertype, 0x0800);
	CHECK(d.saddr == 0xc6120001 && d.daddr == 0xc612000a);
	CHECK_INT(d.proto, 6);
	CHECK_INT(d.sport, 61234);
	CHECK_INT(d.dport, 443);
	CHECK(d.seq == 0xdeadbeef);
	CHECK_INT(d.tcp_flags, TH_SYN);
	CHECK_INT(inet_checksum(f + 14, 20, 0), 0); /* IPv4 header checksum verifies */
	uint32_t pseudo = (0xc6120001 >> 16) + (0xc6120001 & 0xffff) + (0xc612000a >> 16) + (0xc612000a & 0xffff) + 6 + 24;
	CHECK_INT(inet_checksum(f + 34, 24, pseudo), 0); /* TCP checksum verifies */
}

static void icmp_and_arp(void)
{
	uint8_t f[FRAME_MAX];
	struct decoded d;
	size_t n = frame_icmp(f, &l2, 1, 2, 13, 0x1234, 0x5678, 1);
	CHECK_INT(packet_decode(f, n, LINK_ETHERNET, &d, NULL), 0);
	CHECK_INT(d.icmp_type, 13);
	CHECK_INT(d.icmp_id, 0x1234);
	CHECK_INT(d.icmp_seq, 0x5678);
	CHECK_INT(inet_checksum(f + 34, 20, 0), 0);
	n = frame_arp_request(f, l2.src, 0xc6120001, 0xc6120014);
	CHECK_INT(packet_decode(f, n, LINK_ETHERNET, &d, NULL), 0);
	CHECK_INT(d.ethertype, 0x0806);
	CHECK_INT(d.arp_op, 1);
	CHECK(d.arp_spa == 0xc6120001 && d.arp_tpa == 0xc6120014);
}

static void icmp_error_quotes_probe(void)
{
	/* An ICMP port unreachable quoting our SYN. */
	uint8_t probe[FRAME_MAX], f[128] = { 0 };
	frame_tcp(probe, &l2, 0xc6120001, 0xc612000a, 61000, 8080, 1, 0, TH_SYN, 0);
	struct l2 back = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } };
	size_t n = frame_icmp(f, &back, 0xc612000a, 0xc6120001, 3, 0, 0, 9);
	/* rebuild as a 3/3 error with the quoted IPv4 + 8 bytes of TCP */
	f[34] = 3, f[35] = 3;
	memcpy(f + 42, probe + 14, 28);
	f[16] = 0, f[17] = 20 + 8 + 28;
	n = 14 + 20 + 8 + 28;
	struct decoded d;
	CHECK_INT(packet_decode(f, n, LINK_ETHERNET, &d, NULL), 0);
	CHECK(d.has_inner);
	CHECK_INT(d.in_proto, 6);
	CHECK_INT(d.in_dport, 8080);
	CHECK_INT(d.in_sport, 61000);
	CHECK(d.in_daddr == 0xc612000a);
}

static void malformed_frames_are_rejected(void)
{
	uint8_t f[FRAME_MAX];
	struct decoded d;
	const char *why = NULL;
	size_t n = frame_tcp(f, &l2, 1, 2, 3, 4, 5, 6, TH_SYN, 7);
	CHECK_INT(packet_decode(f, 10, LINK_ETHERNET, &d, &why), DM_EINPUT);
	CHECK_STR(why, "truncated Ethernet header");
	CHECK_INT(packet_decode(f, 30, LINK_ETHERNET, &d, &why), DM_EINPUT);
	CHECK_STR(why, "truncated IPv4 header");
	f[14] = 0x4f; /* IHL 60 bytes: longer than the packet */
	CHECK_INT(packet_decode(f, 40, LINK_ETHERNET, &d, &why), DM_EINPUT);
	CHECK_STR(why, "bad IPv4 header length");
	f[14] = 0x45;
	f[16] = 0, f[17] = 30; /* total length cuts the TCP header */
	CHECK_INT(packet_decode(f, n, LINK_ETHERNET, &d, &why), DM_EINPUT);
	CHECK_STR(why, "truncated TCP header");
	f[12] = 0x86, f[13] = 0xdd;
	CHECK_INT(packet_decode(f, n, LINK_ETHERNET, &d, &why), DM_EINPUT);
	CHECK_INT(packet_decode(f, n, 999, &d, &why), DM_EINPUT);
}

SUITE(suite_packet, "packet", T(syn_round_trip), T(icmp_and_arp), T(icmp_error_quotes_probe),
      T(malformed_frames_are_rejected));
