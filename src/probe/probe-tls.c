/* Which TLS versions a server accepts: one handshake per version with
 * OpenSSL (TLS 1.0 to 1.3, security level 0 so that old servers answer),
 * and SSLv3, which OpenSSL no longer speaks, with a hand-built ClientHello
 * whose answer is judged from the record and ServerHello versions. */
#include "probe/services.h"
#include "base/util.h"
#include <openssl/ssl.h>
#include <string.h>

static unsigned bit_of(int v)
{
	return v == TLS1_VERSION     ? TLS_V_10
	       : v == TLS1_1_VERSION ? TLS_V_11
	       : v == TLS1_2_VERSION ? TLS_V_12
				     : TLS_V_13;
}

static int tls_on_data(struct pconn *c)
{
	(void)c;
	return PR_DONE;
}

static void tls_start(struct pconn *c) { (void)c; /* the handshake is the test: nothing to send after it */ }

static void tls_finish(struct pconn *c, bool ok)
{
	(void)ok;
	struct obs_tls *t = &c->svc->out.tls;
	unsigned b = bit_of(c->ops->tls_version);
	t->tested |= b;
	if (c->tls_ok) t->versions |= b;
}

/* Handshake-only probes finish as soon as the handshake does. */
#define TLS_ONLY(var, ver)                                     \
	const struct proto_ops var = { .name = #var,           \
				       .tls = true,            \
				       .tls_version = ver,     \
				       .handshake_only = true, \
				       .cap = 64,              \
				       .timeout = 3,           \
				       .start = tls_start,     \
				       .on_data = tls_on_data, \
				       .finish = tls_finish }
TLS_ONLY(proto_tls10, TLS1_VERSION);
TLS_ONLY(proto_tls11, TLS1_1_VERSION);
TLS_ONLY(proto_tls12, TLS1_2_VERSION);
TLS_ONLY(proto_tls13, TLS1_3_VERSION);

static const uint8_t sslv3_hello[] = {
	0x16, 0x03, 0x00, 0x00, 0x37,                   /* record: handshake, SSL 3.0, 55 bytes */
	0x01, 0x00, 0x00, 0x33,                         /* ClientHello, 51 bytes */
	0x03, 0x00,                                     /* client version SSL 3.0 */
	0x64, 0x6f, 0x72, 0x6d, 0x61, 0x6e, 0x74, 0x21, /* random (32 bytes) */
	0x64, 0x6f, 0x72, 0x6d, 0x61, 0x6e, 0x74, 0x21, 0x64, 0x6f, 0x72, 0x6d, 0x61, 0x6e, 0x74,
	0x21, 0x64, 0x6f, 0x72, 0x6d, 0x61, 0x6e, 0x74, 0x21, 0x00, /* no session id */
	0x00, 0x0c, 0x00, 0x0a, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x05, 0x00, 0x04, 0x00, 0xff, /* 6 cipher suites */
	0x01, 0x00, /* null compression */
};

static void sslv3_start(struct pconn *c) { pconn_send(c, sslv3_hello, sizeof(sslv3_hello)); }

static int sslv3_on_data(struct pconn *c) { return c->rlen >= 11 || c->rbuf[0] != 0x16 ? PR_DONE : PR_MORE; }

static void sslv3_finish(struct pconn *c, bool ok)
{
	struct obs_tls *t = &c->svc->out.tls;
	t->tested |= TLS_V_SSL3;
	const uint8_t *b = c->rbuf;
	/* handshake record of SSL 3.0 carrying a ServerHello for version 3.0 */
	if (ok && c->rlen >= 11 && b[0] == 0x16 && b[1] == 3 && b[2] == 0 && b[5] == 2 && b[9] == 3 &&
	    b[10] == 0)
		t->versions |= TLS_V_SSL3;
}

const struct proto_ops proto_sslv3 = {
	.name = "sslv3",
	.cap = 64,
	.timeout = 3,
	.start = sslv3_start,
	.on_data = sslv3_on_data,
	.finish = sslv3_finish,
};
