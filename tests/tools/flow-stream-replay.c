/* A capture file judged as the watcher's sources judge live traffic
 * (pipeline/traffic-stream.c: an hour judged when the flows' clock passes
 * its end plus the grace, each hour a run of its own), to compare with
 * `dormant flows FILE`'s one judgement of the whole file: each finding
 * (rule, host, port, hour), then the hours judged, the late flows and the
 * peak memory; then the run's findings merged per episode
 * (analyze/episodes.h), one line each: "episode RULE HOST PORT SEVERITY".
 * usage: flow-stream-replay FILE CONFIG DB [GRACE_SECONDS] */
#include "pipeline/traffic-stream.h"
#include "analyze/episodes.h"
#include "flow/capture.h"
#include "flow/table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* One line a finding: its rule, host and port, and the hour it was judged in. */
static void on_judged(void *ctx, struct traffic_job *j, double from, double to)
{
	(void)to;
	for (size_t i = 0; i < j->found.n; i++) {
		const struct finding *f = &j->found.v[i];
		char ip[IPADDR_STRLEN] = "-";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		printf("finding %s %s %u %.0f\n", f->rule, ip, f->port, from);
	}
	episodes_acc_add(ctx, &j->found);
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: flow-stream-replay FILE CONFIG DB [GRACE_SECONDS]\n");
		return 2;
	}
	struct traffic_args a = { .config = argv[2], .db = argv[3], .fail_on = -1 };
	struct traffic_stream s;
	struct episodes_acc acc;
	episodes_acc_init(&acc, "");
	traffic_stream_init(&s, &a, "collect", "replay", argc == 5 ? atof(argv[4]) : 300, false, on_judged,
			    &acc);
	struct flow_sink sink = { &s, traffic_stream_flow, NULL };
	struct flow_table_config cfg = { 0 };
	struct flow_table *ft = flow_table_new(&cfg, &sink);
	struct capture_config cc = { 0 };
	struct capture_stats st = { 0 };
	struct dm_err e = { "" };
	int r = capture_file(argv[1], &cc, ft, &st, &e);
	flow_table_flush(ft);
	flow_table_free(ft);
	if (r == 0) r = traffic_stream_flush(&s, &e);
	traffic_stream_release(&s);
	if (r < 0) {
		fprintf(stderr, "flow-stream-replay: %s\n", e.msg);
		return 1;
	}
	struct findings ep = { 0 };
	episodes_acc_take(&acc, &ep);
	episodes_acc_release(&acc);
	for (size_t i = 0; i < ep.n; i++) {
		const struct finding *f = &ep.v[i];
		char ip[IPADDR_STRLEN] = "-";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		printf("episode %s %s %u %s\n", f->rule, ip, f->port, severity_name(f->severity));
	}
	findings_release(&ep);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("flows %llu, hours judged %llu, late %llu, findings %llu, peak %.0f MB\n",
	       (unsigned long long)s.flows, (unsigned long long)s.windows, (unsigned long long)s.late,
	       (unsigned long long)s.findings, ru.ru_maxrss / 1024.0);
	return 0;
}
