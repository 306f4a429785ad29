/* PCP messages (pcp.h): requests built, replies checked byte by byte.
 * Addresses travel as 16 bytes, IPv4 ones mapped (::ffff:a.b.c.d). */
#include "exposure/pcp.h"
#include "base/err.h"
#include <stdio.h>
#include <string.h>

static const char *const result_names[] = {
	"SUCCESS",          "UNSUPP_VERSION",         "NOT_AUTHORIZED",   "MALFORMED_REQUEST",
	"UNSUPP_OPCODE",    "UNSUPP_OPTION",          "MALFORMED_OPTION", "NETWORK_FAILURE",
	"NO_RESOURCES",     "UNSUPP_PROTOCOL",        "USER_EX_QUOTA",    "CANNOT_PROVIDE_EXTERNAL",
	"ADDRESS_MISMATCH", "EXCESSIVE_REMOTE_PEERS",
};

const char *pcp_result_name(unsigned code, char *buf, size_t n)
{
	if (code < sizeof(result_names) / sizeof(result_names[0])) return result_names[code];
	snprintf(buf, n, "result %u", code);
	return buf;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_addr(uint8_t *p, const struct ipaddr *a)
{
	memset(p, 0, 16);
	if (a->family == AF_INET6) {
		memcpy(p, &a->v6, 16);
		return;
	}
	p[10] = p[11] = 0xff;
	put32(p + 12, a->family == AF_INET ? a->v4 : 0);
}

static void get_addr(const uint8_t *p, struct ipaddr *ret)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (!memcmp(p, mapped, 12)) {
		*ret = ipaddr_v4(get32(p + 12));
		return;
	}
	*ret = (struct ipaddr){ .family = AF_INET6 };
	memcpy(&ret->v6, p, 16);
}

size_t pcp_request_build(const struct pcp_request *q, uint8_t *out)
{
	memset(out, 0, PCP_HEADER);
	out[0] = PCP_VERSION;
	out[1] = (uint8_t)(q->opcode & 0x7f);
	put32(out + 4, q->lifetime);
	put_addr(out + 8, &q->client);
	if (q->opcode != PCP_MAP) return PCP_HEADER;
	uint8_t *m = out + PCP_HEADER;
	memset(m, 0, PCP_MAP_PAYLOAD);
	memcpy(m, q->nonce, 12);
	m[12] = q->proto;
	m[16] = (uint8_t)(q->int_port >> 8);
	m[17] = (uint8_t)q->int_port;
	m[18] = (uint8_t)(q->ext_port >> 8);
	m[19] = (uint8_t)q->ext_port;
	/* suggested external address: the IPv4 "any" (::ffff:0.0.0.0), the server picks */
	struct ipaddr any = ipaddr_v4(0);
	put_addr(m + 20, &any);
	return PCP_HEADER + PCP_MAP_PAYLOAD;
}

#define WHY(...) (snprintf(why, why_len, __VA_ARGS__), DM_EINPUT)

/* The options after the opcode's payload: each a 4-byte header and its
 * data padded to 4 bytes, all inside the message (RFC 6887 7.3). */
static int options(const uint8_t *b, size_t at, size_t n, struct pcp_reply *r, char *why, size_t why_len)
{
	while (at < n) {
		if (n - at < 4) return WHY("option header cut short at byte %zu", at);
		size_t len = (size_t)b[at + 2] << 8 | b[at + 3];
		size_t padded = (len + 3) & ~(size_t)3;
		if (padded > n - at - 4)
			return WHY("option %u at byte %zu: length %zu runs past the end (%zu bytes)", b[at],
				   at, len, n);
		r->n_options++;
		at += 4 + padded;
	}
	return 0;
}

int pcp_reply_parse(const uint8_t *b, size_t n, struct pcp_reply *r, char *why, size_t why_len)
{
	*r = (struct pcp_reply){ 0 };
	if (why_len) why[0] = 0;
	if (n < 4) return WHY("%zu bytes: shorter than any reply", n);
	r->version = b[0];
	if (b[0] == 0) { /* NAT-PMP: version 0, opcode 128+op, a 16-bit result */
		r->opcode = b[1] & 0x7f;
		r->result = b[2] ? 0xff : b[3];
		return (b[1] & 0x80) ? 0 : WHY("byte 1: a request (0x%02x), not a reply", b[1]);
	}
	if (n < PCP_HEADER) return WHY("%zu bytes: shorter than the 24-byte header", n);
	if (n > PCP_MAX_MSG) return WHY("%zu bytes: longer than 1100", n);
	if (n % 4) return WHY("%zu bytes: not a multiple of 4", n);
	if (!(b[1] & 0x80)) return WHY("byte 1: a request (0x%02x), not a reply", b[1]);
	r->opcode = b[1] & 0x7f;
	r->result = b[3];
	r->lifetime = get32(b + 4);
	r->epoch = get32(b + 8);
	size_t at = PCP_HEADER;
	if (r->opcode == PCP_MAP && r->result == PCP_SUCCESS) {
		if (n - at < PCP_MAP_PAYLOAD)
			return WHY("MAP reply of %zu bytes: the 36-byte payload is cut short", n);
		const uint8_t *m = b + at;
		memcpy(r->nonce, m, 12);
		r->proto = m[12];
		r->int_port = (uint16_t)(m[16] << 8 | m[17]);
		r->ext_port = (uint16_t)(m[18] << 8 | m[19]);
		get_addr(m + 20, &r->ext_ip);
		r->has_map = true;
		at += PCP_MAP_PAYLOAD;
	} else if (r->opcode == PCP_MAP) {
		/* an error reply may carry the request's payload, or nothing */
		at = n - at >= PCP_MAP_PAYLOAD ? at + PCP_MAP_PAYLOAD : n;
	}
	return options(b, at, n, r, why, why_len);
}
