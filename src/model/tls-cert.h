/* The facts of a certificate that dormant keeps (struct obs_tls): names,
 * validity, self-signature, fingerprint, key type and size. Shared by the
 * TLS probes and the capture reader, which sees certificates pass by. */
#pragma once
#include "model/obs.h"

/* x is an X509* (void here so that users need not include OpenSSL); now
 * is the time expiry is judged at (seconds since the epoch). */
void obs_tls_from_cert(const void *x, double now, struct obs_tls *t);
