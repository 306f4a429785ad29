/* The watcher (watch-run.c): the jobs' schedule, the sources' children, the
 * metrics endpoint (watch-http.c) and the signals, in one thread. */
#pragma once
#include "base/err.h"
#include "cmd/watch.h"

struct watcher;
/* Reads the watch file, binds the collectors' sockets and the metrics
 * listener, starts the sources and schedules the jobs (a run missed while
 * no watcher ran is due at once), then says READY=1. *ret is set even on
 * failure (free it with watcher_free). */
int watcher_start(const char *path, struct watcher **ret, struct dm_err *e);
/* Until SIGTERM or SIGINT: then the jobs and sources are told to stop,
 * waited for (sources judge what they hold), and 0 is returned. */
int watcher_loop(struct watcher *w, struct dm_err *e);
void watcher_free(struct watcher *w);

/* The metrics endpoint: accepted connections, each read until its request
 * head is complete (or 5 s), answered once and closed. */
struct metrics_conn {
	int fd;
	double deadline;
	size_t len;
	char buf[2048];
};
#define METRICS_CONNS 8
/* Accepts what is waiting on lfd into a free slot. */
void metrics_accept(int lfd, struct metrics_conn *c, size_t n);
/* Reads what c has; when the head is complete, answers GET /metrics with
 * body() and closes. */
typedef char *(*metrics_body_fn)(void *ctx, size_t *ret_len);
void metrics_serve(struct metrics_conn *c, metrics_body_fn body, void *ctx);
/* A TCP listener on ADDR:PORT. */
int metrics_listen(const char *addr, struct dm_err *e);
