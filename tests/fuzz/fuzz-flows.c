/* Fuzz target: traffic records. The input is read as a pcap file (libpcap
 * parses the records, dormant the packets), as a Zeek conn.log, as NetFlow
 * v5/v9/IPFIX export packets, and as one
 * packet of each link type, a TLS ClientHello and a DNS message (answers and the question); every packet goes
 * through a small flow table so that its eviction and ending run too. */
#include "fuzz.h"
#include "flow/capture.h"
#include "flow/dns-answer.h"
#include "flow/netflow.h"
#include "flow/tls-hello.h"
#include "flow/zeek.h"
#include "base/log.h"
#include <pcap/dlt.h>
#include <string.h>

static void on_flow(void *ctx, const struct obs_flow *f)
{
	(void)ctx;
	/* (a conn.log record may carry no counts; a pcap flow always has a packet) */
	if (f->end < f->start || (f->end_reason && strcmp(f->end_reason, "zeek") &&
				  strcmp(f->end_reason, "exported") && f->pkts_out + f->pkts_in == 0))
		__builtin_trap();
}

static void on_answer(void *ctx, const struct dns_answer *a)
{
	(void)ctx;
	if (a->family != 4 && a->family != 6) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16) return 0;
	log_level = LOG_QUIET;
	struct flow_table_config cfg = { .idle_timeout = 5, .active_timeout = 20, .max_flows = 16 };
	struct flow_sink sink = { NULL, on_flow, NULL };
	struct flow_table *ft = flow_table_new(&cfg, &sink);
	for (size_t i = 0; i < pkt_n_link_types; i++) {
		struct pkt p;
		const char *why;
		/* as capture.c: well formed IP into the table */
		if (pkt_decode(pkt_link_types[i], data, size, &p, &why) == 0 && p.family) {
			if (p.payload && (p.payload < data || p.payload + p.payload_len > data + size))
				__builtin_trap();
			flow_table_packet(ft, (double)i, &p);
		}
	}
	struct tls_hello h;
	tls_parse_client_hello(data, size, &h);
	struct zeek_stats zs = { 0 };
	struct dm_err ze;
	zeek_read_mem("fuzz", (const char *)data, size, &sink, &zs, &ze);
	dns_parse_answers(data, size, on_answer, NULL);
	char qname[256];
	uint16_t qtype;
	if (dns_parse_question(data, size, qname, &qtype)) /* a name for the rules: printable, bounded */
		for (const char *c = qname; *c; c++)
			if (*c <= 0x20 || *c >= 0x7f || c - qname >= 255) __builtin_trap();
	/* as NetFlow export packets, twice from one exporter: templates learnt by the first serve the second */
	struct nf_decoder *nf = nf_new(&sink);
	struct ipaddr ex = ipaddr_v4(0x7f000001);
	const char *nwhy;
	nf_packet(nf, &ex, data, size, &nwhy);
	nf_packet(nf, &ex, data, size, &nwhy);
	nf_free(nf);
	char path[128];
	if (fuzz_file(data, size, "flows", path, sizeof(path))) {
		struct capture_config cc = { 0 };
		struct capture_stats st = { 0 };
		struct dm_err e;
		capture_file(path, &cc, ft, &st, &e);
		unlink(path);
	}
	flow_table_flush(ft);
	flow_table_free(ft);
	return 0;
}
