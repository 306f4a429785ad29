/* The flow readers alone, in CPU time, for bench/flows-bench.sh: a pcap
 * through libpcap, the decoder and the flow table (TLS, SSH, DNS and HTTP
 * inspection included), or a Zeek conn.log through its reader, into a sink
 * that only counts and folds each record into a digest (no rules, no
 * store). CPU time (user + system) rather than wall time: a loaded
 * machine's wall time says little of the code. The best of REPS readings;
 * the digest is the same for every reading and changes with any field of
 * any record, so two builds can be compared on one input.
 * usage: flow-read-cpu FILE [REPS] */
#include "flow/capture.h"
#include "flow/table.h"
#include "flow/zeek.h"
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

struct fold {
	uint64_t n, h;
};

static void add(struct fold *f, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) f->h = (f->h ^ b[i]) * 0x100000001b3ULL; /* FNV-1a */
}

static void add_str(struct fold *f, const char *s)
{
	if (s)
		add(f, s, strlen(s) + 1);
	else
		add(f, "", 1);
}

static void add_addr(struct fold *f, const struct ipaddr *a)
{
	add(f, &a->family, sizeof(a->family));
	if (a->family == AF_INET)
		add(f, &a->v4, sizeof(a->v4));
	else
		add(f, &a->v6, sizeof(a->v6));
}

static void on_flow(void *ctx, const struct obs_flow *o)
{
	struct fold *f = ctx;
	f->n++;
	add_addr(f, &o->src);
	add_addr(f, &o->dst);
	uint64_t nums[] = {
		o->sport,    o->dport,    o->proto,     o->bytes_out, o->bytes_in,
		o->pkts_out, o->pkts_in,  o->flags_out, o->flags_in,  (uint64_t)(int64_t)o->entropy,
		o->detail,   o->dns_qtype
	};
	add(f, nums, sizeof(nums));
	add(f, &o->start, sizeof(o->start));
	add(f, &o->end, sizeof(o->end));
	const char *strs[] = { o->app,  o->sni,        o->alpn,       o->ja3,
			       o->ja4,  o->ssh_client, o->ssh_server, o->dns_query,
			       o->name, o->cert_hash,  o->end_reason };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) add_str(f, strs[i]);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static bool is_zeek(const char *path)
{
	unsigned char head[4096];
	FILE *fp = fopen(path, "rb");
	if (!fp) return false;
	size_t n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	return zeek_sniff(head, n);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: flow-read-cpu FILE [REPS]\n");
		return 2;
	}
	int reps = argc == 3 ? atoi(argv[2]) : 5;
	if (reps < 1) reps = 1;
	bool zeek = is_zeek(argv[1]);
	double best = 0;
	uint64_t units = 0;
	struct fold last = { 0 };
	for (int r = 0; r < reps; r++) {
		struct fold f = { 0, 0xcbf29ce484222325ULL };
		struct flow_sink sink = { &f, on_flow, NULL };
		struct dm_err e = { "" };
		double t0 = cpu_seconds();
		int rc;
		if (zeek) {
			struct zeek_stats zs = { 0 };
			rc = zeek_read_file(argv[1], &sink, &zs, NULL, &e);
			units = zs.lines;
		} else {
			struct flow_table_config cfg = { 0 };
			struct flow_table *ft = flow_table_new(&cfg, &sink);
			struct capture_config cc = { 0 };
			struct capture_stats st = { 0 };
			rc = capture_file(argv[1], &cc, ft, &st, &e);
			flow_table_flush(ft);
			flow_table_free(ft);
			units = st.packets;
		}
		double t = cpu_seconds() - t0;
		if (rc < 0) {
			fprintf(stderr, "flow-read-cpu: %s\n", e.msg);
			return 1;
		}
		if (r && (f.n != last.n || f.h != last.h)) {
			fprintf(stderr, "flow-read-cpu: reading %d gave other records\n", r + 1);
			return 1;
		}
		last = f;
		if (!r || t < best) best = t;
	}
	printf(
	    "%s: %llu %s, %llu records (digest %016llx), best of %d: %.3f s CPU, %.2f M %s per CPU second\n",
	    argv[1], (unsigned long long)units, zeek ? "lines" : "packets", (unsigned long long)last.n,
	    (unsigned long long)last.h, reps, best, best > 0 ? (double)units / best / 1e6 : 0,
	    zeek ? "lines" : "packets");
	return 0;
}
