/* `dormant watch --config FILE`: one long-running process that runs the
 * file's jobs on their schedules and keeps its collectors and captures
 * judged in stream time, each in a child (watch-jobs.c, watch-source.c),
 * and serves /metrics; systemd's notify protocol (readiness, watchdog),
 * SIGHUP reloads, SIGTERM ends. `--check FILE` only validates. */
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "cmd/traffic-opts.h"
#include "cmd/watch-run.h"
#include "base/log.h"
#include "base/sdnotify.h"
#include <string.h>

enum { W_CONFIG = 1, W_CHECK, W_QUIET, W_VERBOSE, W_HELP };

static const struct opt watch_opts[] = {
	{ "--config", W_CONFIG, true, "FILE",
	  "the watch file: [job NAME], [collect NAME], [capture NAME], [metrics], [watch] and the site "
	  "policy" },
	{ "--check", W_CHECK, true, "FILE", "validate the watch file (errors name the line) and exit" },
	{ "-q", W_QUIET, false, NULL, "quiet: warnings only" },
	{ "-v", W_VERBOSE, false, NULL, "verbose" },
	{ "--help", W_HELP, false, NULL, "this help" },
	{ "-h", W_HELP, false, NULL, NULL },
};

struct watch_args {
	const char *config, *check;
	bool help;
};

static int on_opt(void *ctx, int id, const char *name, const char *arg, struct dm_err *e)
{
	struct watch_args *a = ctx;
	(void)name;
	switch (id) {
	case 0: return dm_fail(e, DM_EINPUT, "unexpected argument \"%s\"", arg);
	case W_CONFIG: a->config = arg; return 0;
	case W_CHECK: a->check = arg; return 0;
	case W_QUIET: log_level = LOG_WARN; return 0;
	case W_VERBOSE: log_level = LOG_DEBUG; return 0;
	case W_HELP: a->help = true; return 0;
	}
	return 0;
}

static int check(const char *path)
{
	struct watch_config w;
	struct dm_err e = { "" };
	int r = watch_config_load(&w, path, &e);
	if (r < 0) {
		watch_config_release(&w);
		return cmd_error("watch", r, &e);
	}
	printf("%s: ok: %zu jobs, %zu collectors, %zu captures, metrics %s\n", path, w.n_jobs, w.n_collects,
	       w.n_captures, *w.metrics ? w.metrics : "off");
	for (size_t i = 0; i < w.n_jobs; i++) {
		const struct watch_job *j = &w.jobs[i];
		if (j->every)
			printf("  job %s: every %g s: %s\n", j->name, j->every, j->run);
		else
			printf("  job %s: %d times a day: %s\n", j->name, j->n_at, j->run);
	}
	watch_config_release(&w);
	return EXIT_OK;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_args a = { 0 };
	struct dm_err e = { "" };
	int r;
	if ((r = opts_parse(argc, argv, watch_opts, ARRAY_SIZE(watch_opts), on_opt, &a, &e)) < 0)
		return cmd_error("watch", r, &e);
	if (a.help) {
		opts_help(
		    stdout, "dormant watch --config FILE | --check FILE",
		    "Periodic checks and live traffic judgement in one long-running process: jobs\n"
		    "(audit, scan, creds, secrets command lines) on schedules, NetFlow/IPFIX collectors\n"
		    "and live captures judged hour by hour in the flows' own time, Prometheus metrics.\n"
		    "Runs under systemd (Type=notify, watchdog); SIGHUP reloads, SIGTERM ends.",
		    watch_opts, ARRAY_SIZE(watch_opts));
		return EXIT_OK;
	}
	if (a.check && a.config)
		return cmd_error("watch", dm_fail(&e, DM_EINPUT, "--check and --config: one or the other"),
				 &e);
	if (a.check) return check(a.check);
	if (!a.config)
		return cmd_error("watch", dm_fail(&e, DM_EINPUT, "--config FILE is required; see --help"),
				 &e);
	struct watcher *w = NULL;
	if ((r = watcher_start(a.config, &w, &e)) < 0) {
		watcher_free(w);
		return cmd_error("watch", r, &e);
	}
	r = watcher_loop(w, &e);
	watcher_free(w);
	if (r < 0) return cmd_error("watch", r, &e);
	return EXIT_OK;
}
