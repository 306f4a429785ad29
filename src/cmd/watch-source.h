/* A [collect NAME] or [capture NAME] of the watch file, run in a child of
 * the watcher (watch-source.c), and what it tells the watcher. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "cmd/watch.h"
#include "pipeline/traffic-job.h"

struct watch_source_spec {
	const char *kind, *name; /* "collect" or "capture", the section's name */
	bool collect;
	int fd;                     /* collect: the bound UDP socket */
	const char *iface, *filter; /* capture */
	const char *config;         /* the watch file: its site policy */
	const char *db;             /* the store; NULL: the default */
	double grace;
	int stats_fd; /* write end of the counters' pipe */
};

/* The counters, one write each (smaller than PIPE_BUF: never torn). */
struct watch_source_wire {
	uint64_t packets, flows, drops, windows, findings, late;
	uint64_t early; /* findings said as their flow came (the hour not judged yet) */
	double clock;   /* the flows' clock: the latest end seen (seconds since 1970) */
	/* the judge's queue (appended: the fields above keep their place) */
	uint64_t queued, deepest; /* closed hours handed over now, the most at once */
	double wait_seconds;      /* the reader's time at a full queue */
};

/* The child's body; returns its exit status. */
int watch_source_main(const struct watch_source_spec *spec);

/* Where findings leave the watch (watch-findings.c): after each judged hour
 * of a source (in its child), and after each job's run (in the watcher, with
 * the run's exit status and store): the findings' life and its outbox. */
void watch_findings_judged(const struct watch_source_spec *spec, struct traffic_job *j);
/* What a flow showed at once (pipeline/traffic-early.h), on the reader:
 * the same life and outbox, in the run of the flow's hour, whose own
 * judgement then merges the same identities without a second alert. */
void watch_findings_early(const struct watch_source_spec *spec, struct traffic_job *j,
			  const struct findings *fs);
struct site_config;
void watch_job_ended(const struct watch_job *job, const char *db, const struct site_config *site, int status,
		     double started, double ended);
