/* The watcher's /metrics endpoint: plain HTTP/1.x on a TCP listener, one
 * request a connection, no thread: each connection is read when poll says
 * so, its head parsed by base/http-head.c, and answered once. */
#include "cmd/watch-run.h"
#include "base/http-head.h"
#include "base/timeutil.h"
#include "cmd/traffic-opts.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int metrics_listen(const char *addr, struct dm_err *e)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int r = listen_parse(addr, &ss, &sl, e), one = 1;
	if (r < 0) return r;
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) return dm_fail(e, -errno, "[metrics] listen %s: %s", addr, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 16) < 0) {
		r = dm_fail(e, -errno, "[metrics] listen %s: %s", addr, strerror(errno));
		close(fd);
		return r;
	}
	return fd;
}

void metrics_accept(int lfd, struct metrics_conn *c, size_t n)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) return;
		size_t i = 0;
		while (i < n && c[i].fd >= 0) i++;
		if (i == n) { /* all busy: this one is refused */
			close(fd);
			continue;
		}
		c[i].fd = fd, c[i].len = 0, c[i].deadline = now_mono() + 5;
	}
}

static void answer(struct metrics_conn *c, const char *status, const char *type, const char *body, size_t n)
{
	char head[256];
	int h =
	    snprintf(head, sizeof(head),
		     "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		     status, type, n);
	/* a small answer into an empty socket buffer: it fits; a peer that
	 * reads nothing only loses its own answer */
	if (send(c->fd, head, (size_t)h, MSG_NOSIGNAL | MSG_DONTWAIT) == h && n)
		(void)!send(c->fd, body, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(c->fd);
	c->fd = -1;
}

void metrics_serve(struct metrics_conn *c, metrics_body_fn body, void *ctx)
{
	if (c->fd < 0) return;
	ssize_t got = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
		close(c->fd);
		c->fd = -1;
		return;
	}
	if (got > 0) c->len += (size_t)got;
	char method[16], target[256];
	int r = http_head_parse(c->buf, c->len, method, sizeof(method), target, sizeof(target));
	if (r == 0 && c->len == sizeof(c->buf)) r = -1;
	if (r == 0) return;
	if (r < 0) return answer(c, "400 Bad Request", "text/plain", "bad request\n", 12);
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return answer(c, "405 Method Not Allowed", "text/plain", "GET only\n", 9);
	if (strcmp(target, "/metrics") && strncmp(target, "/metrics?", 9))
		return answer(c, "404 Not Found", "text/plain", "see /metrics\n", 13);
	size_t n = 0;
	char *text = body(ctx, &n);
	answer(c, "200 OK", "text/plain; version=0.0.4; charset=utf-8", strcmp(method, "HEAD") ? text : "",
	       strcmp(method, "HEAD") ? n : 0);
	free(text);
}
