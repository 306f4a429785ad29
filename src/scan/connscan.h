/* The connect() scan for when raw sockets are not allowed, and for IPv6:
 * non-blocking connects, thousands in flight, paced, over the same seeded
 * permutation as the SYN scan. Open = connected, closed = refused,
 * filtered = timed out or unreachable. With ping set it is host discovery:
 * any answer on a few common ports means the host is up. */
#pragma once
#include "model/obs.h"
#include "net/rangeset.h"
#include "scan/resume.h"
#include "scan/engine.h"

struct connscan_config {
	const struct rangeset *v4; /* indexed */
	const struct in6_addr *v6;
	size_t n_v6;
	const uint16_t *ports;
	unsigned nports;
	bool ping;
	double rate; /* connection attempts per second, 0 = unpaced */
	unsigned max_inflight;
	double timeout; /* seconds per attempt */
	uint64_t seed, shard, shards;
	const struct obs_sink *sink;
	struct resume *resume;
	void (*progress)(void *ctx, const struct engine_progress *p);
	void *progress_ctx;
};

struct connscan_stats {
	uint64_t attempts, open, closed, filtered;
	double seconds;
};

int connscan_run(const struct connscan_config *c, struct connscan_stats *ret, struct dm_err *e);
