/* The RITA-style traffic rules on hand-made flows: long connections,
 * DNS tunnels, threat-intelligence lists (their three formats, bad lines)
 * and matching; the DNS question parser and Zeek dns.log/ssl.log details. */
#include "test.h"
#include "analyze/traffic.h"
#include "flow/dns-answer.h"
#include "flow/zeek.h"
#include "model/flowset.h"
#include "model/intel.h"
#include "model/site-config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct obs_flow flow_of(const char *src, const char *dst, uint16_t sport, uint16_t dport, double t,
			       double dur)
{
	struct obs_flow f = { .sport = sport,
			      .dport = dport,
			      .proto = 6,
			      .start = t,
			      .end = t + dur,
			      .bytes_out = 5000,
			      .bytes_in = 9000,
			      .pkts_out = 20,
			      .pkts_in = 20,
			      .flags_out = 0x1b,
			      .flags_in = 0x1b,
			      .entropy = -1 };
	ipaddr_parse(src, &f.src);
	ipaddr_parse(dst, &f.dst);
	return f;
}

static size_t run_rule(struct flowset *fs, const char *rule, struct intel_set *intel, struct findings *out)
{
	static struct site_config c;
	site_config_defaults(&c);
	flowset_annotate(fs, &c, NULL, NULL);
	struct traffic_input in = { &c, fs, NULL, intel };
	*out = (struct findings){ 0 };
	if (analyze_traffic(&in, rule, out) < 0) return (size_t)-1;
	return out->n;
}

static const struct finding *for_host(const struct findings *out, const char *ip)
{
	for (size_t i = 0; i < out->n; i++) {
		char s[IPADDR_STRLEN];
		ipaddr_fmt(&out->v[i].ip, s, sizeof(s));
		if (!strcmp(s, ip)) return &out->v[i];
	}
	return NULL;
}

/* A 6-hour session cut into 30-minute NetFlow records is one long
 * connection; many short sessions to the same peer are not; a peer three
 * hosts keep long sessions with (a VPN gateway) is routine, at info. */
static void test_long_connection(void)
{
	struct flowset fs;
	flowset_init(&fs);
	double t0 = 1.7e9;
	for (int i = 0; i < 12; i++) {
		struct obs_flow f = flow_of("10.0.0.5", "93.1.2.3", 51000, 4444, t0 + i * 1800.0, 1799);
		flowset_add(&fs, &f);
	}
	for (int i = 0; i < 300; i++) { /* short, frequent: web, not a long session */
		struct obs_flow f =
		    flow_of("10.0.0.6", "93.1.2.4", (uint16_t)(40000 + i), 443, t0 + i * 60.0, 30);
		flowset_add(&fs, &f);
	}
	for (int h = 0; h < 3; h++) { /* three hosts, the same gateway, 5 h each */
		char src[32];
		snprintf(src, sizeof(src), "10.0.1.%d", h + 1);
		struct obs_flow f = flow_of(src, "93.9.9.9", (uint16_t)(50000 + h), 1194, t0, 5 * 3600.0);
		f.proto = 17;
		flowset_add(&fs, &f);
	}
	struct findings out;
	CHECK_INT(run_rule(&fs, "long-connection", NULL, &out), 4);
	const struct finding *f = for_host(&out, "10.0.0.5");
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(f->severity, SEV_MEDIUM);
		CHECK(strstr(f->evidence, "\"sessions\":1,") != NULL);
		CHECK(strstr(f->evidence, "\"longest_seconds\":21599") != NULL);
		CHECK(strstr(f->evidence, "\"routine\":false") != NULL);
	}
	CHECK(for_host(&out, "10.0.0.6") == NULL);
	f = for_host(&out, "10.0.1.2");
	CHECK(f && f->severity == SEV_INFO && strstr(f->evidence, "\"hosts_with_this_peer\":3"));
	findings_release(&out);
	flowset_release(&fs);
}

/* Random 32-character labels under one parent are a tunnel; the same
 * number of ordinary names under a CDN's domain are not. */
static void test_dns_tunnel(void)
{
	struct flowset fs;
	flowset_init(&fs);
	srand(11);
	const char *alpha = "abcdefghijklmnopqrstuvwxyz234567";
	for (int i = 0; i < 400; i++) {
		char q[128], label[40];
		for (int k = 0; k < 32; k++) label[k] = alpha[rand() % 32];
		label[32] = 0;
		snprintf(q, sizeof(q), "%s.t.exfil.example.co.uk", label);
		struct obs_flow f =
		    flow_of("10.0.0.7", "10.0.0.53", (uint16_t)(30000 + i), 53, 1.7e9 + i, 0.01);
		f.proto = 17;
		f.app = "dns";
		f.dns_query = q;
		f.dns_qtype = i % 2 ? 16 : 1;
		flowset_add(&fs, &f);
		snprintf(q, sizeof(q), "img%d.static.cdn-example.net", i);
		f = flow_of("10.0.0.8", "10.0.0.53", (uint16_t)(30000 + i), 53, 1.7e9 + i, 0.01);
		f.proto = 17;
		f.app = "dns";
		f.dns_query = q;
		f.dns_qtype = 1;
		flowset_add(&fs, &f);
	}
	struct findings out;
	CHECK_INT(run_rule(&fs, "dns-tunnel", NULL, &out), 1);
	if (out.n) {
		const struct finding *f = &out.v[0];
		CHECK(for_host(&out, "10.0.0.7") == f);
		CHECK(strstr(f->evidence, "\"parent_domain\":\"example.co.uk\"") != NULL);
		CHECK(strstr(f->evidence, "\"unique_subdomains\":400") != NULL);
		CHECK(strstr(f->evidence, "\"txt_null_queries\":200") != NULL);
		CHECK(strstr(f->evidence, "\"examples\":[\"") != NULL);
	}
	findings_release(&out);
	flowset_release(&fs);
}

static void test_dns_question(void)
{
	/* id, flags (RD), 1 question, then 3www7example3com0, type TXT, class IN */
	static const uint8_t q[] = { 0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,   0,   0,
				     0,    3,    'W',  'w',  'w', 7,   'e', 'x', 'a', 'm', 'p',
				     'l',  'e',  3,    'c',  'o', 'm', 0,   0,   16,  0,   1 };
	char name[256];
	uint16_t t = 0;
	CHECK(dns_parse_question(q, sizeof(q), name, &t));
	CHECK_STR(name, "www.example.com");
	CHECK_INT(t, 16);
	CHECK(!dns_parse_question(q, sizeof(q) - 3, name, &t)); /* cut in the type */
	uint8_t resp[sizeof(q)];
	memcpy(resp, q, sizeof(q));
	resp[2] |= 0x80;
	CHECK(!dns_parse_question(resp, sizeof(resp), name, &t));
	uint8_t loop[sizeof(q)];
	memcpy(loop, q, sizeof(q));
	loop[12] = 0xc0; /* a pointer to itself */
	loop[13] = 12;
	CHECK(!dns_parse_question(loop, sizeof(loop), name, &t));
}

static void on_flow(void *ctx, const struct obs_flow *f) { flowset_add(ctx, f); }

/* dns.log and ssl.log lines are detail records: kept beside the flows. */
static void test_zeek_details(void)
{
	const char *dns =
	    "#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_"
	    "p\tproto\tquery\tqtype\tqtype_name\n"
	    "1700000000.1\tC1\t10.0.0.7\t5353\t10.0.0.53\t53\tudp\tabc.evil.example\t16\tTXT\n";
	const char *ssl =
	    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tserver_name\tja3\tja4\t"
	    "cert_chain_fps\n1700000001.0\tC2\t10.0.0.9\t40000\t93.1.1.1\t443\tbad.example\t"
	    "E7D705A3286E19EA42F587B344EE6865\t-\tAB12ab12ab12ab12ab12ab12ab12ab12ab12ab12,ffff\n";
	struct flowset fs;
	flowset_init(&fs);
	struct flow_sink sink = { &fs, on_flow, NULL };
	struct zeek_stats st = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(zeek_read_mem("dns.log", dns, strlen(dns), &sink, &st, &e), 0);
	CHECK_INT(zeek_read_mem("ssl.log", ssl, strlen(ssl), &sink, &st, &e), 0);
	CHECK_INT(fs.n, 0);
	CHECK_INT(fs.n_det, 2);
	if (fs.n_det == 2) {
		const struct flow_extra *x0 = flowset_extra(&fs, &fs.det[0]),
					*x1 = flowset_extra(&fs, &fs.det[1]);
		CHECK_STR(flowset_str(&fs, x0->query), "abc.evil.example");
		CHECK_INT(x0->qtype, 16);
		CHECK_STR(flowset_str(&fs, x1->ja3), "E7D705A3286E19EA42F587B344EE6865");
		CHECK_STR(flowset_str(&fs, x1->cert), "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12");
		CHECK_INT(x1->query, 0);
	}
	flowset_release(&fs);
}

static void test_intel_formats(void)
{
	struct intel_set s;
	intel_init(&s);
	struct dm_err e = { "" };
	const char *lines =
	    "# one a line\n198.51.100.7\n203.0.113.0/24 # scanners\nEvil.Example.\n"
	    "e7d705a3286e19ea42f587b344ee6865\nt13d1516h2_8daaf6152771_b186095e22b6\nnot an indicator!\n";
	CHECK_INT(intel_load_mem(&s, "lines.txt", lines, strlen(lines), &e), 0);
	CHECK_INT(s.n, 5);
	CHECK_INT(s.bad, 1);
	const char *csv =
	    "indicator,type,description\n2001:db8::/32,cidr,lab net\nc2.example.org,domain,\"c2\"\n"
	    "da39a3ee5e6b4b0d3255bfef95601890afd80709,cert_sha1,self-signed c2\n"
	    "http://x.example/a,url,not matched\nfoo,ja3,bad hash\n";
	CHECK_INT(intel_load_mem(&s, "feed.csv", csv, strlen(csv), &e), 0);
	CHECK_INT(s.n, 8);
	CHECK_INT(s.bad, 2);
	CHECK_INT(s.unsupported, 1);
	const char *zeek = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"
			   "192.0.2.66\tIntel::ADDR\tfeed\tbotnet c2\nbad.example\tIntel::DOMAIN\tfeed\t-\n"
			   "x\tIntel::WHATEVER\tfeed\t-\n";
	CHECK_INT(intel_load_mem(&s, "intel.dat", zeek, strlen(zeek), &e), 0);
	CHECK_INT(s.n, 10);
	struct ipaddr a;
	ipaddr_parse("203.0.113.99", &a);
	const struct intel_item *it = intel_match_addr(&s, &a);
	CHECK(it && it->line == 3 && !strcmp(it->source, "lines.txt") && it->note &&
	      !strcmp(it->note, "scanners"));
	ipaddr_parse("192.0.2.66", &a);
	it = intel_match_addr(&s, &a);
	CHECK(it && it->line == 2 && !strcmp(it->note, "botnet c2"));
	ipaddr_parse("2001:db8:1::5", &a);
	CHECK(intel_match_addr(&s, &a) != NULL);
	ipaddr_parse("198.51.100.8", &a);
	CHECK(intel_match_addr(&s, &a) == NULL);
	CHECK(intel_match_domain(&s, "www.EVIL.example") != NULL);
	CHECK(intel_match_domain(&s, "notevil.example") == NULL);
	CHECK(intel_match_domain(&s, "example") == NULL);
	CHECK(intel_match_hash(&s, INTEL_JA3, "E7D705A3286E19EA42F587B344EE6865") != NULL);
	CHECK(intel_match_hash(&s, INTEL_JA4, "t13d1516h2_8daaf6152771_b186095e22b6") != NULL);
	CHECK(intel_match_hash(&s, INTEL_CERT, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709") != NULL);
	const char *junk = "%%%\n???\n";
	CHECK(intel_load_mem(&s, "junk.txt", junk, strlen(junk), &e) < 0);
	CHECK(strstr(e.msg, "junk.txt") != NULL);
	CHECK(intel_load_file(&s, "/nonexistent/intel.txt", &e) < 0);
	intel_release(&s);
}

/* A listed address reached from inside, a listed JA3, and a listed
 * address knocking from outside unanswered: high, high, low. */
static void test_intel_match(void)
{
	struct intel_set s;
	intel_init(&s);
	struct dm_err e = { "" };
	const char *list = "93.1.2.3\ne7d705a3286e19ea42f587b344ee6865\n94.0.0.0/8\n";
	CHECK_INT(intel_load_mem(&s, "bl.txt", list, strlen(list), &e), 0);
	struct flowset fs;
	flowset_init(&fs);
	struct obs_flow f = flow_of("10.0.0.5", "93.1.2.3", 40000, 443, 1.7e9, 10);
	flowset_add(&fs, &f);
	flowset_add(&fs, &f);
	f = flow_of("10.0.0.6", "93.7.7.7", 40001, 443, 1.7e9, 10);
	f.ja3 = "E7D705A3286E19EA42F587B344EE6865";
	flowset_add(&fs, &f);
	f = flow_of("94.1.1.1", "10.0.0.7", 40002, 22, 1.7e9, 1);
	f.bytes_in = f.pkts_in = 0;
	f.flags_out = 0x02;
	flowset_add(&fs, &f);
	struct findings out;
	CHECK_INT(run_rule(&fs, "intel-match", &s, &out), 3);
	const struct finding *x = for_host(&out, "10.0.0.5");
	CHECK(x && x->severity == SEV_HIGH && strstr(x->evidence, "\"flows\":2") &&
	      strstr(x->evidence, "\"list\":\"bl.txt\",\"list_line\":1"));
	x = for_host(&out, "10.0.0.6");
	CHECK(x && x->severity == SEV_HIGH && strstr(x->evidence, "\"matched_on\":[\"ja3\"]"));
	x = for_host(&out, "10.0.0.7");
	CHECK(x && x->severity == SEV_LOW);
	findings_release(&out);
	CHECK_INT(run_rule(&fs, "intel-match", NULL, &out), 0);
	flowset_release(&fs);
	intel_release(&s);
}

/* One 6-hour connection that a 60 s idle timeout cut into a record every
 * two minutes is one connection: a long one, not a beacon. */
static void test_cut_connection_is_not_beacon(void)
{
	struct flowset fs;
	flowset_init(&fs);
	for (int i = 0; i < 180; i++) {
		struct obs_flow f = flow_of("10.0.0.5", "93.1.2.3", 51000, 443, 1.7e9 + i * 120.0, 1);
		if (i) f.flags_out = f.flags_in = 0x18; /* no SYN: cut from the record before */
		flowset_add(&fs, &f);
	}
	struct findings out;
	CHECK_INT(run_rule(&fs, "beacon", NULL, &out), 0);
	findings_release(&out);
	CHECK_INT(run_rule(&fs, "long-connection", NULL, &out), 1);
	if (out.n) CHECK(strstr(out.v[0].evidence, "\"sessions\":1,") != NULL);
	findings_release(&out);
	flowset_release(&fs);
}

SUITE(suite_threats, "threats", { "long_connection", test_long_connection },
      { "dns_tunnel", test_dns_tunnel }, { "dns_question", test_dns_question },
      { "zeek_details", test_zeek_details }, { "intel_formats", test_intel_formats },
      { "intel_match", test_intel_match },
      { "cut_connection_is_not_beacon", test_cut_connection_is_not_beacon });
