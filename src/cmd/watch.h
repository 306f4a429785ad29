/* `dormant watch`: the watch file's sections (watch-config.c), the jobs'
 * schedule and their state across restarts (watch-sched.c), the jobs run
 * in a child of the watcher (watch-jobs.c) and the Prometheus metrics
 * (watch-metrics.c). The loop is cmd-watch.c. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "base/err.h"

#define WATCH_MAX_AT 24

/* [job NAME]: a dormant command line that observes, on a schedule. */
struct watch_job {
	char name[64];
	double every;         /* seconds; 0: at the times of at[] */
	int at[WATCH_MAX_AT]; /* minutes after local midnight */
	int n_at;
	uint8_t days; /* bit 0 Sunday; every day by default */
	char *run;    /* the command line as written */
	char **argv;  /* split: argv[0] is the command (audit, scan, creds, secrets) */
	int argc;
};

/* [collect NAME]: a NetFlow/IPFIX listener; [capture NAME]: a live capture. */
struct watch_source {
	char name[64];
	char listen[128]; /* collect: ADDR:PORT */
	char iface[64];   /* capture */
	char *filter;     /* capture: BPF, may be NULL */
	double grace;     /* seconds after an hour's end before it is judged */
};

struct watch_config {
	char path[512];
	struct watch_job *jobs;
	size_t n_jobs;
	struct watch_source *collects, *captures;
	size_t n_collects, n_captures;
	char metrics[128];   /* [metrics] listen; empty: none */
	char db[512];        /* [watch] db: the collectors' store; empty: the default */
	char state_dir[512]; /* [watch] state_dir; empty: $STATE_DIRECTORY, else the store's folder */
	double grace;        /* [watch] grace, the sources' default (300 s) */
};

/* Reads the watch file: its own sections here, the site policy's through
 * model/site-config.c (both must be valid); every job's `run =` is checked
 * with its command's option parser. Errors name the file and the line. */
int watch_config_load(struct watch_config *w, const char *path, struct dm_err *e);
void watch_config_release(struct watch_config *w);
/* Splits a command line into words (spaces; '...' and "..." quote; \ escapes).
 * Returns the count, or -1 with *why set (an open quote). Free with argv_free. */
int argv_split(const char *s, char ***ret, const char **why);
void argv_free(char **argv);

/* The first time after `after` (seconds since the epoch) the job is due,
 * in the process's time zone (the site policy's `timezone`). */
double watch_job_next(const struct watch_job *j, double after);
/* The latest due time at or before now, or 0: the run a watcher that was
 * down has missed when the job last started before it. */
double watch_job_prev(const struct watch_job *j, double now);

/* The jobs' last starts, kept across restarts in STATE_DIR/watch-state. */
struct watch_state {
	char path[600];
	char (*names)[64];
	double *last;
	size_t n;
};
int watch_state_load(struct watch_state *s, const char *dir, struct dm_err *e);
double watch_state_get(const struct watch_state *s, const char *job);
int watch_state_set(struct watch_state *s, const char *job, double t, struct dm_err *e);
void watch_state_release(struct watch_state *s);

/* The commands a job may run: they observe and store, and take the same
 * options as on the command line. NULL: not one of them. */
int (*watch_command(const char *name))(int argc, char **argv);
/* The job's options checked as its command would (no run). */
int watch_job_check(const struct watch_job *j, struct dm_err *e);
/* Starts the job in a child process (the command drops privileges and
 * installs its seccomp filter for good: the watcher must keep its own);
 * close_fds are closed in the child. Returns the child's pid or <0. */
pid_t watch_job_spawn(const struct watch_job *j, const int *close_fds, size_t n_close);

/* What /metrics says (Prometheus text format 0.0.4). */
struct watch_job_stats {
	const char *name;
	uint64_t runs, failures;
	double last_seconds, last_start, total_seconds;
	bool running;
};
struct watch_source_stats {
	const char *name, *kind; /* "collect", "capture" */
	uint64_t packets, flows, drops, windows, findings, late;
	uint64_t early;           /* findings said as their flow came, before the hour's judgement */
	double clock;             /* stream time: the latest flow end the source has seen */
	uint64_t queued, deepest; /* the judge's queue: closed hours now, the most at once */
	double wait_seconds;      /* the reader's time waiting for room in that queue */
};
struct watch_metrics {
	const struct watch_job_stats *jobs;
	size_t n_jobs;
	const struct watch_source_stats *sources;
	size_t n_sources;
	uint64_t open_by_severity[5]; /* info .. critical: the findings' records not resolved */
	bool open_known;
	uint64_t alerts_sent, alerts_failed,
	    alerts_pending; /* failed: tries; pending: at the last delivery */
	size_t alert_channels;
	double started, reloads;
};
void watch_metrics_write(FILE *f, const struct watch_metrics *m);
