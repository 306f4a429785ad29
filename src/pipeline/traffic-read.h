/* The summary of a read of traffic (capture files, conn.logs or a live
 * capture) for the terminal. */
#pragma once
#include <stdio.h>
#include "flow/capture.h"
#include "flow/table.h"
#include "flow/zeek.h"

struct traffic_read_summary {
	const struct capture_stats *st;
	const struct zeek_stats *zs;
	const struct flow_table_stats *fs; /* after the flush */
	unsigned zeek_files, inputs;       /* inputs: files, or 1 for a live capture */
	size_t table_bytes;                /* the flow table's size before the flush */
	uint64_t flows;
	const uint64_t *by_app; /* tls, ssh, dns, http, other */
	double seconds;         /* of reading */
};

void traffic_read_print(FILE *f, const struct traffic_read_summary *s);
