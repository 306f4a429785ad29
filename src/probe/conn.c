/* epoll connection engine with per-host limits and OpenSSL. Pending probes
 * wait in a FIFO; a probe whose host is at its limit waits for the next
 * round. Each connection has one deadline: connect, TLS and exchange. */
#include "probe/conn.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/ratelimit.h"
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

enum { P_CONNECT, P_TLS, P_WRITE, P_READ };

struct pending {
	struct svc *svc;
	struct ipaddr ip;
	uint16_t port;
	const struct proto_ops *ops;
	double timeout;
	double until; /* monotonic; 0: none */
	double after; /* monotonic; not connected before */
};

struct hostcount {
	struct ipaddr ip;
	unsigned n;    /* connections counted against per_host */
	unsigned idle; /* connections listening on past idle_after */
};

struct conn_engine {
	struct conn_engine_config cfg;
	int ep;
	struct pending *q;
	size_t qhead, qlen, qcap;
	struct pconn *conns; /* slots */
	struct ipaddr *conn_ip;
	unsigned inflight;
	struct hostcount *hosts; /* small linear table: in flight hosts only */
	size_t n_hosts;
	SSL_CTX *ssl_any, *ssl_fixed[5];
	/* contexts of protocols that offer only some cipher suites, by protocol */
	const struct proto_ops *suite_ops[8];
	SSL_CTX *ssl_suites[8];
	struct ratelimit rl;
	struct conn_engine_stats stats;
};

void pconn_send(struct pconn *c, const void *data, size_t len)
{
	len = MIN(len, sizeof(c->wbuf) - c->wlen);
	memcpy(c->wbuf + c->wlen, data, len);
	c->wlen += len;
}

void pconn_consume(struct pconn *c, size_t n)
{
	n = MIN(n, c->rlen);
	memmove(c->rbuf, c->rbuf + n, c->rlen - n);
	c->rlen -= n;
}

static SSL_CTX *make_ctx(int version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) return NULL;
	/* We inspect, we do not trust: no verification, and every legacy
	 * version and cipher allowed so that weak servers still answer. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	/* anonymous suites last: a server that can show its certificate should */
	SSL_CTX_set_cipher_list(ctx, "ALL:+aNULL:@SECLEVEL=0");
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
	SSL_CTX_set_min_proto_version(ctx, version ? version : TLS1_VERSION);
	SSL_CTX_set_max_proto_version(ctx, version ? version : 0);
	return ctx;
}

struct conn_engine *conn_engine_new(const struct conn_engine_config *cfg)
{
	struct conn_engine *ce = xcalloc(1, sizeof(*ce));
	ce->cfg = *cfg;
	if (!ce->cfg.max_inflight) ce->cfg.max_inflight = 512;
	if (!ce->cfg.per_host) ce->cfg.per_host = 4;
	if (!ce->cfg.idle_per_host) ce->cfg.idle_per_host = 4 * ce->cfg.per_host;
	ce->cfg.max_inflight = fd_budget(ce->cfg.max_inflight);
	ce->ep = epoll_create1(EPOLL_CLOEXEC);
	if (ce->ep < 0) {
		int err = errno;
		free(ce);
		errno = err;
		return NULL;
	}
	ce->conns = xcalloc(ce->cfg.max_inflight, sizeof(*ce->conns));
	ce->conn_ip = xcalloc(ce->cfg.max_inflight, sizeof(*ce->conn_ip));
	for (unsigned i = 0; i < ce->cfg.max_inflight; i++) ce->conns[i].fd = -1;
	ce->ssl_any = make_ctx(0);
	ratelimit_init(&ce->rl, cfg->rate);
	return ce;
}

/* A context offering only the protocol's suites, up to TLS 1.2 (TLS 1.3
 * suites are all strong); NULL when this OpenSSL knows none of them. */
static SSL_CTX *ctx_suites(struct conn_engine *ce, const struct proto_ops *ops)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(ce->suite_ops) && ce->suite_ops[i]; i++)
		if (ce->suite_ops[i] == ops) return ce->ssl_suites[i];
	if (i == ARRAY_SIZE(ce->suite_ops)) return NULL;
	SSL_CTX *ctx = make_ctx(0);
	if (ctx) {
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
		if (SSL_CTX_set_cipher_list(ctx, ops->tls_ciphers) != 1) {
			SSL_CTX_free(ctx);
			ctx = NULL;
		}
	}
	ce->suite_ops[i] = ops;
	ce->ssl_suites[i] = ctx;
	return ctx;
}

static SSL_CTX *ctx_for(struct conn_engine *ce, const struct proto_ops *ops)
{
	if (ops->tls_ciphers) return ctx_suites(ce, ops);
	int version = ops->tls_version;
	if (!version) return ce->ssl_any;
	int i = version == SSL3_VERSION ? 0 : version - TLS1_VERSION + 1;
	if (i < 0 || i > 4) return ce->ssl_any;
	if (!ce->ssl_fixed[i]) ce->ssl_fixed[i] = make_ctx(version);
	return ce->ssl_fixed[i];
}

void conn_engine_add(struct conn_engine *ce, struct svc *svc, const struct ipaddr *ip, uint16_t port,
		     const struct proto_ops *ops, double timeout)
{
	conn_engine_add_until(ce, svc, ip, port, ops, timeout, 0);
}

void conn_engine_add_until(struct conn_engine *ce, struct svc *svc, const struct ipaddr *ip, uint16_t port,
			   const struct proto_ops *ops, double timeout, double until)
{
	conn_engine_add_window(ce, svc, ip, port, ops, timeout, 0, until);
}

void conn_engine_add_window(struct conn_engine *ce, struct svc *svc, const struct ipaddr *ip, uint16_t port,
			    const struct proto_ops *ops, double timeout, double after, double until)
{
	if (ce->qlen == ce->qcap) {
		size_t nc = ce->qcap ? ce->qcap * 2 : 256;
		struct pending *nq = xmalloc(nc * sizeof(*nq));
		for (size_t i = 0; i < ce->qlen; i++) nq[i] = ce->q[(ce->qhead + i) % ce->qcap];
		free(ce->q);
		ce->q = nq;
		ce->qcap = nc;
		ce->qhead = 0;
	}
	ce->q[(ce->qhead + ce->qlen++) % ce->qcap] =
	    (struct pending){ svc, *ip, port, ops, timeout, until, after };
}

static struct hostcount *host_slot(struct conn_engine *ce, const struct ipaddr *ip, bool create)
{
	for (size_t i = 0; i < ce->n_hosts; i++)
		if (!ipaddr_cmp(&ce->hosts[i].ip, ip)) return &ce->hosts[i];
	if (!create) return NULL;
	ce->hosts = xrealloc(ce->hosts, (ce->n_hosts + 1) * sizeof(*ce->hosts));
	ce->hosts[ce->n_hosts] = (struct hostcount){ *ip, 0, 0 };
	return &ce->hosts[ce->n_hosts++];
}

static void host_release(struct conn_engine *ce, const struct ipaddr *ip, bool idle)
{
	struct hostcount *h = host_slot(ce, ip, false);
	if (!h) return;
	if (idle)
		h->idle--;
	else
		h->n--;
	if (!h->n && !h->idle) *h = ce->hosts[--ce->n_hosts];
}

/* A connection silent for idle_after stops holding its host's slot. */
static void maybe_idle(struct conn_engine *ce, unsigned slot, double now)
{
	struct pconn *c = &ce->conns[slot];
	if (c->idle || c->phase != P_READ || ce->cfg.idle_after <= 0 || now - c->last_io < ce->cfg.idle_after)
		return;
	struct hostcount *h = host_slot(ce, &ce->conn_ip[slot], false);
	if (!h || h->idle >= ce->cfg.idle_per_host) return;
	h->n--;
	h->idle++;
	c->idle = true;
}

static void want(struct conn_engine *ce, struct pconn *c, unsigned slot, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u32 = slot };
	if (epoll_ctl(ce->ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) epoll_ctl(ce->ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void release_conn(struct conn_engine *ce, unsigned slot)
{
	struct pconn *c = &ce->conns[slot];
	if (c->cert) X509_free(c->cert);
	if (c->ssl) SSL_free(c->ssl);
	epoll_ctl(ce->ep, EPOLL_CTL_DEL, c->fd, NULL);
	struct linger lg = { 1, 0 }; /* reset: no TIME_WAIT on the device */
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd);
	free(c->rbuf);
	host_release(ce, &ce->conn_ip[slot], c->idle);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	ce->inflight--;
}

struct oplist {
	const struct proto_ops *const *ops;
	size_t n;
};

static bool listed(const struct proto_ops *op, const void *arg)
{
	const struct oplist *l = arg;
	for (size_t i = 0; i < l->n; i++)
		if (l->ops[i] == op) return true;
	return false;
}

unsigned conn_engine_cancel(struct conn_engine *ce, const struct svc *svc, const struct proto_ops *const *ops,
			    size_t n)
{
	struct oplist l = { ops, n };
	return conn_engine_cancel_if(ce, svc, listed, &l);
}

unsigned conn_engine_cancel_if(struct conn_engine *ce, const struct svc *svc,
			       bool (*pred)(const struct proto_ops *ops, const void *arg), const void *arg)
{
	unsigned dropped = 0;
	for (unsigned s = 0; s < ce->cfg.max_inflight; s++)
		if (ce->conns[s].fd >= 0 && ce->conns[s].svc == svc && pred(ce->conns[s].ops, arg)) {
			release_conn(ce, s);
			dropped++;
		}
	size_t keep = 0, len = ce->qlen;
	for (size_t i = 0; i < len; i++) {
		struct pending p = ce->q[(ce->qhead + i) % ce->qcap];
		if (p.svc == svc && pred(p.ops, arg)) {
			dropped++;
			continue;
		}
		ce->q[(ce->qhead + keep++) % ce->qcap] = p;
	}
	ce->qlen = keep;
	return dropped;
}

static void finish_conn(struct conn_engine *ce, unsigned slot, bool ok,
			void (*on_done)(void *, struct svc *, const struct proto_ops *, bool), void *ctx)
{
	struct pconn *c = &ce->conns[slot];
	const struct proto_ops *ops = c->ops;
	struct svc *svc = c->svc;
	if (log_level >= LOG_TRACE) {
		char a[64];
		ipaddr_fmt(&ce->conn_ip[slot], a, sizeof(a));
		double now = now_mono();
		log_trace("probe %s:%u %s: %s at %.3f after %.3f s, %zu bytes", a, c->port, ops->name,
			  c->timed_out ? "timed out"
			  : ok         ? "done"
				       : "failed",
			  now, now - c->started, c->rlen);
	}
	if (c->ops->finish) c->ops->finish(c, ok);
	release_conn(ce, slot);
	on_done(ctx, svc, ops, ok);
}

/* 1 started, 0 no free slot, -errno when no socket could be had. */
static int start_conn(struct conn_engine *ce, const struct pending *p, double now)
{
	unsigned slot;
	for (slot = 0; slot < ce->cfg.max_inflight && ce->conns[slot].fd >= 0; slot++) {
	}
	if (slot == ce->cfg.max_inflight) return 0;
	struct sockaddr_storage ss;
	socklen_t sl = ipaddr_to_sockaddr(&p->ip, p->port, &ss);
	int fd = socket(p->ip.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) return -errno;
	struct pconn *c = &ce->conns[slot];
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->svc = p->svc;
	c->ops = p->ops;
	c->cap = p->ops->cap ? p->ops->cap : 16384;
	c->rbuf = xmalloc(c->cap + 1);
	c->started = now;
	c->port = p->port;
	c->deadline = now + (p->timeout > 0 ? p->timeout : p->ops->timeout > 0 ? p->ops->timeout : 5);
	if (p->until > 0 && p->until < c->deadline) c->deadline = p->until;
	c->phase = P_CONNECT;
	ce->conn_ip[slot] = p->ip;
	host_slot(ce, &p->ip, true)->n++;
	ce->inflight++;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS)
		c->deadline = 0; /* fails at once */
	want(ce, c, slot, EPOLLOUT);
	ce->stats.started++;
	return 1;
}

/* A probe that could not even have a socket (err < 0), or whose end came
 * while it was queued (err 0), fails like a refused connect: its
 * protocol's finish and on_done see it, and the engine goes on. */
static void fail_pending(struct conn_engine *ce, const struct pending *p, int err,
			 void (*on_done)(void *, struct svc *, const struct proto_ops *, bool), void *ctx)
{
	uint8_t none[1] = { 0 };
	struct pconn c = { .fd = -1, .svc = p->svc, .ops = p->ops, .rbuf = none, .timed_out = !err };
	if (err) {
		ce->stats.socket_failed++;
		ce->stats.last_errno = -err;
	}
	if (p->ops->finish) p->ops->finish(&c, false);
	on_done(ctx, p->svc, p->ops, false);
}

void conn_engine_get_stats(const struct conn_engine *ce, struct conn_engine_stats *ret) { *ret = ce->stats; }

/* Moves a connection forward as far as it can go without blocking.
 * Returns 1 done, -1 failed, 0 waiting. */
static int advance(struct conn_engine *ce, unsigned slot)
{
	struct pconn *c = &ce->conns[slot];
	for (;;) {
		switch (c->phase) {
		case P_CONNECT: {
			int err = 0;
			socklen_t len = sizeof(err);
			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err) return -1;
			if (c->ops->tls) {
				SSL_CTX *ctx = ctx_for(ce, c->ops);
				c->ssl = ctx ? SSL_new(ctx) : NULL;
				if (!c->ssl) return -1;
				SSL_set_fd(c->ssl, c->fd);
				SSL_set_connect_state(c->ssl);
				c->phase = P_TLS;
			} else {
				c->phase = P_WRITE;
				if (c->ops->start) c->ops->start(c);
			}
			continue;
		}
		case P_TLS: {
			ERR_clear_error();
			int r = SSL_do_handshake(c->ssl);
			if (r == 1) {
				c->tls_ok = true;
				c->tls_negotiated = SSL_version(c->ssl);
				c->cert = SSL_get1_peer_certificate(c->ssl);
				if (c->ops->handshake_only) return 1;
				c->phase = P_WRITE;
				if (c->ops->start) c->ops->start(c);
				continue;
			}
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ)
				want(ce, c, slot, EPOLLIN);
			else if (e == SSL_ERROR_WANT_WRITE)
				want(ce, c, slot, EPOLLOUT);
			else
				return -1;
			return 0;
		}
		case P_WRITE:
			while (c->woff < c->wlen) {
				ssize_t n;
				if (c->ssl) {
					ERR_clear_error();
					int r =
					    SSL_write(c->ssl, c->wbuf + c->woff, (int)(c->wlen - c->woff));
					if (r <= 0) {
						int e = SSL_get_error(c->ssl, r);
						if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
							want(ce, c, slot,
							     e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
							return 0;
						}
						return -1;
					}
					n = r;
				} else {
					n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
					if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
						want(ce, c, slot, EPOLLOUT);
						return 0;
					}
					if (n < 0) return -1;
				}
				c->woff += (size_t)n;
			}
			c->wlen = c->woff = 0;
			c->phase = P_READ;
			c->last_io = now_mono();
			continue;
		case P_READ: {
			if (c->rlen >= c->cap) return 1; /* cap reached: judge what we have */
			ssize_t n;
			if (c->ssl) {
				ERR_clear_error();
				int r = SSL_read(c->ssl, c->rbuf + c->rlen, (int)(c->cap - c->rlen));
				if (r <= 0) {
					int e = SSL_get_error(c->ssl, r);
					if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
						want(ce, c, slot,
						     e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
						return 0;
					}
					c->eof = true;
					return 1;
				}
				n = r;
			} else {
				n = recv(c->fd, c->rbuf + c->rlen, c->cap - c->rlen, 0);
				if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
					want(ce, c, slot, EPOLLIN);
					return 0;
				}
				if (n <= 0) {
					c->eof = true;
					return 1;
				}
			}
			c->rlen += (size_t)n;
			c->rbuf[c->rlen] = 0;
			c->last_io = now_mono();
			int r = c->ops->on_data ? c->ops->on_data(c) : PR_MORE;
			if (r == PR_DONE) return 1;
			if (r == PR_FAIL) return -1;
			if (c->wlen > c->woff) c->phase = P_WRITE; /* the protocol answered: send it */
			continue;
		}
		}
	}
}

void conn_engine_run(struct conn_engine *ce,
		     void (*on_done)(void *, struct svc *, const struct proto_ops *, bool), void *ctx)
{
	while (ce->qlen || ce->inflight) {
		double now = now_mono();
		/* start what the limits allow, in queue order; blocked hosts wait */
		size_t scan = ce->qlen;
		int wait_ms = 20;
		while (scan-- && ce->inflight < ce->cfg.max_inflight) {
			if (ce->cfg.rate > 0 && ratelimit_try(&ce->rl, 1) == 0) {
				/* not yet: the poll below sleeps until the next one is due */
				wait_ms = MIN(wait_ms, ratelimit_poll_ms(&ce->rl));
				break;
			}
			struct pending p = ce->q[ce->qhead];
			ce->qhead = (ce->qhead + 1) % ce->qcap;
			ce->qlen--;
			if (p.until > 0 && now >= p.until) { /* its time ran out in the queue */
				fail_pending(ce, &p, 0, on_done, ctx);
				continue;
			}
			struct hostcount *h = host_slot(ce, &p.ip, false);
			int r = p.after > now || (h && h->n >= ce->cfg.per_host) ? 0
										 : start_conn(ce, &p, now);
			if (r == 0) {
				conn_engine_add_window(ce, p.svc, &p.ip, p.port, p.ops, p.timeout, p.after,
						       p.until);
				continue;
			}
			if (r < 0) {
				fail_pending(ce, &p, r, on_done, ctx);
				continue;
			}
			ratelimit_sent(&ce->rl, 1);
		}
		struct epoll_event evs[256];
		int n = epoll_wait(ce->ep, evs, 256, wait_ms);
		for (int i = 0; i < n; i++) {
			unsigned slot = evs[i].data.u32;
			if (ce->conns[slot].fd < 0) continue;
			int r = advance(ce, slot);
			if (r != 0) finish_conn(ce, slot, r > 0, on_done, ctx);
		}
		now = now_mono();
		for (unsigned s = 0; s < ce->cfg.max_inflight; s++) {
			struct pconn *c = &ce->conns[s];
			if (c->fd < 0) continue;
			if (c->deadline > now) {
				maybe_idle(ce, s, now);
				continue;
			}
			c->timed_out = true;
			/* connect never completed: a failure; otherwise judge what arrived */
			finish_conn(ce, s, c->phase == P_READ && c->rlen > 0, on_done, ctx);
		}
	}
}

void conn_engine_free(struct conn_engine *ce)
{
	if (!ce) return;
	close(ce->ep);
	SSL_CTX_free(ce->ssl_any);
	for (int i = 0; i < 5; i++) SSL_CTX_free(ce->ssl_fixed[i]);
	for (size_t i = 0; i < ARRAY_SIZE(ce->ssl_suites); i++) SSL_CTX_free(ce->ssl_suites[i]);
	free(ce->q);
	free(ce->conns);
	free(ce->conn_ip);
	free(ce->hosts);
	free(ce);
}
