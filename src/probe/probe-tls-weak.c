/* What makes a TLS service weak beyond its versions: which classes of
 * known-weak cipher suites it accepts when a client offers nothing else
 * (NULL and anonymous through OpenSSL at security level 0; RC4, 3DES and
 * EXPORT, which Debian's OpenSSL 3 no longer offers, through hand-built
 * ClientHellos judged by the ServerHello's chosen suite), the size and type
 * of the certificate's key, and whether its chain leads to a root of the
 * system's trust store. */
#include "probe/services.h"
#include "base/util.h"
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <string.h>

static int weak_on_data(struct pconn *c)
{
	(void)c;
	return PR_DONE;
}

static void weak_start(struct pconn *c) { (void)c; /* the handshake is the test */ }

static unsigned weak_bit(const struct proto_ops *ops);

static void weak_finish(struct pconn *c, bool ok)
{
	(void)ok;
	struct obs_tls *t = &c->svc->out.tls;
	unsigned b = weak_bit(c->ops);
	if (!c->ssl) return; /* no handshake was tried: nothing learnt */
	t->weak_tested |= b;
	if (c->tls_ok) t->weak |= b;
}

#define WEAK_SUITES(var, list)                                  \
	const struct proto_ops var = { .name = #var,            \
				       .tls = true,             \
				       .tls_ciphers = list,     \
				       .handshake_only = true,  \
				       .cap = 64,               \
				       .timeout = 3,            \
				       .start = weak_start,     \
				       .on_data = weak_on_data, \
				       .finish = weak_finish }
WEAK_SUITES(proto_weak_null, "eNULL:@SECLEVEL=0");
WEAK_SUITES(proto_weak_anon, "aNULL:!eNULL:@SECLEVEL=0");

static unsigned weak_bit(const struct proto_ops *ops)
{
	return ops == &proto_weak_null ? TLS_WEAK_NULL : TLS_WEAK_ANON;
}

/* The classes this OpenSSL cannot offer (Debian builds it without 3DES,
 * RC4 and EXPORT suites), offered by hand: RSA, DHE and ECDHE key
 * exchange (ECDHE without the groups extension: RFC 4492 lets the server
 * pick a curve). */
static const uint16_t rc4_suites[] = { 0x0005, 0x0004, 0xc011, 0xc007, 0x0018, 0x008a };
static const uint16_t des3_suites[] = { 0x000a, 0x0016, 0x0013, 0xc012, 0xc008, 0x001b };
static const uint16_t export_suites[] = { 0x0003, 0x0006, 0x0008, 0x000b, 0x000e, 0x0011,
					  0x0014, 0x0017, 0x0019, 0x0062, 0x0064 };
static const struct legacy_class {
	unsigned bit;
	const uint16_t *suites;
	size_t n;
} classes[] = {
	{ TLS_WEAK_RC4, rc4_suites, ARRAY_SIZE(rc4_suites) },
	{ TLS_WEAK_3DES, des3_suites, ARRAY_SIZE(des3_suites) },
	{ TLS_WEAK_EXPORT, export_suites, ARRAY_SIZE(export_suites) },
};

static const struct legacy_class *class_of(const struct proto_ops *ops)
{
	return ops == &proto_weak_rc4 ? &classes[0] : ops == &proto_weak_3des ? &classes[1] : &classes[2];
}

static bool listed(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x) return true;
	return false;
}

/* A ClientHello (record version TLS 1.0, client version TLS 1.2, so that
 * servers of either age answer) offering only the class's suites. */
static void legacy_start(struct pconn *c)
{
	const struct legacy_class *k = class_of(c->ops);
	uint8_t h[128];
	size_t body = 2 + 32 + 1 + 2 + 2 * k->n + 2; /* version, random, sid, suites, compression */
	size_t i = 0;
	h[i++] = 0x16, h[i++] = 3, h[i++] = 1, h[i++] = (uint8_t)((body + 4) >> 8),
	h[i++] = (uint8_t)(body + 4);
	h[i++] = 1, h[i++] = 0, h[i++] = (uint8_t)(body >> 8), h[i++] = (uint8_t)body;
	h[i++] = 3, h[i++] = 3;
	for (int j = 0; j < 32; j++) h[i++] = (uint8_t)("dormant!"[j % 8]);
	h[i++] = 0;
	h[i++] = (uint8_t)((2 * k->n) >> 8), h[i++] = (uint8_t)(2 * k->n);
	for (size_t j = 0; j < k->n; j++)
		h[i++] = (uint8_t)(k->suites[j] >> 8), h[i++] = (uint8_t)k->suites[j];
	h[i++] = 1, h[i++] = 0;
	pconn_send(c, h, i);
}

int tls_server_hello_suite(const uint8_t *p, size_t len, uint16_t *version, uint16_t *suite)
{
	/* record header (5), handshake header (4), version (2), random (32), session id */
	if (!len) return 0;
	if (p[0] != 0x16) return -1;
	if (len < 5) return 0;
	if (p[1] != 3) return -1;
	if (len < 44) return 0;
	if (p[5] != 2) return -1;
	size_t sid = p[43];
	if (sid > 32) return -1;
	if (len < 44 + sid + 2) return 0;
	*version = (uint16_t)(p[9] << 8 | p[10]);
	*suite = (uint16_t)(p[44 + sid] << 8 | p[45 + sid]);
	return 1;
}

static int legacy_on_data(struct pconn *c)
{
	uint16_t v, s;
	return tls_server_hello_suite(c->rbuf, c->rlen, &v, &s) ? PR_DONE : PR_MORE;
}

static void legacy_finish(struct pconn *c, bool ok)
{
	const struct legacy_class *k = class_of(c->ops);
	struct obs_tls *t = &c->svc->out.tls;
	if (!ok && !c->rlen) return; /* no connection, or no answer: not judged */
	t->weak_tested |= k->bit;
	uint16_t v, s;
	if (tls_server_hello_suite(c->rbuf, c->rlen, &v, &s) == 1 && listed(k->suites, k->n, s))
		t->weak |= k->bit;
}

#define WEAK_LEGACY(var)                                          \
	const struct proto_ops var = { .name = #var,              \
				       .cap = 256,                \
				       .timeout = 3,              \
				       .start = legacy_start,     \
				       .on_data = legacy_on_data, \
				       .finish = legacy_finish }
WEAK_LEGACY(proto_weak_rc4);
WEAK_LEGACY(proto_weak_3des);
WEAK_LEGACY(proto_weak_export);

/* The system's trust store, loaded once (probes run on one thread). */
static X509_STORE *system_roots(void)
{
	static X509_STORE *st;
	static bool tried;
	if (!tried) {
		tried = true;
		st = X509_STORE_new();
		if (st && X509_STORE_set_default_paths(st) != 1) {
			X509_STORE_free(st);
			st = NULL;
		}
	}
	return st;
}

void tls_cert_judge(struct pconn *c, struct obs_tls *t)
{
	X509 *x = c->cert;
	if (!x) return;
	X509_STORE *roots = system_roots();
	if (!roots || !c->ssl) return;
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c->ssl);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (!ctx) return;
	if (X509_STORE_CTX_init(ctx, roots, x, chain) == 1) {
		/* expiry is judged apart: here only who vouches for the key */
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
		if (X509_verify_cert(ctx) == 1) {
			t->chain = TLS_CHAIN_TRUSTED;
		} else {
			t->chain = TLS_CHAIN_UNTRUSTED;
			snprintf(t->chain_error, sizeof(t->chain_error), "%s",
				 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		}
	}
	X509_STORE_CTX_free(ctx);
}
