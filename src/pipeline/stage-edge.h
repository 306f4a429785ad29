/* The audit's edge step (`--upnp`, `[site] edge = on`): the LAN's
 * internet gateways read (exposure/edge.h), each mapping's age carried
 * from the store's earlier runs, and the findings of analyze/edge.h. It
 * runs where the join begins, after the scan, the probes and the
 * credential checks, so that every finding on a forwarded asset exists
 * when the raise comes. */
#pragma once
#include "exposure/edge.h"
#include "model/finding.h"
#include "model/resultset.h"
#include "store/store.h"

struct edge_stage_in {
	const struct edge_opts *opts;
	struct store *st;     /* earlier runs: each mapping's first_seen */
	struct resultset *rs; /* the run's results: is the mapped port open inside? */
	struct findings *fs;  /* the findings are added to it */
};
int stage_edge(const struct edge_stage_in *in, struct edge_set *out, struct dm_err *e);
