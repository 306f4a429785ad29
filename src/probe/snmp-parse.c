/* SNMP GetResponse decoding (BER, RFC 3416): community, sysDescr.0 and
 * sysObjectID.0; and an SNMPv3 message's engine ID (RFC 3412, 3414).
 * Every length is checked against the datagram. */
#include "probe/services.h"
#include "base/err.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

struct ber {
	const uint8_t *p;
	size_t len;
};

/* Reads one TLV: tag, and the value as a sub-reader. */
static int tlv(struct ber *b, uint8_t *tag, struct ber *val)
{
	if (b->len < 2) return DM_EINPUT;
	*tag = b->p[0];
	size_t l = b->p[1], hdr = 2;
	if (l & 0x80) {
		size_t nb = l & 0x7f;
		if (nb == 0 || nb > 3 || b->len < 2 + nb) return DM_EINPUT;
		l = 0;
		for (size_t i = 0; i < nb; i++) l = l << 8 | b->p[2 + i];
		hdr += nb;
	}
	if (l > b->len - hdr) return DM_EINPUT;
	*val = (struct ber){ b->p + hdr, l };
	b->p += hdr + l;
	b->len -= hdr + l;
	return 0;
}

static void oid_str(const struct ber *v, char *out, size_t n)
{
	size_t w = 0;
	out[0] = 0;
	if (!v->len) return;
	w += (size_t)snprintf(out, n, "%u.%u", v->p[0] / 40, v->p[0] % 40);
	unsigned long sub = 0;
	for (size_t i = 1; i < v->len && w + 12 < n; i++) {
		sub = sub << 7 | (v->p[i] & 0x7f);
		if (!(v->p[i] & 0x80)) {
			w += (size_t)snprintf(out + w, n - w, ".%lu", sub);
			sub = 0;
		}
		if (sub > (1UL << 40)) return;
	}
}

int snmp_parse_response(const uint8_t *data, size_t len, struct snmp_values *r)
{
	memset(r, 0, sizeof(*r));
	struct ber b = { data, len }, msg, v, pdu, vbl;
	uint8_t tag;
	if (tlv(&b, &tag, &msg) < 0 || tag != 0x30) return DM_EINPUT;
	if (tlv(&msg, &tag, &v) < 0 || tag != 0x02) return DM_EINPUT; /* version */
	if (tlv(&msg, &tag, &v) < 0 || tag != 0x04) return DM_EINPUT; /* community */
	snprintf(r->community, sizeof(r->community), "%.*s", (int)MIN(v.len, sizeof(r->community) - 1),
		 (const char *)v.p);
	if (tlv(&msg, &tag, &pdu) < 0 || tag != 0xa2) return DM_EINPUT; /* GetResponse */
	for (int i = 0; i < 3; i++)
		if (tlv(&pdu, &tag, &v) < 0 || tag != 0x02)
			return DM_EINPUT; /* request id, error status, index */
	if (tlv(&pdu, &tag, &vbl) < 0 || tag != 0x30) return DM_EINPUT;
	while (vbl.len) {
		struct ber vb, oid, val;
		if (tlv(&vbl, &tag, &vb) < 0 || tag != 0x30) return DM_EINPUT;
		if (tlv(&vb, &tag, &oid) < 0 || tag != 0x06) return DM_EINPUT;
		uint8_t vtag;
		if (tlv(&vb, &vtag, &val) < 0) return DM_EINPUT;
		char o[128];
		oid_str(&oid, o, sizeof(o));
		if (!strcmp(o, "1.3.6.1.2.1.1.1.0") && vtag == 0x04) {
			size_t w = 0;
			for (size_t i = 0; i < val.len && w + 1 < sizeof(r->sys_descr); i++)
				r->sys_descr[w++] = val.p[i] >= 0x20 || val.p[i] == '\n' ? (char)val.p[i]
											 : ' ';
			r->sys_descr[w] = 0;
		} else if (!strcmp(o, "1.3.6.1.2.1.1.2.0") && vtag == 0x06) {
			oid_str(&val, r->sys_object_id, sizeof(r->sys_object_id));
		}
	}
	return 0;
}

int snmp_parse_engine_id(const uint8_t *data, size_t len, uint8_t id[32], size_t *ret_len)
{
	struct ber b = { data, len }, msg, v, usm;
	uint8_t tag;
	*ret_len = 0;
	if (tlv(&b, &tag, &msg) < 0 || tag != 0x30) return DM_EINPUT;
	if (tlv(&msg, &tag, &v) < 0 || tag != 0x02 || v.len != 1 || v.p[0] != 3) return DM_EINPUT;
	if (tlv(&msg, &tag, &v) < 0 || tag != 0x30) return DM_EINPUT; /* msgGlobalData */
	struct ber hd = v;
	for (int i = 0; i < 2; i++) /* msgID, msgMaxSize */
		if (tlv(&hd, &tag, &v) < 0 || tag != 0x02) return DM_EINPUT;
	if (tlv(&hd, &tag, &v) < 0 || tag != 0x04) return DM_EINPUT; /* msgFlags */
	if (tlv(&hd, &tag, &v) < 0 || tag != 0x02 || v.len != 1 || v.p[0] != 3) return DM_EINPUT; /* USM */
	if (tlv(&msg, &tag, &v) < 0 || tag != 0x04) return DM_EINPUT; /* msgSecurityParameters */
	if (tlv(&v, &tag, &usm) < 0 || tag != 0x30) return DM_EINPUT;
	if (tlv(&usm, &tag, &v) < 0 || tag != 0x04 || v.len > 32) return DM_EINPUT;
	memcpy(id, v.p, v.len);
	*ret_len = v.len;
	return 0;
}
