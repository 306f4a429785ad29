/* Where packets to an IPv4 address leave: interface, source address,
 * next hop, and whether the target is on a directly attached segment
 * (then ARP reaches it). Asked of the kernel over rtnetlink. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include "base/err.h"

struct route_info {
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];   /* interface MAC */
	uint32_t src;     /* preferred source, host order */
	uint32_t gateway; /* next hop, 0 when on-link */
	uint32_t if_addr; /* interface address on that segment */
	int prefixlen;    /* of if_addr; -1 when unknown */
	int mtu;
	bool loopback;
};

int route_lookup_v4(uint32_t dst, struct route_info *ret, struct dm_err *e);
/* Fills ifindex, mac, mtu, first IPv4 address and prefix of a named interface. */
int iface_lookup(const char *name, struct route_info *ret, struct dm_err *e);
/* Looks up a neighbour's MAC in the kernel's ARP table; 0 when found. */
int neigh_lookup_v4(const char *ifname, uint32_t ip, uint8_t mac[6]);
int mac_parse(const char *s, uint8_t mac[6]);
void mac_fmt(const uint8_t mac[6], char *out, size_t n);
