/* What the traffic rules share: robust statistics, flows grouped by their
 * internal host, and the moments idle hosts woke up. */
#pragma once
#include <stdint.h>
#include "analyze/traffic.h"
#include "analyze/evidence.h"
#include "base/buf.h"

/* Sorts v in place. */
double median_of(double *v, size_t n);
/* Median absolute deviation about the median; v is reordered. */
double madm_of(double *v, size_t n, double median);

/* Indices of flows opened by an internal host (src internal), sorted by
 * (src, start). keep filters; NULL keeps all. */
typedef bool (*flow_pred)(const struct traffic_input *in, const struct flowrec *r);
size_t flows_by_source(const struct traffic_input *in, flow_pred keep, uint32_t **ret);
/* Calls judge with each internal source's flows (those keep accepts, in
 * start order) when it has at least min of them. */
typedef void (*source_judge)(const struct traffic_input *in, const uint32_t *idx, size_t n,
			     struct findings *out);
void each_source(const struct traffic_input *in, flow_pred keep, size_t min, source_judge judge,
		 struct findings *out);

/* In idx from flows_by_source: the first position of src's flows that
 * start at or after t (n when none). */
size_t source_position(const struct flowset *fs, const uint32_t *idx, size_t n, const struct ipaddr *src,
		       double t);

bool is_outbound_external(const struct traffic_input *in, const struct flowrec *r);
bool is_foreign(const struct traffic_input *in, const struct flowrec *r);

struct wakeup {
	struct ipaddr host;
	double quiet_since;  /* end of its last own traffic, or when the records begin */
	bool never_seen;     /* no own traffic at all before: quiet_since is the records' start */
	double woke;         /* start of the first flow it opened after the quiet */
	uint32_t first_flow; /* that flow's index */
};
/* Internal hosts that were quiet (background chatter aside) for the
 * configured window and then opened a flow. */
size_t find_wakeups(const struct traffic_input *in, struct wakeup **ret);
