/* `dormant flows FILE` and `audit --flows FILE` (the default; --at-once and
 * --flows-at-once judge the whole input at once) judged as the watcher judges
 * live traffic (traffic-stream.c): one run, the input's hours judged in
 * order with the state carried between them (analyze/traffic-state.h),
 * the hours' findings merged per episode (analyze/episodes.h). Memory is
 * a few hours of flows and the state, not the whole input.
 *
 * A file is no live feed: before the first hour, a first reading of the
 * files gives the state every (destination, internal host) pair of the
 * whole input, so a destination's prevalence is the file's, as when the
 * file was judged at once (traffic_batch_seed).
 *
 * Nothing restarts a file's run, so its hours' summaries need not land
 * an hour at a time, as a watcher's must (its state, its findings, a
 * kill -9): on SQLite they are held in one transaction on the run's
 * writer (store_flow_hold_begin), committed once it has been held
 * BATCH_HOLD_SECONDS and at the end, and the hours read the history on
 * that writer, so each still sees the hours before it.
 *
 *   traffic_batch_init(&b, &job);                  // job: the run's (its store, run, config)
 *   traffic_batch_seed(&b, files, n, &cc, &ftc, &e);
 *   ... flows read into traffic_batch_flow(&b, f) ...
 *   traffic_batch_finish(&b, &e);                   // job.found: the run's traffic findings
 *   traffic_batch_release(&b);
 * One thread. */
#pragma once
#include "analyze/episodes.h"
#include "flow/capture.h"
#include "pipeline/traffic-stream.h"

struct traffic_batch {
	struct traffic_job *job;  /* the run's: its store and run, where the findings go */
	struct traffic_args args; /* the hours': the job's, inside its store's run */
	struct traffic_stream stream;
	struct episodes_acc acc;
	uint64_t flows, set_aside;      /* flows judged; those with no internal side */
	double aside_first, aside_last; /* the set-aside flows' span */
	bool known;                     /* an hour was summarised in the store before */
	char cc[3];                     /* the latest flow's country */
	struct profile_acc *profile;    /* set by the caller: the flows' profile (the audit's report) */
	bool held, hold_never;          /* the summaries' transaction is open; the store holds none */
	double held_since;              /* when it was opened (monotonic) */
	uint64_t hold_commits;          /* transactions committed */
	int hold_err;                   /* the first commit that failed (finish returns it) */
	struct dm_err hold_e;
};

void traffic_batch_init(struct traffic_batch *b, struct traffic_job *job);
/* The first reading: the pairs of the whole input (captures read with cc's
 * filter and ftc's timeouts, conn.logs; versions logs skipped), without
 * messages (the second reading says what is wrong with a file). */
int traffic_batch_seed(struct traffic_batch *b, char *const *files, size_t n, const struct capture_config *cc,
		       const struct flow_table_config *ftc, struct dm_err *e);
/* One flow (ctx the batch): f->country set when known, until the next
 * flow (for -oJ's flow records; a struct traffic_sink's keep). */
void traffic_batch_keep(void *ctx, struct obs_flow *f);
/* The same as a struct flow_sink's callback. */
void traffic_batch_flow(void *ctx, const struct obs_flow *f);
/* The hours held judged, the episodes into job->found (sorted), what the
 * hours' jobs did not say said once; the first error of any hour. */
int traffic_batch_finish(struct traffic_batch *b, struct dm_err *e);
void traffic_batch_release(struct traffic_batch *b);
