/* What the traffic rules share: robust statistics, flows grouped by their
 * internal host, and the moments idle hosts woke up. */
#pragma once
#include <stdint.h>
#include "analyze/traffic.h"
#include "analyze/evidence.h"
#include "base/buf.h"

/* Sorts v in place. */
double median_of(double *v, size_t n);
/* P(X >= k) for X ~ Binomial(n, p): how likely k hits are by chance. */
double binomial_tail(size_t n, size_t k, double p);
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

/* Sorts idx (flow indices, ascending) by series: src, name, dst (map's
 * value of it when map is given) when the flow has no name, dport, then
 * start, ties in idx's order; by 128-bit keys (base/keysort.h). False (idx
 * untouched) when the keys cannot hold them: the caller sorts by its
 * comparator. map must keep ipaddr_cmp's order (a < b: map(a) <= map(b)). */
typedef void (*dst_map)(const struct ipaddr *a, struct ipaddr *ret);
bool sort_by_series(const struct traffic_input *in, uint32_t *idx, size_t n, dst_map map);
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
/* A run's shared results (traffic_input.memo): made and freed by analyze_traffic. */
struct traffic_memo *traffic_memo_new(void);
void traffic_memo_free(struct traffic_memo *m);

/* How many internal hosts reach each external destination (its name, else
 * its address): what many hosts do (update checks, the video service) is
 * common, not one host's secret. */
struct reach {
	uint32_t name;
	struct ipaddr dst, src;
};
struct prevalence {
	struct reach *v; /* unique (destination, source) pairs, sorted */
	size_t n;
	size_t hosts; /* internal hosts with outbound external traffic */
};
void prevalence_build(const struct traffic_input *in, struct prevalence *p);
/* Internal hosts that reach r's destination. */
size_t prevalence_of(const struct prevalence *p, const struct flowrec *r);
/* Reached by at least 3 hosts and a tenth of those with outbound traffic. */
bool prevalence_common(const struct prevalence *p, const struct flowrec *r);

/* The local day (days since the epoch in the site's zone) of t and the
 * minute of that day. */
int64_t site_local_day(const struct site_config *cfg, double t, int *minute);
/* The weekday of a local day from site_local_day, 0 Sunday. */
int site_day_weekday(int64_t day);

/* The name of each flow (index as in fs->v): its own, else one another
 * flow gave its destination address, since a long session cut into
 * records (active timeout) carries its TLS name in the first only. */
uint32_t *flow_names_resolved(const struct flowset *fs);
