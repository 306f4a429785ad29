/* The body of `dormant scan`, `audit` and `creds`: options into a pipeline
 * configuration, one pipeline_run(), the exit code; and on Ctrl-C or
 * SIGTERM, one line saying what actually became of the run. */
#include "cmd/cmd.h"
#include "cmd/scan-opts.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "scan/udp-payloads.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The default ports: the top 1000 TCP ports unless -p or --top-ports, and
 * the UDP services dormant has payloads for with -sU (always for audit and creds). */
static int pick_ports(struct scan_args *a, bool udp, struct dm_err *e)
{
	int r;
	if (a->top && (r = portlist_add_top(&a->ports, a->top, PROTO_TCP, e)) < 0) return r;
	if (!a->ports_given && !a->top && (r = portlist_add_top(&a->ports, 1000, PROTO_TCP, e)) < 0) return r;
	for (size_t i = 0; udp && i < udp_default_ports_count; i++) {
		char p[16];
		snprintf(p, sizeof(p), "U:%u", udp_default_ports[i]);
		if ((r = portlist_parse(&a->ports, p, PROTO_UDP, e)) < 0) return r;
	}
	return 0;
}

int scan_args_finish(struct scan_args *a, const struct scan_command *cmd, struct dm_err *e)
{
	int r;
	if (a->positional == 0 && a->targets.v4.n == 0 && a->targets.n_v6 == 0)
		return dm_fail(e, DM_EINPUT,
			       "no targets given (addresses, CIDR blocks, ranges or -iL FILE); see --help");
	if (a->join_given && !cmd->audit)
		return dm_fail(
		    e, DM_EINPUT,
		    "--flows, --inventory, --leases, --config and --geoip belong to 'dormant audit'");
	if (a->edge_given && !cmd->audit)
		return dm_fail(e, DM_EINPUT,
			       "--upnp, --test-mapping and --gateway belong to 'dormant audit'");
	if ((a->p.edge.test_mapping || a->p.edge.gateway_url) && !a->p.edge.upnp)
		return dm_fail(e, DM_EINPUT, "%s needs --upnp",
			       a->p.edge.test_mapping ? "--test-mapping" : "--gateway");
	a->p.edge.allow_public = a->allow_public;
	struct ipaddr gw;
	if (a->p.edge.gateway_url &&
	    (edge_url_addr(a->p.edge.gateway_url, &gw) < 0 || !edge_addr_allowed(&a->p.edge, &gw)))
		return dm_fail(
		    e, DM_EINPUT,
		    "--gateway \"%s\": expected http://ADDRESS[:PORT]/PATH with a LAN address (a public "
		    "one needs --allow-public; names are not resolved)",
		    a->p.edge.gateway_url);
	if (a->check_creds && !cmd->audit && !cmd->creds)
		return dm_fail(e, DM_EINPUT,
			       "--check-credentials belongs to 'dormant audit' (or use 'dormant creds')");
	/* the shards of a group must draw one order: the same seed everywhere */
	if (a->p.run_group && !a->p.scan.seed_given)
		return dm_fail(e, DM_EINPUT,
			       "--run-group needs --seed N, the same on every shard (and --shard I/N)");
	if ((r = targets_finalize(&a->targets, a->allow_public, e)) < 0) return r;
	/* UDP ports named with U: under -sV: a silent one is open|filtered, for nmap's UDP probes (as nmap -sU -sV) */
	a->p.scan.udp_silent = a->ports.n_udp > 0 && a->services;
	if ((r = pick_ports(a, a->udp || cmd->audit || cmd->creds, e)) < 0) return r;
	if (a->p.scan.mode == SCAN_SYN && a->targets.v4.count == 0)
		return dm_fail(e, DM_EINPUT, "-sS needs IPv4 targets; IPv6 is scanned with connect()");
	unsigned *st = &a->p.stages;
	if (a->services) *st |= STAGE_BIT(STAGE_IDENTIFY) | STAGE_BIT(STAGE_VULNS);
	if (a->no_services) *st &= ~STAGE_BIT(STAGE_IDENTIFY);
	if (a->no_vulns || cmd->creds) *st &= ~STAGE_BIT(STAGE_VULNS);
	if (a->check_creds) *st |= STAGE_BIT(STAGE_CREDENTIALS);
	if (a->external && (r = scan_external_check(a, cmd, e)) < 0) return r;
	a->p.cmdline = a->cmdline.data;
	a->p.targets = &a->targets;
	a->p.ports = &a->ports;
	return 0;
}

/* The interrupt message for where the run is now. Two buffers: the one
 * being written is never the one the handler may be reading. */
static char interrupt_msg[2][512];
static volatile sig_atomic_t interrupt_len[2], interrupt_cur;

static void on_interrupt(int sig)
{
	int i = interrupt_cur;
	if (write(STDERR_FILENO, interrupt_msg[i], (size_t)interrupt_len[i]) < 0) { /* nothing more to do */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

struct run_state {
	const char *name, *resume;
	const struct pipeline_result *res; /* filled by the stages as they run: read for -v */
	enum pipeline_stage prev;          /* the stage that ran last; STAGE_COUNT before the first */
	double t;                          /* when it began (monotonic seconds) */
};

/* -vv: what the stage that just ended found, host by host. Addresses,
 * ports and services are read from the results; what a service said is
 * untrusted text, escaped for the terminal. */
static void stage_events(const struct run_state *s, enum pipeline_stage done)
{
	const struct resultset *rs = &s->res->rs;
	struct buf b = BUF_INIT, b2 = BUF_INIT;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		if (done == STAGE_DISCOVER && he->up)
			log_event("%s: host %s is up (%s)", s->name, ip,
				  he->h.reason ? he->h.reason : "seen");
		for (size_t k = 0; done == STAGE_SCAN && k < he->n_ports; k++)
			log_event("%s: host %s port %u/%s %s (%s)", s->name, ip, he->ports[k].port,
				  proto_name(he->ports[k].proto), port_state_name(he->ports[k].state),
				  he->ports[k].reason ? he->ports[k].reason : "-");
		for (size_t k = 0; done == STAGE_IDENTIFY && k < he->n_svcs; k++) {
			const struct obs_service *sv = &he->svcs[k];
			log_event("%s: host %s port %u/%s is %s%s%s", s->name, ip, sv->port,
				  proto_name(sv->proto), term_str(&b, sv->name), sv->product[0] ? " " : "",
				  term_str(&b2, sv->product));
		}
	}
	buf_release(&b);
	buf_release(&b2);
}

/* -v: each stage as it ends, with what the run holds so far. */
static void stage_progress(struct run_state *s, enum pipeline_stage next)
{
	double now = now_mono();
	if (log_level >= LOG_DEBUG && s->prev != STAGE_COUNT) {
		const struct resultset *rs = &s->res->rs;
		size_t up = 0, ports = 0, svcs = 0;
		for (size_t i = 0; i < rs->n_hosts; i++) {
			up += rs->hosts[i].up;
			ports += rs->hosts[i].n_ports;
			svcs += rs->hosts[i].n_svcs;
		}
		if (log_level >= LOG_EVENTS) stage_events(s, s->prev);
		log_debug(
		    "%s: stage %s done in %.2f s: %zu hosts up, %zu open ports, %zu services, %zu findings",
		    s->name, pipeline_stage_name(s->prev), now - s->t, up, ports, svcs, s->res->fs.n);
	}
	if (log_level >= LOG_DEBUG && next != STAGE_COUNT)
		log_debug("%s: stage %s begins", s->name, pipeline_stage_name(next));
	s->prev = next;
	s->t = now;
}

/* Before each stage: the progress line goes, and the message says what a
 * signal now would leave behind (the store needs nothing: results are saved
 * in one transaction, and the next dormant to open it marks an unfinished
 * run interrupted). */
static void on_stage(void *ctx, enum pipeline_stage next, int64_t run)
{
	struct run_state *s = ctx;
	int i = !interrupt_cur, n;
	char *m = interrupt_msg[i];
	size_t cap = sizeof(interrupt_msg[i]);
	progress_done();
	if (s->res) stage_progress(s, next);
	if (!run)
		n = snprintf(m, cap, "\ndormant: %s interrupted before its run began: nothing was saved\n",
			     s->name);
	else if (next <= STAGE_SAVE)
		n = snprintf(m, cap,
			     "\ndormant: %s interrupted: run %lld saved no results and will be marked "
			     "interrupted%s%.200s%s\n",
			     s->name, (long long)run, s->resume ? "; run it again with --resume " : "",
			     s->resume ? s->resume : "", s->resume ? " to continue it" : "");
	else
		n = snprintf(
		    m, cap,
		    "\ndormant: %s interrupted after run %lld was saved: its results and findings are in the "
		    "store ('dormant report --run %lld'); the output files may be incomplete\n",
		    s->name, (long long)run, (long long)run);
	interrupt_len[i] = n > 0 && (size_t)n < cap ? n : 0;
	interrupt_cur = i;
}

static void progress_end(void *ctx)
{
	(void)ctx;
	progress_done();
}

uint64_t scan_args_addresses(const struct scan_args *a) { return targets_count(&a->targets); }

uint64_t scan_args_probes(const struct scan_args *a)
{
	uint64_t n = scan_args_addresses(a);
	if (a->p.scan.discovery_only) return n;
	uint64_t ports = a->ports.n_tcp + a->ports.n_udp;
	return ports && n > UINT64_MAX / ports ? UINT64_MAX : n * ports;
}

/* A scope beyond a /16 or 10 million probes, on a terminal, is stated
 * before anything begins, and the operator has 5 seconds to stop it: a
 * typo such as 10.0.0.0/8 for 10.0.0.0/24 costs nothing. Ctrl-C now ends
 * the command before its run is begun (on_stage's message says so). */
static void state_large_scope(const struct scan_args *a)
{
	uint64_t addrs = scan_args_addresses(a), probes = scan_args_probes(a);
	if (a->yes || !isatty(STDERR_FILENO) || !isatty(STDIN_FILENO)) return;
	if (addrs <= 65536 && probes <= 10000000) return;
	double rate = a->p.scan.rate;
	char eta[64];
	if (rate > 0) {
		double sec = (double)probes / rate;
		if (sec >= 86400)
			snprintf(eta, sizeof(eta), "about %.1f days", sec / 86400);
		else if (sec >= 3600)
			snprintf(eta, sizeof(eta), "about %.1f hours", sec / 3600);
		else
			snprintf(eta, sizeof(eta), "about %.0f minutes", sec / 60 + 0.5);
		snprintf(eta + strlen(eta), sizeof(eta) - strlen(eta), " at %g packets/s", rate);
	} else {
		snprintf(eta, sizeof(eta), "unknown (--rate 0: unlimited)");
	}
	fprintf(stderr,
		"dormant: %s: large scope: %llu addresses x %zu TCP and %zu UDP ports = %llu probes; "
		"estimated duration %s\n"
		"dormant: %s: starting in 5 seconds; Ctrl-C cancels (--yes skips this wait)\n",
		a->p.kind, (unsigned long long)addrs, a->p.scan.discovery_only ? (size_t)0 : a->ports.n_tcp,
		a->p.scan.discovery_only ? (size_t)0 : a->ports.n_udp, (unsigned long long)probes, eta,
		a->p.kind);
	/* sleep() returns early on a signal; the handler has ended the process by then */
	for (unsigned left = 5; left;) left = sleep(left);
}

int scan_command_check(const struct scan_command *cmd, int argc, char **argv, struct dm_err *e)
{
	struct scan_args a;
	int r = scan_args_parse(&a, cmd, argc, argv, e);
	if (r >= 0 && a.help) r = dm_fail(e, DM_EINPUT, "--help runs nothing");
	if (r >= 0) r = scan_args_finish(&a, cmd, e);
	scan_args_release(&a);
	return r;
}

int scan_command_run(const struct scan_command *cmd, int argc, char **argv)
{
	struct scan_args a;
	struct pipeline_result res = { 0 };
	struct dm_err e = { "" };
	int r, code = EXIT_OK;
	if ((r = scan_args_parse(&a, cmd, argc, argv, &e)) < 0) goto fail;
	if (a.help) {
		opts_help(stdout, cmd->usage, cmd->about, scan_opts, scan_opts_count);
		goto out;
	}
	if ((r = scan_args_finish(&a, cmd, &e)) < 0) goto fail;
	log_debug(
	    "%s: timing: rate %g packets/s, %u probes at once, connect timeout %g s, %u retries, wait %g s",
	    cmd->name, a.p.scan.rate, a.p.scan.max_inflight, a.p.scan.connect_timeout, a.p.scan.retries,
	    a.p.scan.max_wait);
	if (log_level >= LOG_TRACE) {
		struct buf st = BUF_INIT;
		for (enum pipeline_stage s = STAGE_PREPARE; s < STAGE_COUNT; s++)
			if (s == STAGE_PREPARE || (a.p.stages & STAGE_BIT(s)))
				buf_printf(&st, "%s%s", st.len ? " " : "", pipeline_stage_name(s));
		log_trace("%s: %llu addresses, %zu TCP and %zu UDP ports, %llu probes; stages: %s", cmd->name,
			  (unsigned long long)scan_args_addresses(&a), a.ports.n_tcp, a.ports.n_udp,
			  (unsigned long long)scan_args_probes(&a), st.data ? st.data : "");
		buf_release(&st);
	}
	struct run_state rs = { cmd->name, a.p.scan.resume_path, NULL, STAGE_COUNT, 0 };
	a.p.scan.progress = progress_print;
	a.p.progress_end = progress_end;
	a.p.on_stage = on_stage;
	a.p.on_stage_ctx = &rs;
	a.p.table = log_level >= LOG_INFO;
	on_stage(&rs, STAGE_PREPARE, 0);
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	state_large_scope(&a);
	rs.res = &res;
	if ((r = pipeline_run(&a.p, &res, &e)) < 0) goto fail;
	/* what the operator suppressed or acknowledged is reported, not a failure */
	for (size_t i = 0; i < res.fs.n && a.fail_on >= 0; i++)
		if ((int)res.fs.v[i].severity >= a.fail_on && !res.fs.v[i].quiet) code = EXIT_FINDINGS;
	goto out;
fail:
	code = cmd_error(cmd->name, r, &e);
out:
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	pipeline_result_release(&res);
	scan_args_release(&a);
	return code;
}
