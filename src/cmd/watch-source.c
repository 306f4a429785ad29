/* A continuous source of `dormant watch` in a child of its own: a
 * collector ([collect NAME], on the socket the watcher bound) or a live
 * capture ([capture NAME]) feeding the traffic rules in stream time
 * (pipeline/traffic-stream.c). The watcher stays one thread that only
 * supervises, so a job's fork never copies a source mid-judgement; here
 * one thread reads and decodes and the stream's judge thread judges the
 * closed hours, so the socket is read while an hour is judged. The
 * child sends its counters on a pipe every second; SIGHUP re-reads the site
 * policy (a bad one is kept out), SIGTERM judges what is held and exits. */
#include "cmd/watch-source.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "flow/capture.h"
#include "flow/netflow.h"
#include "flow/table.h"
#include "model/site-config.h"
#include "pipeline/traffic-stream.h"
#include "report/report.h"
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

_Static_assert(sizeof(struct watch_source_wire) <= PIPE_BUF, "one write, never torn");

static volatile sig_atomic_t stop_flag, reload_flag, tick_flag;
static void on_stop(int sig) { (void)sig, stop_flag = 1; }
static void on_hup(int sig) { (void)sig, reload_flag = 1; }
static void on_tick(int sig) { (void)sig, tick_flag = 1; }

struct child {
	const struct watch_source_spec *spec;
	struct traffic_args args;
	struct traffic_stream stream;
	_Atomic uint64_t packets, drops; /* the reader's; sent from the judge too */
	char *policy;                    /* the site policy's text in force */
	pthread_mutex_t send_lock;       /* the reader's tick and the judge's hours */
	double last_sent;
};

/* From the reader each second and from the judge thread after each hour
 * (so the watcher delivers its alerts at once). */
static void send_stats(struct child *c)
{
	pthread_mutex_lock(&c->send_lock);
	struct watch_source_wire w = { .packets = c->packets,
				       .flows = c->stream.flows,
				       .drops = c->drops,
				       .windows = c->stream.windows,
				       .findings = c->stream.findings,
				       .late = c->stream.late,
				       .early = c->stream.early_found,
				       .clock = c->stream.clock,
				       .queued = (uint64_t)c->stream.queued,
				       .deepest = (uint64_t)c->stream.deepest,
				       .wait_seconds = (double)c->stream.wait_us / 1e6 };
	if (write(c->spec->stats_fd, &w, sizeof(w)) < 0) { /* the watcher reads when it can */
	}
	c->last_sent = now_mono();
	pthread_mutex_unlock(&c->send_lock);
}

static bool stats_due(struct child *c)
{
	pthread_mutex_lock(&c->send_lock);
	bool due = now_mono() - c->last_sent >= 1;
	pthread_mutex_unlock(&c->send_lock);
	return due;
}

/* The policy again, from the file; kept out when it does not read. */
static void reload(struct child *c)
{
	reload_flag = 0;
	struct buf b = BUF_INIT;
	struct dm_err e = { "" };
	struct site_config sc;
	site_config_defaults(&sc);
	int r = buf_read_file(&b, c->spec->config, 1u << 20, "a watch file", &e);
	if (r >= 0) r = site_config_parse(&sc, b.data ? b.data : "", c->spec->config, &e);
	site_config_release(&sc);
	if (r < 0) {
		log_warn("watch: %s %s: the policy in force is kept: %s", c->spec->kind, c->spec->name,
			 e.msg);
		buf_release(&b);
		return;
	}
	free(c->policy);
	c->policy = b.data ? buf_detach(&b) : xstrdup("");
	c->args.config_text = c->policy;
}

static void judged(void *ctx, struct traffic_job *j, double from, double to)
{
	struct child *c = ctx;
	(void)to;
	char hour[40];
	fmt_rfc3339(from, hour, sizeof(hour));
	log_info("watch: %s %s: hour from %s judged: %zu flows, %zu findings (run %lld; rules %.2f s, "
		 "%.2f s CPU; summaries %.2f s, %.2f s CPU, beside, sorts included; hosts split %.2f s CPU)",
		 c->spec->kind, c->spec->name, hour, j->flows.n, j->found.n, (long long)j->run,
		 j->rules_seconds, j->rules_cpu, j->save_seconds, j->save_cpu, j->sort_cpu);
	for (size_t i = 0; i < j->found.n; i++) {
		const struct finding *f = &j->found.v[i];
		char ip[IPADDR_STRLEN] = "";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		log_info("watch: %s %s: finding %s %s %s: %s", c->spec->kind, c->spec->name,
			 severity_name(f->severity), f->rule, ip, f->title);
	}
	watch_findings_judged(c->spec, j);
	send_stats(c);
}

/* A flow showed a finding at once: into the life and outbox, and the
 * counters sent now so the watcher delivers it without waiting. */
static void early(void *ctx, struct traffic_job *j, const struct findings *fs)
{
	struct child *c = ctx;
	char clock[40];
	fmt_rfc3339(c->stream.clock, clock, sizeof(clock));
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		char ip[IPADDR_STRLEN] = "";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		log_info("watch: %s %s: finding at once (stream clock %s) %s %s %s: %s", c->spec->kind,
			 c->spec->name, clock, severity_name(f->severity), f->rule, ip, f->title);
	}
	watch_findings_early(c->spec, j, fs);
	send_stats(c);
}

/* The clock has passed an hour's end and grace: said before the hand-off
 * may wait for the judge. */
static void closed(void *ctx) { send_stats(ctx); }

static int collect_loop(struct child *c, struct dm_err *e)
{
	enum { BATCH = 32, MTU = 9000 };
	struct flow_sink sink = { &c->stream, traffic_stream_flow, NULL };
	struct nf_decoder *d = nf_new(&sink);
	uint8_t *bufs = xmalloc((size_t)BATCH * MTU);
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	char ctrl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
	unsigned messages = 0;
	int fd = c->spec->fd;
	while (!stop_flag) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int pr = poll(&pfd, 1, 200);
		if (reload_flag) reload(c);
		if (stats_due(c)) send_stats(c);
		if (pr <= 0) continue;
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ bufs + (size_t)i * MTU, MTU };
			msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
							   .msg_namelen = sizeof(from[i]),
							   .msg_iov = &iov[i],
							   .msg_iovlen = 1,
							   .msg_control = ctrl[i],
							   .msg_controllen = sizeof(ctrl[i]) };
		}
		int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr); cm;
			     cm = CMSG_NXTHDR(&msgs[i].msg_hdr, cm))
				if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
					uint32_t drops;
					memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
					c->drops = drops;
				}
			struct ipaddr ex;
			ipaddr_from_sockaddr(&from[i], &ex);
			const char *why = NULL;
			uint64_t np = ++c->packets;
			if (nf_packet(d, &ex, iov[i].iov_base, msgs[i].msg_len, &why) < 0 && messages++ < 5) {
				char ip[IPADDR_STRLEN];
				ipaddr_fmt(&ex, ip, sizeof(ip));
				log_warn("watch: collect %s: packet %llu from %s (%u bytes): %s",
					 c->spec->name, (unsigned long long)np, ip, msgs[i].msg_len, why);
			}
		}
	}
	nf_free(d);
	free(bufs);
	(void)e;
	return 0;
}

static void capture_report(void *ctx, const struct capture_stats *st)
{
	struct child *c = ctx;
	c->packets = st->packets;
	c->drops = st->kernel_drops + st->iface_drops;
	if (reload_flag) reload(c);
	send_stats(c);
}

static int capture_loop(struct child *c, struct dm_err *e)
{
	struct flow_sink sink = { &c->stream, traffic_stream_flow, NULL };
	struct flow_table_config ftc = { 0 };
	struct flow_table *ft = flow_table_new(&ftc, &sink);
	struct capture_stats st = { 0 };
	struct capture_config cc = { .filter = c->spec->filter,
				     .stop = &stop_flag,
				     .report = &tick_flag,
				     .report_fn = capture_report,
				     .progress_ctx = c };
	struct itimerval it = { { 1, 0 }, { 1, 0 } };
	struct sigaction sa = { .sa_handler = on_tick };
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	int r = capture_live(c->spec->iface, &cc, ft, &st, e);
	flow_table_flush(ft);
	flow_table_free(ft);
	capture_report(c, &st);
	return r;
}

int watch_source_main(const struct watch_source_spec *spec)
{
	struct child c = { .spec = spec, .send_lock = PTHREAD_MUTEX_INITIALIZER };
	struct sigaction stop = { .sa_handler = on_stop }, hup = { .sa_handler = on_hup };
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGHUP, &hup, NULL);
	sigset_t none; /* blocked by the watcher until now */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	c.args = (struct traffic_args){ .config = spec->config, .db = spec->db, .fail_on = -1 };
	reload(&c);
	if (!c.policy) return 2;
	char what[96];
	snprintf(what, sizeof(what), "watch %s %s", spec->kind, spec->name);
	traffic_stream_init(&c.stream, &c.args, spec->collect ? "collect" : "flows", what, spec->grace, true,
			    judged, &c);
	c.stream.on_closed = closed;
	c.stream.on_early = early;
	struct dm_err e = { "" };
	int r = spec->collect ? collect_loop(&c, &e) : capture_loop(&c, &e);
	if (r >= 0) r = traffic_stream_flush(&c.stream, &e); /* SIGTERM: what is held is judged */
	send_stats(&c);
	if (r < 0) log_warn("watch: %s %s: %s", spec->kind, spec->name, e.msg);
	traffic_stream_release(&c.stream);
	free(c.policy);
	return r < 0 ? 3 : 0;
}
