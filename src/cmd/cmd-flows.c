/* `dormant flows FILE...` and `dormant flows --iface IF`: traffic into
 * flows (pcap, pcapng, live capture), written as JSON Lines and
 * summarised. A live capture prints its counters, kernel drops included,
 * on SIGUSR1 and at the end (SIGINT or SIGTERM ends it). */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "base/safe-write.h"
#include "base/log.h"
#include "base/privmon.h"
#include "base/privsep.h"
#include "pipeline/receiver-drop.h"
#include "pipeline/traffic-sink.h"
#include "pipeline/traffic-batch.h"
#include "base/sandbox.h"
#include "base/timeutil.h"
#include "flow/capture.h"
#include "flow/zeek.h"
#include "flow/zeek-software.h"
#include "cmd/traffic-opts.h"
#include "pipeline/traffic-read.h"
#include "model/finding.h"
#include "report/report.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

enum {
	F_IFACE = 1,
	F_FILTER,
	F_IDLE,
	F_ACTIVE,
	F_MAXFLOWS,
	F_OJ,
	F_USER,
	F_KEEP,
	F_QUIET,
	F_HOURLY,
	F_AT_ONCE,
	F_VERBOSE,
	F_HELP
};

static const struct opt flows_opts[] = {
	{ "--iface", F_IFACE, true, "IF", "capture live on IF instead of reading files (needs CAP_NET_RAW)" },
	{ "-i", F_IFACE, true, "IF", NULL },
	{ "--filter", F_FILTER, true, "BPF", "only packets matching this tcpdump-style filter" },
	{ "-f", F_FILTER, true, "BPF", NULL },
	{ "--idle-timeout", F_IDLE, true, "TIME", "a flow silent this long ends (default 60s)" },
	{ "--active-timeout", F_ACTIVE, true, "TIME", "a flow this long is cut into records (default 30m)" },
	{ "--max-flows", F_MAXFLOWS, true, "N",
	  "flows held at once; the least recent make room (default 1000000)" },
	{ "-oJ", F_OJ, true, "FILE", "write flow and finding records as JSON Lines (- for stdout)" },
	TRAFFIC_OPTS,
	{ "--user", F_USER, true, "NAME",
	  "--iface: run as NAME once the capture is open (default: SUDO_UID's user, "
	  "else dormant, else nobody)" },
	{ "--keep-privileges", F_KEEP, false, NULL, "do not drop privileges (no --user, no seccomp filter)" },
	{ "--at-once", F_AT_ONCE, false, NULL,
	  "files: keep every flow and judge the whole input at once when it ends (the default judges "
	  "an hour at a time as `watch` judges live traffic: a few hours of flows in memory, findings "
	  "merged per episode); --explain implies it" },
	{ "--hourly", F_HOURLY, false, NULL, "files: the default now (accepted, does nothing)" },
	{ "-q", F_QUIET, false, NULL, "quiet: no summary, no progress" },
	{ "-v", F_VERBOSE, false, NULL, "verbose" },
	{ "--help", F_HELP, false, NULL, "this help" },
	{ "-h", F_HELP, false, NULL, NULL },
};

struct flows_args {
	const char *iface, *filter, *oj;
	struct traffic_args t;
	struct flow_table_config ft;
	char **files;
	int n_files;
	bool help, at_once;
	struct privsep_opts priv;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct flows_args *a = ctx;
	uint64_t u;
	int r;
	switch (id) {
	case 0: a->files[a->n_files++] = (char *)arg; return 0;
	case F_IFACE: a->iface = arg; return 0;
	case F_FILTER: a->filter = arg; return 0;
	case F_IDLE: return parse_seconds(name, arg, &a->ft.idle_timeout, e);
	case F_ACTIVE: return parse_seconds(name, arg, &a->ft.active_timeout, e);
	case F_MAXFLOWS:
		if ((r = parse_u64(name, arg, 16, 100000000, &u, e)) < 0) return r;
		a->ft.max_flows = u;
		return 0;
	case F_OJ: a->oj = arg; return 0;
	case F_USER: a->priv.user = arg; return 0;
	case F_KEEP: a->priv.keep = true; return 0;
	case F_QUIET: log_level = LOG_WARN; return 0;
	case F_HOURLY: return 0; /* hour by hour is the default; old command lines keep working */
	case F_AT_ONCE: a->at_once = true; return 0;
	case F_VERBOSE: log_level = LOG_DEBUG; return 0;
	case F_HELP: a->help = true; return 0;
	}
	return traffic_args_opt(&a->t, id, name, arg, e);
}

/* The sink and what the progress lines say of it. */
struct flow_progress {
	struct traffic_sink sink;
	struct traffic_read_progress prog;
};

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

/* The drop point of the live capture: the pcap handle, the store (both
 * connections) and -oJ are open; the capture socket becomes receive-only. */
struct drop {
	const struct privsep_plan *plan;
	struct privmon *mon;
};

static int drop_privileges(void *ctx, int fd, struct dm_err *e)
{
	struct drop *d = ctx;
	return receiver_drop(d->plan, d->mon, fd, "flows", e);
}

int cmd_flows(int argc, char **argv)
{
	struct flows_args a = { .t.fail_on = -1 };
	struct dm_err e = { "" };
	struct traffic_job job = { 0 };
	struct traffic_batch batch;
	bool batched = false; /* files judged hour by hour (traffic-batch.h), the default */
	struct flow_progress o = { .sink = { .job = &job, .b = BUF_INIT }, .prog = { .t0 = now_mono() } };
	o.prog.flows = &o.sink.flows;
	struct out_file of = { 0 };
	struct capture_stats st = { 0 };
	struct zeek_stats zs = { 0 };
	struct zeek_software_stats ss = { 0 }; /* software, ssh and http logs: versions, no flows */
	unsigned zeek_files = 0;
	struct flow_table *ft = NULL;
	struct privsep_plan plan;
	struct privmon mon = { .fd = -1 };
	int r, code = EXIT_OK;
	a.files = xcalloc((size_t)argc + 1, sizeof(*a.files));
	if ((r = opts_parse(argc, argv, flows_opts, ARRAY_SIZE(flows_opts), on_opt, &a, &e)) < 0) goto fail;
	if (a.help) {
		opts_help(
		    stdout, "dormant flows [options] FILE...\n       dormant flows --iface IF [options]",
		    "Traffic into flows: pcap and pcapng files, Zeek conn.log (TSV or JSON, .gz too) or a "
		    "live\n"
		    "capture; bidirectional 5-tuple flows with bytes and packets each way, TCP flags, and "
		    "what the\n"
		    "first packets say (TLS SNI, JA3, JA4, SSH versions, HTTP, DNS names of the addresses).",
		    flows_opts, ARRAY_SIZE(flows_opts));
		traffic_rules_help(stdout);
		goto out;
	}
	if (!a.n_files && !a.iface) {
		r = dm_fail(&e, DM_EINPUT, "no input: give pcap/pcapng files or --iface IF; see --help");
		goto fail;
	}
	if (a.n_files && a.iface) {
		r = dm_fail(&e, DM_EINPUT, "files and --iface %s: one or the other", a.iface);
		goto fail;
	}
	if (a.priv.user && !a.iface) {
		r = dm_fail(&e, DM_EINPUT, "--user belongs to --iface (files are read as the invoking user)");
		goto fail;
	}
	if ((r = privsep_plan(&a.priv, &plan, &e)) < 0) goto fail;
	if ((r = traffic_job_init(&job, &a.t, "flows", a.iface ? a.iface : a.files[0], &e)) < 0) goto fail;
	/* Files are judged as the watcher judges traffic, an hour at a time,
	 * unless --at-once asks for one judgement of the whole input, or
	 * --explain (which follows one host through one judgement) does; a
	 * live capture is judged at once when it ends. */
	if (a.n_files && !a.at_once && !a.t.explain.family) {
		traffic_batch_init(&batch, &job);
		batched = true;
		o.sink.keep = traffic_batch_keep;
		o.sink.keep_ctx = &batch;
	}
	if (a.oj && (r = out_open(&of, a.oj, "-oJ", OUT_PRIVATE, &e)) < 0) goto fail;
	o.sink.f = of.f;
	receiver_outputs(&mon, &of);
	struct flow_sink sink = { &o.sink, traffic_sink_flow, NULL };
	ft = flow_table_new(&a.ft, &sink);
	o.prog.t0 = now_mono(); /* the reading alone: the store and GeoIP are open by now */
	double cpu0 = now_thread_cpu();
	bool tty = isatty(2) && log_level >= LOG_INFO;
	struct capture_config cc = { .filter = a.filter,
				     .progress = tty ? traffic_read_progress_pcap : NULL,
				     .progress_ctx = &o.prog,
				     .stop = &stop_flag,
				     .report = &report_flag,
				     .report_fn = traffic_read_print_capture };
	traffic_job_sniff(&job, &cc); /* versions seen in the traffic: judged by traffic_job_finish */
	struct drop drop = { &plan, &mon };
	cc.ready = drop_privileges, cc.ready_ctx = &drop;
	if (a.iface) {
		struct sigaction sa = { .sa_handler = on_stop }, su = { .sa_handler = on_usr1 };
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGUSR1, &su, NULL);
		log_info("flows: capturing on %s; SIGUSR1 prints the counters, Ctrl-C ends", a.iface);
		if ((r = capture_live(a.iface, &cc, ft, &st, &e)) < 0) goto fail;
		traffic_read_print_capture(NULL, &st);
	} else {
		/* Files are opened one by one by name, so the uid stays; the
		 * parsers run under the allow-list that opens for reading only. */
		/* -oJ's temporary file is renamed by the monitor: rename is no call of the allow-list */
		if (plan.drop &&
		    ((r = privmon_start(&mon, &e)) < 0 ||
		     (r = sandbox_apply(SANDBOX_PARSE_READ,
					(struct sandbox_fds){ .recv_only = -1, .send_ok = mon.fd }, &e)) < 0))
			goto fail;
		if (batched &&
		    (r = traffic_batch_seed(&batch, a.files, (size_t)a.n_files, &cc, &a.ft, &e)) < 0)
			goto fail;
		for (int i = 0; i < a.n_files; i++) {
			o.prog.file = a.files[i];
			if (traffic_file_is_zeek_software(a.files[i])) {
				r = zeek_software_read_file(a.files[i], job.sniff, &ss, &e);
				zeek_files++;
			} else if (traffic_file_is_zeek(a.files[i])) {
				struct zeek_progress zp = { tty ? traffic_read_progress_zeek : NULL,
							    &o.prog };
				r = zeek_read_file(a.files[i], &sink, &zs, &zp, &e);
				zeek_files++;
			} else {
				r = capture_file(a.files[i], &cc, ft, &st, &e);
			}
			if (r < 0) {
				if (tty) fprintf(stderr, "\r\033[K");
				goto fail;
			}
		}
		if (tty) fprintf(stderr, "\r\033[K");
	}
	struct flow_table_stats fs;
	flow_table_stats(ft, &fs);
	size_t table_bytes = fs.bytes;
	flow_table_flush(ft);
	flow_table_stats(ft, &fs);
	double el = now_mono() - o.prog.t0, t_rules = now_mono(), cpu = now_thread_cpu() - cpu0;
	if ((batched && (r = traffic_batch_finish(&batch, &e)) < 0) ||
	    (r = traffic_job_finish(&job, &e)) < 0 || (r = traffic_job_life(&job, &e)) < 0)
		goto fail;
	t_rules = now_mono() - t_rules;
	code = traffic_job_report(&job, o.sink.f, NULL) ? EXIT_FINDINGS : EXIT_OK;
	o.sink.f = NULL;
	if (!o.sink.err && (r = out_commit(&of, &e)) < 0) goto fail;
	if (o.sink.err) {
		r = dm_fail(&e, -o.sink.err, "-oJ %s: %s", a.oj, strerror(o.sink.err));
		goto fail;
	}
	bool stdout_taken = a.oj && !strcmp(a.oj, "-");
	struct traffic_read_summary sum = {
		&st,         &zs,          &fs,           zeek_files, (unsigned)a.n_files + (a.iface != NULL),
		table_bytes, o.sink.flows, o.sink.by_app, el,         cpu
	};
	if (log_level >= LOG_INFO && !stdout_taken) traffic_read_print(stdout, &sum);
	if (log_level >= LOG_INFO && !stdout_taken) {
		printf("rules and hourly summaries: %.2f s (%s)\n", t_rules,
		       a.t.no_analyze ? "summaries only" : "every rule");
	}
	if (log_level >= LOG_INFO && !stdout_taken) traffic_job_report(&job, NULL, stdout);
	if (ss.damaged)
		log_warn("flows: %llu damaged records in the Zeek software/ssh/http logs were skipped",
			 (unsigned long long)ss.damaged);
	if (st.truncated || zs.damaged || ss.damaged)
		code = EXIT_USAGE; /* the flows were written; the input was damaged */
	goto out;
fail:
	code = cmd_error("flows", r, &e);
out:
	out_discard(&of);
	privmon_stop(&mon);
	out_set_hooks(NULL);
	flow_table_free(ft);
	if (batched) traffic_batch_release(&batch); /* its hours use the job's store */
	traffic_job_release(&job);
	buf_release(&o.sink.b);
	free(a.files);
	return code;
}
