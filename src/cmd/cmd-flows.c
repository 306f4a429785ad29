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
#include "base/sandbox.h"
#include "base/timeutil.h"
#include "flow/capture.h"
#include "flow/zeek.h"
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
	bool help;
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
	case F_VERBOSE: log_level = LOG_DEBUG; return 0;
	case F_HELP: a->help = true; return 0;
	}
	return traffic_args_opt(&a->t, id, name, arg, e);
}

struct out {
	struct traffic_job *job;
	FILE *f;
	struct buf b;
	uint64_t flows;
	uint64_t by_app[5];
	const char *file;
	double t0;
	int err;
};

static void on_flow(void *ctx, const struct obs_flow *flow)
{
	struct out *o = ctx;
	struct obs_flow copy = *flow, *fl = &copy;
	traffic_job_flow(o->job, fl);
	o->flows++;
	const char *apps[] = { "tls", "ssh", "dns", "http" };
	size_t k = 0;
	while (k < 4 && (!fl->app || strcmp(fl->app, apps[k]))) k++;
	o->by_app[fl->app ? k : 4]++;
	if (!o->f) return;
	buf_reset(&o->b);
	flow_json(&o->b, fl);
	if (fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len) o->err = errno ? errno : EIO;
}

static void on_progress(void *ctx, const struct capture_stats *st, uint64_t done, uint64_t total,
			const struct flow_table *ft)
{
	struct out *o = ctx;
	struct flow_table_stats fs;
	flow_table_stats(ft, &fs);
	double el = now_mono() - o->t0, rate = el > 0 ? (double)st->packets / el : 0;
	double frac = total ? (double)done / (double)total : 0;
	char eta[16] = "?";
	if (frac > 0.01) fmt_duration(el / frac - el, eta, sizeof(eta));
	fprintf(stderr, "\r\033[Kflows: %s %.0f%% %llu packets %.2f Mpps, %llu flows (%zu open), ETA %s",
		o->file, 100 * frac, (unsigned long long)st->packets, rate / 1e6,
		(unsigned long long)fs.flows, fs.active, eta);
}

static void on_zeek_progress(void *ctx, const struct zeek_stats *zs, uint64_t done, uint64_t total)
{
	struct out *o = ctx;
	double el = now_mono() - o->t0, frac = total ? (double)done / (double)total : 0;
	char eta[16] = "?";
	if (frac > 0.01) fmt_duration(el / frac - el, eta, sizeof(eta));
	fprintf(stderr, "\r\033[Kflows: %s %.0f%% %llu lines %.2f M/s, %llu flows, ETA %s", o->file,
		100 * frac, (unsigned long long)zs->lines, el > 0 ? (double)zs->lines / el / 1e6 : 0,
		(unsigned long long)o->flows, eta);
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

/* The drop point of the live capture: the pcap handle, the store (both
 * connections) and -oJ are open; from here on the packet loop only parses,
 * computes and writes to what is open, under the parse allow-list (the
 * capture socket receive-only). */
struct drop {
	const struct privsep_plan *plan;
	struct privmon *mon;
};

static int drop_privileges(void *ctx, int fd, struct dm_err *e)
{
	struct drop *d = ctx;
	int r;
	if ((d->plan->switch_user && (r = privmon_start(d->mon, e)) < 0) ||
	    (r = privsep_apply(d->plan, e)) < 0)
		return r;
	if (d->plan->drop &&
	    (r = sandbox_apply(SANDBOX_PARSE, (struct sandbox_fds){ .recv_only = fd, .send_ok = d->mon->fd },
			       e)) < 0)
		return r;
	if (d->plan->switch_user)
		log_debug("flows: running as %s (uid %u, from %s)", d->plan->u.name, (unsigned)d->plan->u.uid,
			  d->plan->u.why);
	return 0;
}

static void print_counters(void *ctx, const struct capture_stats *st)
{
	(void)ctx;
	fprintf(
	    stderr, "flows: %llu packets, %llu not IP, %llu damaged; kernel dropped %llu, interface %llu\n",
	    (unsigned long long)st->packets, (unsigned long long)st->not_ip, (unsigned long long)st->damaged,
	    (unsigned long long)st->kernel_drops, (unsigned long long)st->iface_drops);
}

int cmd_flows(int argc, char **argv)
{
	struct flows_args a = { .t.fail_on = -1 };
	struct dm_err e = { "" };
	struct traffic_job job = { 0 };
	struct out o = { .job = &job, .b = BUF_INIT, .t0 = now_mono() };
	struct out_file of = { 0 };
	struct capture_stats st = { 0 };
	struct zeek_stats zs = { 0 };
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
	if (a.oj && (r = out_open(&of, a.oj, "-oJ", OUT_PRIVATE, &e)) < 0) goto fail;
	o.f = of.f;
	if (of.tmp_path)
		privmon_allow(&mon, of.tmp_path, of.path); /* renamed by the monitor after the drop */
	out_set_hooks(&(struct out_hooks){ privmon_rename, privmon_unlink, &mon });
	struct flow_sink sink = { &o, on_flow, NULL };
	ft = flow_table_new(&a.ft, &sink);
	o.t0 = now_mono(); /* the reading alone: the store and GeoIP are open by now */
	bool tty = isatty(2) && log_level >= LOG_INFO;
	struct capture_config cc = { .filter = a.filter,
				     .progress = tty ? on_progress : NULL,
				     .progress_ctx = &o,
				     .stop = &stop_flag,
				     .report = &report_flag,
				     .report_fn = print_counters };
	struct drop drop = { &plan, &mon };
	cc.ready = drop_privileges, cc.ready_ctx = &drop;
	if (a.iface) {
		struct sigaction sa = { .sa_handler = on_stop }, su = { .sa_handler = on_usr1 };
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGUSR1, &su, NULL);
		log_info("flows: capturing on %s; SIGUSR1 prints the counters, Ctrl-C ends", a.iface);
		if ((r = capture_live(a.iface, &cc, ft, &st, &e)) < 0) goto fail;
		print_counters(NULL, &st);
	} else {
		/* Files are opened one by one by name, so the uid stays; the
		 * parsers run under the allow-list that opens for reading only. */
		/* -oJ's temporary file is renamed by the monitor: rename is no call of the allow-list */
		if (plan.drop &&
		    ((r = privmon_start(&mon, &e)) < 0 ||
		     (r = sandbox_apply(SANDBOX_PARSE_READ,
					(struct sandbox_fds){ .recv_only = -1, .send_ok = mon.fd }, &e)) < 0))
			goto fail;
		for (int i = 0; i < a.n_files; i++) {
			o.file = a.files[i];
			if (traffic_file_is_zeek(a.files[i])) {
				struct zeek_progress zp = { tty ? on_zeek_progress : NULL, &o };
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
	double el = now_mono() - o.t0, t_rules = now_mono();
	if ((r = traffic_job_finish(&job, &e)) < 0) goto fail;
	t_rules = now_mono() - t_rules;
	code = traffic_job_report(&job, o.f, NULL) ? EXIT_FINDINGS : EXIT_OK;
	o.f = NULL;
	if (!o.err && (r = out_commit(&of, &e)) < 0) goto fail;
	if (o.err) {
		r = dm_fail(&e, -o.err, "-oJ %s: %s", a.oj, strerror(o.err));
		goto fail;
	}
	bool stdout_taken = a.oj && !strcmp(a.oj, "-");
	struct traffic_read_summary sum = {
		&st,         &zs,     &fs,      zeek_files, (unsigned)a.n_files + (a.iface != NULL),
		table_bytes, o.flows, o.by_app, el
	};
	if (log_level >= LOG_INFO && !stdout_taken) traffic_read_print(stdout, &sum);
	if (log_level >= LOG_INFO && !stdout_taken) {
		printf("rules and hourly summaries: %.2f s (%s)\n", t_rules,
		       a.t.no_analyze ? "summaries only" : "every rule");
	}
	if (log_level >= LOG_INFO && !stdout_taken) traffic_job_report(&job, NULL, stdout);
	if (st.truncated || zs.damaged) code = EXIT_USAGE; /* the flows were written; the input was damaged */
	goto out;
fail:
	code = cmd_error("flows", r, &e);
out:
	out_discard(&of);
	privmon_stop(&mon);
	out_set_hooks(NULL);
	flow_table_free(ft);
	traffic_job_release(&job);
	buf_release(&o.b);
	free(a.files);
	return code;
}
