/* Reverse DNS on the wire (probe/dns-ptr.h): the PTR query and the
 * answer's name, from a DNS server or a host's mDNS responder. */
#include "probe/dns-ptr.h"
#include "base/err.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void dns_reverse_name(const struct ipaddr *ip, char out[DNS_NAME_MAX])
{
	if (ip->family == AF_INET) {
		uint32_t a = ip->v4;
		snprintf(out, DNS_NAME_MAX, "%u.%u.%u.%u.in-addr.arpa", a & 255, a >> 8 & 255, a >> 16 & 255,
			 a >> 24);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (int i = 15; i >= 0; i--) {
		uint8_t b = ip->v6.s6_addr[i];
		out[n++] = hex[b & 15];
		out[n++] = '.';
		out[n++] = hex[b >> 4];
		out[n++] = '.';
	}
	snprintf(out + n, DNS_NAME_MAX - n, "ip6.arpa");
}

size_t dns_ptr_query(uint8_t *buf, size_t cap, uint16_t id, const struct ipaddr *ip, bool mdns)
{
	char name[DNS_NAME_MAX];
	dns_reverse_name(ip, name);
	size_t need = 12 + strlen(name) + 2 + 4;
	if (cap < need) return 0;
	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = mdns ? 0 : 0x01; /* RD */
	buf[5] = 1;               /* one question */
	size_t k = 12;
	for (const char *p = name; *p;) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		buf[k++] = (uint8_t)l;
		memcpy(buf + k, p, l);
		k += l;
		p += l + (dot != NULL);
	}
	buf[k++] = 0;
	buf[k++] = 0;
	buf[k++] = 12; /* PTR */
	buf[k++] = 0;
	buf[k++] = 1; /* IN */
	return k;
}

uint16_t dns_msg_id(const uint8_t *msg, size_t len)
{
	return len < 12 ? 0 : (uint16_t)(msg[0] << 8 | msg[1]);
}

/* The name at *off (compression pointers followed backwards only, so no
 * loop), *off moved past it where it is written. 0 or DM_EINPUT. */
static int read_name(const uint8_t *m, size_t len, size_t *off, char out[DNS_NAME_MAX])
{
	size_t pos = *off, n = 0;
	bool jumped = false;
	for (unsigned hops = 0;;) {
		if (pos >= len) return DM_EINPUT;
		uint8_t c = m[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len) return DM_EINPUT;
			size_t to = (size_t)(c & 0x3f) << 8 | m[pos + 1];
			if (!jumped) *off = pos + 2;
			jumped = true;
			if (to >= pos || ++hops > 64) return DM_EINPUT;
			pos = to;
			continue;
		}
		if (c & 0xc0) return DM_EINPUT; /* a label type no one uses */
		if (!c) {
			if (!jumped) *off = pos + 1;
			out[n] = '\0';
			return 0;
		}
		if (pos + 1 + c > len || n + c + 2 > DNS_NAME_MAX) return DM_EINPUT;
		if (n) out[n++] = '.';
		for (size_t i = 0; i < c; i++) {
			unsigned char b = m[pos + 1 + i];
			out[n++] = isalnum(b) || b == '-' || b == '_' ? (char)b : '?';
		}
		pos += 1 + (size_t)c;
	}
}

#define BAD(...) (snprintf(why, why_len, __VA_ARGS__), DM_EINPUT)

int dns_ptr_parse(const uint8_t *msg, size_t len, uint16_t id, const struct ipaddr *ip,
		  char out[DNS_NAME_MAX], char *why, size_t why_len)
{
	char want[DNS_NAME_MAX], name[DNS_NAME_MAX];
	out[0] = '\0';
	if (why_len) why[0] = '\0';
	if (len < 12) return BAD("DNS answer of %zu bytes: shorter than a header", len);
	if (dns_msg_id(msg, len) != id || !(msg[2] & 0x80) || (msg[2] >> 3 & 15) != 0) return 0;
	if ((msg[3] & 15) != 0) return 0; /* no such name, refused, ... */
	unsigned qd = (unsigned)(msg[4] << 8 | msg[5]), an = (unsigned)(msg[6] << 8 | msg[7]);
	size_t k = 12;
	for (unsigned i = 0; i < qd; i++) {
		if (read_name(msg, len, &k, name) < 0 || k + 4 > len)
			return BAD("DNS answer: question %u malformed at byte %zu", i + 1, k);
		k += 4;
	}
	dns_reverse_name(ip, want);
	for (unsigned i = 0; i < an; i++) {
		if (read_name(msg, len, &k, name) < 0 || k + 10 > len)
			return BAD("DNS answer: record %u malformed at byte %zu", i + 1, k);
		unsigned type = (unsigned)(msg[k] << 8 | msg[k + 1]),
			 cls = (unsigned)(msg[k + 2] << 8 | msg[k + 3]);
		size_t rdlen = (size_t)(msg[k + 8] << 8 | msg[k + 9]), rd = k + 10;
		if (rd + rdlen > len)
			return BAD("DNS answer: record %u's data runs past the end (byte %zu)", i + 1, rd);
		k = rd + rdlen;
		/* mDNS sets the top bit of the class (cache flush) */
		if (type != 12 || (cls & 0x7fff) != 1 || strcasecmp(name, want)) continue;
		size_t at = rd;
		if (read_name(msg, len, &at, out) < 0 || at > rd + rdlen) {
			out[0] = '\0';
			return BAD("DNS answer: PTR record %u's name malformed at byte %zu", i + 1, rd);
		}
		if (out[0]) return 1;
	}
	return 0;
}
