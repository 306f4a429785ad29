/* The summary of a read of traffic (capture files, conn.logs or a live
 * capture) for the terminal. */
#pragma once
#include <stdio.h>
#include "flow/capture.h"
#include "flow/table.h"
#include "flow/netflow.h"
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
	double cpu;             /* the reading thread's CPU seconds (user + system) in them */
};

void traffic_read_print(FILE *f, const struct traffic_read_summary *s);

/* What a progress line says besides the reader's own counts. */
struct traffic_read_progress {
	const char *file;      /* being read */
	double t0;             /* monotonic start of the reading */
	const uint64_t *flows; /* flows so far */
};
/* The progress line on stderr of a capture file and of a conn.log; ctx is a
 * struct traffic_read_progress (capture's and zeek's progress callbacks). */
void traffic_read_progress_pcap(void *ctx, const struct capture_stats *st, uint64_t done, uint64_t total,
				const struct flow_table *ft);
void traffic_read_progress_zeek(void *ctx, const struct zeek_stats *zs, uint64_t done, uint64_t total);
/* A live capture's counters, kernel drops included, on stderr (ctx unused). */
void traffic_read_print_capture(void *ctx, const struct capture_stats *st);
/* The collector's counters (export packets by version, records, templates, gaps) on stderr. */
void traffic_read_print_netflow(const struct nf_decoder *d, uint64_t kernel_drops, double seconds);
