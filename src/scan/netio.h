/* Raw frame I/O on one interface: an AF_PACKET socket for sending batches
 * (sendmmsg, qdisc bypass) and a libpcap handle for receiving replies,
 * with the kernel's drop counter. Both are opened while privileged; all
 * later calls work after privileges are dropped. */
#pragma once
#include <pcap/pcap.h>
#include <stdint.h>
#include "net/route.h"
#include "net/frame.h"

#define NETIO_BATCH 256

struct netio {
	int fd;
	pcap_t *pcap;
	int linktype; /* DLT_EN10MB or DLT_LINUX_SLL */
	struct route_info ri;
	/* send batch */
	uint8_t frames[NETIO_BATCH][FRAME_MAX];
	unsigned lens[NETIO_BATCH];
	unsigned n;
	uint64_t sent, send_errors;
};

int netio_open(struct netio *io, const char *ifname, struct dm_err *e);
int netio_set_filter(struct netio *io, const char *bpf, struct dm_err *e);
/* The next free frame of the batch; netio_flush() sends what is queued. */
static inline uint8_t *netio_frame(struct netio *io) { return io->frames[io->n]; }
static inline void netio_queue(struct netio *io, unsigned len) { io->lens[io->n++] = len; }
int netio_flush(struct netio *io);
/* Waits up to timeout_ms for replies and hands each frame to cb. */
int netio_poll(struct netio *io, int timeout_ms, void (*cb)(void *ctx, const uint8_t *p, size_t len),
	       void *ctx);
uint64_t netio_drops(struct netio *io);
void netio_close(struct netio *io);
