/* The first bytes a TLS server sends on a connection, gathered in TCP
 * sequence order until its Certificate message is whole (TLS 1.2 and
 * older send it in the clear). Bounded: at most CERT_STREAMS streams
 * followed at once, CERT_STREAM_BYTES of each and CERT_STREAMS_BYTES in
 * all; a stream is dropped at a gap, an overlap or a reordering (no
 * segment is held for later), when its certificate is read or cannot come
 * (TLS 1.3, a resumed session), and the least recently active one makes
 * room for a new one. */
#pragma once
#include <stdint.h>
#include "model/obs.h"
#include "net/decode.h"

#define CERT_STREAMS 256
#define CERT_STREAM_BYTES 32768
#define CERT_STREAMS_BYTES (2u << 20)

struct cert_streams;

struct cert_stream_stats {
	uint64_t started, read, no_cert, gaps, too_long, evicted, over_budget;
};

struct cert_streams *cert_streams_new(void);
/* A TCP segment with payload. 1 when it completed a server's certificate
 * (read into *t), else 0. */
int cert_streams_packet(struct cert_streams *cs, double ts, const struct pkt *p, struct obs_tls *t);
/* Streams followed now, and bytes held by them. */
void cert_streams_usage(const struct cert_streams *cs, size_t *streams, size_t *bytes);
void cert_streams_stats(const struct cert_streams *cs, struct cert_stream_stats *st);
void cert_streams_free(struct cert_streams *cs);

/* The first certificate of a server's TLS handshake records: 1 found
 * (*t filled), 0 incomplete, -1 not there (damaged, another record type
 * first, or a handshake message other than a hello before it). */
int tls_records_certificate(const uint8_t *d, size_t n, double now, struct obs_tls *t);
