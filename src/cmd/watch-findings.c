/* Where the watch's findings leave it: each judged hour of a source (in
 * its child) and each job's run (in the watcher) go through the findings'
 * life (pipeline/lifecycle.h: identities, states, the alert outbox in the
 * same transaction); the watcher delivers the outbox (watch-run.c). */
#include "cmd/watch-source.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "model/coverage.h"
#include "pipeline/lifecycle.h"
#include "pipeline/run-events.h"
#include <stdlib.h>
#include <string.h>

static void said(const char *what, const char *name, int64_t run, const struct life_apply_out *o)
{
	if (o->created || o->reopened || o->escalated || o->resolved || o->alerts)
		log_info(
		    "watch: %s %s: run %lld: %zu new, %zu reopened, %zu escalated, %zu resolved; %zu alerts "
		    "queued",
		    what, name, (long long)run, o->created, o->reopened, o->escalated, o->resolved,
		    o->alerts);
}

/* An hour without a traffic finding does not resolve it: a beacon or an
 * upload is an episode whose end one quiet hour does not prove. */
void watch_findings_judged(const struct watch_source_spec *spec, struct traffic_job *j)
{
	struct lifecycle_scope sc = { .rules = "" };
	struct life_apply_out o = { 0 };
	struct dm_err e = { "" };
	if (lifecycle_apply(j->store, j->run, &j->found, &j->cfg, &sc, now_real(), &o, &e) < 0)
		log_warn("watch: %s %s: run %lld: findings' life: %s", spec->kind, spec->name,
			 (long long)j->run, e.msg);
	else
		said(spec->kind, spec->name, j->run, &o);
}

void watch_findings_early(const struct watch_source_spec *spec, struct traffic_job *j,
			  const struct findings *fs)
{
	struct lifecycle_scope sc = { .rules = "" };
	struct life_apply_out o = { 0 };
	struct dm_err e = { "" };
	if (lifecycle_apply(j->store, j->run, fs, &j->cfg, &sc, now_real(), &o, &e) < 0)
		log_warn("watch: %s %s: run %lld: findings' life (early): %s", spec->kind, spec->name,
			 (long long)j->run, e.msg);
	else
		said(spec->kind, spec->name, j->run, &o);
}

/* The job's run: the newest of its command's kind begun since it started;
 * its findings' life is its site's. */
static int64_t job_run(struct store *st, const struct watch_job *job, double started)
{
	char site[72] = "";
	struct run_info *runs = NULL;
	size_t n = 0;
	int64_t id = 0;
	if (store_runs_list(st, &runs, &n, NULL) < 0) return 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(runs[i].kind, job->argv[0]) && runs[i].started >= started - 1 &&
		    runs[i].id > id && !strcmp(runs[i].status, "done"))
			id = runs[i].id, snprintf(site, sizeof(site), "%s", runs[i].site);
	free(runs);
	if (id && *site && store_set_site(st, site, NULL) < 0) return 0;
	return id;
}

void watch_job_ended(const struct watch_job *job, const char *db, const struct site_config *site, int status,
		     double started, double ended)
{
	(void)ended;
	if (status >= 2) return; /* a failed run judged nothing */
	struct store *st = NULL;
	struct dm_err e = { "" };
	struct findings fs = { 0 };
	struct coverage cov = { 0 };
	struct buf rules = BUF_INIT;
	int64_t run = 0;
	int r = store_open_mode(db, STORE_EXISTING, &st, &e), have_cov = 0;
	/* none: the store was not the job's (its own --db), or it stored none */
	if (r >= 0 && !(run = job_run(st, job, started))) goto out;
	if (r >= 0) r = store_load_findings(st, run, &fs, &e);
	if (r >= 0 && (have_cov = store_run_coverage(st, run, &cov, &e)) < 0) r = have_cov;
	if (r >= 0) {
		/* as `dormant findings apply`: what the run covered is what it may resolve */
		if (have_cov > 0) lifecycle_rules_for_checks(cov.checks, &rules);
		struct lifecycle_scope sc = { .rules = rules.data ? rules.data : "",
					      .cov = have_cov > 0 ? &cov : NULL };
		struct life_apply_out o = { 0 };
		r = lifecycle_apply(st, run, &fs, site, &sc, now_real(), &o, &e);
		if (r >= 0) said("job", job->name, run, &o);
	}
	if (r >= 0) {
		/* its hosts and ports against the job's previous run */
		struct run_events_out ro;
		r = run_events_queue(st, run, job->argv[0], site, now_real(), &ro, &e);
		if (r >= 0 && ro.changes)
			log_info("watch: job %s: run %lld against run %lld: %zu host and port changes; %zu "
				 "alerts queued",
				 job->name, (long long)run, (long long)ro.prev, ro.changes, ro.queued);
	}
out:
	if (r < 0) log_warn("watch: job %s: findings' life: %s", job->name, e.msg);
	buf_release(&rules);
	if (have_cov > 0) coverage_release(&cov);
	findings_release(&fs);
	store_close(st);
}
