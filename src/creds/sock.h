/* Blocking TCP (optionally TLS) and UDP exchanges with deadlines, for the
 * login checks: one connection per attempt, every wait bounded. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/buf.h"
#include "net/addr.h"

struct csock {
	int fd;
	void *ssl; /* SSL * when TLS */
	double timeout;
};

/* 0, or -errno (ECONNREFUSED, ETIMEDOUT, ...). */
int csock_connect(struct csock *s, const struct ipaddr *ip, uint16_t port, bool tls, double timeout);
int csock_udp(struct csock *s, const struct ipaddr *ip, uint16_t port, double timeout);
int csock_send(struct csock *s, const void *p, size_t n);
/* Bytes read (>0), 0 at EOF, -ETIMEDOUT when nothing came within wait seconds, -errno. */
ssize_t csock_recv(struct csock *s, void *p, size_t n, double wait);
/* Appends to b until it holds needle (case-insensitive), EOF, max bytes or the wait. 1 found, 0 not, <0 error. */
int csock_read_until(struct csock *s, struct buf *b, const char *needle, size_t max, double wait);
void csock_close(struct csock *s);
