/* IPv4/IPv6 addresses and the address classes the safety rules need:
 * which addresses are never targets (multicast, broadcast, 0/8) and which
 * are public (need --allow-public). IPv4 is kept in host byte order. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <netinet/in.h>

struct ipaddr {
	int family;  /* AF_INET or AF_INET6 */
	uint32_t v4; /* host order, when AF_INET */
	struct in6_addr v6;
};

#define IPADDR_STRLEN 46

int ipaddr_parse(const char *s, struct ipaddr *ret); /* 0 or DM_EINPUT */
void ipaddr_fmt(const struct ipaddr *a, char *out, size_t n);
void ipv4_fmt(uint32_t a, char *out, size_t n);
/* Fills a sockaddr_in or sockaddr_in6 for a and port; returns its length. */
struct sockaddr_storage;
unsigned ipaddr_to_sockaddr(const struct ipaddr *a, uint16_t port, struct sockaddr_storage *ret);
/* The address of a sockaddr_in or sockaddr_in6 (the port is dropped). */
void ipaddr_from_sockaddr(const struct sockaddr_storage *ss, struct ipaddr *a);
/* Inline: the comparators of the traffic rules' sorts call it millions of times. */
static inline int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family) return a->family == AF_INET ? -1 : 1;
	if (a->family == AF_INET) return a->v4 < b->v4 ? -1 : a->v4 > b->v4;
	return __builtin_memcmp(&a->v6, &b->v6, sizeof(a->v6));
}
static inline struct ipaddr ipaddr_v4(uint32_t a) { return (struct ipaddr){ .family = AF_INET, .v4 = a }; }

/* Never probed, whatever the operator asks: 0/8, 224/4 multicast, 240/4
 * (reserved and limited broadcast). Sets are [lo, hi] host-order pairs. */
extern const uint32_t ipv4_never[][2];
extern const size_t ipv4_never_count;
/* Not public: private, shared, loopback, link-local, benchmark, documentation. */
extern const uint32_t ipv4_nonpublic[][2];
extern const size_t ipv4_nonpublic_count;
bool ipv4_is_public(uint32_t a);
bool ipv6_is_public(const struct in6_addr *a);
bool ipv6_is_never(const struct in6_addr *a);
