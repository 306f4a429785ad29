/* `dormant collect --listen ADDR:PORT`: a NetFlow v5/v9/IPFIX collector.
 * Receives export packets on UDP (many per system call, a large socket
 * buffer, drops reported by the kernel counted), decodes them into flow
 * records written as JSON Lines, and prints its counters on SIGUSR1 and
 * at the end (SIGINT, SIGTERM, or --idle-exit after a quiet spell). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "cmd/traffic-opts.h"
#include "base/safe-write.h"
#include "base/log.h"
#include "base/privmon.h"
#include "base/privsep.h"
#include "pipeline/receiver-drop.h"
#include "pipeline/traffic-sink.h"
#include "pipeline/traffic-read.h"
#include "base/sandbox.h"
#include "base/timeutil.h"
#include "flow/netflow.h"
#include "report/report.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { C_LISTEN = 1, C_OJ, C_IDLE_EXIT, C_USER, C_KEEP, C_QUIET, C_VERBOSE, C_HELP };

static const struct opt collect_opts[] = {
	{ "--listen", C_LISTEN, true, "ADDR:PORT",
	  "where exporters send (IPv4 or [IPv6]:PORT), e.g. 0.0.0.0:2055" },
	{ "-oJ", C_OJ, true, "FILE", "write flow and finding records as JSON Lines (- for stdout)" },
	TRAFFIC_OPTS,
	{ "--idle-exit", C_IDLE_EXIT, true, "TIME", "end after this long without export packets" },
	{ "--user", C_USER, true, "NAME",
	  "run as NAME once the socket is bound (default: SUDO_UID's user, else "
	  "dormant, else nobody)" },
	{ "--keep-privileges", C_KEEP, false, NULL, "do not drop privileges (no --user, no seccomp filter)" },
	{ "-q", C_QUIET, false, NULL, "quiet: no counters" },
	{ "-v", C_VERBOSE, false, NULL, "verbose" },
	{ "--help", C_HELP, false, NULL, "this help" },
	{ "-h", C_HELP, false, NULL, NULL },
};

struct collect_args {
	const char *listen, *oj;
	double idle_exit;
	struct traffic_args t;
	bool help;
	struct privsep_opts priv;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct collect_args *a = ctx;
	switch (id) {
	case 0: return dm_fail(e, DM_EINPUT, "unexpected argument \"%s\"", arg);
	case C_LISTEN: a->listen = arg; return 0;
	case C_OJ: a->oj = arg; return 0;
	case C_IDLE_EXIT: return parse_seconds(name, arg, &a->idle_exit, e);
	case C_USER: a->priv.user = arg; return 0;
	case C_KEEP: a->priv.keep = true; return 0;
	case C_QUIET: log_level = LOG_WARN; return 0;
	case C_VERBOSE: log_level = LOG_DEBUG; return 0;
	case C_HELP: a->help = true; return 0;
	}
	return traffic_args_opt(&a->t, id, name, arg, e);
	return 0;
}

static volatile sig_atomic_t stop_flag, report_flag;
static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}
static void on_usr1(int sig)
{
	(void)sig;
	report_flag = 1;
}

int cmd_collect(int argc, char **argv)
{
	struct collect_args a = { .t.fail_on = -1 };
	struct dm_err e = { "" };
	struct traffic_job job = { 0 };
	struct traffic_sink o = { .job = &job, .b = BUF_INIT };
	struct out_file of = { 0 };
	struct nf_decoder *d = NULL;
	int fd = -1, r, code = EXIT_OK;
	enum { BATCH = 64, MTU = 9000 };
	uint8_t *bufs = NULL;
	struct privsep_plan plan;
	struct privmon mon = { .fd = -1 };
	if ((r = opts_parse(argc, argv, collect_opts, ARRAY_SIZE(collect_opts), on_opt, &a, &e)) < 0)
		goto fail;
	if (a.help) {
		opts_help(
		    stdout, "dormant collect --listen ADDR:PORT [options]",
		    "A NetFlow v5, v9 and IPFIX collector: export packets in, flow records out (JSON Lines).",
		    collect_opts, ARRAY_SIZE(collect_opts));
		traffic_rules_help(stdout);
		goto out;
	}
	if (!a.listen) {
		r = dm_fail(&e, DM_EINPUT, "--listen ADDR:PORT is required; see --help");
		goto fail;
	}
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	if ((r = listen_parse(a.listen, &ss, &sl, &e)) < 0) goto fail;
	if ((r = privsep_plan(&a.priv, &plan, &e)) < 0) goto fail;
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		r = dm_fail(&e, -errno, "--listen %s: %s", a.listen, strerror(errno));
		goto fail;
	}
	char what[128];
	snprintf(what, sizeof(what), "collect: --listen %s", a.listen);
	collector_socket_tune(fd, what);
	if ((r = traffic_job_init(&job, &a.t, "collect", a.listen, &e)) < 0) goto fail;
	if (a.oj && (r = out_open(&of, a.oj, "-oJ", OUT_PRIVATE, &e)) < 0) goto fail;
	o.f = of.f;
	/* The drop point: the socket is bound (a port below 1024 needed root),
	 * the store (both connections) and -oJ are open. */
	receiver_outputs(&mon, &of);
	if ((r = receiver_drop(&plan, &mon, fd, "collect", &e)) < 0) goto fail;
	struct flow_sink sink = { &o, traffic_sink_flow, NULL };
	d = nf_new(&sink);
	struct sigaction sa = { .sa_handler = on_stop }, su = { .sa_handler = on_usr1 };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &su, NULL);
	log_info("collect: listening on %s (UDP)", a.listen);
	bufs = xmalloc((size_t)BATCH * MTU);
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	char ctrl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
	uint32_t drops = 0;
	unsigned messages = 0;
	double t0 = now_mono(), last_packet = t0;
	while (!stop_flag) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int pr = poll(&pfd, 1, 200);
		if (report_flag) {
			report_flag = 0;
			traffic_read_print_netflow(d, drops, now_mono() - t0);
		}
		if (pr <= 0) {
			if (a.idle_exit > 0 && now_mono() - last_packet >= a.idle_exit) break;
			continue;
		}
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
		if (n <= 0) continue;
		last_packet = now_mono();
		for (int i = 0; i < n; i++) {
			for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c;
			     c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
					memcpy(&drops, CMSG_DATA(c), sizeof(drops));
			struct ipaddr ex;
			ipaddr_from_sockaddr(&from[i], &ex);
			const char *why = NULL;
			if (nf_packet(d, &ex, iov[i].iov_base, msgs[i].msg_len, &why) < 0 && messages++ < 5) {
				char ip[IPADDR_STRLEN];
				ipaddr_fmt(&ex, ip, sizeof(ip));
				struct nf_stats s;
				nf_stats(d, &s);
				log_warn("collect: packet %llu from %s (%u bytes): %s",
					 (unsigned long long)s.packets, ip, msgs[i].msg_len, why);
			}
		}
	}
	if ((r = traffic_job_finish(&job, &e)) < 0 || (r = traffic_job_life(&job, &e)) < 0) goto fail;
	code = traffic_job_report(&job, o.f, NULL) ? EXIT_FINDINGS : EXIT_OK;
	o.f = NULL;
	if (!o.err && (r = out_commit(&of, &e)) < 0) goto fail;
	if (log_level >= LOG_INFO) traffic_read_print_netflow(d, drops, now_mono() - t0);
	if (log_level >= LOG_INFO && !(a.oj && !strcmp(a.oj, "-"))) traffic_job_report(&job, NULL, stdout);
	if (o.err) {
		r = dm_fail(&e, -o.err, "-oJ %s: %s", a.oj, strerror(o.err));
		goto fail;
	}
	goto out;
fail:
	code = cmd_error("collect", r, &e);
out:
	out_discard(&of);
	if (fd >= 0) close(fd);
	privmon_stop(&mon);
	out_set_hooks(NULL);
	free(bufs);
	nf_free(d);
	traffic_job_release(&job);
	buf_release(&o.b);
	return code;
}
