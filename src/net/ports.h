/* Port lists: nmap's -p syntax (22,80,8000-8100, -p-, T:/U: prefixes) and
 * --top-ports N from dormant's own ranking (net/top-ports.c). */
#pragma once
#include <stdint.h>
#include <stddef.h>
#include "base/err.h"

enum proto { PROTO_TCP = 6, PROTO_UDP = 17 };

struct portlist {
	uint16_t *tcp, *udp; /* sorted, unique */
	size_t n_tcp, n_udp;
};

/* Adds the ports of spec; a port without T:/U: goes to default_proto. */
int portlist_parse(struct portlist *pl, const char *spec, enum proto default_proto, struct dm_err *e);
/* Adds the n most common ports of proto (n <= 65535). */
int portlist_add_top(struct portlist *pl, long n, enum proto proto, struct dm_err *e);
void portlist_release(struct portlist *pl);
const char *proto_name(enum proto p);

/* The ranking: most common first. */
extern const uint16_t top_tcp_ports[];
extern const size_t top_tcp_ports_count;
extern const uint16_t top_udp_ports[];
extern const size_t top_udp_ports_count;
/* A short service name for a well-known port ("ssh"), or NULL. */
const char *port_service_name(enum proto p, uint16_t port);
