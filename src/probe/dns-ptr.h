/* Reverse DNS on the wire: the PTR query for an address (in-addr.arpa or
 * ip6.arpa) to a DNS server or to the host's own mDNS responder (a unicast
 * query to UDP 5353, RFC 6762 6.7), and the answer's name. The answer is
 * untrusted bytes: every length and compression pointer is checked. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

#define DNS_NAME_MAX 256 /* a name as text, with its NUL */

/* The reverse name of ip ("5.0.18.198.in-addr.arpa"), lower case. */
void dns_reverse_name(const struct ipaddr *ip, char out[DNS_NAME_MAX]);
/* A PTR query for ip with the given ID into buf (512 bytes are enough):
 * recursion desired for a DNS server, not for an mDNS responder. Returns
 * its length. */
size_t dns_ptr_query(uint8_t *buf, size_t cap, uint16_t id, const struct ipaddr *ip, bool mdns);
/* The ID of a DNS message (0 when shorter than a header). */
uint16_t dns_msg_id(const uint8_t *msg, size_t len);
/* The first PTR answer for ip's reverse name in a response with the given
 * ID: its name into out (labels joined by '.', no trailing dot; a byte
 * outside letters, digits, '-' and '_' as '?'). Returns 1 with a name, 0
 * for a well-formed response without one (no such name, another
 * question's), DM_EINPUT for a malformed message (why says where). */
int dns_ptr_parse(const uint8_t *msg, size_t len, uint16_t id, const struct ipaddr *ip,
		  char out[DNS_NAME_MAX], char *why, size_t why_len);
