/* A watch job's host and port changes as alerts: when a job's run is done,
 * its hosts and open ports are compared with the newest earlier run of the
 * same command that covered any of the same targets (inside the overlap of
 * both runs' coverage, pipeline/run-changes.h), and each change a channel
 * names in `events =` is queued in the outbox once (store_alert_queue):
 *   host-new     answers now, not in the earlier run, and never before it
 *   host-woke    answers now, not in the earlier run, and was silent for at
 *                least the usage window ([usage] window_days: idle, as the
 *                idle-host and idle-device-active rules call it) before; a
 *                shorter silence (a missed scan, a night switched off) makes
 *                no event: the host was never idle
 *   host-silent  answered in the earlier run, not now
 *   port-opened  open now, not in the earlier run; port-closed the reverse
 * The first run of a job is the baseline: nothing to compare, no alert. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "model/site-config.h"
#include "store/store.h"

struct run_events_out {
	int64_t prev; /* the run compared with; 0: none */
	size_t changes, queued;
};

/* The event of a host that answers in a run (at `now`) and did not in the
 * run compared with: last is when it last answered before (0: never, so
 * host-new); host-woke when now - last is at least window_days, else
 * LEV_NONE. */
enum life_event run_event_host_back(double last, double now, double window_days);

/* run (done, of command kind) against its predecessor; site's channels
 * select. Nothing happens when no channel wants a host or port event. */
int run_events_queue(struct store *st, int64_t run, const char *kind, const struct site_config *site,
		     double now, struct run_events_out *ret, struct dm_err *e);
