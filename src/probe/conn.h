/* The asynchronous connection engine behind service probing: non-blocking
 * connects on epoll, thousands in flight, a per-host limit so fragile
 * devices are not overwhelmed, a deadline and a byte cap per connection,
 * optional TLS (OpenSSL, non-blocking). A protocol (struct proto_ops, one
 * file each) is driven by callbacks on the bytes received so far, so how
 * the peer splits its answer into segments never matters. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

struct pconn;
struct svc;

enum { PR_MORE = 0, PR_DONE = 1, PR_FAIL = -1 };

struct proto_ops {
	const char *name;
	bool tls;                /* TLS handshake first (then start() speaks inside it) */
	int tls_version;         /* 0: any; else the only TLS version offered (TLS1_VERSION ...) */
	bool handshake_only;     /* done as soon as the TLS handshake is */
	const char *tls_ciphers; /* NULL: every suite; else only these (OpenSSL list, TLS <= 1.2) */
	size_t cap;              /* bytes read at most */
	double timeout;          /* seconds for the whole exchange */
	/* Queues the first bytes with pconn_send (or nothing: the server speaks first). */
	void (*start)(struct pconn *c);
	/* Looks at c->rbuf[0..rlen); PR_MORE to read on, PR_DONE, PR_FAIL. */
	int (*on_data)(struct pconn *c);
	/* Called once at the end (done, closed, timed out, cap reached, failed). */
	void (*finish)(struct pconn *c, bool ok);
};

struct pconn {
	int fd;
	void *ssl; /* SSL*, when ops->tls */
	int phase; /* engine-private */
	double deadline;
	double started; /* monotonic, for the trace (-d) */
	double last_io; /* monotonic: the last byte sent or received */
	bool idle;      /* released from the host's count (idle_after) */
	uint16_t port;
	struct svc *svc;
	const struct proto_ops *ops;
	uint8_t *rbuf;
	size_t rlen, cap;
	uint8_t wbuf[4096];
	size_t wlen, woff;
	int step; /* protocol-private progress */
	bool eof, timed_out, tls_ok;
	int tls_negotiated; /* the version the handshake settled on */
	void *cert;         /* X509*, the peer's certificate, when tls_ok */
};

/* Queues bytes to send (appended; at most sizeof(wbuf) in total). */
void pconn_send(struct pconn *c, const void *data, size_t len);
/* Forgets the bytes read so far (a protocol moving to its next step). */
void pconn_consume(struct pconn *c, size_t n);

struct conn_engine;

struct conn_engine_config {
	unsigned max_inflight; /* connections at once */
	unsigned per_host;     /* connections at once to one address */
	double rate;           /* new connections per second, 0 = unpaced */
	/* A connection that has said its part and heard nothing for this long
	 * (seconds; 0: never) stops counting against per_host but listens on
	 * to its deadline, up to idle_per_host such at once (0: 4 x per_host):
	 * a silent probe no longer holds up the host's next one. */
	double idle_after;
	unsigned idle_per_host;
};

struct conn_engine_stats {
	uint64_t started;       /* connections begun */
	uint64_t socket_failed; /* probes failed because socket() did (descriptors, memory) */
	int last_errno;         /* of the last such failure */
};

/* NULL with errno set when the kernel gives no epoll instance. */
struct conn_engine *conn_engine_new(const struct conn_engine_config *cfg);
/* Schedules a probe of svc's address and port with ops; timeout 0 means
 * the protocol's own deadline. */
void conn_engine_add(struct conn_engine *ce, struct svc *svc, const struct ipaddr *ip, uint16_t port,
		     const struct proto_ops *ops, double timeout);
/* The same with an end (monotonic seconds, 0: none): a probe still queued
 * then fails without connecting, one in flight stops there. This bounds a
 * port's probing however long the queue before it. */
void conn_engine_add_until(struct conn_engine *ce, struct svc *svc, const struct ipaddr *ip, uint16_t port,
			   const struct proto_ops *ops, double timeout, double until);
/* The same, connecting no earlier than after (monotonic seconds, 0: at once). */
void conn_engine_add_window(struct conn_engine *ce, struct svc *svc, const struct ipaddr *ip, uint16_t port,
			    const struct proto_ops *ops, double timeout, double after, double until);
/* Runs until no probe is queued or in flight. on_done is called after each
 * probe's finish() and may add more probes. A probe that gets no socket
 * (out of descriptors or memory) fails at once and is counted in the stats. */
void conn_engine_run(struct conn_engine *ce,
		     void (*on_done)(void *ctx, struct svc *svc, const struct proto_ops *ops, bool ok),
		     void *ctx);
/* Drops svc's probes that are queued or in flight and whose protocol is
 * one of ops[0..n) (closed at once, no callbacks); returns how many. */
unsigned conn_engine_cancel(struct conn_engine *ce, const struct svc *svc, const struct proto_ops *const *ops,
			    size_t n);
/* The same for the protocols pred accepts. */
unsigned conn_engine_cancel_if(struct conn_engine *ce, const struct svc *svc,
			       bool (*pred)(const struct proto_ops *ops, const void *arg), const void *arg);
void conn_engine_get_stats(const struct conn_engine *ce, struct conn_engine_stats *ret);
void conn_engine_free(struct conn_engine *ce);
