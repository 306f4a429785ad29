/* NetFlow v5/v9/IPFIX decoding (templates, late data, withdrawal, sequence
 * gaps); packet decoding is tested in test-packet.c. */
#include "test.h"
#include "flow/netflow.h"
#include "flow/tls-hello.h"
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

SUITE(suite_flow, "flow", { "netflow", netflow }, { "tls_fingerprints", tls_fingerprints });
