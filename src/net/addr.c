/* Address parsing, formatting and classification. */
#include "net/addr.h"
#include "base/err.h"
#include <arpa/inet.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define NET(a, b, c, d, len)                                                            \
	{                                                                               \
		V4(a, b, c, d), V4(a, b, c, d) | (uint32_t)((1ULL << (32 - (len))) - 1) \
	}

const uint32_t ipv4_never[][2] = {
	NET(0, 0, 0, 0, 8),
	NET(224, 0, 0, 0, 4),
	NET(240, 0, 0, 0, 4),
};
const size_t ipv4_never_count = ARRAY_SIZE(ipv4_never);

const uint32_t ipv4_nonpublic[][2] = {
	NET(0, 0, 0, 0, 8),      NET(10, 0, 0, 0, 8),    NET(100, 64, 0, 0, 10),   NET(127, 0, 0, 0, 8),
	NET(169, 254, 0, 0, 16), NET(172, 16, 0, 0, 12), NET(192, 0, 0, 0, 24),    NET(192, 0, 2, 0, 24),
	NET(192, 168, 0, 0, 16), NET(198, 18, 0, 0, 15), NET(198, 51, 100, 0, 24), NET(203, 0, 113, 0, 24),
	NET(224, 0, 0, 0, 4),    NET(240, 0, 0, 0, 4),
};
const size_t ipv4_nonpublic_count = ARRAY_SIZE(ipv4_nonpublic);

int ipaddr_parse(const char *s, struct ipaddr *ret)
{
	struct in_addr a4;
	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, s, &a4) == 1) {
		ret->family = AF_INET;
		ret->v4 = ntohl(a4.s_addr);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &ret->v6) == 1) {
		ret->family = AF_INET6;
		return 0;
	}
	return DM_EINPUT;
}

/* By hand: flow summaries and reports format millions of addresses, and
 * snprintf was a tenth of a pcap ingest. */
void ipv4_fmt(uint32_t a, char *out, size_t n)
{
	char tmp[16], *p = tmp;
	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned v = (a >> shift) & 255;
		if (v >= 100) *p++ = (char)('0' + v / 100);
		if (v >= 10) *p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = shift ? '.' : 0;
	}
	if (!n) return;
	size_t len = (size_t)(p - tmp);
	if (len > n) {
		len = n;
		tmp[n - 1] = 0;
	}
	memcpy(out, tmp, len);
}

void ipaddr_fmt(const struct ipaddr *a, char *out, size_t n)
{
	if (a->family == AF_INET)
		ipv4_fmt(a->v4, out, n);
	else if (!inet_ntop(AF_INET6, &a->v6, out, (socklen_t)n))
		snprintf(out, n, "?");
}

unsigned ipaddr_to_sockaddr(const struct ipaddr *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET, a->sin_port = htons(port), a->sin_addr.s_addr = htonl(ip->v4);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	a->sin6_family = AF_INET6, a->sin6_port = htons(port), a->sin6_addr = ip->v6;
	return sizeof(*a);
}

bool ipv4_is_public(uint32_t a)
{
	for (size_t i = 0; i < ipv4_nonpublic_count; i++)
		if (a >= ipv4_nonpublic[i][0] && a <= ipv4_nonpublic[i][1]) return false;
	return true;
}

bool ipv6_is_never(const struct in6_addr *a) { return a->s6_addr[0] == 0xff || IN6_IS_ADDR_UNSPECIFIED(a); }

bool ipv6_is_public(const struct in6_addr *a)
{
	const uint8_t *b = a->s6_addr;
	if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a)) return false;
	if ((b[0] & 0xfe) == 0xfc) return false;                 /* fc00::/7 unique local */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false; /* fe80::/10 */
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false; /* 2001:db8::/32 */
	if (b[0] == 0xff) return false;
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		uint32_t v4 = ((uint32_t)b[12] << 24) | ((uint32_t)b[13] << 16) | ((uint32_t)b[14] << 8) |
			      b[15];
		return ipv4_is_public(v4);
	}
	return true;
}

void ipaddr_from_sockaddr(const struct sockaddr_storage *ss, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = AF_INET;
		a->v4 = ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr);
	} else {
		a->family = AF_INET6;
		a->v6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	}
}
