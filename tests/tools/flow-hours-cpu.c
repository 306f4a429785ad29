/* The hourly summaries' cursor alone, in CPU time (bench/RESULTS.md, issue
 * 21): a pcap or Zeek conn.log read into a flow set, its sides marked by a
 * --config file, then every summary row made by flowset_hours_open/next/
 * close (the blocks' split, bucketing and sorts) REPS times, with no store
 * and no rule. Prints the best CPU time (user + system) of the cursor, the
 * peak RSS of the process and a digest of every row (the same for two
 * builds that give the same rows in the same order).
 * usage: flow-hours-cpu FILE CONFIG [REPS] */
#include "flow/capture.h"
#include "flow/table.h"
#include "flow/zeek.h"
#include "model/flowset.h"
#include "model/site-config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static void on_flow(void *ctx, const struct obs_flow *o) { flowset_add(ctx, o); }

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static long peak_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
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

/* FNV-1a over a row's fields (not its padding) */
static void fold(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) *h = (*h ^ b[i]) * 0x100000001b3ULL;
}

static void fold_addr(uint64_t *h, const struct ipaddr *a)
{
	fold(h, &a->family, sizeof(a->family));
	fold(h, &a->v4, sizeof(a->v4));
	fold(h, &a->v6, sizeof(a->v6));
}

static void fold_row(uint64_t *h, const struct flow_hour *r)
{
	fold_addr(h, &r->host);
	fold_addr(h, &r->peer);
	uint64_t nums[] = { (uint64_t)r->hour, r->port,          r->proto,    r->inbound,
			    r->background,     r->peer_internal, r->flows,    r->bytes_up,
			    r->bytes_down,     r->pkts_up,       r->pkts_down };
	fold(h, nums, sizeof(nums));
	fold(h, r->names, strlen(r->names) + 1);
	fold(h, r->cc, strnlen(r->cc, sizeof(r->cc)));
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: flow-hours-cpu FILE CONFIG [REPS]\n");
		return 2;
	}
	int reps = argc == 4 ? atoi(argv[3]) : 3;
	if (reps < 1) reps = 1;
	struct dm_err e = { "" };
	struct site_config cfg;
	site_config_defaults(&cfg);
	if (site_config_load(&cfg, argv[2], &e) < 0) {
		fprintf(stderr, "flow-hours-cpu: %s\n", e.msg);
		return 1;
	}
	struct flowset fs;
	flowset_init(&fs);
	struct flow_sink sink = { &fs, on_flow, NULL };
	int rc;
	if (is_zeek(argv[1])) {
		struct zeek_stats zs = { 0 };
		rc = zeek_read_file(argv[1], &sink, &zs, NULL, &e);
	} else {
		struct flow_table_config tc = { 0 };
		struct flow_table *ft = flow_table_new(&tc, &sink);
		struct capture_config cc = { 0 };
		struct capture_stats st = { 0 };
		rc = capture_file(argv[1], &cc, ft, &st, &e);
		flow_table_flush(ft);
		flow_table_free(ft);
	}
	if (rc < 0) {
		fprintf(stderr, "flow-hours-cpu: %s\n", e.msg);
		return 1;
	}
	flowset_annotate(&fs, &cfg, NULL, NULL);
	long read_kb = peak_kb();
	enum { CHUNK = 1024 }; /* as the store takes them */
	struct flow_hour *buf = malloc(CHUNK * sizeof(*buf));
	double best = 0;
	uint64_t digest = 0;
	size_t rows = 0;
	for (int r = 0; r < reps; r++) {
		uint64_t h = 0xcbf29ce484222325ULL;
		double t0 = cpu_seconds();
		struct flow_hours_cursor c;
		flowset_hours_open(&fs, &c);
		size_t got;
		while ((got = flowset_hours_next(&c, buf, CHUNK)))
			for (size_t i = 0; i < got; i++) fold_row(&h, &buf[i]);
		rows = c.rows;
		flowset_hours_close(&c);
		double t = cpu_seconds() - t0;
		if (r && h != digest) {
			fprintf(stderr, "flow-hours-cpu: pass %d gave other rows\n", r + 1);
			return 1;
		}
		digest = h;
		if (!r || t < best) best = t;
	}
	printf("%s: %zu flows, %zu rows (digest %016llx), best of %d: %.3f s CPU; peak RSS %ld MB after "
	       "reading, %ld MB after the cursor\n",
	       argv[1], fs.n, rows, (unsigned long long)digest, reps, best, read_kb / 1024, peak_kb() / 1024);
	free(buf);
	flowset_release(&fs);
	site_config_release(&cfg);
	return 0;
}
