/* Sockets for the login checks. */
#include "creds/sock.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static SSL_CTX *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

/* Devices with old TLS are the ones most likely to keep their defaults:
 * accept any version and any certificate (we check logins, not TLS). */
static void ctx_init(void)
{
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) return;
	SSL_CTX_set_min_proto_version(ctx, 0);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
}

static int wait_fd(int fd, short ev, double wait)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int ms = wait <= 0 ? 0 : (int)(wait * 1000);
	int r;
	do r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r < 0) return -errno;
	return r ? 0 : -ETIMEDOUT;
}

static int open_socket(struct csock *s, const struct ipaddr *ip, uint16_t port, int type, double timeout)
{
	struct sockaddr_storage sa;
	unsigned len = ipaddr_to_sockaddr(ip, port, &sa);
	s->ssl = NULL;
	s->timeout = timeout;
	s->fd = socket(sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) return -errno;
	if (connect(s->fd, (struct sockaddr *)&sa, len) == 0) return 0;
	if (errno != EINPROGRESS) return -errno;
	int r = wait_fd(s->fd, POLLOUT, timeout);
	if (r < 0) return r;
	int err = 0;
	socklen_t el = sizeof(err);
	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el);
	return err ? -err : 0;
}

int csock_udp(struct csock *s, const struct ipaddr *ip, uint16_t port, double timeout)
{
	int r = open_socket(s, ip, port, SOCK_DGRAM, timeout);
	if (r < 0) csock_close(s);
	return r;
}

int csock_connect(struct csock *s, const struct ipaddr *ip, uint16_t port, bool tls, double timeout)
{
	int r = open_socket(s, ip, port, SOCK_STREAM, timeout);
	if (r < 0 || !tls) {
		if (r < 0) csock_close(s);
		return r;
	}
	pthread_once(&ctx_once, ctx_init);
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	if (!ssl) {
		csock_close(s);
		return -ENOMEM;
	}
	SSL_set_fd(ssl, s->fd);
	s->ssl = ssl;
	double end = now_mono() + timeout;
	for (;;) {
		int k = SSL_connect(ssl);
		if (k == 1) return 0;
		int e = SSL_get_error(ssl, k);
		short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
		if (!ev || (r = wait_fd(s->fd, ev, end - now_mono())) < 0) {
			csock_close(s);
			return ev ? r : -EPROTO;
		}
	}
}

int csock_send(struct csock *s, const void *p, size_t n)
{
	const char *c = p;
	double end = now_mono() + s->timeout;
	while (n) {
		ssize_t k;
		if (s->ssl) {
			int w = SSL_write(s->ssl, c, (int)MIN(n, (size_t)INT32_MAX));
			if (w <= 0) {
				int e = SSL_get_error(s->ssl, w);
				if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return -EPIPE;
				k = -1, errno = EAGAIN;
			} else
				k = w;
		} else
			k = send(s->fd, c, n, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno != EAGAIN && errno != EINTR) return -errno;
			int r = wait_fd(s->fd, POLLOUT, end - now_mono());
			if (r < 0) return r;
			continue;
		}
		c += k, n -= (size_t)k;
	}
	return 0;
}

ssize_t csock_recv(struct csock *s, void *p, size_t n, double wait)
{
	double end = now_mono() + wait;
	for (;;) {
		if (s->ssl) {
			int k = SSL_read(s->ssl, p, (int)MIN(n, (size_t)INT32_MAX));
			if (k > 0) return k;
			int e = SSL_get_error(s->ssl, k);
			if (e == SSL_ERROR_ZERO_RETURN) return 0;
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				return 0; /* a reset ends the reply */
		} else {
			ssize_t k = recv(s->fd, p, n, 0);
			if (k >= 0) return k;
			if (errno == ECONNRESET) return 0;
			if (errno != EAGAIN && errno != EINTR) return -errno;
		}
		int r = wait_fd(s->fd, POLLIN, end - now_mono());
		if (r < 0) return r;
	}
}

int csock_read_until(struct csock *s, struct buf *b, const char *needle, size_t max, double wait)
{
	double end = now_mono() + wait;
	char tmp[4096];
	for (;;) {
		if (needle && b->len && strcasestr(b->data, needle)) return 1;
		if (b->len >= max) return 0;
		double left = end - now_mono();
		if (left <= 0) return 0;
		ssize_t k = csock_recv(s, tmp, MIN(sizeof(tmp), max - b->len), left);
		if (k == -ETIMEDOUT) return 0;
		if (k < 0) return (int)k;
		if (k == 0) return 0;
		/* NULs would hide the rest from string searches */
		for (ssize_t i = 0; i < k; i++)
			if (!tmp[i]) tmp[i] = ' ';
		buf_append(b, tmp, (size_t)k);
	}
}

void csock_close(struct csock *s)
{
	if (s->ssl) {
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd >= 0) close(s->fd);
	s->fd = -1;
}
