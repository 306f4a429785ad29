/* The names the network gives hosts (model/identity.h): the reverse DNS
 * (PTR) name a DNS server holds for each address, and the name each host's
 * own mDNS responder answers for its address (a unicast PTR query to its
 * UDP port 5353; RFC 6762 responders answer only hosts on their link). Up
 * to 256 queries are in flight; each is sent up to twice. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"
#include "net/addr.h"
#include "probe/dns-ptr.h"

struct names_ask {
	const struct ipaddr *ip;
	size_t n;
	const struct ipaddr *server; /* the DNS server asked for PTR names; NULL: none */
	uint16_t server_port;        /* 0: 53 */
	const bool *mdns;            /* ask ip[i]'s responder when mdns[i]; NULL: none */
	double timeout;              /* seconds a query waits for its answer; 0: 0.5 */
};

struct names_got {
	size_t ptr, mdns;       /* names found */
	size_t sent, malformed; /* queries sent; answers that did not parse */
};

/* Fills ptr[i] and mdns[i] ("" none) for each address. Returns 0, or
 * DM_ENOROUTE when no socket could be opened (the reason in e). */
int names_lookup(const struct names_ask *a, char (*ptr)[DNS_NAME_MAX], char (*mdns)[DNS_NAME_MAX],
		 struct names_got *got, struct dm_err *e);
/* The first nameserver line of a resolv.conf-style file into out: 0, or
 * DM_EINPUT when it names none (the file and line in e). */
int names_resolv_server(const char *path, struct ipaddr *out, struct dm_err *e);
