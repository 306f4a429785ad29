/* dormant watch: the jobs' schedule (times of day, days, the run missed
 * while down), the state kept across restarts, the command-line splitter,
 * the metrics endpoint's request head, and traffic judged in stream time. */
#include "test.h"
#include "base/http-head.h"
#include "base/log.h"
#include "cmd/watch.h"
#include "cmd/watch-source.h"
#include "pipeline/traffic-stream.h"
#include "test-db.h"
#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static double utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi };
	return (double)timegm(&tm);
}

/* A test's scratch folder, /tmp/dormant-unit-NAME-PID, made empty. */
static void scratch(char *dir, size_t n, const char *name)
{
	char cmd[256];
	snprintf(dir, n, "/tmp/dormant-unit-%s-%d", name, (int)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(mkdir(dir, 0700), 0);
}

static void scratch_remove(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) {
	}
}

/* dir/name with text in it; its path in path. */
static void put_file(char *path, size_t n, const char *dir, const char *name, const char *text)
{
	snprintf(path, n, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f) return;
	fputs(text, f);
	fclose(f);
}

static void schedule(void)
{
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", "UTC", 1);
	tzset();
	struct watch_job j = { .at = { 150, 840 }, .n_at = 2, .days = 0x3e }; /* 02:30, 14:00 Mon-Fri */
	/* Friday 2026-01-09 15:00: the next is Monday 02:30, the last Friday 14:00 */
	CHECK_INT(watch_job_next(&j, utc(2026, 1, 9, 15, 0)), utc(2026, 1, 12, 2, 30));
	CHECK_INT(watch_job_prev(&j, utc(2026, 1, 11, 23, 0)), utc(2026, 1, 9, 14, 0));
	CHECK_INT(watch_job_next(&j, utc(2026, 1, 12, 2, 30)), utc(2026, 1, 12, 14, 0)); /* strictly after */
	CHECK_INT(watch_job_prev(&j, utc(2026, 1, 12, 2, 30)), utc(2026, 1, 12, 2, 30));
	/* in the site's zone: 02:30 in Shanghai is 18:30 UTC the day before */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	struct watch_job k = { .at = { 150 }, .n_at = 1, .days = 0x7f };
	CHECK_INT(watch_job_next(&k, utc(2026, 1, 9, 12, 0)), utc(2026, 1, 9, 18, 30));
	struct watch_job e = { .every = 7200 };
	CHECK_INT(watch_job_next(&e, 1000), 8200);
	CHECK_INT(watch_job_prev(&e, 1000), 0);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

static void state(void)
{
	char dir[96];
	scratch(dir, sizeof(dir), "watch");
	struct watch_state s;
	struct dm_err e = { "" };
	CHECK_INT(watch_state_load(&s, dir, &e), 0);
	CHECK(watch_state_get(&s, "nightly") == 0);
	CHECK_INT(watch_state_set(&s, "nightly", 1768014000.5, &e), 0);
	CHECK_INT(watch_state_set(&s, "hourly", 1768017600, &e), 0);
	watch_state_release(&s);
	CHECK_INT(watch_state_load(&s, dir, &e), 0);
	CHECK(watch_state_get(&s, "nightly") == 1768014000.5);
	CHECK(watch_state_get(&s, "hourly") == 1768017600);
	watch_state_release(&s);
	scratch_remove(dir);
}

static void split(void)
{
	char **v;
	const char *why;
	CHECK_INT(argv_split("audit  10.0.0.0/8 --flows 'a b.pcap' \"c\\\"d\" e\\ f", &v, &why), 6);
	CHECK_STR(v[0], "audit");
	CHECK_STR(v[2], "--flows");
	CHECK_STR(v[3], "a b.pcap");
	CHECK_STR(v[4], "c\"d");
	CHECK(v[5] && !strcmp(v[5], "e f"));
	argv_free(v);
	CHECK_INT(argv_split("scan 'open", &v, &why), -1);
	CHECK_STR(why, "a ' is not closed");
	CHECK_INT(argv_split("   ", &v, &why), 0);
	CHECK(v && !v[0]);
	argv_free(v);
}

static void head(void)
{
	char m[8], t[32];
	const char *ok = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT(http_head_parse(ok, strlen(ok), m, sizeof(m), t, sizeof(t)), 1);
	CHECK_STR(m, "GET");
	CHECK_STR(t, "/metrics");
	CHECK_INT(http_head_parse(ok, strlen(ok) - 2, m, sizeof(m), t, sizeof(t)), 0); /* not ended yet */
	CHECK_INT(http_head_parse("GET / HTTP/1.0\n\n", 16, m, sizeof(m), t, sizeof(t)), 1);
	CHECK_INT(http_head_parse("\x16\x03\x01 hello\r\n\r\n", 14, m, sizeof(m), t, sizeof(t)),
		  -1); /* TLS */
	CHECK_INT(http_head_parse("GET /metrics SPDY/3\r\n\r\n", 23, m, sizeof(m), t, sizeof(t)), -1);
	CHECK_INT(http_head_parse("GET /a-very-long-target-cut-to-the-field HTTP/1.1\r\n\r\n", 53, m,
				  sizeof(m), t, sizeof(t)),
		  1);
	CHECK_INT(strlen(t), sizeof(t) - 1);
}

struct seen {
	double from[4];
	int n;
};
static void on_judged(void *ctx, struct traffic_job *j, double from, double to)
{
	struct seen *s = ctx;
	(void)j;
	(void)to;
	if (s->n < 4) s->from[s->n++] = from;
}

static void flow_at(struct traffic_stream *s, double start, double end)
{
	struct obs_flow f = { .proto = 6,
			      .dport = 443,
			      .sport = 50000,
			      .start = start,
			      .end = end,
			      .bytes_out = 100,
			      .pkts_out = 2 };
	ipaddr_parse("10.1.0.5", &f.src);
	ipaddr_parse("10.1.0.6", &f.dst);
	traffic_stream_flow(s, &f);
}

static void stream(void)
{
	char db[96], cmd[128];
	snprintf(db, sizeof(db), "/tmp/dormant-unit-stream-%d/x.db", (int)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/dormant-unit-stream-%d", (int)getpid());
	struct traffic_args a = { .db = db, .fail_on = -1, .no_analyze = true };
	struct traffic_stream s;
	struct seen seen = { 0 };
	double h = 1768014000; /* 03:00 */
	traffic_stream_init(&s, &a, "collect", "unit", 300, false, on_judged, &seen);
	flow_at(&s, h + 600, h + 610);
	flow_at(&s, h + 3600 + 10, h + 3600 + 290); /* 04:04:50: inside the grace */
	CHECK_INT(s.windows, 0);
	flow_at(&s, h + 3600 + 20, h + 3600 + 301); /* the clock passes 04:05: 03:00 is judged */
	CHECK_INT(s.windows, 1);
	CHECK(seen.n == 1 && seen.from[0] == h);
	flow_at(&s, h + 700, h + 710); /* late: its hour is gone, judged with the next */
	CHECK_INT(s.late, 1);
	flow_at(&s, h + 4 * 3600, h + 4 * 3600 + 400); /* a jump: 04:00 judged, then 07:00 waits */
	CHECK_INT(s.windows, 2);
	CHECK(seen.n == 2 && seen.from[1] == h + 3600);
	struct dm_err e = { "" };
	CHECK_INT(traffic_stream_flush(&s, &e), 0);
	CHECK_INT(s.windows, 3);
	CHECK(seen.n == 3 && seen.from[2] == h + 4 * 3600);
	CHECK_INT(s.flows, 5);
	CHECK_INT(s.err, 0);
	traffic_stream_release(&s);
	if (system(cmd)) {
	}
}

/* /metrics: each source's judge queue (now, deepest, the reader's wait),
 * with their HELP and TYPE lines. */
static void metrics(void)
{
	struct watch_source_stats src[] = {
		{ .name = "edge", .kind = "collect", .queued = 2, .deepest = 3, .wait_seconds = 1.25 },
		{ .name = "lan", .kind = "capture" },
	};
	struct watch_metrics m = { .sources = src, .n_sources = 2 };
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	CHECK(f != NULL);
	if (!f) return;
	watch_metrics_write(f, &m);
	fclose(f);
	static const char *const want[] = {
		"# TYPE dormant_source_judge_queue_hours gauge\n",
		"\ndormant_source_judge_queue_hours{source=\"edge\",kind=\"collect\"} 2\n",
		"\ndormant_source_judge_queue_hours{source=\"lan\",kind=\"capture\"} 0\n",
		"# TYPE dormant_source_judge_queue_deepest_hours gauge\n",
		"\ndormant_source_judge_queue_deepest_hours{source=\"edge\",kind=\"collect\"} 3\n",
		"# HELP dormant_source_judge_queue_wait_seconds_total ",
		"# TYPE dormant_source_judge_queue_wait_seconds_total counter\n",
		"\ndormant_source_judge_queue_wait_seconds_total{source=\"edge\",kind=\"collect\"} 1.250\n",
		"\ndormant_source_judge_queue_wait_seconds_total{source=\"lan\",kind=\"capture\"} 0.000\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(text, want[i])) CHECK_STR(text, want[i]);
	free(text);
}

/* What one judged hour gave: its start, flows and findings (rule and host). */
struct hour_seen {
	double from;
	size_t flows;
	char findings[1024];
};
struct hours_seen {
	struct hour_seen h[16];
	int n;
	bool slow; /* the second hour's judging lasts until the reader waits for room */
	struct traffic_stream *stream;
	int deepest;         /* the most hours queued for the judge */
	uint64_t waited;     /* hand-offs that waited */
	double wait_seconds; /* the reader's time in them */
	int queued;          /* hours queued after the flush */
};
static void keep_hour(void *ctx, struct traffic_job *j, double from, double to)
{
	struct hours_seen *s = ctx;
	(void)to;
	if (s->n == (int)ARRAY_SIZE(s->h)) return;
	struct hour_seen *h = &s->h[s->n++];
	h->from = from;
	h->flows = j->flows.n;
	size_t o = 0;
	for (size_t i = 0; i < j->found.n && o < sizeof(h->findings) - 1; i++) {
		const struct finding *f = &j->found.v[i];
		char ip[IPADDR_STRLEN] = "";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		o += (size_t)snprintf(h->findings + o, sizeof(h->findings) - o, "%s %s %s;", f->rule, ip,
				      f->title);
	}
	/* the reader queues hours 2 and 3 behind this one, and waits at hour 4's
	 * hand-off (5 s at most: a queue without a bound never waits) */
	for (int k = 0; s->slow && s->n == 2 && !s->stream->waited && k < 5000; k++) usleep(1000);
	if (s->slow && s->n == 2) usleep(50000); /* the reader waits at least this long */
}

/* A TCP flow of bytes out (a quarter of it back). */
static struct obs_flow flow_of(const char *src, const char *dst, int dport, double start, double end,
			       uint64_t bytes)
{
	struct obs_flow f = { .proto = 6,
			      .dport = (uint16_t)dport,
			      .sport = 40000,
			      .start = start,
			      .end = end,
			      .bytes_out = bytes,
			      .bytes_in = bytes / 4,
			      .pkts_out = 10,
			      .pkts_in = 8 };
	ipaddr_parse(src, &f.src);
	ipaddr_parse(dst, &f.dst);
	return f;
}

static void flow_full(struct traffic_stream *s, const char *src, const char *dst, int dport, double start,
		      double end, uint64_t bytes)
{
	struct obs_flow f = flow_of(src, dst, dport, start, end, bytes);
	traffic_stream_flow(s, &f);
}

/* Six hours of traffic with every rule live: chatter between hosts, a hit
 * of the intelligence list in hours 1 and 4, a host that opens a
 * connection in hour 0 and wakes in hour 4 (its silence read from the
 * store, so hour 4 must be judged after hour 0's summaries are saved), a
 * late flow, a jump of the clock. */
static void day(struct traffic_stream *s, double h0)
{
	unsigned x = 12345;
	for (int hour = 0; hour < 6; hour++) {
		double base = h0 + hour * 3600.0;
		for (int i = 0; i < 300; i++) {
			x = x * 1103515245u + 12345u;
			char src[32], dst[32];
			snprintf(src, sizeof(src), "10.7.0.%u", 1 + (x >> 8) % 20);
			snprintf(dst, sizeof(dst), (x >> 20) % 3 ? "10.7.1.%u" : "198.51.100.%u",
				 1 + (x >> 12) % 5);
			double start = base + i * 11.0;
			flow_full(s, src, dst, (x >> 16) % 2 ? 443 : 445, start, start + 5 + (x >> 4) % 30,
				  500 + (x >> 10) % 50000);
			if (i == 150 && (hour == 1 || hour == 4))
				flow_full(s, "10.7.0.99", "203.0.113.66", 443, start, start + 4, 4200);
			if (i == 100 && (hour == 0 || hour == 4))
				flow_full(s, "10.7.0.77", "198.51.100.200", 22, start, start + 60, 90000);
			if (i == 40 && hour == 3) /* late: hour 2 was judged at 03:05 */
				flow_full(s, "10.7.0.5", "10.7.1.1", 443, base - 1800, base - 1790, 800);
		}
	}
	flow_full(s, "10.7.0.5", "10.7.1.1", 443, h0 + 9 * 3600.0, h0 + 9 * 3600.0 + 400, 800);
}

static void judge_day(const char *dir, bool threaded, struct hours_seen *seen, uint64_t *ret_windows)
{
	char db[160], conf[160], bad[160], text[512];
	snprintf(db, sizeof(db), "%s/%s.db", dir, threaded ? "threaded" : "serial");
	snprintf(conf, sizeof(conf), "%s/site.conf", dir);
	snprintf(bad, sizeof(bad), "%s/bad.txt", dir);
	snprintf(text, sizeof(text),
		 "[site]\ntimezone = UTC\n[usage]\nwindow_days = 0.1\n[intel]\nfiles = %s\n", bad);
	struct traffic_args a = { .config = conf, .config_text = text, .db = db, .fail_on = -1 };
	struct traffic_stream s;
	enum log_level was = log_level;
	log_level = LOG_WARN; /* each hour names its intelligence list */
	traffic_stream_init(&s, &a, "collect", "unit", 300, threaded, keep_hour, seen);
	CHECK(s.threaded == threaded);
	seen->stream = &s;
	day(&s, 1768014000); /* 03:00 UTC */
	struct dm_err e = { "" };
	CHECK_INT(traffic_stream_flush(&s, &e), 0);
	seen->deepest = s.deepest;
	seen->waited = s.waited;
	seen->wait_seconds = (double)s.wait_us / 1e6;
	seen->queued = s.queued;
	CHECK_INT(s.err, 0);
	CHECK_INT(s.late, 1);
	*ret_windows = s.windows;
	traffic_stream_release(&s);
	log_level = was;
}

/* The judge thread gives what judging on the reader gives: the same hours
 * in the same order, each with its flows and findings, also when the
 * judge falls behind: the reader queues closed hours for it without
 * waiting until TRAFFIC_STREAM_QUEUE are queued, and waits then. */
static void stream_threaded(void)
{
	char dir[96], bad[160];
	scratch(dir, sizeof(dir), "judge");
	put_file(bad, sizeof(bad), dir, "bad.txt", "203.0.113.66\n");
	struct hours_seen serial = { 0 }, threaded = { .slow = true };
	uint64_t ws = 0, wt = 0;
	judge_day(dir, false, &serial, &ws);
	judge_day(dir, true, &threaded, &wt);
	CHECK_INT(ws, 7); /* hours 0-5, then 12:00 by the flush */
	CHECK_INT(wt, ws);
	CHECK_INT(threaded.deepest, TRAFFIC_STREAM_QUEUE); /* filled before it waited */
	CHECK(threaded.waited >= 1);
	CHECK(threaded.wait_seconds >= 0.05);
	CHECK_INT(threaded.queued, 0);
	CHECK_INT(serial.deepest, 0);
	CHECK(serial.wait_seconds == 0);
	CHECK_INT(threaded.n, serial.n);
	for (int i = 0; i < serial.n && i < threaded.n; i++) {
		CHECK_INT(threaded.h[i].from, serial.h[i].from);
		CHECK_INT(threaded.h[i].flows, serial.h[i].flows);
		CHECK_STR(threaded.h[i].findings, serial.h[i].findings);
	}
	CHECK(strstr(serial.h[1].findings, "intel-match 10.7.0.99 ") != NULL);
	CHECK(strstr(serial.h[4].findings, "intel-match 10.7.0.99 ") != NULL);
	/* silent since hour 0 by the store's summaries: hour 4 judged after them */
	CHECK(strstr(serial.h[4].findings, "idle-device-active 10.7.0.77 ") != NULL);
	CHECK_INT(serial.h[6].from, 1768014000 + 9 * 3600);
	scratch_remove(dir);
}

/* An intelligence hit early in an hour: its alert is in the outbox as the
 * flow comes (the stream clock at the flow's end, the hour not judged),
 * and once only after the hour is judged (the same identity, merged). */
struct early_seen {
	struct watch_source_spec spec;
	int early, judged;
};
static void early_judged(void *ctx, struct traffic_job *j, double from, double to)
{
	struct early_seen *s = ctx;
	(void)from, (void)to;
	s->judged++;
	watch_findings_judged(&s->spec, j);
}
static void early_found(void *ctx, struct traffic_job *j, const struct findings *fs)
{
	struct early_seen *s = ctx;
	s->early += (int)fs->n;
	watch_findings_early(&s->spec, j, fs);
}
static int outbox_row(void *ctx, const struct life_alert *a)
{
	struct buf *b = ctx;
	buf_printf(b, "%s %s %s;", a->event, a->rule, a->ip);
	return 0;
}
static void outbox(const char *db, struct buf *b)
{
	struct store *st = NULL;
	struct dm_err e = { "" };
	b->len = 0;
	buf_puts(b, "");
	CHECK_INT(store_open(db, &st, &e), 0);
	CHECK_INT(store_alert_pending(st, "ops", 1e12, 0, outbox_row, b, &e), 0);
	store_close(st);
}

/* The early tests' stream: a store and the site policy x->text (set
 * between early_begin and early_start) in a scratch folder, findings
 * through their life into the outbox, logs quiet but for warnings. */
struct early_run {
	char dir[96], db[160], conf[160], text[512];
	struct traffic_args a;
	struct traffic_stream s;
	struct early_seen seen;
	struct buf b; /* the outbox, read */
	enum log_level was;
};

static void early_begin(struct early_run *x, const char *name)
{
	*x = (struct early_run){ .seen = { .spec = { .kind = "collect", .name = "unit" } }, .b = BUF_INIT };
	scratch(x->dir, sizeof(x->dir), name);
	snprintf(x->db, sizeof(x->db), "%s/x.db", x->dir);
	snprintf(x->conf, sizeof(x->conf), "%s/site.conf", x->dir);
}

static void early_start(struct early_run *x, bool threaded)
{
	x->a = (struct traffic_args){ .config = x->conf, .config_text = x->text, .db = x->db, .fail_on = -1 };
	x->was = log_level;
	log_level = LOG_WARN;
	traffic_stream_init(&x->s, &x->a, "collect", "unit", 120, threaded, early_judged, &x->seen);
	CHECK(x->s.threaded == threaded);
	x->s.on_early = early_found;
}

static void early_end(struct early_run *x)
{
	traffic_stream_release(&x->s);
	log_level = x->was;
	buf_release(&x->b);
	scratch_remove(x->dir);
}

static void early_hour(bool threaded)
{
	struct early_run x;
	char bad[160];
	early_begin(&x, threaded ? "early-1" : "early-0");
	put_file(bad, sizeof(bad), x.dir, "bad.txt", "203.0.113.66\n");
	snprintf(x.text, sizeof(x.text),
		 "[site]\nname = hq\ntimezone = UTC\n[intel]\nfiles = %s\n[alert ops]\ntype = jsonl\n"
		 "path = /dev/null\n",
		 bad);
	early_start(&x, threaded);
	struct traffic_stream *s = &x.s;
	double h = 1768014000; /* 03:00 */
	flow_full(s, "10.7.0.5", "10.7.1.1", 443, h + 60, h + 70, 800);
	outbox(x.db, &x.b);
	CHECK_STR(x.b.data, "");
	flow_full(s, "10.7.0.99", "203.0.113.66", 443, h + 300, h + 304, 4200);
	CHECK_INT(s->clock, h + 304); /* the clock at the flow's end: the hour not judged */
	CHECK_INT(s->windows, 0);
	CHECK_INT(x.seen.early, 1);
	outbox(x.db, &x.b);
	CHECK_STR(x.b.data, "new intel-match 10.7.0.99;");
	/* again in the hour: said already, no second finding at once */
	flow_full(s, "10.7.0.99", "203.0.113.66", 443, h + 900, h + 905, 4200);
	CHECK_INT(x.seen.early, 1);
	flow_full(s, "10.7.0.5", "10.7.1.1", 443, h + 3600, h + 3600 + 121, 800); /* 04:02:01 */
	/* the next hour's first hit is said at once again (threaded: while 03:00
	 * may still be judged), and merged: no alert */
	flow_full(s, "10.7.0.99", "203.0.113.66", 443, h + 3700, h + 3704, 4200);
	CHECK_INT(x.seen.early, 2);
	traffic_stream_wait(s);
	CHECK_INT(s->windows, 1);
	CHECK_INT(s->findings, 1); /* the hour found it too */
	outbox(x.db, &x.b);
	CHECK_STR(x.b.data, "new intel-match 10.7.0.99;");
	struct dm_err e = { "" };
	CHECK_INT(traffic_stream_flush(s, &e), 0);
	CHECK_INT(s->windows, 2);
	CHECK_INT(s->early_found, 2);
	outbox(x.db, &x.b);
	CHECK_STR(x.b.data, "new intel-match 10.7.0.99;");
	early_end(&x);
}
/* A foreign upload at night: one session of 2 MB is enough alone, so it is
 * said as it comes; a domestic one, or one under 1 MB, waits for the hour,
 * whose judgement merges the host's finding (no second alert). */
/* An upload as an exporter without payloads reports it (entropy unknown). */
static void upload(struct traffic_stream *s, const char *src, const char *dst, double start, double end,
		   uint64_t bytes)
{
	struct obs_flow f = flow_of(src, dst, 443, start, end, bytes);
	f.pkts_out = 1000, f.pkts_in = 800;
	f.flags_out = f.flags_in = 0x1b;
	f.entropy = -1;
	traffic_stream_flow(s, &f);
}

static void stream_early_offhours(void)
{
	struct early_run x;
	char cmd[512], geo[160];
	early_begin(&x, "early-off");
	snprintf(geo, sizeof(geo), "%s/geo.mmdb", x.dir);
	snprintf(cmd, sizeof(cmd),
		 "python3 %s/tests/tools/flow/gen-mmdb.py %s --layout maxmind 0.0.0.0/1=US 203.0.113.0/24=RU",
		 DORMANT_SOURCEDIR, geo);
	CHECK_INT(system(cmd), 0);
	snprintf(x.text, sizeof(x.text),
		 "[site]\nname = hq\ntimezone = UTC\nhome_countries = US\nbusiness_hours = 08:00-18:00\n"
		 "geoip = %s\n[alert ops]\ntype = jsonl\npath = /dev/null\n",
		 geo);
	double h = 1768014000; /* 03:00 UTC */
	early_start(&x, false);
	struct traffic_stream *s = &x.s;
	upload(s, "10.7.0.50", "198.51.100.7", h + 100, h + 160, 2u << 20); /* domestic */
	upload(s, "10.7.0.50", "203.0.113.10", h + 200, h + 260, 300000);   /* small */
	CHECK_INT(x.seen.early, 0);
	upload(s, "10.7.0.50", "203.0.113.9", h + 300, h + 400, 2u << 20);
	CHECK_INT(s->windows, 0);
	CHECK_INT(x.seen.early, 1);
	outbox(x.db, &x.b);
	CHECK_STR(x.b.data, "new offhours-foreign-encrypted 10.7.0.50;");
	flow_full(s, "10.7.0.5", "10.7.1.1", 443, h + 3600, h + 3600 + 121, 800); /* 04:02:01 */
	CHECK_INT(s->windows, 1);
	CHECK_INT(s->findings, 1); /* the hour's, of both foreign sessions */
	outbox(x.db, &x.b);
	CHECK_STR(x.b.data, "new offhours-foreign-encrypted 10.7.0.50;");
	early_end(&x);
}

/* A beacon every half hour (jitter a fifth) for 14 hours, with traffic
 * between internal hosts: hours [from, to) fed to s. */
static void beats(struct traffic_stream *s, double h0, int from, int to)
{
	unsigned x = 777;
	double t = h0;
	for (int i = 0; i < 28; i++) {
		x = x * 1103515245u + 12345u;
		t += 1800 + ((double)((x >> 8) % 721) - 360);
		if (t >= h0 + 14 * 3600.0) break;
		int hour = (int)((t - h0) / 3600);
		if (hour < from || hour >= to) continue;
		struct obs_flow f = { .proto = 6,
				      .dport = 443,
				      .sport = (uint16_t)(40000 + i),
				      .start = t,
				      .end = t + 2,
				      .bytes_out = 400,
				      .bytes_in = 1200,
				      .pkts_out = 4,
				      .pkts_in = 4,
				      .flags_out = 0x1b,
				      .flags_in = 0x1b,
				      .entropy = -1,
				      .sni = "c2.example" };
		ipaddr_parse("10.7.0.5", &f.src);
		ipaddr_parse("198.51.100.7", &f.dst);
		traffic_stream_flow(s, &f);
		char src[32], dst[32]; /* other hosts' browsing: the beacon's host is one of many */
		snprintf(src, sizeof(src), "10.7.0.%d", 10 + i % 7);
		snprintf(dst, sizeof(dst), "198.51.100.%d", 20 + i % 11);
		flow_full(s, src, dst, 443, t + 60, t + 70, 900);
	}
	if (to == 14) /* the last hour's end, so the clock passes it */
		flow_full(s, "10.7.0.6", "10.7.1.1", 445, h0 + 15 * 3600.0, h0 + 15 * 3600.0 + 400, 800);
}

/* Hours [from, to) through a new stream on db (a source's child started
 * again), flushed (SIGTERM: what it holds is judged) and released. */
static void beats_stream(const char *db, const char *conf, struct hours_seen *seen, int from, int to)
{
	static const char text[] = "[site]\ntimezone = UTC\n";
	struct traffic_args a = { .config = conf, .config_text = text, .db = db, .fail_on = -1 };
	struct traffic_stream s;
	traffic_stream_init(&s, &a, "collect", "watch collect c", 300, false, keep_hour, seen);
	beats(&s, 1768014000, from, to);
	struct dm_err e = { "" };
	CHECK_INT(traffic_stream_flush(&s, &e), 0);
	traffic_stream_release(&s);
}

static int beacon_hours(const struct hours_seen *s)
{
	int n = 0;
	for (int i = 0; i < s->n; i++) n += strstr(s->h[i].findings, "beacon 10.7.0.5 ") != NULL;
	return n;
}

/* A source's child started again (a new stream on the same store) goes on
 * with the state the hours before it saved: the beacon's beats before the
 * restart count, and every hour is judged as by one stream. Without the
 * saved state (deleted, damaged or older than its window) the new stream
 * starts empty and finds less, and never fails on it. */
static void stream_restart(void)
{
	char dir[96], db[160], conf[160];
	scratch(dir, sizeof(dir), "restart");
	snprintf(conf, sizeof(conf), "%s/site.conf", dir);
	enum log_level was = log_level;
	log_level = LOG_WARN; /* each refused state is said, in one line */
	struct hours_seen one = { 0 }, two = { 0 };
	snprintf(db, sizeof(db), "%s/one.db", dir);
	beats_stream(db, conf, &one, 0, 14);
	snprintf(db, sizeof(db), "%s/two.db", dir);
	beats_stream(db, conf, &two, 0, 7);
	beats_stream(db, conf, &two, 7, 14);
	CHECK_INT(two.n, one.n);
	for (int i = 0; i < one.n && i < two.n; i++) {
		CHECK_INT(two.h[i].from, one.h[i].from);
		CHECK_STR(two.h[i].findings, one.h[i].findings);
	}
	CHECK(beacon_hours(&one) > 0);
	static const char *const spoil[][2] = {
		{ "DELETE FROM stream_state", "DELETE FROM stream_state" },
		{ "UPDATE stream_state SET state = substr(state, 1, length(state) - 9)",
		  "UPDATE stream_state SET state = substring(state from 1 for length(state) - 9)" },
		{ "UPDATE stream_state SET state = X'00'", "UPDATE stream_state SET state = '\\x00'" },
		{ "UPDATE stream_state SET format = 99", "UPDATE stream_state SET format = 99" },
		{ "UPDATE stream_state SET clock = clock - 15 * 86400",
		  "UPDATE stream_state SET clock = clock - 15 * 86400" },
	};
	for (size_t k = 0; k < ARRAY_SIZE(spoil); k++) {
		struct hours_seen three = { 0 };
		snprintf(db, sizeof(db), "%s/three-%zu.db", dir, k);
		beats_stream(db, conf, &three, 0, 7);
		CHECK_INT(test_db_exec(db, spoil[k][0], spoil[k][1]), 0);
		beats_stream(db, conf, &three, 7, 14);
		CHECK_INT(three.n, one.n);
		CHECK(beacon_hours(&three) < beacon_hours(&one));
	}
	log_level = was;
	scratch_remove(dir);
}

/* Judged on the reader, and beside it (the hit of the next hour is said
 * on the reader while the judge may still write the hour before). */
static void stream_early(void) { early_hour(false); }
static void stream_early_threaded(void) { early_hour(true); }

SUITE(suite_watch, "watch", T(schedule), T(state), T(split), T(head), T(metrics), T(stream),
      T(stream_threaded), T(stream_early), T(stream_early_threaded), T(stream_early_offhours),
      T(stream_restart));
