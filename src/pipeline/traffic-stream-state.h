/* The stream's state across hours (analyze/traffic-state.h) kept in the
 * store, so a source's child started again (an upgrade, a reload that
 * replaces it, a crash, kill -9) goes on where the last judged hour left
 * it: saved with each judged hour's findings and run's end in one
 * transaction (the two agree whenever the process dies), read back before
 * the first hour the new stream judges. Keyed by the stream's source
 * (traffic_stream.what) and the store's site. Both on the judge. */
#pragma once
#include "pipeline/traffic-stream.h"

/* The source's saved state becomes the stream's, unless none is stored,
 * it is older than its window before j's flows, of another format or
 * damaged (then the stream starts empty, said in one line). Once. */
void traffic_stream_restore(struct traffic_stream *s, struct traffic_job *j);
/* traffic_job.save_hour (ctx the stream): j's findings, the state and the
 * run's end in one transaction. */
int traffic_stream_save_hour(struct traffic_job *j, void *ctx, struct dm_err *e);
