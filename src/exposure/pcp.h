/* The Port Control Protocol's messages (RFC 6887), as dormant's own small
 * client sends and reads them (Debian has no PCP client library): the
 * common header, ANNOUNCE (is a PCP server there?) and MAP (one mapping,
 * asked for and deleted by --test-mapping). A reply is untrusted bytes
 * from the LAN: pcp_reply_parse checks every length (fuzz target pcp). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

#define PCP_PORT 5351
#define PCP_VERSION 2
#define PCP_MAX_MSG 1100 /* RFC 6887 7: no message is longer */
#define PCP_HEADER 24
#define PCP_MAP_PAYLOAD 36

enum pcp_opcode { PCP_ANNOUNCE = 0, PCP_MAP = 1 };
enum pcp_result { PCP_SUCCESS = 0, PCP_UNSUPP_VERSION = 1, PCP_NOT_AUTHORIZED = 2 };

struct pcp_request {
	enum pcp_opcode opcode;
	uint32_t lifetime;    /* seconds; MAP 0: delete */
	struct ipaddr client; /* our address as the server sees it (the request's source) */
	/* MAP only */
	uint8_t nonce[12];
	uint8_t proto; /* IPPROTO_UDP, IPPROTO_TCP */
	uint16_t int_port, ext_port;
};

struct pcp_reply {
	uint8_t version; /* 0: a NAT-PMP server's answer (it does not speak PCP) */
	uint8_t opcode;  /* without the response bit */
	uint8_t result;
	uint32_t lifetime, epoch;
	bool has_map; /* a MAP reply's payload follows */
	uint8_t nonce[12];
	uint8_t proto;
	uint16_t int_port, ext_port;
	struct ipaddr ext_ip; /* the assigned external address */
	unsigned n_options;
};

/* Writes the request into out (at least PCP_HEADER + PCP_MAP_PAYLOAD
 * bytes); returns its length. */
size_t pcp_request_build(const struct pcp_request *q, uint8_t *out);
/* Reads a reply of n bytes. Returns 0, or DM_EINPUT with the reason (and
 * the byte offset) in why. A NAT-PMP answer (version 0) is read as far as
 * its result code. */
int pcp_reply_parse(const uint8_t *b, size_t n, struct pcp_reply *ret, char *why, size_t why_len);
/* "SUCCESS", "NOT_AUTHORIZED", ... or "result N". */
const char *pcp_result_name(unsigned code, char *buf, size_t n);
