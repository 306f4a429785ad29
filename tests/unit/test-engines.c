/* net/ratelimit and probe/conn: the pacing contract the send loops rely on
 * (a non-blocking "not yet", no burst after a stall), the connection
 * engine going on when a probe gets no socket, and a silent probe giving
 * up its host's slot without missing a late reply. */
#include "test.h"
#include "net/ratelimit.h"
#include "probe/conn.h"
#include "base/timeutil.h"
#include <netinet/in.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static double fake_now;
static double fake_clock(void) { return fake_now; }

/* Sends everything allowed at each tick of step seconds until `until`. */
static uint64_t drive(struct ratelimit *rl, double step, double until)
{
	uint64_t n = 0;
	for (; fake_now < until - 1e-9; fake_now += step) {
		unsigned k = ratelimit_try(rl, 1u << 20);
		ratelimit_sent(rl, k);
		n += k;
	}
	return n;
}

static void try_says_not_yet(void)
{
	struct ratelimit rl;
	fake_now = 100;
	ratelimit_init_clock(&rl, 1000, fake_clock);
	CHECK_INT(ratelimit_try(&rl, 1), 0); /* nothing due at the start: returns at once */
	CHECK_INT(ratelimit_poll_ms(&rl), 1);
	fake_now += 0.0005;
	CHECK_INT(ratelimit_try(&rl, 1), 0);
	fake_now += 0.0006;
	CHECK_INT(ratelimit_try(&rl, 8), 1);
	ratelimit_sent(&rl, 1);
	CHECK_INT(ratelimit_try(&rl, 8), 0);
	CHECK(ratelimit_poll_ms(&rl) >= 1);
	/* unlimited: everything, never a wait */
	ratelimit_init_clock(&rl, 0, fake_clock);
	CHECK_INT(ratelimit_try(&rl, 77), 77);
	CHECK_INT(ratelimit_poll_ms(&rl), 0);
}

static void stall_resumes_without_burst(void)
{
	struct ratelimit rl;
	fake_now = 0;
	ratelimit_init_clock(&rl, 1000, fake_clock);
	uint64_t before = drive(&rl, 0.0001, 1.0);
	CHECK(before >= 995 && before <= 1001);
	fake_now += 5; /* stopped with Ctrl-Z for five seconds */
	unsigned burst = ratelimit_try(&rl, 1u << 20);
	CHECK(burst <= 1000 * RATELIMIT_WINDOW + 1); /* not the 5000 of the backlog */
	ratelimit_sent(&rl, burst);
	uint64_t after = burst + drive(&rl, 0.0001, fake_now + 1.0);
	CHECK(after >= 995 && after <= 1000 + 1000 * RATELIMIT_WINDOW + 1);
	/* a high rate too: the credit after a stall is the window's worth */
	ratelimit_init_clock(&rl, 1e6, fake_clock);
	fake_now += 60;
	CHECK(ratelimit_try(&rl, UINT32_MAX) <= 1e6 * RATELIMIT_WINDOW + 1);
}

/* Ticks coarser than the packet interval (a 3 ms poll at 1000/s) still
 * give the rate on average: the window carries what one tick owes. */
static void coarse_ticks_keep_the_rate(void)
{
	struct ratelimit rl;
	fake_now = 7;
	ratelimit_init_clock(&rl, 1000, fake_clock);
	uint64_t n = drive(&rl, 0.003, 7 + 2.0);
	CHECK(n >= 1980 && n <= 2000);
}

static int finished, done_ok, done_fail;
static void count_finish(struct pconn *c, bool ok)
{
	(void)c;
	finished += !ok;
}
static void on_done(void *ctx, struct svc *svc, const struct proto_ops *ops, bool ok)
{
	(void)ctx, (void)svc, (void)ops;
	if (ok)
		done_ok++;
	else
		done_fail++;
}

/* In a child, so that the old behaviour (requeue forever) shows as a hang
 * the parent can see and stop. */
static int socket_failure_child(void)
{
	static const struct proto_ops ops = { .name = "test", .timeout = 1, .finish = count_finish };
	struct conn_engine_config cc = { .max_inflight = 4, .per_host = 2 };
	struct conn_engine *ce = conn_engine_new(&cc);
	if (!ce) return 10;
	struct ipaddr bad = { 0 }; /* AF_UNSPEC: socket() fails with EAFNOSUPPORT */
	conn_engine_add(ce, NULL, &bad, 80, &ops, 0);
	conn_engine_add(ce, NULL, &bad, 81, &ops, 0);
	conn_engine_run(ce, on_done, NULL);
	struct conn_engine_stats st;
	conn_engine_get_stats(ce, &st);
	conn_engine_free(ce);
	if (finished != 2 || done_fail != 2 || done_ok) return 11;
	if (st.socket_failed != 2 || st.last_errno != EAFNOSUPPORT || st.started) return 12;
	return 0;
}

static void socket_failure_fails_the_probe(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) _exit(socket_failure_child());
	CHECK(pid > 0);
	int status = 0;
	pid_t w = 0;
	for (int i = 0; i < 100 && (w = waitpid(pid, &status, WNOHANG)) == 0; i++) usleep(50000);
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		test_fail(__FILE__, __LINE__,
			  "the engine still ran after 5 s: a socket failure was requeued");
		return;
	}
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
}

/* A loopback listener on an ephemeral port; its port in *port. */
static int listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		if (fd >= 0) close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static int line_done(struct pconn *c) { return memchr(c->rbuf, '\n', c->rlen) ? PR_DONE : PR_MORE; }
static const struct proto_ops late_ops = { .name = "late", .timeout = 3, .on_data = line_done };
static const struct proto_ops mute_ops = { .name = "mute", .timeout = 0.6 };
static double t_late, t_mute, t_start;
static bool late_ok;
static void on_done_timed(void *ctx, struct svc *svc, const struct proto_ops *ops, bool ok)
{
	(void)ctx, (void)svc;
	if (ops == &late_ops) {
		t_late = now_mono() - t_start;
		late_ok = ok;
	} else {
		t_mute = now_mono() - t_start;
	}
}

/* One connection a host at once (per_host 1): the first probe's server
 * answers only after 0.8 s; the second's never. With idle_after the second
 * starts once the first has been quiet a while (ending at about 0.2 + 0.6 s,
 * not 0.8 + 0.6), and the first still gets its late answer. */
static void idle_probe_frees_its_slot(void)
{
	uint16_t p_late, p_mute;
	int l_late = listener(&p_late), l_mute = listener(&p_mute);
	CHECK(l_late >= 0 && l_mute >= 0);
	if (l_late < 0 || l_mute < 0) return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int c = accept(l_late, NULL, NULL);
		usleep(800000);
		if (c >= 0 && write(c, "late\n", 5) != 5) _exit(1);
		usleep(2000000);
		_exit(0);
	}
	CHECK(pid > 0);
	struct ipaddr lo;
	CHECK_INT(ipaddr_parse("127.0.0.1", &lo), 0);
	struct conn_engine_config cc = { .max_inflight = 8, .per_host = 1, .idle_after = 0.2 };
	struct conn_engine *ce = conn_engine_new(&cc);
	CHECK(ce != NULL);
	if (ce) {
		conn_engine_add(ce, NULL, &lo, p_late, &late_ops, 0);
		conn_engine_add(ce, NULL, &lo, p_mute, &mute_ops, 0);
		t_start = now_mono();
		conn_engine_run(ce, on_done_timed, NULL);
		conn_engine_free(ce);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(l_late);
	close(l_mute);
	CHECK(late_ok);
	CHECK(t_late >= 0.7 && t_late < 2.5);
	CHECK(t_mute >= 0.6 && t_mute < 1.2); /* without the release: 1.4 s or more */
}

SUITE(suite_engines, "engines", T(try_says_not_yet), T(stall_resumes_without_burst),
      T(coarse_ticks_keep_the_rate), T(socket_failure_fails_the_probe), T(idle_probe_frees_its_slot));
