/* Issue 20: TLS weaknesses judged, versions seen in traffic (payload
 * sniffer, Zeek software/ssh/http logs), credential stores recognised by
 * their content. */
#include "test.h"
#include "test-db.h"
#include "creds/secret-sniff.h"
#include "flow/cert-stream.h"
#include "flow/payload-sniff.h"
#include "flow/zeek-software.h"
#include "model/resultset.h"
#include "model/tls-server.h"
#include "store/store.h"
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static bool has(const struct tls_weakness *w, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].code, code)) return true;
	return false;
}

static void tls_weaknesses_judged(void)
{
	double now = 1800000000;
	struct obs_tls t = { .present = true, .versions = TLS_V_12 | TLS_V_13, .tested = 31 };
	struct tls_weakness w[TLS_WEAKNESS_MAX];
	snprintf(t.key_type, sizeof(t.key_type), "RSA");
	t.key_bits = 2048;
	t.not_after = now + 90 * 86400.0;
	t.chain = TLS_CHAIN_TRUSTED;
	CHECK_INT(tls_server_weaknesses(&t, now, true, w), 0); /* a sound server: nothing */
	t.not_after = now - 86400;
	t.versions |= TLS_V_10;
	t.key_bits = 1024;
	t.weak = TLS_WEAK_3DES;
	t.self_signed = true;
	size_t n = tls_server_weaknesses(&t, now, true, w);
	CHECK_INT(n, 5);
	CHECK_STR(w[0].code, "expired"); /* worst first */
	CHECK(has(w, n, "tls1.0") && has(w, n, "weak-key") && has(w, n, "weak-suites") &&
	      has(w, n, "self-signed"));
	/* trust is not judged on services users do not reach */
	n = tls_server_weaknesses(&t, now, false, w);
	CHECK(!has(w, n, "self-signed"));
	/* soon to expire: 30 days ahead, not 31 */
	struct obs_tls s = { .present = true, .versions = TLS_V_12, .not_after = now + 29 * 86400.0 };
	CHECK(tls_server_weaknesses(&s, now, true, w) == 1 && !strcmp(w[0].code, "expires-soon"));
	s.not_after = now + 31 * 86400.0;
	CHECK_INT(tls_server_weaknesses(&s, now, true, w), 0);
	/* NULL/anon/EXPORT suites and SSLv3 are high */
	s.weak = TLS_WEAK_NULL;
	s.versions |= TLS_V_SSL3;
	n = tls_server_weaknesses(&s, now, true, w);
	CHECK(n == 2 && w[0].severity == SEV_HIGH && w[1].severity == SEV_HIGH);
	char names[64];
	tls_weak_names(TLS_WEAK_RC4 | TLS_WEAK_ANON, names, sizeof(names));
	CHECK_STR(names, "RC4, anonymous");
}

/* A self-signed RSA certificate of `bits`, expired or not, as DER. */
static unsigned char *make_cert(int bits, bool expired, int *len)
{
	EVP_PKEY *k = EVP_RSA_gen((unsigned)bits);
	X509 *x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400L * 400);
	X509_gmtime_adj(X509_getm_notAfter(x), expired ? -86400L * 10 : 86400L * 365);
	X509_NAME *nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"old.lab", -1, -1, 0);
	X509_set_issuer_name(x, nm);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	unsigned char *der = NULL;
	*len = i2d_X509(x, &der);
	X509_free(x);
	EVP_PKEY_free(k);
	return der;
}

/* ServerHello and Certificate in one handshake record. */
static size_t server_flight(const unsigned char *der, int dl, uint8_t *out)
{
	size_t i = 0, hello = 38, cert = 6 + (size_t)dl;
	size_t body = 4 + hello + 4 + cert;
	out[i++] = 0x16, out[i++] = 3, out[i++] = 3, out[i++] = (uint8_t)(body >> 8),
	out[i++] = (uint8_t)body;
	out[i++] = 2, out[i++] = 0, out[i++] = 0, out[i++] = (uint8_t)hello;
	out[i++] = 3, out[i++] = 3;
	memset(out + i, 0x42, 32), i += 32;
	out[i++] = 0;                     /* no session id */
	out[i++] = 0xc0, out[i++] = 0x2f; /* suite */
	out[i++] = 0;                     /* compression */
	out[i++] = 11, out[i++] = (uint8_t)(cert >> 16), out[i++] = (uint8_t)(cert >> 8),
	out[i++] = (uint8_t)cert;
	size_t list = 3 + (size_t)dl;
	out[i++] = (uint8_t)(list >> 16), out[i++] = (uint8_t)(list >> 8), out[i++] = (uint8_t)list;
	out[i++] = (uint8_t)(dl >> 16), out[i++] = (uint8_t)(dl >> 8), out[i++] = (uint8_t)dl;
	memcpy(out + i, der, (size_t)dl);
	return i + (size_t)dl;
}

static struct pkt tcp_from(const char *src, uint16_t sport, uint16_t dport, const uint8_t *d, size_t n)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.proto = 6;
	sscanf(src, "%hhu.%hhu.%hhu.%hhu", &p.src[0], &p.src[1], &p.src[2], &p.src[3]);
	p.dst[0] = 10, p.dst[3] = 99;
	p.sport = sport, p.dport = dport;
	p.payload = d, p.payload_len = (uint32_t)n;
	return p;
}

static void versions_seen_in_packets(void)
{
	struct payload_sniff *ps = payload_sniff_new();
	double t0 = (double)time(NULL);
	const char *ssh = "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1\r\n";
	const char *cli = "SSH-2.0-OpenSSH_9.9\r\n";
	const char *http = "HTTP/1.1 200 OK\r\nDate: x\r\nServer: Apache/2.4.49 (Unix)\r\n\r\n<html>";
	struct pkt p = tcp_from("10.0.0.5", 22, 40000, (const uint8_t *)ssh, strlen(ssh));
	payload_sniff_packet(ps, t0, &p);
	p = tcp_from("10.0.0.9", 40001, 22, (const uint8_t *)cli, strlen(cli)); /* a client: not a service */
	payload_sniff_packet(ps, t0 + 1, &p);
	p = tcp_from("10.0.0.5", 80, 40002, (const uint8_t *)http, strlen(http));
	payload_sniff_packet(ps, t0 + 2, &p);
	int dl;
	unsigned char *der = make_cert(1024, true, &dl);
	uint8_t *flight = malloc((size_t)dl + 128);
	size_t fl = server_flight(der, dl, flight);
	/* the certificate in two segments */
	p = tcp_from("10.0.0.5", 443, 40003, flight, 100);
	payload_sniff_packet(ps, t0 + 3, &p);
	p = tcp_from("10.0.0.5", 443, 40003, flight + 100, fl - 100);
	p.seq = 100;
	payload_sniff_packet(ps, t0 + 4, &p);
	size_t n;
	const double *first;
	const struct obs_service *v = payload_sniff_services(ps, &n, &first);
	CHECK_INT(n, 3);
	for (size_t i = 0; i < n; i++) {
		CHECK(v[i].passive);
		if (v[i].port == 22) CHECK_STR(v[i].banner, "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1");
		if (v[i].port == 80) CHECK_STR(v[i].banner, "Apache/2.4.49 (Unix)");
		if (v[i].port == 443) {
			CHECK(v[i].tls.present && v[i].tls.expired && v[i].tls.self_signed);
			CHECK_INT(v[i].tls.key_bits, 1024);
			CHECK_INT(v[i].tls.versions, TLS_V_12); /* what the ServerHello chose */
			CHECK_STR(v[i].tls.key_type, "RSA");
			CHECK(strstr(v[i].tls.subject, "old.lab") != NULL);
			CHECK(v[i].ts == t0 + 4 && first[i] == t0 + 4);
		}
	}
	/* damaged bytes: no crash, no service */
	struct obs_tls t;
	CHECK(sniff_tls_certificate(flight, 60, 0, &t) == 0);
	flight[9 + 38] = 11;
	flight[9 + 38 + 7] = 0xff; /* certificate longer than its message */
	CHECK(sniff_tls_certificate(flight, fl, 0, &t) == -1);
	char out[64];
	CHECK(!sniff_http_server((const uint8_t *)"HTTP/1.1 200 OK\r\n\r\nServer: no\r\n", 31, out,
				 sizeof(out)));
	CHECK(!sniff_ssh_line((const uint8_t *)"SSH-2.0", 7, out, sizeof(out)));
	free(flight);
	OPENSSL_free(der);
	payload_sniff_free(ps);
}

/* One segment of a server's flight: bytes [from, to) of it. */
static int segment(struct cert_streams *cs, const uint8_t *flight, size_t from, size_t to, uint16_t cport,
		   struct obs_tls *t)
{
	struct pkt p = tcp_from("10.0.0.7", 443, cport, flight + from, to - from);
	p.seq = 1000 + (uint32_t)from;
	return cert_streams_packet(cs, 10, &p, t);
}

static void certificate_reassembly_bounded(void)
{
	int dl;
	unsigned char *der = make_cert(2048, false, &dl);
	uint8_t *flight = malloc((size_t)dl + 128);
	size_t fl = server_flight(der, dl, flight), streams, bytes;
	struct cert_streams *cs = cert_streams_new();
	struct obs_tls t;
	struct cert_stream_stats st;
	/* in order, in three segments, one retransmitted: read */
	CHECK_INT(segment(cs, flight, 0, 300, 40001, &t), 0);
	CHECK_INT(segment(cs, flight, 0, 300, 40001, &t), 0);
	CHECK_INT(segment(cs, flight, 300, 600, 40001, &t), 0);
	CHECK_INT(segment(cs, flight, 300, 600, 40001, &t), 0);
	CHECK_INT(segment(cs, flight, 600, fl, 40001, &t), 1);
	CHECK(t.present && !t.expired && t.key_bits == 2048 && t.versions == TLS_V_12);
	cert_streams_usage(cs, &streams, &bytes);
	CHECK(streams == 0 && bytes == 0); /* freed on the certificate */
	/* a gap (the middle segment lost or late): dropped, not waited for */
	CHECK_INT(segment(cs, flight, 0, 300, 40002, &t), 0);
	CHECK_INT(segment(cs, flight, 600, fl, 40002, &t), 0);
	CHECK_INT(segment(cs, flight, 300, 600, 40002, &t), 0);
	cert_streams_usage(cs, &streams, &bytes);
	CHECK(streams == 0 && bytes == 0);
	/* TLS 1.3 (supported_versions says 0x0304): the certificate is encrypted, nothing kept */
	uint8_t h13[] = { 0x16, 3, 3, 0, 50, 2, 0, 0, 46, 3, 3 };
	uint8_t rec[64] = { 0 };
	memcpy(rec, h13, sizeof(h13));
	size_t i = sizeof(h13) + 32;
	rec[i++] = 0, rec[i++] = 0x13, rec[i++] = 0x01, rec[i++] = 0; /* sid, suite, compression */
	rec[i++] = 0, rec[i++] = 6, rec[i++] = 0, rec[i++] = 43, rec[i++] = 0, rec[i++] = 2, rec[i++] = 3,
	rec[i++] = 4;
	CHECK_INT(i, 55);
	struct pkt p = tcp_from("10.0.0.8", 443, 40003, rec, i);
	CHECK_INT(cert_streams_packet(cs, 10, &p, &t), 0);
	cert_streams_usage(cs, &streams, &bytes);
	CHECK_INT(streams, 0);
	/* a resumed TLS 1.2 session: ChangeCipherSpec after the hello, no certificate */
	uint8_t resumed[48 + 6];
	memcpy(resumed, flight, 48);
	resumed[3] = 0, resumed[4] = 42;
	memcpy(resumed + 47, (const uint8_t[]){ 0x14, 3, 3, 0, 1, 1 }, 6);
	p = tcp_from("10.0.0.9", 443, 40004, resumed, 53);
	CHECK_INT(cert_streams_packet(cs, 10, &p, &t), 0);
	cert_streams_usage(cs, &streams, &bytes);
	CHECK_INT(streams, 0);
	/* many hellos whose certificates never come: the table and its bytes stay bounded */
	for (uint16_t c = 0; c < CERT_STREAMS + 50; c++)
		CHECK_INT(segment(cs, flight, 0, 200, (uint16_t)(20000 + c), &t), 0);
	cert_streams_usage(cs, &streams, &bytes);
	CHECK(streams == CERT_STREAMS && bytes <= CERT_STREAMS_BYTES);
	cert_streams_stats(cs, &st);
	CHECK_INT(st.evicted, 50);
	CHECK_INT(st.gaps, 1);
	CHECK_INT(st.no_cert, 2);
	CHECK_INT(st.read, 1);
	/* a Certificate message longer than a stream may hold: given up at the bound */
	uint8_t *big = calloc(1, CERT_STREAM_BYTES + 100);
	memcpy(big, flight, 47);
	big[3] = 0xff, big[4] = 0xff;                              /* a record that says 65535 bytes */
	big[47] = 11, big[48] = 0, big[49] = 0x7f, big[50] = 0xfe; /* a 32766-byte Certificate */
	big[51] = 0, big[52] = 0x7f, big[53] = 0xfb, big[54] = 0, big[55] = 0x7f, big[56] = 0xf8;
	size_t before = st.too_long;
	for (size_t off = 0; off < CERT_STREAM_BYTES + 100; off += 1400) {
		struct pkt q = tcp_from("10.0.0.10", 443, 40005, big + off,
					MIN((size_t)1400, CERT_STREAM_BYTES + 100 - off));
		q.seq = (uint32_t)off;
		CHECK_INT(cert_streams_packet(cs, 11, &q, &t), 0);
	}
	cert_streams_stats(cs, &st);
	CHECK_INT(st.too_long, before + 1);
	cert_streams_free(cs);
	free(big);
	free(flight);
	OPENSSL_free(der);
}

/* Many servers, each seen twice: one service each, the later time kept
 * (found through the sniffer's hash of address, protocol and port). */
static void many_services_found_again(void)
{
	struct payload_sniff *ps = payload_sniff_new();
	for (int round = 0; round < 2; round++)
		for (uint32_t i = 0; i < 3000; i++) {
			struct obs_service s = { .port = (uint16_t)(80 + i % 3), .proto = PROTO_TCP };
			s.ip = ipaddr_v4(0x0a000000u + i);
			s.ts = 100 + round;
			snprintf(s.name, sizeof(s.name), "http");
			if (round) snprintf(s.banner, sizeof(s.banner), "nginx/1.%u", i % 7);
			payload_sniff_add(ps, &s, s.ts);
		}
	struct obs_service udp = { .port = 80, .proto = PROTO_UDP, .ts = 5 };
	udp.ip = ipaddr_v4(0x0a000000u); /* another protocol: another service */
	payload_sniff_add(ps, &udp, 5);
	size_t n;
	const double *first;
	const struct obs_service *v = payload_sniff_services(ps, &n, &first);
	CHECK_INT(n, 3001);
	for (size_t i = 0; i < 3000 && i < n; i++) {
		CHECK(v[i].ts == 101 && first[i] == 100 && v[i].ip.v4 == 0x0a000000u + i);
		char want[32];
		snprintf(want, sizeof(want), "nginx/1.%zu", i % 7);
		CHECK_STR(v[i].banner, want);
	}
	payload_sniff_free(ps);
}

static void versions_seen_in_zeek_logs(void)
{
	const char *software =
	    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
	    "#path\tsoftware\n#fields\tts\thost\thost_p\tsoftware_type\tname\tunparsed_version\n"
	    "#types\ttime\taddr\tport\tenum\tstring\tstring\n"
	    "1700000000.5\t10.1.2.3\t80\tHTTP::SERVER\tnginx\tnginx/1.18.0\n"
	    "1700000001.5\t10.1.2.4\t-\tHTTP::BROWSER\tFirefox\tMozilla/5.0\n"
	    "1700000002.5\t10.1.2.3\t22\tSSH::SERVER\tOpenSSH\tOpenSSH_7.4\n"
	    "garbage line\n";
	const char *ssh =
	    "{\"ts\":1700000003.0,\"uid\":\"C1\",\"id.orig_h\":\"10.9.9.9\",\"id.orig_p\":5000,"
	    "\"id.resp_h\":\"10.1.2.5\",\"id.resp_p\":2222,\"version\":2,\"client\":\"SSH-2.0-x\","
	    "\"server\":\"SSH-2.0-OpenSSH_8.0\"}\n";
	struct payload_sniff *ps = payload_sniff_new();
	struct zeek_software_stats st = { 0 };
	struct dm_err e = { 0 };
	CHECK_INT(zeek_software_kind((const uint8_t *)software, strlen(software)), ZS_SOFTWARE);
	CHECK_INT(zeek_software_kind((const uint8_t *)ssh, strlen(ssh)), ZS_SSH);
	CHECK(zeek_software_read_mem("software.log", software, strlen(software), ps, &st, &e) == 0);
	CHECK(zeek_software_read_mem("ssh.log", ssh, strlen(ssh), ps, &st, &e) == 0);
	CHECK_INT(st.damaged, 1);
	size_t n;
	const struct obs_service *v = payload_sniff_services(ps, &n, NULL);
	CHECK_INT(n, 3);
	for (size_t i = 0; i < n; i++) {
		if (v[i].port == 80)
			CHECK(!strcmp(v[i].name, "http") && !strcmp(v[i].banner, "nginx/1.18.0"));
		if (v[i].port == 22) CHECK_STR(v[i].banner, "SSH-2.0-OpenSSH_7.4");
		if (v[i].port == 2222)
			CHECK(!strcmp(v[i].banner, "SSH-2.0-OpenSSH_8.0") && v[i].ts == 1700000003.0);
	}
	payload_sniff_free(ps);
}

static void stores_sniffed_by_content(void)
{
#define K(text) secret_sniff_kind(text, strlen(text))
	CHECK_INT(K("<?xml version=\"1.0\"?>\n<!-- x -->\n<FileZilla3 version=\"3\"><Servers><Server>"),
		  NK_FILEZILLA);
	CHECK_INT(K("<FileZilla3><Settings></Settings></FileZilla3>"), NK_NONE); /* its settings, not sites */
	CHECK_INT(K("\xef\xbb\xbf<mrng:Connections xmlns:mrng=\"x\" ConfVersion=\"2.6\">"), NK_MREMOTENG);
	CHECK_INT(K("<?xml version=\"1.0\"?><KeePassFile><Meta/>"), NK_KEEPASS_XML);
	CHECK_INT(K("{\"encrypted\": false, \"folders\": [], \"items\": [{\"login\": {}}]}"),
		  NK_BITWARDEN_JSON);
	CHECK_INT(K("{\"accounts\":[{\"attrs\":{},\"vaults\":[]}]}"), NK_1PASSWORD_JSON);
	CHECK_INT(K("{\"items\": [{\"login\": \"alice\"}]}"), NK_NONE);
	CHECK_INT(K("Windows Registry Editor Version "
		    "5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\a]\r\n"),
		  NK_SESSIONS);
	CHECK_INT(K("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\r\n"),
		  NK_NONE);
	CHECK_INT(K("[Sessions\\admin@h]\nHostName=h\nPassword=A35C\n"), NK_SESSIONS);
	CHECK_INT(K("machine h login u password p\n"), NK_NETRC);
	CHECK_INT(K("db:5432:*:u:p\n"), NK_PGPASS);
	CHECK_INT(K("root:x:0:0:root:/root:/bin/bash\n"), NK_NONE);
	CHECK_INT(K("DB_HOST=h\nDB_PASSWORD=secret-value\n"), NK_ENV);
	CHECK_INT(K("MAX=1\nTIMEOUT=30\n"), NK_NONE);
	CHECK_INT(K("full address:s:10.0.0.1\r\nusername:s:ops\r\n"), NK_RDP);
	CHECK_INT(K("just some notes\nabout passwords\n"), NK_NONE);
#undef K
}

/* The TLS judgement and the passive mark survive the store (schema 14),
 * and a host seen only in traffic is kept with its service. */
static void tls_and_passive_stored(void)
{
	char dir[128], path[160];
	snprintf(dir, sizeof(dir), "/tmp/dormant-unit-passive-%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/x.db", dir);
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st;
	struct dm_err e;
	int64_t run;
	CHECK_INT(store_open(path, &st, &e), 0);
	CHECK_INT(store_run_begin(st, "audit", "10.0.0.1", 100, &run, &e), 0);
	struct resultset rs = { 0 };
	struct obs_host h = { .how = HOW_TCP, .reason = "syn-ack", .ts = 100 };
	ipaddr_parse("10.0.0.1", &h.ip);
	resultset_add_host(&rs, &h);
	struct obs_service tls = { .ip = h.ip, .port = 443, .proto = PROTO_TCP, .ts = 101 };
	snprintf(tls.name, sizeof(tls.name), "https");
	tls.tls = (struct obs_tls){ .present = true,
				    .versions = TLS_V_10,
				    .tested = 31,
				    .key_bits = 1024,
				    .weak = TLS_WEAK_3DES,
				    .weak_tested = 31,
				    .chain = TLS_CHAIN_UNTRUSTED };
	snprintf(tls.tls.key_type, sizeof(tls.tls.key_type), "RSA");
	snprintf(tls.tls.chain_error, sizeof(tls.tls.chain_error), "self-signed certificate");
	resultset_add_service(&rs, &tls);
	struct obs_service ssh = { .port = 22, .proto = PROTO_TCP, .ts = 99, .passive = true };
	ipaddr_parse("10.0.0.40", &ssh.ip); /* never answered the scan */
	snprintf(ssh.name, sizeof(ssh.name), "ssh");
	snprintf(ssh.banner, sizeof(ssh.banner), "SSH-2.0-OpenSSH_7.7");
	resultset_add_service(&rs, &ssh);
	CHECK_INT(store_save_results(st, run, &rs, &e), 0);
	struct resultset back = { 0 };
	CHECK_INT(store_load_results(st, run, &back, &e), 0);
	struct host_entry *a = resultset_host(&back, &h.ip, false),
			  *b = resultset_host(&back, &ssh.ip, false);
	CHECK(a && b);
	const struct obs_service *t = a ? host_service(a, PROTO_TCP, 443) : NULL;
	CHECK(t && !t->passive && t->tls.key_bits == 1024 && t->tls.weak == TLS_WEAK_3DES &&
	      t->tls.chain == TLS_CHAIN_UNTRUSTED && !strcmp(t->tls.key_type, "RSA") &&
	      !strcmp(t->tls.chain_error, "self-signed certificate"));
	const struct obs_service *p = b ? host_service(b, PROTO_TCP, 22) : NULL;
	CHECK(p && p->passive && p->ts == 99 && !strcmp(p->banner, "SSH-2.0-OpenSSH_7.7"));
	resultset_release(&rs);
	resultset_release(&back);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

SUITE(suite_passive, "passive", T(tls_weaknesses_judged), T(versions_seen_in_packets),
      T(certificate_reassembly_bounded), T(many_services_found_again), T(versions_seen_in_zeek_logs),
      T(stores_sniffed_by_content), T(tls_and_passive_stored));
