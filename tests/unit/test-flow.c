/* NetFlow v5/v9/IPFIX decoding (templates, late data, withdrawal, sequence
 * gaps); packet decoding is tested in test-packet.c. */
#include "test.h"
#include "flow/netflow.h"
#include "flow/tls-hello.h"
#include "flow/zeek-json.h"
#include "flow/zeek.h"
#include "base/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Every field of every record folded (FNV-1a), with the records' count. */
struct fold {
	uint64_t n, h;
};

static void fold_bytes(struct fold *f, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) f->h = (f->h ^ b[i]) * 0x100000001b3ULL;
}

static void fold_str(struct fold *f, const char *s) { fold_bytes(f, s ? s : "", s ? strlen(s) + 1 : 1); }

static void fold(void *ctx, const struct obs_flow *o)
{
	struct fold *f = ctx;
	f->n++;
	char a[64], b[64];
	ipaddr_fmt(&o->src, a, sizeof(a));
	ipaddr_fmt(&o->dst, b, sizeof(b));
	fold_str(f, a);
	fold_str(f, b);
	uint64_t nums[] = { o->sport,    o->dport,   o->proto,  o->bytes_out, o->bytes_in,
			    o->pkts_out, o->pkts_in, o->detail, o->dns_qtype };
	fold_bytes(f, nums, sizeof(nums));
	fold_bytes(f, &o->start, sizeof(o->start));
	fold_bytes(f, &o->end, sizeof(o->end));
	const char *strs[] = { o->app, o->sni, o->ja3, o->ja4, o->dns_query, o->cert_hash, o->end_reason };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) fold_str(f, strs[i]);
}

/* A conn.log read in blocks parsed on threads gives what one thread
 * reading it in 1 MiB blocks gives: blocks of any size (lines cut at
 * their ends), headers changing the columns midway, damaged lines, lines
 * too long (inside a block and longer than one), JSON, CRLF, NUL bytes, a
 * last line without its newline. */
static void zeek_blocks_same(void)
{
	char path[] = "/tmp/dormant-zeek-blocks-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	const char *head = "#separator \\x09\n#unset_field\t-\n#empty_field\t(empty)\n"
			   "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
			   "duration\torig_bytes\tresp_bytes\tconn_state\torig_pkts\torig_ip_bytes\n";
	fputs(head, f);
	unsigned x = 7;
	for (int i = 0; i < 40000; i++) {
		x = x * 1103515245u + 12345u;
		unsigned k = (x >> 16) % 100;
		if (k == 0)
			fputs(head, f);
		else if (k == 1)
			fputs("#fields\tid.orig_h\tts\tid.resp_h\tid.orig_p\tid.resp_p\tproto\n", f);
		else if (k == 2)
			fprintf(f, "%u.5\tC%d\t10.0.%u.%u\n", 1700000000 + i, i, x % 256, (x >> 8) % 256);
		else if (k == 3)
			fprintf(f,
				"{\"ts\":%u.25,\"id.orig_h\":\"10.1.0.%u\",\"id.orig_p\":%u,\"id.resp_h\":"
				"\"198.18.0.%u\",\"id.resp_p\":443,\"proto\":\"tcp\",\"server_name\":\"s%u."
				"example\"}\n",
				1700000000 + i, x % 250, x % 60000, (x >> 4) % 250, x % 97);
		else if (k == 4 &&
			 (x >> 20) % 8 == 0) { /* too long: within a block, or longer than the smallest */
			int n = (x >> 8) % 2 ? 70000 : 200000;
			for (int c = 0; c < n; c++) fputc('a' + c % 26, f);
			fputc('\n', f);
		} else if (k == 5)
			fputs("\r\n\n1.0\tC\0x\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\n", f);
		else
			fprintf(f,
				"%u.%06u\tC%d\t10.%u.%u.%u\t%u\t198.18.%u.%u\t%u\t%s\t%s\t%u.%u\t%u\t%"
				"u\tSF\t%u\t%u%s",
				1700000000 + i, x % 1000000, i, x % 4, (x >> 3) % 256, (x >> 11) % 256,
				x % 65536, (x >> 5) % 2, (x >> 7) % 256, (x >> 2) % 1024,
				k % 3 ? "tcp" : "udp", k % 4 ? "ssl" : "-", k % 7, x % 100, x % 5000,
				x % 7000, k, x % 9000, k == 6 ? "\tx\r\n" : "\n");
	}
	fputs("#close\t2026-01-01\n1.0\tC\t10.0.0.1\t1\t10.0.0.2\t2\ttcp", f); /* no newline */
	CHECK_INT(fclose(f), 0);
	struct fold ref = { 0, 0xcbf29ce484222325ULL };
	struct flow_sink sink = { &ref, fold, NULL };
	struct zeek_stats rs = { 0 };
	struct dm_err e = { "" };
	enum log_level was = log_level;
	log_level = LOG_QUIET;
	CHECK_INT(zeek_read_file_blocks(path, &sink, &rs, NULL, 1 << 20, 0, &e), 0);
	CHECK(rs.records > 15000);
	CHECK(rs.damaged > 1000);
	const size_t blocks[] = { (1 << 16) + 1, (1 << 16) + 4099, 100000, 1 << 20 };
	for (size_t b = 0; b < 4; b++)
		for (int w = 0; w < 4; w++) {
			struct fold got = { 0, 0xcbf29ce484222325ULL };
			sink.ctx = &got;
			struct zeek_stats gs = { 0 };
			CHECK_INT(zeek_read_file_blocks(path, &sink, &gs, NULL, blocks[b], w, &e), 0);
			CHECK_INT(gs.lines, rs.lines);
			CHECK_INT(gs.records, rs.records);
			CHECK_INT(gs.damaged, rs.damaged);
			CHECK_INT(gs.comments, rs.comments);
			CHECK_INT(got.n, ref.n);
			CHECK(got.h == ref.h);
		}
	log_level = was;
	unlink(path);
}

SUITE(suite_flow, "flow", { "netflow", netflow }, { "tls_fingerprints", tls_fingerprints },
      { "zeek_json_lines", zeek_json_lines }, { "zeek_tsv_addresses", zeek_tsv_addresses },
      { "zeek_blocks_same", zeek_blocks_same });
