/* Traffic judged in stream time (`dormant watch`'s collectors and
 * captures): the flows' own clock (the latest end seen) drives the rules.
 * Flows are held per hour of their start; an hour is judged (the traffic
 * rules, its hourly summaries and findings saved as a run) once the clock
 * passes its end plus a grace, so a replayed or delayed export is judged
 * as the live one was. Memory holds the hour being filled and the next,
 * and (threaded) up to TRAFFIC_STREAM_QUEUE closed hours for the judge.
 *
 * Threads: traffic_stream_flow, _flush and _release are called from one
 * thread (the reader). Threaded, closed hours are judged in that order by
 * a judge thread of the stream's own, so the reader goes on reading while
 * an hour's rules and summaries take seconds; closed hours queue for the
 * judge, and the hand-off waits only when TRAFFIC_STREAM_QUEUE of them are
 * queued (the socket's buffer absorbs meanwhile). Each hour's rules see every earlier hour's
 * summaries, as when judged on the reader. The counters may be read from
 * any thread. */
#pragma once
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "flow/netflow.h"
#include "pipeline/traffic-early.h"
#include "pipeline/traffic-job.h"

struct traffic_stream;
/* Called after each judged hour with its job (j->run, j->found) and span;
 * threaded, on the judge thread. */
typedef void (*traffic_judged_fn)(void *ctx, struct traffic_job *j, double from, double to);
/* Called on the reader with what a flow showed at once (traffic-early.h),
 * before its hour is judged: j is the job of the flow's hour (its store
 * and run, which the hour's judgement uses too). */
typedef void (*traffic_early_fn)(void *ctx, struct traffic_job *j, const struct findings *fs);

/* Closed hours the judge may hold: the one it judges and two waiting, so a
 * reader ahead of a slow judge goes on receiving (and saying early
 * findings) for two hours more before it waits; each costs an hour of
 * flows. */
#define TRAFFIC_STREAM_QUEUE 3

struct traffic_held {
	struct traffic_job *job;
	double from; /* start of its hour */
};

struct traffic_stream {
	const struct traffic_args *args; /* borrowed: config, db, rules */
	char kind[16], what[96];         /* of the runs: "collect", "watch collect NAME" */
	double grace;                    /* seconds */
	_Atomic double clock;            /* the flows' clock: the latest end seen */
	double win;                      /* start of the hour in job[cur]; 0: none yet */
	double next_min;                 /* earliest start in job[cur ^ 1] */
	struct traffic_job *job[2];      /* NULL: none held */
	int cur;
	_Atomic uint64_t flows, windows, findings, late;
	int err; /* the first error of a judgement (under lock when threaded) */
	struct dm_err e;
	traffic_judged_fn on_judged;
	void (*on_closed)(void *ctx); /* optional: an hour closed, before its hand-off (the reader) */
	/* optional: the rules that need only the flow judge it as it comes
	 * (the reader's; early[i] is what job[i]'s hour said so) */
	traffic_early_fn on_early;
	struct traffic_early early[2];
	_Atomic uint64_t early_found; /* findings said early */
	void *ctx;
	/* the judge thread (threaded only) */
	bool threaded;
	pthread_t judge;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct traffic_held queue[TRAFFIC_STREAM_QUEUE]; /* closed hours, oldest at head */
	int head;
	_Atomic int queued;       /* closed hours handed over, the one being judged included; 0: idle */
	_Atomic int deepest;      /* the most hours queued at once */
	_Atomic uint64_t waited;  /* hand-offs that waited for room in the queue */
	_Atomic uint64_t wait_us; /* the reader's time in those waits (monotonic microseconds) */
	bool stop;
	/* what judged hours leave to the next (the judge's alone) */
	struct traffic_state *state;
	/* its save in the store (traffic-stream-state.c; the judge's): read
	 * back once, the latest flow end in it, the last save's size, the
	 * saves and their time */
	bool restored;
	double state_clock;
	uint64_t state_bytes, state_saves;
	double state_save_seconds, state_save_cpu;
};

/* threaded: closed hours judged on a thread of the stream's own (started
 * here; without it, or when it cannot start, on the caller's). */
void traffic_stream_init(struct traffic_stream *s, const struct traffic_args *args, const char *kind,
			 const char *what, double grace, bool threaded, traffic_judged_fn fn, void *ctx);
/* One flow (the struct flow_sink's callback, ctx the stream): held, and
 * every hour the clock has passed judged (threaded: handed to the judge). */
void traffic_stream_flow(void *ctx, const struct obs_flow *f);
/* Waits until every hour handed to the judge is judged (no-op unthreaded). */
void traffic_stream_wait(struct traffic_stream *s);
/* Judges whatever is held, hours not yet over included (the end of a
 * watch, a reload), and waits for the judge; returns the first error of
 * any judgement. */
int traffic_stream_flush(struct traffic_stream *s, struct dm_err *e);
/* Hours already handed to the judge are judged; held ones are dropped. */
void traffic_stream_release(struct traffic_stream *s);
