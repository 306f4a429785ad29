/* A TLS server judged from what the probes saw (struct obs_tls): each
 * weakness with a code, a sentence and the severity it has on its own;
 * the weak-tls rule then weighs them by who reaches the service. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "model/finding.h"
#include "model/obs.h"

/* A certificate ending within this many days is reported ahead. */
#define TLS_EXPIRY_WARN_DAYS 30

struct tls_weakness {
	const char *code; /* expired, expires-soon, self-signed, untrusted-chain, sslv3, tls1.0, tls1.1,
			     weak-key, weak-suites */
	enum severity severity;
	char text[160];
};

#define TLS_WEAKNESS_MAX 9

/* The weaknesses of t at time now, worst first. Trust of the chain counts
 * only when users reach the service (trust_matters): an internal
 * management port with its own certificate is normal. */
size_t tls_server_weaknesses(const struct obs_tls *t, double now, bool trust_matters,
			     struct tls_weakness *out);
/* "RC4, 3DES" for the TLS_WEAK_* bits (empty when none). */
void tls_weak_names(unsigned bits, char *out, size_t n);
/* "SSLv3, TLS 1.0" for the TLS_V_* bits. */
void tls_version_names(unsigned bits, char *out, size_t n);
