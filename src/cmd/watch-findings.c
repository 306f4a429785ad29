/* Where the watch's findings go once made: the seam between the watcher
 * (its sources' judged hours, its jobs' runs) and what follows a finding
 * (its life across runs and the alerts: the store's outbox and the
 * channels, issue 21's other half). Today the findings are in the store
 * (each judged hour and each job's run is a run with its findings) and in
 * the watcher's log; nothing more is done here yet. */
#include "cmd/watch-source.h"
#include "base/log.h"

void watch_findings_judged(const struct watch_source_spec *spec, struct traffic_job *j)
{
	(void)spec;
	(void)j;
}

void watch_job_ended(const struct watch_job *job, int status, double started, double ended)
{
	(void)started;
	log_debug("watch: job %s: findings of its run are in its store (exit %d, %.1f s)", job->name, status,
		  ended - started);
}
