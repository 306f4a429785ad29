/* The flow sink of `flows` and `collect`: each flow into the traffic job
 * (the rules, the hourly summaries) and, when -oJ was given, as a "flow"
 * JSON Lines record; counts by application for the summary. */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include "base/buf.h"
#include "model/flow.h"
#include "pipeline/traffic-job.h"

struct traffic_sink {
	struct traffic_job *job;
	FILE *f; /* -oJ; NULL: none */
	struct buf b;
	uint64_t flows;
	uint64_t by_app[5]; /* tls, ssh, dns, http, other */
	int err;            /* the first write error (errno) */
	/* set: each flow goes here instead of into job (traffic-batch.h), which
	 * sets its country */
	void (*keep)(void *ctx, struct obs_flow *f);
	void *keep_ctx;
};

/* A struct flow_sink's on_flow: ctx is a struct traffic_sink. */
void traffic_sink_flow(void *ctx, const struct obs_flow *flow);
