/* The watcher's loop: one thread that schedules the jobs (each run a child,
 * never two of one job at once), keeps a child per collector and capture
 * (restarted when it dies), answers /metrics, reaps, and talks to systemd.
 * Signals arrive on a signalfd so that poll sees them at once. */
#include "cmd/watch-run.h"
#include "base/log.h"
#include "base/sdnotify.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "cmd/traffic-opts.h"
#include "cmd/watch-source.h"
#include "alert/alert.h"
#include "model/finding.h"
#include "model/site-config.h"
#include "store/store.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct job_rt {
	char name[64];
	const struct watch_job *cfg; /* in w->cfg; NULL: removed by a reload while it ran */
	pid_t pid;
	double due;
	struct watch_job_stats st;
};

struct src_rt {
	struct watch_source cfg; /* a copy: filter owned */
	bool collect, gone;      /* gone: removed by a reload, waited for */
	int sock;                /* collect: bound once, kept across restarts of the child */
	pid_t pid;
	int stats_rd;
	double restart_at;
	struct watch_source_wire last, base; /* the child's counters; base: of children before it */
	struct watch_source_stats st;
};

struct watcher {
	char path[512];
	struct watch_config cfg;
	struct job_rt *jobs;
	size_t n_jobs;
	struct src_rt *srcs;
	size_t n_srcs;
	int sigfd, metrics_fd;
	char metrics_addr[128];
	struct metrics_conn conns[METRICS_CONNS];
	struct watch_state state;
	char *db;
	struct site_config site; /* the file's policy: the findings' site and [alert NAME] channels */
	double next_deliver;
	uint64_t judged; /* hours the sources judged and findings they said early, as last seen */
	uint64_t alerts_sent, alerts_failed, alerts_pending;
	char alert_error[512]; /* the last failure said, so a receiver down is said once */
	double started, wd_period, wd_last;
	unsigned reloads;
	bool stopping;
};

/* The descriptors a child must not keep (except keep). */
static size_t child_fds(const struct watcher *w, int keep, int *out, size_t cap)
{
	size_t n = 0;
	int all[4 + METRICS_CONNS];
	size_t k = 0;
	all[k++] = w->sigfd, all[k++] = w->metrics_fd;
	for (size_t i = 0; i < METRICS_CONNS; i++) all[k++] = w->conns[i].fd;
	for (size_t i = 0; i < k && n < cap; i++)
		if (all[i] >= 0 && all[i] != keep) out[n++] = all[i];
	for (size_t i = 0; i < w->n_srcs && n + 2 <= cap; i++) {
		if (w->srcs[i].sock >= 0 && w->srcs[i].sock != keep) out[n++] = w->srcs[i].sock;
		if (w->srcs[i].stats_rd >= 0) out[n++] = w->srcs[i].stats_rd;
	}
	return n;
}

/* [watch] state_dir, else systemd's StateDirectory=, else the store's folder. */
static const char *state_dir(const struct watch_config *c, const char *db, char *buf, size_t n)
{
	if (*c->state_dir) return c->state_dir;
	const char *sd = getenv("STATE_DIRECTORY");
	if (sd && *sd) {
		snprintf(buf, n, "%.*s", (int)strcspn(sd, ":"), sd);
		return buf;
	}
	snprintf(buf, n, "%s", db);
	return dirname(buf);
}

/* --- jobs --- */

/* A job's first due time when the watcher starts or the job appears: a run
 * missed while no watcher ran is due at once, once. */
static double first_due(struct watcher *w, const struct watch_job *j, double now)
{
	double last = watch_state_get(&w->state, j->name);
	if (j->every) return last && last + j->every > now ? last + j->every : now;
	double prev = watch_job_prev(j, now);
	if (last && prev && last < prev) {
		log_info("watch: job %s: its run due at %.0f was missed; it runs now", j->name, prev);
		return now;
	}
	return watch_job_next(j, now);
}

/* The job's command line, with the watch's store, policy and site when it
 * names none. */
static struct watch_job job_argv(const struct watcher *w, const struct watch_job *j)
{
	struct watch_job x = *j;
	bool has_db = false, has_config = false, has_site = false;
	for (int i = 1; i < j->argc; i++) {
		has_db |= !strcmp(j->argv[i], "--db") || !strncmp(j->argv[i], "--db=", 5);
		has_config |= !strcmp(j->argv[i], "--config") || !strncmp(j->argv[i], "--config=", 9);
		has_site |= !strcmp(j->argv[i], "--site") || !strncmp(j->argv[i], "--site=", 7);
	}
	x.argv = xcalloc((size_t)j->argc + 7, sizeof(*x.argv));
	memcpy(x.argv, j->argv, (size_t)j->argc * sizeof(*x.argv));
	if (!has_db && *w->cfg.db) x.argv[x.argc++] = "--db", x.argv[x.argc++] = (char *)w->cfg.db;
	if (!has_config && !strcmp(j->argv[0], "audit"))
		x.argv[x.argc++] = "--config", x.argv[x.argc++] = (char *)w->path;
	if (!has_site) x.argv[x.argc++] = "--site", x.argv[x.argc++] = (char *)w->site.name;
	return x;
}

/* The store a job's run goes to: its own --db, else the watch's. */
static const char *job_db(const struct watcher *w, const struct watch_job *j)
{
	for (int i = 1; i < j->argc; i++) {
		if (!strcmp(j->argv[i], "--db") && i + 1 < j->argc) return j->argv[i + 1];
		if (!strncmp(j->argv[i], "--db=", 5)) return j->argv[i] + 5;
	}
	return w->db;
}

static void job_start(struct watcher *w, struct job_rt *jr, double now)
{
	const struct watch_job *j = jr->cfg;
	jr->due = j->every ? now + j->every : watch_job_next(j, now);
	if (jr->pid > 0) {
		log_warn("watch: job %s: still running at its next time; that run is skipped", j->name);
		return;
	}
	int fds[64];
	size_t n = child_fds(w, -1, fds, ARRAY_SIZE(fds));
	struct watch_job x = job_argv(w, j);
	pid_t pid = watch_job_spawn(&x, fds, n);
	free(x.argv);
	if (pid < 0) {
		log_warn("watch: job %s: cannot start: %s", j->name, strerror(-pid));
		jr->st.failures++;
		return;
	}
	jr->pid = pid;
	jr->st.running = true;
	jr->st.last_start = now_real();
	log_info("watch: job %s: started (pid %d): %s", j->name, (int)pid, j->run);
	struct dm_err e = { "" };
	if (watch_state_set(&w->state, j->name, jr->st.last_start, &e) < 0)
		log_warn("watch: job %s: its start is not remembered: %s", j->name, e.msg);
}

static void job_ended(struct watcher *w, struct job_rt *jr, int status)
{
	double now = now_real(), took = now - jr->st.last_start;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	jr->pid = 0;
	jr->st.running = false;
	jr->st.runs++;
	jr->st.last_seconds = took;
	jr->st.total_seconds += took;
	if (w->stopping && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) {
		log_info("watch: job %s: stopped with the watcher after %.1f s", jr->name, took);
		return;
	}
	if (code >= 2) jr->st.failures++;
	if (code >= 2)
		log_warn("watch: job %s: failed (exit %d) after %.1f s", jr->name, code, took);
	else
		log_info("watch: job %s: done (exit %d%s) after %.1f s", jr->name, code,
			 code == 1 ? ": findings at --fail-on" : "", took);
	if (jr->cfg) watch_job_ended(jr->cfg, job_db(w, jr->cfg), &w->site, code, jr->st.last_start, now);
	w->next_deliver = 0; /* what the run changed goes out now */
}

/* --- sources --- */

static int src_bind(struct src_rt *s, struct dm_err *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int r = listen_parse(s->cfg.listen, &ss, &sl, e);
	if (r < 0) return r;
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		r = dm_fail(e, -errno, "[collect %s] listen %s: %s", s->cfg.name, s->cfg.listen,
			    strerror(errno));
		if (fd >= 0) close(fd);
		return r;
	}
	char what[256];
	snprintf(what, sizeof(what), "watch: [collect %s] listen %s", s->cfg.name, s->cfg.listen);
	collector_socket_tune(fd, what);
	s->sock = fd;
	return 0;
}

static void src_start(struct watcher *w, struct src_rt *s)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		log_warn("watch: %s %s: %s", s->collect ? "collect" : "capture", s->cfg.name,
			 strerror(errno));
		s->restart_at = now_mono() + 5;
		return;
	}
	int fds[64];
	size_t n = child_fds(w, s->sock, fds, ARRAY_SIZE(fds));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		for (size_t i = 0; i < n; i++) close(fds[i]);
		close(p[0]);
		unsetenv("NOTIFY_SOCKET"); /* the signals stay blocked until the child's handlers are set */
		struct watch_source_spec spec = { .kind = s->collect ? "collect" : "capture",
						  .name = s->cfg.name,
						  .collect = s->collect,
						  .fd = s->sock,
						  .iface = s->cfg.iface,
						  .filter = s->cfg.filter,
						  .config = w->path,
						  .db = w->db,
						  .grace = s->cfg.grace,
						  .stats_fd = p[1] };
		int code = watch_source_main(&spec);
		fflush(NULL);
		_exit(code);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		log_warn("watch: %s %s: cannot start: %s", s->collect ? "collect" : "capture", s->cfg.name,
			 strerror(errno));
		s->restart_at = now_mono() + 5;
		return;
	}
	s->pid = pid;
	s->stats_rd = p[0];
	s->restart_at = 0;
	log_info("watch: %s %s: started (pid %d) on %s", s->collect ? "collect" : "capture", s->cfg.name,
		 (int)pid, s->collect ? s->cfg.listen : s->cfg.iface);
}

static void src_read_stats(struct src_rt *s)
{
	struct watch_source_wire x;
	while (s->stats_rd >= 0 && read(s->stats_rd, &x, sizeof(x)) == (ssize_t)sizeof(x)) s->last = x;
}

static void src_ended(struct src_rt *s, int status, bool stopping)
{
	src_read_stats(s);
	s->base.packets += s->last.packets, s->base.flows += s->last.flows, s->base.drops += s->last.drops;
	s->base.windows += s->last.windows, s->base.findings += s->last.findings,
	    s->base.late += s->last.late, s->base.early += s->last.early;
	if (s->last.clock > s->base.clock) s->base.clock = s->last.clock;
	if (s->last.deepest > s->base.deepest) s->base.deepest = s->last.deepest;
	s->base.wait_seconds += s->last.wait_seconds; /* queued: an ended child holds none */
	s->last = (struct watch_source_wire){ 0 };
	if (s->stats_rd >= 0) close(s->stats_rd);
	s->stats_rd = -1;
	s->pid = 0;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (code && !stopping)
		log_warn("watch: %s %s: ended (exit %d); started again in 5 s",
			 s->collect ? "collect" : "capture", s->cfg.name, code);
	s->restart_at = now_mono() + 5;
}

static void src_release(struct src_rt *s)
{
	if (s->sock >= 0) close(s->sock);
	if (s->stats_rd >= 0) close(s->stats_rd);
	free(s->cfg.filter);
	s->sock = s->stats_rd = -1;
	s->cfg.filter = NULL;
}

static struct src_rt *src_add(struct watcher *w, const struct watch_source *c, bool collect)
{
	w->srcs = xrealloc(w->srcs, (w->n_srcs + 1) * sizeof(*w->srcs));
	struct src_rt *s = &w->srcs[w->n_srcs++];
	*s = (struct src_rt){ .cfg = *c, .collect = collect, .sock = -1, .stats_rd = -1 };
	s->cfg.filter = c->filter ? xstrdup(c->filter) : NULL;
	return s;
}

static bool src_same(const struct src_rt *s, const struct watch_source *c, bool collect)
{
	return s->collect == collect && !strcmp(s->cfg.name, c->name) && !strcmp(s->cfg.listen, c->listen) &&
	       !strcmp(s->cfg.iface, c->iface) && s->cfg.grace == c->grace &&
	       !strcmp(s->cfg.filter ? s->cfg.filter : "", c->filter ? c->filter : "");
}

/* --- metrics --- */

/* Findings open by severity: the latest finished run of each source (its
 * kind and arguments) in the watch's store counts. */
static int count_open(void *ctx, const struct life_view *v)
{
	uint64_t *out = ctx;
	if (v->r.severity <= SEV_CRITICAL) out[v->r.severity]++;
	return 0;
}

/* Findings open by severity: the records of every site not resolved. */
static bool open_findings(struct watcher *w, uint64_t out[5])
{
	struct store *st = NULL;
	bool ok = store_open_mode(w->db, STORE_EXISTING, &st, NULL) >= 0 &&
		  store_life_list(st, NULL, -1, count_open, out, NULL) >= 0;
	store_close(st);
	return ok;
}

/* The outbox to its channels, every 2 s (sooner after a job's run). The
 * sources' children only write to the outbox: one deliverer, one order. */
static void deliver(struct watcher *w, bool force)
{
	double now = now_real();
	if (!w->site.alerts.n || (!force && now < w->next_deliver)) return;
	w->next_deliver = now + 2;
	struct store *st = NULL;
	struct dm_err e = { "" };
	if (store_open_mode(w->db, STORE_EXISTING, &st, &e) < 0) {
		log_debug("watch: alerts: %s", e.msg);
		return;
	}
	struct alert_stats as = { 0 };
	int r = alerts_deliver_pending(st, &w->site.alerts, now, &as, &e);
	store_close(st);
	if (r < 0) {
		log_warn("watch: alerts: %s", e.msg);
		return;
	}
	w->alerts_sent += as.sent, w->alerts_failed += as.failed, w->alerts_pending = as.pending;
	if (as.sent) log_info("watch: alerts: %zu delivered, %zu pending", as.sent, as.pending);
	if (as.failed && strcmp(as.error, w->alert_error))
		log_warn("watch: alerts: %s (%zu pending; tried again with backoff)", as.error, as.pending);
	snprintf(w->alert_error, sizeof(w->alert_error), "%s", as.failed ? as.error : "");
}

static char *metrics_body(void *ctx, size_t *ret_len)
{
	struct watcher *w = ctx;
	struct watch_job_stats js[w->n_jobs + 1];
	struct watch_source_stats ss[w->n_srcs + 1];
	struct watch_metrics m = { .jobs = js,
				   .sources = ss,
				   .started = w->started,
				   .reloads = w->reloads,
				   .alerts_sent = w->alerts_sent,
				   .alerts_failed = w->alerts_failed,
				   .alerts_pending = w->alerts_pending,
				   .alert_channels = w->site.alerts.n };
	for (size_t i = 0; i < w->n_jobs; i++) {
		js[m.n_jobs] = w->jobs[i].st;
		js[m.n_jobs++].name = w->jobs[i].name;
	}
	for (size_t i = 0; i < w->n_srcs; i++) {
		struct src_rt *s = &w->srcs[i];
		if (s->gone) continue;
		src_read_stats(s);
		ss[m.n_sources++] = (struct watch_source_stats){
			.name = s->cfg.name,
			.kind = s->collect ? "collect" : "capture",
			.packets = s->base.packets + s->last.packets,
			.flows = s->base.flows + s->last.flows,
			.drops = s->base.drops + s->last.drops,
			.windows = s->base.windows + s->last.windows,
			.findings = s->base.findings + s->last.findings,
			.late = s->base.late + s->last.late,
			.early = s->base.early + s->last.early,
			.clock = s->last.clock > s->base.clock ? s->last.clock : s->base.clock,
			.queued = s->last.queued,
			.deepest = s->last.deepest > s->base.deepest ? s->last.deepest : s->base.deepest,
			.wait_seconds = s->base.wait_seconds + s->last.wait_seconds,
		};
	}
	m.open_known = open_findings(w, m.open_by_severity);
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	if (!f) return *ret_len = 0, xstrdup("");
	watch_metrics_write(f, &m);
	fclose(f);
	*ret_len = n;
	return text;
}

/* --- configuration --- */

static int load(struct watcher *w, struct watch_config *c, struct site_config *site, struct dm_err *e)
{
	site_config_defaults(site);
	int r = watch_config_load(c, w->path, e);
	return r < 0 ? r : site_config_load(site, w->path, e);
}

/* The new configuration in force: jobs by name keep their state, sources
 * unchanged keep their child, the others are stopped or started. */
static int apply(struct watcher *w, struct watch_config *c, struct site_config *site, bool first,
		 struct dm_err *e)
{
	double now = now_real();
	int r;
	/* metrics: a new address is bound before the old one is let go */
	if (strcmp(w->metrics_addr, c->metrics)) {
		int fd = *c->metrics ? metrics_listen(c->metrics, e) : -1;
		if (fd < 0 && *c->metrics) return fd;
		if (w->metrics_fd >= 0) close(w->metrics_fd);
		w->metrics_fd = fd;
		snprintf(w->metrics_addr, sizeof(w->metrics_addr), "%s", c->metrics);
		if (fd >= 0) log_info("watch: metrics on http://%s/metrics", c->metrics);
	}
	/* sources: bind the new collectors first, so a port in use refuses the whole config */
	size_t old_n = w->n_srcs;
	for (size_t k = 0; k < c->n_collects + c->n_captures; k++) {
		bool col = k < c->n_collects;
		const struct watch_source *nc = col ? &c->collects[k] : &c->captures[k - c->n_collects];
		bool kept = false;
		for (size_t i = 0; i < old_n && !kept; i++)
			kept = !w->srcs[i].gone && src_same(&w->srcs[i], nc, col);
		if (kept) continue;
		struct src_rt *s = src_add(w, nc, col);
		for (size_t i = 0; i < old_n && col; i++) { /* the same address: its socket is taken over */
			struct src_rt *o = &w->srcs[i];
			if (!o->gone && o->collect && o->sock >= 0 && !strcmp(o->cfg.listen, nc->listen))
				s->sock = o->sock, o->sock = -1;
		}
		if (col && s->sock < 0 && (r = src_bind(s, e)) < 0) {
			for (size_t i = old_n; i < w->n_srcs; i++) src_release(&w->srcs[i]);
			w->n_srcs = old_n;
			return r;
		}
		s->restart_at = -1; /* to start */
	}
	for (size_t i = 0; i < old_n; i++) {
		struct src_rt *s = &w->srcs[i];
		bool kept = false;
		for (size_t k = 0; k < c->n_collects + c->n_captures && !kept; k++) {
			bool col = k < c->n_collects;
			kept = src_same(s, col ? &c->collects[k] : &c->captures[k - c->n_collects], col);
		}
		if (kept || s->gone) continue;
		s->gone = true; /* judges what it holds and ends; released when reaped */
		if (s->pid > 0) kill(s->pid, SIGTERM);
	}
	/* jobs */
	struct job_rt *jobs = xcalloc(c->n_jobs + w->n_jobs + 1, sizeof(*jobs));
	size_t n = 0;
	for (size_t k = 0; k < c->n_jobs; k++) {
		struct job_rt *old = NULL;
		for (size_t i = 0; i < w->n_jobs && !old; i++)
			if (!strcmp(w->jobs[i].name, c->jobs[k].name) && w->jobs[i].cfg) old = &w->jobs[i];
		jobs[n] = old ? *old : (struct job_rt){ 0 };
		snprintf(jobs[n].name, sizeof(jobs[n].name), "%s", c->jobs[k].name);
		jobs[n].cfg = &c->jobs[k];
		bool same = old && old->cfg->every == c->jobs[k].every && old->cfg->n_at == c->jobs[k].n_at &&
			    !memcmp(old->cfg->at, c->jobs[k].at, sizeof(c->jobs[k].at)) &&
			    old->cfg->days == c->jobs[k].days;
		if (!same) jobs[n].due = first_due(w, &c->jobs[k], now);
		n++;
	}
	for (size_t i = 0; i < w->n_jobs; i++) { /* removed while running: reaped, not restarted */
		bool kept = false;
		for (size_t k = 0; k < c->n_jobs && !kept; k++)
			kept = !strcmp(w->jobs[i].name, c->jobs[k].name);
		if (!kept && w->jobs[i].pid > 0) {
			jobs[n] = w->jobs[i];
			jobs[n++].cfg = NULL;
		}
	}
	free(w->jobs);
	w->jobs = jobs;
	w->n_jobs = n;
	watch_config_release(&w->cfg);
	w->cfg = *c;
	*c = (struct watch_config){ 0 };
	site_config_release(&w->site);
	w->site = *site;
	site_config_defaults(site);
	free(w->db);
	w->db = *w->cfg.db ? xstrdup(w->cfg.db) : store_default_path();
	if (!first) {
		w->reloads++;
		/* the sources kept read the policy again (a bad one they keep out) */
		for (size_t i = 0; i < w->n_srcs; i++)
			if (!w->srcs[i].gone && w->srcs[i].pid > 0) kill(w->srcs[i].pid, SIGHUP);
	}
	return 0;
}

static void reload(struct watcher *w)
{
	struct watch_config c;
	struct site_config site;
	struct dm_err e = { "" };
	sd_notify_state("RELOADING=1");
	int r = load(w, &c, &site, &e);
	if (r >= 0) r = apply(w, &c, &site, false, &e);
	watch_config_release(&c);
	site_config_release(&site);
	if (r < 0)
		log_warn("watch: reload refused, the configuration in force is kept: %s", e.msg);
	else
		log_info("watch: %s reloaded: %zu jobs, %zu sources", w->path, w->n_jobs, w->n_srcs);
	sd_notify_state("READY=1");
}

/* --- the loop --- */

static void reap(struct watcher *w)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < w->n_jobs; i++)
			if (w->jobs[i].pid == pid) job_ended(w, &w->jobs[i], status);
		for (size_t i = 0; i < w->n_srcs; i++)
			if (w->srcs[i].pid == pid) src_ended(&w->srcs[i], status, w->stopping);
	}
	/* jobs removed by a reload, and sources gone, once they ended */
	size_t k = 0;
	for (size_t i = 0; i < w->n_jobs; i++)
		if (w->jobs[i].cfg || w->jobs[i].pid > 0) w->jobs[k++] = w->jobs[i];
	w->n_jobs = k;
	k = 0;
	for (size_t i = 0; i < w->n_srcs; i++) {
		if (w->srcs[i].gone && w->srcs[i].pid <= 0)
			src_release(&w->srcs[i]);
		else
			w->srcs[k++] = w->srcs[i];
	}
	w->n_srcs = k;
}

int watcher_start(const char *path, struct watcher **ret, struct dm_err *e)
{
	struct watcher *w = *ret = xcalloc(1, sizeof(*w));
	w->sigfd = w->metrics_fd = -1;
	for (size_t i = 0; i < METRICS_CONNS; i++) w->conns[i].fd = -1;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->started = now_real();
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP), sigaddset(&set, SIGTERM), sigaddset(&set, SIGINT), sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((w->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return dm_fail(e, -errno, "signalfd: %s", strerror(errno));
	struct watch_config c;
	struct site_config site;
	site_config_defaults(&w->site);
	int r = load(w, &c, &site, e);
	if (r < 0) {
		watch_config_release(&c);
		site_config_release(&site);
		return r;
	}
	/* the state is read before the jobs are scheduled */
	char buf[512];
	w->db = *c.db ? xstrdup(c.db) : store_default_path();
	const char *dir = state_dir(&c, w->db, buf, sizeof(buf));
	if ((r = watch_state_load(&w->state, dir, e)) < 0) {
		watch_config_release(&c);
		site_config_release(&site);
		return r;
	}
	/* The store made (or migrated) once here, before any child opens it:
	 * two processes migrating one new file at once collide. */
	struct store *st = NULL;
	if ((r = store_open(w->db, &st, e)) < 0) {
		watch_config_release(&c);
		site_config_release(&site);
		return r;
	}
	store_close(st);
	r = apply(w, &c, &site, true, e);
	watch_config_release(&c);
	site_config_release(&site);
	if (r < 0) return r;
	w->wd_period = sd_watchdog_period();
	w->wd_last = now_mono();
	log_info("watch: %s: %zu jobs, %zu sources; state in %s", w->path, w->n_jobs, w->n_srcs,
		 w->state.path);
	return 0;
}

static bool any_child(const struct watcher *w)
{
	for (size_t i = 0; i < w->n_jobs; i++)
		if (w->jobs[i].pid > 0) return true;
	for (size_t i = 0; i < w->n_srcs; i++)
		if (w->srcs[i].pid > 0) return true;
	return false;
}

static void stop_children(struct watcher *w)
{
	for (size_t i = 0; i < w->n_jobs; i++)
		if (w->jobs[i].pid > 0) kill(w->jobs[i].pid, SIGTERM);
	for (size_t i = 0; i < w->n_srcs; i++)
		if (w->srcs[i].pid > 0) kill(w->srcs[i].pid, SIGTERM);
}

int watcher_loop(struct watcher *w, struct dm_err *e)
{
	(void)e;
	bool ready = false;
	for (;;) {
		double now = now_real(), mono = now_mono();
		if (!w->stopping) {
			for (size_t i = 0; i < w->n_srcs; i++) {
				struct src_rt *s = &w->srcs[i];
				if (!s->gone && s->pid <= 0 && s->restart_at && mono >= s->restart_at)
					src_start(w, s);
			}
			for (size_t i = 0; i < w->n_jobs; i++)
				if (w->jobs[i].cfg && w->jobs[i].due <= now) job_start(w, &w->jobs[i], now);
		}
		if (!ready) {
			sd_notify_state("READY=1");
			ready = true;
		}
		if (w->stopping && !any_child(w)) break;
		if (w->wd_period && mono - w->wd_last >= w->wd_period / 2) {
			sd_notify_state("WATCHDOG=1");
			w->wd_last = mono;
		}
		double wait = 0.5;
		for (size_t i = 0; i < w->n_jobs && !w->stopping; i++)
			if (w->jobs[i].cfg && w->jobs[i].pid <= 0 && w->jobs[i].due - now < wait)
				wait = w->jobs[i].due - now;
		if (w->wd_period && wait > w->wd_period / 4) wait = w->wd_period / 4;
		if (wait < 0.01) wait = 0.01;
		struct pollfd pfd[2 + METRICS_CONNS + w->n_srcs];
		size_t np = 0;
		pfd[np++] = (struct pollfd){ w->sigfd, POLLIN, 0 };
		pfd[np++] = (struct pollfd){ w->metrics_fd, POLLIN, 0 };
		for (size_t i = 0; i < METRICS_CONNS; i++)
			pfd[np++] = (struct pollfd){ w->conns[i].fd, POLLIN, 0 };
		for (size_t i = 0; i < w->n_srcs; i++) /* a judged hour wakes the loop */
			pfd[np++] = (struct pollfd){ w->srcs[i].stats_rd, POLLIN, 0 };
		poll(pfd, np, (int)ceil(wait * 1000));
		struct signalfd_siginfo si;
		while (read(w->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGCHLD) continue;
			if (si.ssi_signo == SIGHUP && !w->stopping) reload(w);
			if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && !w->stopping) {
				w->stopping = true;
				sd_notify_state("STOPPING=1");
				log_info("watch: stopping: the jobs and sources finish their step");
				stop_children(w);
			}
		}
		reap(w);
		if (w->metrics_fd >= 0 && (pfd[1].revents & POLLIN))
			metrics_accept(w->metrics_fd, w->conns, METRICS_CONNS);
		for (size_t i = 0; i < METRICS_CONNS; i++) {
			struct metrics_conn *c = &w->conns[i];
			if (c->fd < 0) continue;
			if (pfd[2 + i].fd == c->fd && (pfd[2 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				metrics_serve(c, metrics_body, w);
			if (c->fd >= 0 && now_mono() > c->deadline) {
				close(c->fd);
				c->fd = -1;
			}
		}
		/* A judged hour's outbox rows, and a flow's said at once, are
		 * committed before its child says so (watch-source.c): they go
		 * out now, not at the next 2 s. */
		uint64_t judged = 0;
		for (size_t i = 0; i < w->n_srcs; i++) {
			src_read_stats(&w->srcs[i]);
			judged += w->srcs[i].base.windows + w->srcs[i].last.windows + w->srcs[i].base.early +
				  w->srcs[i].last.early;
		}
		if (judged != w->judged) w->next_deliver = 0, w->judged = judged;
		deliver(w, false);
	}
	deliver(w, true); /* what the last hours and runs changed */
	log_info("watch: stopped");
	return 0;
}

void watcher_free(struct watcher *w)
{
	if (!w) return;
	for (size_t i = 0; i < w->n_srcs; i++) src_release(&w->srcs[i]);
	free(w->srcs);
	free(w->jobs);
	for (size_t i = 0; i < METRICS_CONNS; i++)
		if (w->conns[i].fd >= 0) close(w->conns[i].fd);
	if (w->metrics_fd >= 0) close(w->metrics_fd);
	if (w->sigfd >= 0) close(w->sigfd);
	watch_config_release(&w->cfg);
	site_config_release(&w->site);
	watch_state_release(&w->state);
	free(w->db);
	free(w);
}
