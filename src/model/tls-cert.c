/* Fills an obs_tls from a certificate with OpenSSL: what the TLS probes
 * read from a handshake and the capture reader from a server's
 * Certificate message, described one way. */
#include "model/tls-cert.h"
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <time.h>

void obs_tls_from_cert(const void *cert, double now, struct obs_tls *t)
{
	X509 *x = (X509 *)cert;
	X509_NAME_oneline(X509_get_subject_name(x), t->subject, sizeof(t->subject));
	X509_NAME_oneline(X509_get_issuer_name(x), t->issuer, sizeof(t->issuer));
	struct tm tm;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1) t->not_after = (double)timegm(&tm);
	if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) == 1) t->not_before = (double)timegm(&tm);
	t->expired = t->not_after > 0 && t->not_after < now;
	t->self_signed = X509_check_issued(x, x) == X509_V_OK;
	unsigned char md[32];
	unsigned int ml = 0;
	if (X509_digest(x, EVP_sha256(), md, &ml) == 1)
		for (unsigned i = 0; i < ml && i < 32; i++) snprintf(t->sha256 + 2 * i, 3, "%02x", md[i]);
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (k) {
		t->key_bits = EVP_PKEY_get_bits(k);
		const char *name = EVP_PKEY_get0_type_name(k);
		snprintf(t->key_type, sizeof(t->key_type), "%s", name ? name : "?");
	}
}
