/* Edge port mappings: what an internet gateway of the LAN (a UPnP IGD, a
 * NAT-PMP gateway) forwards from the outside to inside hosts, read from the
 * gateway itself. Every text field came from the gateway and is untrusted:
 * printed only through the escapers. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"
#include "net/ports.h"

enum edge_method { EDGE_UPNP = 0, EDGE_NATPMP, EDGE_PCP };

/* Whether the gateway let us add a mapping without authentication
 * (--test-mapping: one short-lived mapping of a closed port, removed at once). */
enum edge_open { EDGE_OPEN_UNTESTED = 0, EDGE_OPEN_REFUSED, EDGE_OPEN_ACCEPTED };

struct edge_gateway {
	enum edge_method method;
	struct ipaddr addr; /* the gateway's LAN address */
	char url[256];      /* UPnP: the control URL; NAT-PMP, PCP: "" */
	char service[96];   /* UPnP: the service type (WANIPConnection:1, :2, WANPPPConnection:1) */
	char name[96];      /* UPnP: the device's friendly name, when given */
	bool has_public;
	struct ipaddr public_ip; /* the external address it reports */
	enum edge_open open;
	char open_detail[128]; /* what the test did: the mapping asked for, the answer */
	size_t n_maps;         /* mappings read from it */
	bool truncated;        /* the table held more than EDGE_MAX_MAPS entries */
};

struct edge_map {
	size_t gw; /* index of its gateway in the set */
	uint16_t ext_port;
	enum proto proto;
	struct ipaddr internal; /* the inside host it forwards to */
	uint16_t int_port;
	char desc[96];        /* the description the client gave (untrusted) */
	char remote_host[64]; /* "" any */
	bool enabled;
	int64_t lease;     /* seconds left; 0: permanent */
	double first_seen; /* the earliest run that saw it (the store's; 0 unknown) */
};

struct edge_set {
	struct edge_gateway *gws;
	size_t n_gws;
	struct edge_map *maps;
	size_t n_maps, cap_maps;
	double read_at; /* when the gateways were read */
};

/* At most this many entries are read from one gateway's table (a hostile
 * gateway could answer every index). */
#define EDGE_MAX_MAPS 4096

const char *edge_method_name(enum edge_method m);
int edge_method_parse(const char *s); /* <0 unknown */
const char *edge_open_name(enum edge_open o);
/* Copies g into the set; returns its index. */
size_t edge_set_add_gateway(struct edge_set *s, const struct edge_gateway *g);
void edge_set_add_map(struct edge_set *s, const struct edge_map *m);
void edge_set_release(struct edge_set *s);
/* Who added it, as far as the description tells: "natpmp" for miniupnpd's
 * "NAT-PMP <port> <proto>" descriptions, "pcp" for its "PCP <opcode>
 * <nonce>" ones, else "upnp". */
const char *edge_map_added_by(const struct edge_map *m);

/* One row of a gateway's table as the client library gives it (strings):
 * checked and converted into m. Returns 0, or DM_EINPUT with the reason
 * in why (an entry with a port out of range, an internal client that is
 * not an address). */
int edge_map_from_strings(const char *ext_port, const char *int_client, const char *int_port,
			  const char *proto, const char *desc, const char *enabled, const char *remote,
			  const char *lease, struct edge_map *m, char *why, size_t why_len);
