/* DNS response parsing (RFC 1035 4.1), compression pointers bounded. */
#include "flow/dns-answer.h"
#include <ctype.h>
#include <string.h>

/* Reads a (possibly compressed) name at *off into out; advances *off past
 * it in the message. false when malformed. */
static bool read_name(const uint8_t *m, size_t len, size_t *off, char *out, size_t cap)
{
	size_t p = *off, w = 0, jumps = 0;
	bool jumped = false;
	for (;;) {
		if (p >= len) return false;
		uint8_t l = m[p];
		if (l == 0) {
			if (!jumped) *off = p + 1;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len || ++jumps > 16) return false;
			size_t target = (size_t)(l & 0x3f) << 8 | m[p + 1];
			if (!jumped) *off = p + 2;
			jumped = true;
			p = target;
			continue;
		}
		if (l & 0xc0) return false;
		if (p + 1 + l > len) return false;
		if (w && w + 1 < cap) out[w++] = '.';
		for (size_t i = 0; i < l && w + 1 < cap; i++) {
			unsigned char c = m[p + 1 + i];
			out[w++] = c > 0x20 && c < 0x7f ? (char)tolower(c) : '?';
		}
		p += 1 + l;
	}
	if (cap) out[w < cap ? w : cap - 1] = 0;
	return true;
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

int dns_parse_answers(const uint8_t *m, size_t len, void (*fn)(void *ctx, const struct dns_answer *a),
		      void *ctx)
{
	if (len < 12) return -1;
	if (!(m[2] & 0x80)) return 0; /* a query */
	unsigned qd = be16(m + 4), an = be16(m + 6);
	size_t off = 12;
	struct dns_answer a;
	char scratch[256];
	a.name[0] = 0;
	for (unsigned i = 0; i < qd; i++) {
		if (!read_name(m, len, &off, i ? scratch : a.name, sizeof(a.name))) return -1;
		if (off + 4 > len) return -1;
		off += 4;
	}
	int n = 0;
	for (unsigned i = 0; i < an; i++) {
		if (!read_name(m, len, &off, scratch, sizeof(scratch))) return -1;
		if (off + 10 > len) return -1;
		uint16_t type = be16(m + off), rdlen = be16(m + off + 8);
		a.ttl = (uint32_t)m[off + 4] << 24 | (uint32_t)m[off + 5] << 16 | (uint32_t)m[off + 6] << 8 |
			m[off + 7];
		off += 10;
		if (off + rdlen > len) return -1;
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			a.family = type == 1 ? 4 : 6;
			memset(a.addr, 0, sizeof(a.addr));
			memcpy(a.addr, m + off, rdlen);
			/* named for the question (the name the client asked for), else the record's owner */
			if (!a.name[0]) memcpy(a.name, scratch, sizeof(a.name));
			if (fn) fn(ctx, &a);
			n++;
		}
		off += rdlen;
	}
	return n;
}

bool dns_parse_question(const uint8_t *m, size_t len, char name[256], uint16_t *qtype)
{
	if (len < 12 || (m[2] & 0x80) || be16(m + 4) == 0) return false;
	size_t off = 12;
	if (!read_name(m, len, &off, name, 256) || off + 4 > len) return false;
	*qtype = be16(m + off);
	return true;
}
