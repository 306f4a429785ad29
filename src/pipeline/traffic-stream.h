/* Traffic judged in stream time (`dormant watch`'s collectors and
 * captures): the flows' own clock (the latest end seen) drives the rules.
 * Flows are held per hour of their start; an hour is judged (the traffic
 * rules, its hourly summaries and findings saved as a run) once the clock
 * passes its end plus a grace, so a replayed or delayed export is judged
 * as the live one was. Memory holds the hour being filled and the next. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "flow/netflow.h"
#include "pipeline/traffic-job.h"

struct traffic_stream;
/* Called after each judged hour with its job (j->run, j->found) and span. */
typedef void (*traffic_judged_fn)(void *ctx, struct traffic_job *j, double from, double to);

struct traffic_stream {
	const struct traffic_args *args; /* borrowed: config, db, rules */
	char kind[16], what[96];         /* of the runs: "collect", "watch collect NAME" */
	double grace;                    /* seconds */
	double clock;                    /* the flows' clock: the latest end seen */
	double win;                      /* start of the hour in job[cur]; 0: none yet */
	double next_min;                 /* earliest start in job[cur ^ 1] */
	struct traffic_job job[2];
	bool open[2];
	int cur;
	uint64_t flows, windows, findings, late;
	int err; /* the first error of a judgement made inside the flow sink */
	struct dm_err e;
	traffic_judged_fn on_judged;
	void *ctx;
};

void traffic_stream_init(struct traffic_stream *s, const struct traffic_args *args, const char *kind,
			 const char *what, double grace, traffic_judged_fn fn, void *ctx);
/* One flow (the struct flow_sink's callback, ctx the stream): held, and
 * every hour the clock has passed judged. */
void traffic_stream_flow(void *ctx, const struct obs_flow *f);
/* Judges whatever is held, hours not yet over included (the end of a
 * watch, a reload). */
int traffic_stream_flush(struct traffic_stream *s, struct dm_err *e);
void traffic_stream_release(struct traffic_stream *s);
