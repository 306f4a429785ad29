/* NetFlow v5/v9/IPFIX decoding (templates, late data, withdrawal, sequence
 * gaps); packet decoding is tested in test-packet.c. */
#include "test.h"
#include "flow/netflow.h"
#include "flow/tls-hello.h"
#include "flow/zeek-json.h"
#include "flow/zeek.h"
#include <stdio.h>
#include <stdlib.h>

#define CORPUS DORMANT_SOURCEDIR "/tests/fuzz/corpus/flows/"

struct got {
	int n;
	struct obs_flow last;
};

static void take(void *ctx, const struct obs_flow *f)
{
	struct got *g = ctx;
	g->n++;
	g->last = *f;
}

static size_t slurp(const char *name, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(name, "rb");
	CHECK(f != NULL);
	if (!f) return 0;
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void netflow(void)
{
	uint8_t buf[2048];
	struct got g = { 0 };
	struct flow_sink sink = { &g, take, NULL };
	struct nf_decoder *d = nf_new(&sink);
	struct ipaddr ex = ipaddr_v4(0x7f000001);
	const char *why = NULL;
	size_t n = slurp(CORPUS "nf-v5", buf, sizeof(buf));
	CHECK_INT(nf_packet(d, &ex, buf, n, &why), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.last.dport, 443);
	CHECK_INT(g.last.bytes_out, 180);
	/* uptime 5 s at export 1763778000: first switched at 1 s is 4 s before */
	CHECK(g.last.start > 1763777995.9 && g.last.start < 1763777996.1);
	CHECK(g.last.end > 1763777996.9 && g.last.end < 1763777997.1);
	/* the same packet again: sequence 7 where 8 was due, counted as a gap */
	nf_packet(d, &ex, buf, n, &why);
	struct nf_stats st;
	nf_stats(d, &st);
	CHECK_INT(st.seq_gaps, 1);

	n = slurp(CORPUS "nf-ipfix-late", buf,
		  sizeof(buf)); /* data, then its template, then its withdrawal */
	CHECK_INT(nf_packet(d, &ex, buf, n, &why), 0);
	nf_stats(d, &st);
	CHECK_INT(st.buffered, 1);
	CHECK_INT(st.decoded_late, 1);
	CHECK_INT(st.withdrawals, 1);
	CHECK_INT(g.n, 3);
	CHECK(g.last.start > 1763777999.9 && g.last.start < 1763778000.1); /* flowStartMilliseconds */
	/* withdrawn: its data waits again */
	n = slurp(CORPUS "nf-ipfix", buf, sizeof(buf));
	buf[20] = 1; /* data set id 256 -> 257, whose template never came */
	nf_packet(d, &ex, buf, n, &why);
	n = slurp(CORPUS "nf-v9", buf, sizeof(buf)); /* template and padded data in one packet */
	CHECK_INT(nf_packet(d, &ex, buf, n, &why), 0);
	CHECK_INT(g.last.pkts_out, 3);
	CHECK_INT(g.last.sport, 40000);
	/* damage */
	CHECK(nf_packet(d, &ex, (const uint8_t *)"\0\x05", 2, &why) < 0);
	CHECK_STR(why, "packet too short for a NetFlow header");
	nf_free(d);
}

/* JA3 and JA4 of a ClientHello with GREASE, SNI, ALPN, supported_versions
 * and signature algorithms; the expected values were computed apart from
 * dormant from the strings the two specifications define:
 * JA3 "771,4865-4866-49199,0-10-11-13-16-43,29-23,0"; JA4 "t13d0306h2" and
 * the SHA-256 of "1301,1302,c02f" and of "000a,000b,000d,002b_0403,0804". */
static void tls_fingerprints(void)
{
	static const uint8_t ext[] = {
		0x1a, 0x1a, 0,   0, /* GREASE */
		0,    0,    0,   14,  0,   12,   0,    0,    9,    'a',  '.',  'e',
		'x',  'a',  'm', 'p', 'l', 'e',                                    /* SNI */
		0,    10,   0,   8,   0,   6,    0x2a, 0x2a, 0,    29,   0,    23, /* groups */
		0,    11,   0,   2,   1,   0,                                      /* point formats */
		0,    13,   0,   6,   0,   4,    0x04, 0x03, 0x08, 0x04,           /* signature algorithms */
		0,    16,   0,   5,   0,   3,    2,    'h',  '2',                  /* ALPN */
		0,    43,   0,   7,   6,   0x3a, 0x3a, 0x03, 0x04, 0x03, 0x03,     /* versions */
	};
	uint8_t hs[256], rec[300];
	size_t h = 0;
	hs[h++] = 3, hs[h++] = 3;
	memset(hs + h, 0, 33); /* random, empty session id */
	h += 33;
	static const uint8_t suites[] = { 0, 8, 0x0a, 0x0a, 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f, 1, 0 };
	memcpy(hs + h, suites, sizeof(suites));
	h += sizeof(suites);
	hs[h++] = 0, hs[h++] = (uint8_t)sizeof(ext);
	memcpy(hs + h, ext, sizeof(ext));
	h += sizeof(ext);
	size_t n = 0;
	rec[n++] = 22, rec[n++] = 3, rec[n++] = 1, rec[n++] = 0, rec[n++] = (uint8_t)(h + 4);
	rec[n++] = 1, rec[n++] = 0, rec[n++] = 0, rec[n++] = (uint8_t)h;
	memcpy(rec + n, hs, h);
	n += h;
	struct tls_hello th;
	CHECK(tls_parse_client_hello(rec, n, &th));
	CHECK_STR(th.sni, "a.example");
	CHECK_STR(th.alpn, "h2");
	CHECK_INT(th.version, 0x0304);
	CHECK_STR(th.ja3, "c9e264cb3675678ee364e81f3b6da7ad");
	CHECK_STR(th.ja4, "t13d0306h2_40b44b994229_fb71836bce29");
	CHECK(!tls_parse_client_hello(rec, n - 1, &th)); /* cut short: no fingerprints */
}

struct said {
	int n;
	char rec[4][320];
};

static void say(void *ctx, const struct obs_flow *f)
{
	struct said *s = ctx;
	if (s->n >= 4) return;
	char a[64], b[64];
	ipaddr_fmt(&f->src, a, sizeof(a));
	ipaddr_fmt(&f->dst, b, sizeof(b));
	snprintf(s->rec[s->n++], sizeof(s->rec[0]), "%.6f %s:%u %s:%u %u %llu/%llu %s %s", f->start, a,
		 f->sport, b, f->dport, f->proto, (unsigned long long)f->pkts_out,
		 (unsigned long long)f->bytes_out, f->sni ? f->sni : "-", f->app ? f->app : "-");
}

/* conn.log's JSON lines: the fast path's reading and the general parser's
 * (escapes, several objects) give the same records; damaged lines are named. */
static void zeek_json_lines(void)
{
	static const char *const names[] = { "ts", "id.orig_h", "query", "cert_chain_fps" };
	struct zj_names z;
	zj_names_init(&z, names, 4);
	struct zj_val v[ZJ_MAX_NAMES];
	char line[] = "{ \"ts\": 1.5e3 ,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"ts\":2,"
		      "\"cert_chain_fps\":[\"AB\",\"CD\"],\"query\":null}\t";
	CHECK(zeek_json_flat(line, strlen(line), &z, v));
	CHECK_STR(v[0].s, "1.5e3"); /* the first of a name */
	CHECK(v[0].kind == ZJ_NUMBER && v[0].dot && v[0].exp);
	CHECK_STR(v[1].s, "10.0.0.1");
	CHECK(v[2].kind == ZJ_NONE && !v[2].s);
	CHECK_STR(v[3].s, "AB"); /* an array: its first element */
	const char *declined[] = { "{\"ts\":\"a\\u0041\"}", "{\"ts\":1}{\"ts\":2}",
				   "{\"ts\":01}",           "{\"ts\":{\"a\":1}}",
				   "{\"ts\":[[1]]}",        "{\"ts\":1,}",
				   "{\"ts\":\"\xc3\xa9\"}", "{\"ts\":1",
				   "{\"ts\":tru}",          "{\"ts\":1}\r" };
	for (size_t i = 0; i < sizeof(declined) / sizeof(declined[0]); i++) {
		char copy[64];
		snprintf(copy, sizeof(copy), "%s", declined[i]);
		CHECK(!zeek_json_flat(copy, strlen(copy), &z, v));
		CHECK_STR(copy, declined[i]); /* untouched */
	}
	/* the same conversation written plainly, with escapes (the general
	 * parser's) and twice on one line: the same record each time */
	const char *log =
	    "{\"ts\":1763778000.1,\"id.orig_h\":\"198.18.0.50\",\"id.orig_p\":50001,"
	    "\"id.resp_h\":\"198.18.7.7\",\"id.resp_p\":443,\"proto\":\"tcp\",\"orig_pkts\":5,"
	    "\"orig_ip_bytes\":459,\"server_name\":\"a.example\"}\n"
	    "{\"ts\":1763778000.1,\"id.orig_h\":\"198.18.0.\\u0035\\u0030\",\"id.orig_p\":50001,"
	    "\"id.resp_h\":\"198.18.7.7\",\"id.resp_p\":443,\"proto\":\"tcp\",\"orig_pkts\":5,"
	    "\"orig_ip_bytes\":459,\"server_name\":\"a.exampl\\u0065\"}\n"
	    "{\"ts\":1763778000.1,\"id.orig_h\":\"198.18.0.50\",\"id.orig_p\":50001,"
	    "\"id.resp_h\":\"198.18.7.7\",\"id.resp_p\":443,\"proto\":\"tcp\",\"orig_pkts\":5,"
	    "\"orig_ip_bytes\":459,\"server_name\":\"a.example\"} {\"ts\":1}\n"
	    "{\"ts\":1763778000.1,\"id.orig_h\":\"198.18.0.50\",\"id.orig_p\":1.5,"
	    "\"id.resp_h\":\"198.18.7.7\",\"id.resp_p\":443,\"proto\":\"tcp\"}\n";
	struct said s = { 0 };
	struct flow_sink sink = { &s, say, NULL };
	struct zeek_stats st = { 0 };
	struct dm_err e;
	CHECK_INT(zeek_read_mem("conn.json", log, strlen(log), &sink, &st, &e), 0);
	CHECK_INT(st.lines, 4);
	CHECK_INT(s.n, 3);
	CHECK_INT(st.damaged, 2); /* the second object of line 3 (no address), line 4's port */
	CHECK_STR(s.rec[0], "1763778000.100000 198.18.0.50:50001 198.18.7.7:443 6 5/459 a.example tls");
	CHECK_STR(s.rec[1], s.rec[0]);
	CHECK_STR(s.rec[2], s.rec[0]);
}

/* conn.log TSV addresses: the dotted quads read by hand take what
 * inet_pton takes, no more; IPv6 still parses. */
static void zeek_tsv_addresses(void)
{
	const char *log = "#separator \\x09\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"
			  "1.5\t10.0.0.1\t1\t0.255.9.10\t2\ttcp\n"
			  "1.5\t10.0.0.01\t1\t1.2.3.4\t2\ttcp\n"
			  "1.5\t10.0.0.1\t1\t1.2.3.256\t2\ttcp\n"
			  "1.5\t10.0.0\t1\t1.2.3.4\t2\ttcp\n"
			  "1.5\t10.0.0.1.\t1\t1.2.3.4\t2\ttcp\n"
			  "1.5\t10.0.0.1\t1\t1.2.3.4x\t2\ttcp\n"
			  "1.5\t1000.0.0.1\t1\t1.2.3.4\t2\ttcp\n"
			  "1.5\t::ffff:10.0.0.1\t1\t2001:db8::1\t2\ttcp\n";
	struct said s = { 0 };
	struct flow_sink sink = { &s, say, NULL };
	struct zeek_stats st = { 0 };
	struct dm_err e;
	CHECK_INT(zeek_read_mem("conn.log", log, strlen(log), &sink, &st, &e), 0);
	CHECK_INT(s.n, 2);
	CHECK_INT(st.damaged, 6);
	CHECK_STR(s.rec[0], "1.500000 10.0.0.1:1 0.255.9.10:2 6 0/0 - -");
	CHECK_STR(s.rec[1], "1.500000 ::ffff:10.0.0.1:1 2001:db8::1:2 6 0/0 - -");
}

SUITE(suite_flow, "flow", { "netflow", netflow }, { "tls_fingerprints", tls_fingerprints },
      { "zeek_json_lines", zeek_json_lines }, { "zeek_tsv_addresses", zeek_tsv_addresses });
