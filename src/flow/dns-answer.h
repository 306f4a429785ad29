/* DNS responses seen in traffic: which name an address was given for, so
 * that a client reaching a different address each time for one name is
 * seen as one series. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dns_answer {
	char name[256]; /* the question's name, lower case */
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
	uint32_t ttl;
};

/* Calls fn for every A/AAAA answer of a response (CNAME chains end at the
 * question's name). Returns how many, or -1 when the message is malformed. */
int dns_parse_answers(const uint8_t *msg, size_t len, void (*fn)(void *ctx, const struct dns_answer *a),
		      void *ctx);

/* The first question of a DNS query (QR clear): its name (lower case,
 * bytes outside printable ASCII as '?') and type. false for a response or
 * a malformed message. name holds 256 bytes. */
bool dns_parse_question(const uint8_t *msg, size_t len, char name[256], uint16_t *qtype);
