/* probe/: the parsers of what services send, and CPE naming. */
#include "test.h"
#include "probe/services.h"
#include "base/datadir.h"
#include "base/err.h"
#include "model/site-config.h"
#include "probe/dns-ptr.h"
#include "probe/names.h"
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

static void http_responses(void)
{
	struct http_resp r;
	const char *a = "HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nWWW-Authenticate: Basic "
			"realm=\"IP Camera\"\r\n"
			"Content-Length: 39\r\n\r\n<html><TITLE>\n  Camera   Login </title>";
	CHECK_INT(http_parse_response((const uint8_t *)a, strlen(a), false, &r), 1);
	CHECK_INT(r.status, 401);
	CHECK_STR(r.server, "App-webs/");
	CHECK_STR(r.www_auth, "Basic realm=\"IP Camera\"");
	CHECK_STR(r.title, "Camera Login");
	CHECK(r.complete);
	/* split anywhere: incomplete until the announced body is there */
	CHECK_INT(http_parse_response((const uint8_t *)a, 60, false, &r), 0);
	CHECK_INT(http_parse_response((const uint8_t *)a, strlen(a) - 5, false, &r), 0);
	CHECK_INT(http_parse_response((const uint8_t *)a, strlen(a) - 5, true, &r),
		  1); /* peer closed: judge it */
	const char *chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
	CHECK_INT(http_parse_response((const uint8_t *)chunked, strlen(chunked), false, &r), 1);
	const char *rtsp = "RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n";
	CHECK_INT(http_parse_response((const uint8_t *)rtsp, strlen(rtsp), false, &r), 1);
	CHECK(r.is_rtsp);
	CHECK_STR(r.public_, "OPTIONS, DESCRIBE");
	CHECK_INT(http_parse_response((const uint8_t *)"SSH-2.0-x\r\n", 11, false, &r), -1);
	CHECK_INT(http_parse_response((const uint8_t *)"HTTP/1.1 2x0", 12, false, &r), -1);
	const char *ctl = "HTTP/1.0 200 OK\r\nServer: a\x01\x7f"
			  "b\r\n\r\n";
	CHECK_INT(http_parse_response((const uint8_t *)ctl, strlen(ctl), true, &r), 1);
	CHECK_STR(r.server, "a  b"); /* control characters never reach a report */
}

static void telnet_negotiation(void)
{
	const uint8_t in[] = { 255, 253, 24, 255, 251, 1,   'h', 'i', 255,
			       250, 24,  1,  255, 240, ' ', 255, 255, 'x' };
	uint8_t text[64], reply[64];
	size_t rl;
	size_t tl = telnet_strip(in, sizeof(in), text, sizeof(text), reply, sizeof(reply), &rl);
	CHECK_INT(tl, 5);
	CHECK(!memcmp(text, "hi \xffx", 5));
	CHECK_INT(rl, 6);
	const uint8_t want[] = { 255, 252, 24, 255, 254, 1 }; /* WONT terminal type, DONT echo */
	CHECK(!memcmp(reply, want, 6));
	const uint8_t cut[] = { 'a', 255, 253 }; /* a command split by the segment boundary */
	tl = telnet_strip(cut, sizeof(cut), text, sizeof(text), reply, sizeof(reply), &rl);
	CHECK_INT(tl, 1);
	CHECK_INT(rl, 0);
}

static void snmp_replies(void)
{
	const uint8_t resp[] = { 0x30, 0x46, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69,
				 0x63, 0xa2, 0x39, 0x02, 0x04, 0x01, 0x02, 0x03, 0x04, 0x02, 0x01, 0x00,
				 0x02, 0x01, 0x00, 0x30, 0x2b, 0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01,
				 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x08, 0x52, 0x6f, 0x75, 0x74, 0x65,
				 0x72, 0x4f, 0x53, 0x30, 0x13, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01,
				 0x01, 0x02, 0x00, 0x06, 0x07, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08 };
	struct snmp_values v;
	CHECK_INT(snmp_parse_response(resp, sizeof(resp), &v), 0);
	CHECK_STR(v.community, "public");
	CHECK_STR(v.sys_descr, "RouterOS");
	CHECK_STR(v.sys_object_id, "1.3.6.1.4.1.8072");
	for (size_t cut = 0; cut < sizeof(resp); cut++) CHECK(snmp_parse_response(resp, cut, &v) < 0);
	uint8_t lie[sizeof(resp)];
	memcpy(lie, resp, sizeof(resp));
	lie[1] = 0x84; /* a length of 4 bytes: refused */
	CHECK(snmp_parse_response(lie, sizeof(lie), &v) < 0);
}

/* Debian's snmpd (5.9.3) answering the scan's SNMPv3 discovery request
 * (udp-payloads.c) with a Report: its engine ID, as its persistent file
 * says (oldEngineID 0x80001f88805f9d3d1a0099166b00000000). */
static void snmp_v3_report(void)
{
	static const uint8_t rep[] = { 0x30, 0x71, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x64, 0x6f, 0x72,
				       0x6f, 0x02, 0x03, 0x00, 0xff, 0xe3, 0x04, 0x01, 0x00, 0x02, 0x01, 0x03,
				       0x04, 0x21, 0x30, 0x1f, 0x04, 0x11, 0x80, 0x00, 0x1f, 0x88, 0x80, 0x5f,
				       0x9d, 0x3d, 0x1a, 0x00, 0x99, 0x16, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x02,
				       0x01, 0x01, 0x02, 0x01, 0x0a, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00, 0x30,
				       0x36, 0x04, 0x11, 0x80, 0x00, 0x1f, 0x88, 0x80, 0x5f, 0x9d, 0x3d, 0x1a,
				       0x00, 0x99, 0x16, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0xa8, 0x1f,
				       0x02, 0x04, 0x64, 0x6f, 0x72, 0x70, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
				       0x30, 0x11, 0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x0f,
				       0x01, 0x01, 0x04, 0x00, 0x41, 0x01, 0x01 };
	uint8_t id[32];
	size_t n = 0;
	CHECK_INT(snmp_parse_engine_id(rep, sizeof(rep), id, &n), 0);
	CHECK_INT(n, 17);
	CHECK(n == 17 && id[0] == 0x80 && id[4] == 0x80 && id[16] == 0);
	/* cut anywhere before the engine ID's end: refused, never read past */
	for (size_t cut = 0; cut < 47; cut++) CHECK(snmp_parse_engine_id(rep, cut, id, &n) < 0);
	struct obs_service sv;
	struct ipaddr ip = ipaddr_v4(0xc6120005);
	CHECK(services_identify_udp(NULL, &ip, 161, rep, sizeof(rep), &sv));
	CHECK_STR(sv.name, "snmp");
	CHECK_STR(sv.snmp_engine, "80001f88805f9d3d1a0099166b00000000");
	CHECK(!sv.anonymous);
	/* a v2c reply is no v3 message; a v3 one with an engine ID of 33 bytes is refused */
	static const uint8_t v2c[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	CHECK(snmp_parse_engine_id(v2c, sizeof(v2c), id, &n) < 0);
	uint8_t big[80] = { 0x30, 60,   0x02, 0x01, 0x03, 0x30, 0x0c, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01,
			    0x04, 0x01, 0x00, 0x02, 0x01, 0x03, 0x04, 37,   0x30, 35,   0x04, 33 };
	CHECK(snmp_parse_engine_id(big, 62, id, &n) < 0);
	big[24] = 32;
	big[22] = 34, big[20] = 36, big[1] = 59;
	CHECK_INT(snmp_parse_engine_id(big, 61, id, &n), 0);
	CHECK_INT(n, 32);
}

/* Debian's nmbd (Samba 4.17, "netbios name = LABPC-7") answering the
 * scan's node status request (udp-payloads.c): its names, the workstation
 * one first; cut short, or a group name only, names nothing. */
static void netbios_node_status(void)
{
	static const uint8_t rep[] = {
		0x64, 0x6d, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x43, 0x4b,
		0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
		0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
		0x00, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x89, 0x05, 0x4c, 0x41, 0x42,
		0x50, 0x43, 0x2d, 0x37, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00, 0x04, 0x00,
		0x4c, 0x41, 0x42, 0x50, 0x43, 0x2d, 0x37, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
		0x03, 0x04, 0x00, 0x4c, 0x41, 0x42, 0x50, 0x43, 0x2d, 0x37, 0x20, 0x20, 0x20, 0x20, 0x20,
		0x20, 0x20, 0x20, 0x20, 0x04, 0x00, 0x4c, 0x41, 0x42, 0x47, 0x52, 0x4f, 0x55, 0x50, 0x20,
		0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00, 0x84, 0x00, 0x4c, 0x41, 0x42, 0x47, 0x52, 0x4f,
		0x55, 0x50, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x1e, 0x84, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	char name[16];
	CHECK_INT(netbios_parse_nbstat(rep, sizeof(rep), name), 0);
	CHECK_STR(name, "LABPC-7");
	for (size_t cut = 0; cut < sizeof(rep); cut++) CHECK(netbios_parse_nbstat(rep, cut, name) < 0);
	struct obs_service sv;
	struct ipaddr ip = ipaddr_v4(0xc6120005);
	CHECK(services_identify_udp(NULL, &ip, 137, rep, sizeof(rep), &sv));
	CHECK_STR(sv.name, "netbios-ns");
	CHECK_STR(sv.netbios_name, "LABPC-7");
	uint8_t group[sizeof(rep)];
	memcpy(group, rep, sizeof(rep));
	group[56] = 0x01; /* one name, made a group's */
	group[57 + 16] |= 0x80;
	CHECK(netbios_parse_nbstat(group, sizeof(group), name) < 0);
}

static void cpe_names(void)
{
	char out[200];
	cpe23_format("cpe:/a:openbsd:openssh:8.5p1", "8.5", "p1", out, sizeof(out));
	CHECK_STR(out, "cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*");
	cpe23_format("cpe:/a:vsftpd_project:vsftpd:{service.version}", "2.3.4", "", out, sizeof(out));
	CHECK_STR(out, "cpe:2.3:a:vsftpd_project:vsftpd:2.3.4:*:*:*:*:*:*:*");
	cpe23_format("cpe:/a:acme:mini_httpd", "", NULL, out, sizeof(out));
	CHECK_STR(out, "cpe:2.3:a:acme:mini_httpd:*:*:*:*:*:*:*:*");
	cpe23_format("cpe:/h:Vendor:Model(X)", "1", NULL, out, sizeof(out));
	CHECK_STR(out, "cpe:2.3:h:vendor:model\\(x\\):1:*:*:*:*:*:*:*");
	cpe23_format("nonsense", "1", NULL, out, sizeof(out));
	CHECK_STR(out, "");
}

static void svc_identity(void)
{
	struct fp_set set = { 0 };
	struct dm_err e;
	CHECK_INT(fp_set_load_dir(&set, dm_data("fingerprints"), &e), 0);
	struct svc s = { .fps = &set };
	svc_evidence(&s, "ssh.banner", "OpenSSH_7.4p1 Raspbian-10+deb9u7", 32);
	CHECK_STR(s.out.product, "OpenSSH");
	CHECK_STR(s.out.version, "7.4");
	CHECK_STR(s.out.update, "p1");
	CHECK_STR(s.out.cpe, "cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*");
	struct svc cam = { .fps = &set };
	const char *realm = "Digest realm=\"Login to 3G0123456789ABC\"";
	svc_evidence(&cam, "http_header.wwwauth", realm, strlen(realm));
	CHECK_STR(cam.out.device, "camera");
	CHECK_STR(cam.out.vendor, "Dahua");
	fp_set_release(&set);
}

/* A STUN Binding response: SOFTWARE names the server, through the database
 * or, for a product it does not know, as "Name-version"; bytes that are not
 * STUN, a cut message or an attribute running past it name nothing. */
static void stun_replies(void)
{
	struct fp_set set = { 0 };
	struct dm_err e;
	CHECK_INT(fp_set_load_dir(&set, dm_data("fingerprints"), &e), 0);
	uint8_t m[64] = { 0x01, 0x01, 0x00, 0x24, 0x21, 0x12, 0xa4, 0x42 };
	/* XOR-MAPPED-ADDRESS (8 bytes), then SOFTWARE "Coturn-4.6.1 'Gorst'" (20 bytes) */
	static const uint8_t attrs[] = { 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1,
					 0x12, 0xa6, 0x43, 0x80, 0x22, 0x00, 0x14, 'C',  'o',
					 't',  'u',  'r',  'n',  '-',  '4',  '.',  '6',  '.',
					 '1',  ' ',  '\'', 'G',  'o',  'r',  's',  't',  '\'' };
	memcpy(m + 20, attrs, sizeof(attrs));
	struct svc s = { .fps = &set };
	CHECK(svc_udp_payload_reply(&s, m, 20 + sizeof(attrs)));
	CHECK_STR(s.out.name, "stun");
	CHECK_STR(s.out.product, "coturn");
	CHECK_STR(s.out.version, "4.6.1");
	CHECK_STR(s.out.cpe, "cpe:2.3:a:coturn_project:coturn:4.6.1:*:*:*:*:*:*:*");
	memcpy(m + 36, "Other-2.1 (linux)   ", 20);
	struct svc o = { .fps = &set };
	CHECK(svc_udp_payload_reply(&o, m, 20 + sizeof(attrs)));
	CHECK_STR(o.out.product, "Other");
	CHECK_STR(o.out.version, "2.1");
	struct svc bad = { .fps = &set };
	CHECK(!svc_udp_payload_reply(&bad, m, 30)); /* shorter than its header says */
	m[3] = 0x28;                                /* the message runs past the datagram */
	CHECK(!svc_udp_payload_reply(&bad, m, 20 + sizeof(attrs)));
	m[3] = 0x24;
	m[34] = 0x00, m[35] = 0x40; /* SOFTWARE's length past the message: not read */
	struct svc cut = { .fps = &set };
	CHECK(svc_udp_payload_reply(&cut, m, 20 + sizeof(attrs)));
	CHECK_STR(cut.out.product, "");
	CHECK(!svc_udp_payload_reply(&bad, (const uint8_t *)"HTTP/1.1 200 OK\r\n\r\n", 19));
	CHECK_STR(bad.out.name, "");
	fp_set_release(&set);
}

/* A PTR query and the answers a DNS server and an mDNS responder give,
 * with compression; what a hostile answer cannot do. */
static void dns_ptr_answers(void)
{
	struct ipaddr ip, ip6, other;
	ipaddr_parse("198.18.1.5", &ip);
	ipaddr_parse("2001:db8::1", &ip6);
	ipaddr_parse("198.18.1.6", &other);
	char name[DNS_NAME_MAX], why[160];
	dns_reverse_name(&ip, name);
	CHECK_STR(name, "5.1.18.198.in-addr.arpa");
	dns_reverse_name(&ip6, name);
	CHECK_STR(name, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	uint8_t m[512];
	size_t q = dns_ptr_query(m, sizeof(m), 0x1234, &ip, false);
	CHECK_INT(q, 12 + 25 + 4);
	CHECK(m[0] == 0x12 && m[1] == 0x34 && m[2] == 1 && m[5] == 1);
	CHECK(m[12] == 1 && m[13] == '5' && m[q - 3] == 12);
	CHECK_INT(dns_ptr_query(m, 20, 1, &ip, false), 0);
	/* the answer: the question again, then PTR with a pointer to it */
	m[2] = 0x81;
	m[3] = 0x80;
	m[7] = 1;
	static const uint8_t rr[] = { 0xc0, 12,  0,   12,  0x80, 1,   0,   0,   0,   60,   0, 11,
				      3,    'n', 'a', 's', 4,    'c', 'o', 'r', 'p', 0xc0, 0 };
	memcpy(m + q, rr, sizeof(rr));
	/* "corp" then a pointer to "arpa" (offset of the question's last label) */
	size_t arpa = q - 4 - 1 - 5; /* before the question's type and class, the root and "arpa" */
	CHECK_INT(m[arpa], 4);
	m[q + sizeof(rr) - 1] = (uint8_t)arpa;
	size_t len = q + sizeof(rr);
	CHECK_INT(dns_ptr_parse(m, len, 0x1234, &ip, name, why, sizeof(why)), 1);
	CHECK_STR(name, "nas.corp.arpa");
	CHECK_INT(dns_ptr_parse(m, len, 0x1235, &ip, name, why, sizeof(why)), 0);    /* another query's */
	CHECK_INT(dns_ptr_parse(m, len, 0x1234, &other, name, why, sizeof(why)), 0); /* another address */
	m[3] = 0x83;                                                                 /* no such name */
	CHECK_INT(dns_ptr_parse(m, len, 0x1234, &ip, name, why, sizeof(why)), 0);
	m[3] = 0x80;
	/* a pointer forward (a loop) and a record past the end are refused */
	m[q + sizeof(rr) - 1] = (uint8_t)(q + sizeof(rr) - 2); /* to itself */
	CHECK_INT(dns_ptr_parse(m, len, 0x1234, &ip, name, why, sizeof(why)), DM_EINPUT);
	CHECK(strstr(why, "PTR record 1") != NULL);
	m[q + sizeof(rr) - 1] = (uint8_t)arpa;
	CHECK_INT(dns_ptr_parse(m, len - 1, 0x1234, &ip, name, why, sizeof(why)), DM_EINPUT);
	CHECK_INT(dns_ptr_parse(m, 5, 0x1234, &ip, name, why, sizeof(why)), DM_EINPUT);
	/* a label's odd bytes are '?' */
	m[q + 14] = '.';
	CHECK_INT(dns_ptr_parse(m, len, 0x1234, &ip, name, why, sizeof(why)), 1);
	CHECK_STR(name, "n?s.corp.arpa");
	/* [site] dns and mdns */
	struct site_config c;
	struct dm_err e;
	site_config_defaults(&c);
	CHECK_INT(site_config_parse(&c, "[site]\ndns = 198.18.0.53:5353\nmdns = off\n", "t.conf", &e), 0);
	CHECK(c.dns_from == SITE_DNS_SERVER && c.dns_port == 5353 && c.mdns_off);
	CHECK_INT(site_config_parse(&c, "[site]\ndns = [2001:db8::53]\n", "t.conf", &e), 0);
	CHECK(c.dns_from == SITE_DNS_SERVER && c.dns.family == AF_INET6 && c.dns_port == 53);
	CHECK_INT(site_config_parse(&c, "[site]\ndns = resolv\n", "t.conf", &e), 0);
	CHECK(c.dns_from == SITE_DNS_RESOLV);
	CHECK_INT(site_config_parse(&c, "[site]\ndns = 198.18.0.53:0\n", "t.conf", &e), DM_EINPUT);
	CHECK(strstr(e.msg, "t.conf") && strstr(e.msg, "dns"));
	CHECK_INT(site_config_parse(&c, "[site]\ndns = ns.example\n", "t.conf", &e), DM_EINPUT);
	site_config_release(&c);
}

/* A DNS server on 127.0.0.1 for names_lookup: 127.0.0.2 has a name,
 * 127.0.0.3 none (NXDOMAIN), 127.0.0.4 gets no answer, 127.0.0.5's first
 * query is dropped (the second is answered), 127.0.0.6 gets a damaged one. */
struct fake_dns {
	int fd;
	unsigned seen5, queries;
};

static void *fake_dns_run(void *arg)
{
	struct fake_dns *f = arg;
	uint8_t m[512];
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(f->fd, m, sizeof(m) - 64, 0, (struct sockaddr *)&from, &fl);
		if (n < 12) return NULL; /* shut down */
		f->queries++;
		char host = (char)m[13]; /* the first label: the last octet, one digit */
		if (host == '4' || (host == '5' && !f->seen5++)) continue;
		size_t len = (size_t)n;
		m[2] = 0x81;
		m[3] = host == '3' ? 0x83 : 0x80;
		m[7] = host == '3' ? 0 : 1;
		static const uint8_t rr[] = { 0xc0, 12,  0,   12,  0,   1,   0,   0,   0,   60,
					      0,    17,  3,   'b', 'o', 'x', 3,   'l', 'a', 'b',
					      7,    'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
		if (host != '3') {
			memcpy(m + len, rr, sizeof(rr));
			len += host == '6' ? 20 : sizeof(rr); /* 6: cut inside the name */
		}
		sendto(f->fd, m, len, 0, (struct sockaddr *)&from, fl);
	}
}

static void names_from_a_server(void)
{
	struct fake_dns f = { .fd = socket(AF_INET, SOCK_DGRAM, 0) };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	CHECK(f.fd >= 0 && bind(f.fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	      getsockname(f.fd, (struct sockaddr *)&a, &al) == 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, fake_dns_run, &f) == 0);
	struct ipaddr ip[5], server;
	char txt[16];
	for (int i = 0; i < 5; i++) {
		snprintf(txt, sizeof(txt), "127.0.0.%d", i + 2);
		ipaddr_parse(txt, &ip[i]);
	}
	ipaddr_parse("127.0.0.1", &server);
	char ptr[5][DNS_NAME_MAX], mdns[5][DNS_NAME_MAX];
	struct names_ask ask = {
		.ip = ip, .n = 5, .server = &server, .server_port = ntohs(a.sin_port), .timeout = 0.5
	};
	struct names_got got;
	struct dm_err e = { "" };
	CHECK_INT(names_lookup(&ask, ptr, mdns, &got, &e), 0);
	CHECK_STR(ptr[0], "box.lab.example");
	CHECK_STR(ptr[1], "");
	CHECK_STR(ptr[2], "");
	CHECK_STR(ptr[3], "box.lab.example"); /* asked again */
	CHECK_STR(ptr[4], "");
	CHECK(!mdns[0][0] && got.mdns == 0);
	CHECK_INT(got.ptr, 2);
	CHECK_INT(got.malformed, 1);
	CHECK_INT(got.sent, 7); /* one each, and again for the two unanswered */
	shutdown(f.fd, SHUT_RDWR);
	uint8_t z = 0; /* wakes the thread if shutdown did not */
	int w = socket(AF_INET, SOCK_DGRAM, 0);
	if (w >= 0) sendto(w, &z, 1, 0, (struct sockaddr *)&a, sizeof(a)), close(w);
	pthread_join(t, NULL);
	close(f.fd);
	CHECK_INT(f.queries, 7);
}

SUITE(suite_probe, "probe", T(http_responses), T(telnet_negotiation), T(snmp_replies), T(snmp_v3_report),
      T(netbios_node_status), T(cpe_names), T(svc_identity), T(stun_replies), T(dns_ptr_answers),
      T(names_from_a_server));
