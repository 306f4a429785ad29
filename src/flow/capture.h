/* Traffic into the flow table through libpcap: pcap and pcapng files,
 * or live capture on an interface, with an optional BPF filter. Damaged
 * packets are counted and skipped with a message naming the file and the
 * packet; a file cut short ends the reading with a message, and the flows
 * read so far are kept. */
#pragma once
#include <signal.h>
#include <stdint.h>
#include "base/err.h"
#include "flow/table.h"

struct capture_stats {
	uint64_t packets, bytes, not_ip, damaged, fragments, filtered_out;
	uint64_t kernel_drops, iface_drops; /* live capture */
	double first_ts, last_ts;
	bool truncated; /* the file ended inside a packet */
};

typedef void (*capture_progress_fn)(void *ctx, const struct capture_stats *st, uint64_t done, uint64_t total,
				    const struct flow_table *ft);

struct capture_config {
	const char *filter;           /* BPF, may be NULL */
	capture_progress_fn progress; /* may be NULL; called about 4 times a second */
	void *progress_ctx;
	volatile sig_atomic_t *stop;   /* live: set to end the capture */
	volatile sig_atomic_t *report; /* live: set to print the counters (SIGUSR1) */
	void (*report_fn)(void *ctx, const struct capture_stats *st);
	/* live: called once the handle is open and filtered, before the first
	 * packet is read, with its descriptor: where the command drops its
	 * privileges and installs its seccomp filter. <0 ends the capture. */
	int (*ready)(void *ctx, int fd, struct dm_err *e);
	void *ready_ctx;
	/* may be NULL: every decoded IP packet, after the flow table saw it
	 * (the payload sniffer of versions seen in traffic) */
	void (*packet)(void *ctx, double ts, const struct pkt *p);
	void *packet_ctx;
};

/* Reads a whole file; 0, or <0 with e set when the file cannot be read at all. */
int capture_file(const char *path, const struct capture_config *cfg, struct flow_table *ft,
		 struct capture_stats *st, struct dm_err *e);
/* Captures until *cfg->stop; needs CAP_NET_RAW. */
int capture_live(const char *iface, const struct capture_config *cfg, struct flow_table *ft,
		 struct capture_stats *st, struct dm_err *e);
