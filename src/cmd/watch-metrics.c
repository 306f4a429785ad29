/* What `dormant watch` says at /metrics, in Prometheus' text format 0.0.4:
 * each job's runs, failures and durations, each source's export packets,
 * flows, drops, judged hours, findings and judge's queue, and the findings open by
 * severity. Names and labels are the watch file's (letters, digits, -_.). */
#include "cmd/watch.h"
#include "model/finding.h"
#include <stddef.h>

static void help(FILE *f, const char *name, const char *type, const char *text)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* A metric in seconds of each source: the double at off in its stats. */
static void per_source_seconds(FILE *f, const struct watch_metrics *m, const char *name, const char *type,
			       const char *text, size_t off)
{
	help(f, name, type, text);
	for (size_t i = 0; i < m->n_sources; i++) {
		const struct watch_source_stats *s = &m->sources[i];
		fprintf(f, "%s{source=\"%s\",kind=\"%s\"} %.3f\n", name, s->name, s->kind,
			*(const double *)((const char *)s + off));
	}
}

void watch_metrics_write(FILE *f, const struct watch_metrics *m)
{
	help(f, "dormant_watch_start_time_seconds", "gauge", "when the watcher started (seconds since 1970)");
	fprintf(f, "dormant_watch_start_time_seconds %.3f\n", m->started);
	help(f, "dormant_watch_reloads_total", "counter", "configuration reloads (SIGHUP) that took effect");
	fprintf(f, "dormant_watch_reloads_total %.0f\n", m->reloads);
	help(f, "dormant_job_runs_total", "counter", "runs of each job that ended");
	for (size_t i = 0; i < m->n_jobs; i++)
		fprintf(f, "dormant_job_runs_total{job=\"%s\"} %llu\n", m->jobs[i].name,
			(unsigned long long)m->jobs[i].runs);
	help(f, "dormant_job_failures_total", "counter",
	     "runs that exited with status 2 or more, or by a signal");
	for (size_t i = 0; i < m->n_jobs; i++)
		fprintf(f, "dormant_job_failures_total{job=\"%s\"} %llu\n", m->jobs[i].name,
			(unsigned long long)m->jobs[i].failures);
	help(f, "dormant_job_running", "gauge", "1 while the job runs");
	for (size_t i = 0; i < m->n_jobs; i++)
		fprintf(f, "dormant_job_running{job=\"%s\"} %d\n", m->jobs[i].name, m->jobs[i].running);
	help(f, "dormant_job_last_duration_seconds", "gauge", "how long the job's last run took");
	for (size_t i = 0; i < m->n_jobs; i++)
		fprintf(f, "dormant_job_last_duration_seconds{job=\"%s\"} %.3f\n", m->jobs[i].name,
			m->jobs[i].last_seconds);
	help(f, "dormant_job_duration_seconds_total", "counter", "time spent in the job's runs");
	for (size_t i = 0; i < m->n_jobs; i++)
		fprintf(f, "dormant_job_duration_seconds_total{job=\"%s\"} %.3f\n", m->jobs[i].name,
			m->jobs[i].total_seconds);
	help(f, "dormant_job_last_start_time_seconds", "gauge", "when the job last started");
	for (size_t i = 0; i < m->n_jobs; i++)
		fprintf(f, "dormant_job_last_start_time_seconds{job=\"%s\"} %.3f\n", m->jobs[i].name,
			m->jobs[i].last_start);
	static const struct {
		const char *name, *text;
		size_t off;
		bool gauge;
	} counters[] = {
		{ "dormant_source_packets_total", "export packets (collect) or packets (capture) received",
		  offsetof(struct watch_source_stats, packets) },
		{ "dormant_source_flows_total", "flow records in",
		  offsetof(struct watch_source_stats, flows) },
		{ "dormant_source_drops_total", "packets the kernel dropped before they were read",
		  offsetof(struct watch_source_stats, drops) },
		{ "dormant_source_hours_judged_total", "hours of traffic judged by the rules",
		  offsetof(struct watch_source_stats, windows) },
		{ "dormant_source_findings_total", "findings of the judged hours",
		  offsetof(struct watch_source_stats, findings) },
		{ "dormant_source_late_flows_total", "flows that arrived after their hour was judged",
		  offsetof(struct watch_source_stats, late) },
		{ "dormant_source_early_findings_total",
		  "findings said as their flow came (intel-match, a large upload abroad at night), before "
		  "their hour was judged",
		  offsetof(struct watch_source_stats, early) },
		{ "dormant_source_judge_queue_hours",
		  "closed hours handed to the judge and not judged yet, the one being judged included",
		  offsetof(struct watch_source_stats, queued), true },
		{ "dormant_source_judge_queue_deepest_hours",
		  "the most closed hours the judge's queue has held at once (its bound is 3)",
		  offsetof(struct watch_source_stats, deepest), true },
	};
	for (size_t c = 0; c < sizeof(counters) / sizeof(*counters); c++) {
		help(f, counters[c].name, counters[c].gauge ? "gauge" : "counter", counters[c].text);
		for (size_t i = 0; i < m->n_sources; i++) {
			const struct watch_source_stats *s = &m->sources[i];
			uint64_t v = *(const uint64_t *)((const char *)s + counters[c].off);
			fprintf(f, "%s{source=\"%s\",kind=\"%s\"} %llu\n", counters[c].name, s->name, s->kind,
				(unsigned long long)v);
		}
	}
	per_source_seconds(f, m, "dormant_source_stream_clock_seconds", "gauge",
			   "stream time: the latest flow end the source has seen (seconds since 1970)",
			   offsetof(struct watch_source_stats, clock));
	per_source_seconds(f, m, "dormant_source_judge_queue_wait_seconds_total", "counter",
			   "time the reader waited for room in the judge's full queue (the socket's buffer "
			   "filling meanwhile)",
			   offsetof(struct watch_source_stats, wait_seconds));
	help(f, "dormant_alerts_delivered_total", "counter", "alerts delivered to their channels");
	fprintf(f, "dormant_alerts_delivered_total %llu\n", (unsigned long long)m->alerts_sent);
	help(f, "dormant_alerts_failed_total", "counter",
	     "deliveries that failed (tried again with backoff)");
	fprintf(f, "dormant_alerts_failed_total %llu\n", (unsigned long long)m->alerts_failed);
	help(f, "dormant_alerts_queued", "gauge", "alerts in the outbox not delivered yet");
	fprintf(f, "dormant_alerts_queued %llu\n", (unsigned long long)m->alerts_pending);
	if (!m->open_known) return;
	help(f, "dormant_findings_open", "gauge",
	     "findings not resolved (new, open, acknowledged, reopened), by severity");
	for (int s = SEV_INFO; s <= SEV_CRITICAL; s++)
		fprintf(f, "dormant_findings_open{severity=\"%s\"} %llu\n", severity_name((enum severity)s),
			(unsigned long long)m->open_by_severity[s]);
}
