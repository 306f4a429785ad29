/* NetFlow v5/v9/IPFIX decoding (templates, late data, withdrawal, sequence
 * gaps); packet decoding is tested in test-packet.c. */
#include "test.h"
#include "flow/netflow.h"
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

SUITE(suite_flow, "flow", { "netflow", netflow });
