/* A capture file judged as the watcher's sources judge live traffic
 * (pipeline/traffic-stream.c: an hour judged when the flows' clock passes
 * its end plus the grace, each hour a run of its own), to compare with
 * `dormant flows FILE`'s one judgement of the whole file: each finding
 * (rule, host, port, hour, severity), then the hours judged, the late
 * flows, the saved state's size and save time, and the peak memory; then
 * the run's findings merged per episode (analyze/episodes.h), one line
 * each: "episode RULE HOST PORT SEVERITY".
 *
 * --restart-after N: once N hours are judged, the stream is dropped as a
 * kill -9 would (the hours it holds are not judged) and a new stream on
 * the same store takes over, fed the flows the first one held and then
 * the rest: with the state saved and read back, its findings are those
 * of one uninterrupted stream.
 * usage: flow-stream-replay [--restart-after N] FILE CONFIG DB [GRACE_SECONDS] */
#include "pipeline/traffic-stream.h"
#include "analyze/episodes.h"
#include "base/util.h"
#include "flow/capture.h"
#include "flow/table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* One line a finding: its rule, host and port, the hour it was judged in, its severity. */
static void on_judged(void *ctx, struct traffic_job *j, double from, double to)
{
	(void)to;
	for (size_t i = 0; i < j->found.n; i++) {
		const struct finding *f = &j->found.v[i];
		char ip[IPADDR_STRLEN] = "-";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		printf("finding %s %s %u %.0f %s\n", f->rule, ip, f->port, from, severity_name(f->severity));
	}
	episodes_acc_add(ctx, &j->found);
}

/* The flows the current stream may still hold, copied (their strings are
 * the flow table's), to feed the next one after a restart. */
struct replay {
	struct traffic_args *args;
	double grace;
	struct traffic_stream s[2];
	struct episodes_acc *acc; /* the run's findings merged per episode */
	int cur;
	uint64_t restart_after; /* 0: never */
	bool restarted;
	struct obs_flow *held;
	size_t n_held, cap_held;
	uint64_t windows, findings, late, flows, saves;
	double save_seconds, save_cpu;
	uint64_t bytes_max;
};

static const char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static void held_free(struct obs_flow *f)
{
	const char **p[] = { &f->app,     &f->sni,        &f->ja3,        &f->ja4,
			     &f->alpn,    &f->name,       &f->ssh_client, &f->ssh_server,
			     &f->country, &f->end_reason, &f->dns_query,  &f->cert_hash };
	for (size_t i = 0; i < ARRAY_SIZE(p); i++) free((char *)*p[i]);
}

static void held_add(struct replay *rp, const struct obs_flow *f)
{
	if (rp->n_held == rp->cap_held) {
		rp->cap_held = rp->cap_held ? 2 * rp->cap_held : 4096;
		rp->held = xrealloc(rp->held, rp->cap_held * sizeof(*rp->held));
	}
	struct obs_flow c = *f;
	const char **p[] = { &c.app,     &c.sni,        &c.ja3,        &c.ja4,
			     &c.alpn,    &c.name,       &c.ssh_client, &c.ssh_server,
			     &c.country, &c.end_reason, &c.dns_query,  &c.cert_hash };
	for (size_t i = 0; i < ARRAY_SIZE(p); i++) *p[i] = dup_or_null(*p[i]);
	rp->held[rp->n_held++] = c;
}

/* Those of an hour the stream has judged dropped. */
static void held_prune(struct replay *rp, double win)
{
	size_t m = 0;
	for (size_t i = 0; i < rp->n_held; i++) {
		if (win && rp->held[i].start >= win)
			rp->held[m++] = rp->held[i];
		else
			held_free(&rp->held[i]);
	}
	rp->n_held = m;
}

static void count(struct replay *rp, struct traffic_stream *s)
{
	rp->windows += s->windows, rp->findings += s->findings, rp->late += s->late, rp->flows += s->flows;
	rp->saves += s->state_saves, rp->save_seconds += s->state_save_seconds;
	rp->save_cpu += s->state_save_cpu;
	if (s->state_bytes > rp->bytes_max) rp->bytes_max = s->state_bytes;
}

static void replay_flow(void *ctx, const struct obs_flow *f)
{
	struct replay *rp = ctx;
	struct traffic_stream *s = &rp->s[rp->cur];
	if (!rp->restart_after || rp->restarted) {
		traffic_stream_flow(s, f);
		return;
	}
	uint64_t before = s->windows;
	held_add(rp, f);
	traffic_stream_flow(s, f);
	if (s->windows != before) held_prune(rp, s->win);
	if (s->windows < rp->restart_after) return;
	/* as kill -9: what the stream holds is not judged; a new stream on
	 * the same store gets it again, as an exporter's data would */
	count(rp, s);
	traffic_stream_release(s);
	rp->cur = 1;
	rp->restarted = true;
	traffic_stream_init(&rp->s[1], rp->args, "collect", "replay", rp->grace, false, on_judged, rp->acc);
	for (size_t i = 0; i < rp->n_held; i++) traffic_stream_flow(&rp->s[1], &rp->held[i]);
	held_prune(rp, 0);
}

int main(int argc, char **argv)
{
	struct replay rp = { 0 };
	int k = 1;
	if (argc > 2 && !strcmp(argv[1], "--restart-after")) {
		rp.restart_after = strtoull(argv[2], NULL, 10);
		k = 3;
	}
	if (argc - k < 3 || argc - k > 4) {
		fprintf(stderr,
			"usage: flow-stream-replay [--restart-after N] FILE CONFIG DB [GRACE_SECONDS]\n");
		return 2;
	}
	struct traffic_args a = { .config = argv[k + 1], .db = argv[k + 2], .fail_on = -1 };
	struct episodes_acc acc;
	episodes_acc_init(&acc, "");
	rp.args = &a;
	rp.acc = &acc;
	rp.grace = argc - k == 4 ? atof(argv[k + 3]) : 300;
	traffic_stream_init(&rp.s[0], &a, "collect", "replay", rp.grace, false, on_judged, &acc);
	struct flow_sink sink = { &rp, replay_flow, NULL };
	struct flow_table_config cfg = { 0 };
	struct flow_table *ft = flow_table_new(&cfg, &sink);
	struct capture_config cc = { 0 };
	struct capture_stats st = { 0 };
	struct dm_err e = { "" };
	int r = capture_file(argv[k], &cc, ft, &st, &e);
	flow_table_flush(ft);
	flow_table_free(ft);
	struct traffic_stream *s = &rp.s[rp.cur];
	if (r == 0) r = traffic_stream_flush(s, &e);
	count(&rp, s);
	traffic_stream_release(s);
	held_prune(&rp, 0);
	free(rp.held);
	if (r < 0) {
		fprintf(stderr, "flow-stream-replay: %s\n", e.msg);
		return 1;
	}
	if (rp.restart_after && !rp.restarted) {
		fprintf(stderr, "flow-stream-replay: fewer than %llu hours: no restart\n",
			(unsigned long long)rp.restart_after);
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
	       (unsigned long long)rp.flows, (unsigned long long)rp.windows, (unsigned long long)rp.late,
	       (unsigned long long)rp.findings, ru.ru_maxrss / 1024.0);
	printf("state: %llu saves, largest %.2f MB, %.1f ms per hour (%.1f ms CPU)\n",
	       (unsigned long long)rp.saves, rp.bytes_max / 1048576.0,
	       rp.saves ? 1000 * rp.save_seconds / rp.saves : 0,
	       rp.saves ? 1000 * rp.save_cpu / rp.saves : 0);
	return 0;
}
