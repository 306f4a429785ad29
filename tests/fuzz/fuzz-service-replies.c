/* Fuzz target: what a service may send back. The first byte picks the
 * parser (HTTP/RTSP, Telnet, SNMP v1/v2c and v3, or a UDP reply on a chosen port, also
 * read as a STUN response); the rest is the reply. */
#include "fuzz.h"
#include "probe/services.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	static const uint16_t udp_ports[] = { 161, 1900, 3702, 5353, 123, 53, 9, 137 };
	switch (data[0] % 5) {
	case 0: {
		struct http_resp r;
		http_parse_response(p, n, data[0] & 4, &r);
		break;
	}
	case 1: {
		uint8_t text[4096], reply[512];
		size_t rl;
		telnet_strip(p, n, text, sizeof(text), reply, sizeof(reply), &rl);
		break;
	}
	case 2: {
		struct snmp_values v;
		snmp_parse_response(p, n, &v);
		uint8_t id[32];
		size_t idn;
		snmp_parse_engine_id(p, n, id, &idn);
		break;
	}
	case 4: {
		/* a TCP protocol's own reading of the bytes: on_data, then finish */
		static const struct proto_ops *const protos[] = { &proto_banner, &proto_http,  &proto_rtsp,
								  &proto_mqtt,   &proto_redis, &proto_sslv3,
								  &proto_favicon };
		const struct proto_ops *ops = protos[(data[0] >> 3) % 7];
		struct svc s = { 0 };
		s.out.ip = ipaddr_v4(0xc6120001);
		s.out.port = 80;
		struct pconn c = { .fd = -1, .svc = &s, .ops = ops, .cap = 8192 };
		c.rbuf = malloc(c.cap + 1);
		c.rlen = n < c.cap ? n : c.cap;
		memcpy(c.rbuf, p, c.rlen);
		c.rbuf[c.rlen] = 0;
		if (c.rlen) {
			int r = ops->on_data(&c);
			ops->finish(&c, r != PR_FAIL);
		}
		free(c.rbuf);
		/* what the engine keeps of the replies for nmap's matches (services.c frees it) */
		free(s.banner_raw);
		free(s.http_raw);
		break;
	}
	default: {
		struct obs_service sv;
		struct ipaddr ip = ipaddr_v4(0xc6120001);
		services_identify_udp(NULL, &ip, udp_ports[(data[0] >> 2) % 8], p, n, &sv);
		/* a reply to one of nmap-payloads' requests (STUN) */
		struct svc us = { 0 };
		svc_udp_payload_reply(&us, p, n);
		break;
	}
	}
	return 0;
}
