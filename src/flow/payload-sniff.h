/* Versions seen in traffic: what servers say about themselves in the
 * clear, read from the packets of a capture. SSH version lines, HTTP
 * Server headers and TLS server certificates (TLS 1.2 and older, where the
 * Certificate message is not encrypted) become service observations of the
 * host that sent them (passive, with the first and last time seen), one
 * per address, protocol and port. Bounded: at most PAYLOAD_SNIFF_MAX
 * services; the certificate reassembly is bounded by flow/cert-stream.h. */
#pragma once
#include <stddef.h>
#include "model/obs.h"
#include "net/decode.h"

#define PAYLOAD_SNIFF_MAX 65536

struct payload_sniff;

struct payload_sniff *payload_sniff_new(void);
/* A decoded packet: only TCP payloads are looked at. */
void payload_sniff_packet(struct payload_sniff *ps, double ts, const struct pkt *p);
/* Adds (or refreshes) an observation from another source (Zeek logs): by
 * address, protocol and port, the newer time kept, empty fields filled. */
void payload_sniff_add(struct payload_sniff *ps, const struct obs_service *s, double first_seen);
/* The services so far; valid until the next call that adds. first_seen
 * (may be NULL) gets the first times, one per service. */
const struct obs_service *payload_sniff_services(const struct payload_sniff *ps, size_t *n,
						 const double **first_seen);
void payload_sniff_free(struct payload_sniff *ps);

/* The parsers, exported for the fuzz target and the tests: the software
 * of an "SSH-2.0-<software> <comment>" line into out; the Server header
 * of an HTTP response head; the first certificate of a server's TLS
 * handshake records (1 found, 0 incomplete, -1 not there). */
bool sniff_ssh_line(const uint8_t *d, size_t n, char *out, size_t cap);
bool sniff_http_server(const uint8_t *d, size_t n, char *out, size_t cap);
int sniff_tls_certificate(const uint8_t *d, size_t n, double now, struct obs_tls *t);
