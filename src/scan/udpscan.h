/* UDP probes through ordinary sockets (no privileges needed): a real
 * request per service port, replies mean open, an ICMP port unreachable
 * (read from the socket's error queue) means closed, silence after the
 * retries means open|filtered. Small by nature: a scan that would need
 * more than 16M probes is refused. */
#pragma once
#include "model/obs.h"
#include "net/rangeset.h"
#include "scan/engine.h"

struct udpscan_config {
	const struct rangeset *v4;
	const struct in6_addr *v6;
	size_t n_v6;
	const uint16_t *ports;
	unsigned nports;
	double rate; /* datagrams per second */
	unsigned retries;
	double wait; /* seconds to wait for late answers after each pass */
	uint64_t seed;
	const struct obs_sink *sink;
	bool report_silent; /* report open|filtered ports */
};

struct udpscan_stats {
	uint64_t sent, open, closed, silent;
};

int udpscan_run(const struct udpscan_config *c, struct udpscan_stats *ret, struct dm_err *e);
