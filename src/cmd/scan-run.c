/* The body of `dormant scan`, `audit` and `creds`: options into a pipeline
 * configuration, one pipeline_run(), the exit code; and on Ctrl-C or
 * SIGTERM, one line saying what actually became of the run. */
#include "cmd/cmd.h"
#include "cmd/scan-opts.h"
#include "base/log.h"
#include "scan/udp-payloads.h"
#include <signal.h>
#include <stdio.h>
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
	if (a->check_creds && !cmd->audit && !cmd->creds)
		return dm_fail(e, DM_EINPUT,
			       "--check-credentials belongs to 'dormant audit' (or use 'dormant creds')");
	if ((r = targets_finalize(&a->targets, a->allow_public, e)) < 0) return r;
	if ((r = pick_ports(a, a->udp || cmd->audit || cmd->creds, e)) < 0) return r;
	if (a->p.scan.mode == SCAN_SYN && a->targets.v4.count == 0)
		return dm_fail(e, DM_EINPUT, "-sS needs IPv4 targets; IPv6 is scanned with connect()");
	unsigned *st = &a->p.stages;
	if (a->services) *st |= STAGE_BIT(STAGE_IDENTIFY) | STAGE_BIT(STAGE_VULNS);
	if (a->no_services) *st &= ~STAGE_BIT(STAGE_IDENTIFY);
	if (a->no_vulns || cmd->creds) *st &= ~STAGE_BIT(STAGE_VULNS);
	if (a->check_creds) *st |= STAGE_BIT(STAGE_CREDENTIALS);
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
};

/* Before each stage: the progress line goes, and the message says what a
 * signal now would leave behind (the store needs nothing: results are saved
 * in one transaction, and the next dormant to open it marks an unfinished
 * run interrupted). */
static void on_stage(void *ctx, enum pipeline_stage next, int64_t run)
{
	const struct run_state *s = ctx;
	int i = !interrupt_cur, n;
	char *m = interrupt_msg[i];
	size_t cap = sizeof(interrupt_msg[i]);
	progress_done();
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
	struct run_state rs = { cmd->name, a.p.scan.resume_path };
	a.p.scan.progress = progress_print;
	a.p.progress_end = progress_end;
	a.p.on_stage = on_stage;
	a.p.on_stage_ctx = &rs;
	a.p.table = log_level >= LOG_INFO;
	on_stage(&rs, STAGE_PREPARE, 0);
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if ((r = pipeline_run(&a.p, &res, &e)) < 0) goto fail;
	for (size_t i = 0; i < res.fs.n && a.fail_on >= 0; i++)
		if ((int)res.fs.v[i].severity >= a.fail_on) code = EXIT_FINDINGS;
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
