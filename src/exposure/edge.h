/* Readers of the LAN's internet gateways (model/edge.h): UPnP IGDs found
 * by SSDP (or named by their description URL, whose address NAT-PMP then
 * asks instead of the default gateway) and read through
 * libminiupnpc (WANIPConnection v1/v2, WANPPPConnection: the whole mapping
 * table), and the default gateway asked through libnatpmp (its public
 * address; NAT-PMP has no listing) and through dormant's PCP client. With test_mapping each gateway is asked
 * to add one short-lived mapping of a closed port, removed at once: a
 * gateway that accepts lets any LAN host (or malware on it) open the
 * network to the internet. The client libraries parse the replies; every
 * text they return is kept as untrusted. */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "model/edge.h"

struct edge_opts {
	bool upnp, natpmp, pcp;
	bool test_mapping;
	const char *gateway_url; /* a root description URL: no SSDP search; NULL: search */
	const char *iface;       /* the interface SSDP's search goes out of; NULL: the kernel's choice */
	int discover_ms;         /* how long SSDP answers are awaited; 0: 2000 */
	int natpmp_ms;           /* how long each NAT-PMP or PCP request is awaited; 0: 2000 */
	bool allow_public;       /* a gateway on a public address may be asked */
};

/* Reads every gateway found into out (out->read_at set). A gateway that
 * fails midway keeps what was read and a warning is logged; nothing found
 * is not an error. Returns 0, or a negative code for what makes the read
 * impossible (e), e.g. a --gateway URL that is not an address of ours. */
int edge_read(const struct edge_opts *o, struct edge_set *out, struct dm_err *e);

/* The parts of the readers, one file each. */
int edge_read_upnp(const struct edge_opts *o, struct edge_set *out, struct dm_err *e);
int edge_read_natpmp(const struct edge_opts *o, struct edge_set *out, struct dm_err *e);
/* PCP (RFC 6887) on the default gateway, by dormant's own client (pcp.h):
 * ANNOUNCE tells whether a PCP server answers; with test_mapping one MAP
 * of a closed port for 60 s, deleted at once. */
int edge_read_pcp(const struct edge_opts *o, struct edge_set *out, struct dm_err *e);
/* A closed UDP port of ours (bound, then closed): what the test mappings map. 0: none. */
uint16_t edge_closed_udp_port(void);
/* "http://198.18.7.254:5000/ctl" -> the address in it (literal addresses
 * only: nothing is resolved); DM_EINPUT otherwise. */
int edge_url_addr(const char *url, struct ipaddr *ret);
/* May the gateway at a be asked (not public unless allowed, never multicast)? */
bool edge_addr_allowed(const struct edge_opts *o, const struct ipaddr *a);
