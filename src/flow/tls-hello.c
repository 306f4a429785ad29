/* ClientHello parsing and the JA3/JA4 fingerprints (hashes from OpenSSL). */
#include "flow/tls-hello.h"
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rd {
	const uint8_t *p;
	size_t n;
	bool bad;
};

static const uint8_t *take(struct rd *r, size_t k)
{
	if (r->bad || r->n < k) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *q = r->p;
	r->p += k;
	r->n -= k;
	return q;
}

static unsigned u8(struct rd *r)
{
	const uint8_t *q = take(r, 1);
	return q ? q[0] : 0;
}

static unsigned u16(struct rd *r)
{
	const uint8_t *q = take(r, 2);
	return q ? (unsigned)(q[0] << 8 | q[1]) : 0;
}

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa are noise to be ignored. */
static bool grease(unsigned v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

enum { MAXV = 256 };
struct list {
	uint16_t v[MAXV];
	size_t n;
};

static void push(struct list *l, unsigned v)
{
	if (l->n < MAXV && !grease(v)) l->v[l->n++] = (uint16_t)v;
}

/* Lists and digests are written by hand: a capture has a hello per TLS
 * flow, and snprintf per number was most of the fingerprinting time. */
static const char hexdigits[] = "0123456789abcdef";

static void join_dec(char *out, size_t cap, const struct list *l)
{
	size_t w = strlen(out);
	for (size_t i = 0; i < l->n && w + 8 < cap; i++) {
		char tmp[6];
		int k = 0;
		unsigned v = l->v[i];
		do tmp[k++] = (char)('0' + v % 10);
		while ((v /= 10));
		if (i) out[w++] = '-';
		while (k) out[w++] = tmp[--k];
	}
	out[w] = 0;
}

static void join_hex(char *out, size_t cap, const uint16_t *v, size_t n)
{
	size_t w = strlen(out);
	for (size_t i = 0; i < n && w + 8 < cap; i++) {
		if (i) out[w++] = ',';
		for (int shift = 12; shift >= 0; shift -= 4) out[w++] = hexdigits[v[i] >> shift & 15];
	}
	out[w] = 0;
}

static void digest_hex(const EVP_MD *md, const char *text, char *out, size_t hexchars)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_Digest(text, strlen(text), d, &dl, md, NULL);
	for (size_t i = 0; i < dl && i * 2 < hexchars; i++) {
		out[i * 2] = hexdigits[d[i] >> 4];
		out[i * 2 + 1] = hexdigits[d[i] & 15];
	}
	out[hexchars] = 0;
}

static int cmp16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

bool tls_parse_client_hello(const uint8_t *data, size_t len, struct tls_hello *out)
{
	memset(out, 0, sizeof(*out));
	struct rd r = { data, len, false };
	if (u8(&r) != 22) return false; /* handshake record */
	unsigned rv = u16(&r);
	if ((rv >> 8) != 3) return false;
	unsigned rlen = u16(&r);
	if (r.bad || rlen > r.n) return false; /* the whole hello is needed for the fingerprints */
	r.n = rlen;
	if (u8(&r) != 1) return false; /* ClientHello */
	const uint8_t *hl = take(&r, 3);
	if (!hl) return false;
	size_t hlen = (size_t)hl[0] << 16 | (size_t)hl[1] << 8 | hl[2];
	if (hlen > r.n) return false;
	r.n = hlen;
	unsigned legacy = u16(&r);
	take(&r, 32);     /* random */
	take(&r, u8(&r)); /* session id */
	struct list ciphers = { .n = 0 }, exts = { .n = 0 }, curves = { .n = 0 }, formats = { .n = 0 },
		    sigalgs = { .n = 0 };
	unsigned cl = u16(&r);
	if (cl % 2) return false;
	struct rd cr = { take(&r, cl), cl, false };
	if (r.bad) return false;
	while (cr.n >= 2) push(&ciphers, u16(&cr));
	take(&r, u8(&r)); /* compression methods */
	unsigned best = 0;
	if (r.n >= 2) {
		unsigned el = u16(&r);
		struct rd er = { take(&r, el), el, false };
		if (r.bad) return false;
		while (er.n >= 4 && !er.bad) {
			unsigned type = u16(&er), l = u16(&er);
			const uint8_t *body = take(&er, l);
			if (!body) return false;
			push(&exts, type);
			struct rd b = { body, l, false };
			if (type == 0) { /* server_name: list of (type, name) */
				u16(&b);
				if (u8(&b) == 0) {
					unsigned nl = u16(&b);
					const uint8_t *name = take(&b, nl);
					if (name && nl < sizeof(out->sni)) {
						size_t w = 0;
						for (unsigned i = 0; i < nl; i++)
							out->sni[w++] = name[i] >= 0x21 && name[i] < 0x7f
									    ? (char)name[i]
									    : '?';
						out->sni[w] = 0;
					}
				}
			} else if (type == 10) { /* supported_groups */
				unsigned gl = u16(&b);
				for (unsigned i = 0; i + 1 < gl && b.n >= 2; i += 2) push(&curves, u16(&b));
			} else if (type == 11) { /* ec_point_formats */
				unsigned fl = u8(&b);
				for (unsigned i = 0; i < fl && b.n >= 1; i++) push(&formats, u8(&b));
			} else if (type == 13) { /* signature_algorithms */
				unsigned sl = u16(&b);
				for (unsigned i = 0; i + 1 < sl && b.n >= 2; i += 2) push(&sigalgs, u16(&b));
			} else if (type == 16) { /* ALPN: list of length-prefixed names */
				u16(&b);
				unsigned pl = u8(&b);
				const uint8_t *proto = take(&b, pl);
				if (proto && pl < sizeof(out->alpn)) {
					for (unsigned i = 0; i < pl; i++)
						out->alpn[i] = proto[i] >= 0x20 && proto[i] < 0x7f
								   ? (char)proto[i]
								   : '?';
					out->alpn[pl] = 0;
				}
			} else if (type == 43) { /* supported_versions */
				unsigned vl = u8(&b);
				for (unsigned i = 0; i + 1 < vl && b.n >= 2; i += 2) {
					unsigned v = u16(&b);
					if (!grease(v) && v > best) best = v;
				}
			}
		}
	}
	if (r.bad) return false;
	out->version = (uint16_t)(best ? best : legacy);

	/* JA3: version,ciphers,extensions,curves,formats in decimal, GREASE left out */
	char ja3[4096];
	snprintf(ja3, sizeof(ja3), "%u,", legacy);
	join_dec(ja3, sizeof(ja3), &ciphers);
	strcat(ja3, ",");
	join_dec(ja3, sizeof(ja3), &exts);
	strcat(ja3, ",");
	join_dec(ja3, sizeof(ja3), &curves);
	strcat(ja3, ",");
	join_dec(ja3, sizeof(ja3), &formats);
	digest_hex(EVP_md5(), ja3, out->ja3, 32);

	/* JA4: t<version><d|i><#ciphers><#extensions><alpn first+last>_<sorted ciphers>_<sorted extensions>_<sigalgs> */
	const char *ver = out->version == 0x0304   ? "13"
			  : out->version == 0x0303 ? "12"
			  : out->version == 0x0302 ? "11"
			  : out->version == 0x0301 ? "10"
			  : out->version == 0x0300 ? "s3"
						   : "00";
	char alpn2[3] = "00";
	size_t al = strlen(out->alpn);
	if (al) {
		alpn2[0] = out->alpn[0];
		alpn2[1] = out->alpn[al - 1];
	}
	char a[16];
	snprintf(a, sizeof(a), "t%s%c%02zu%02zu%s", ver, out->sni[0] ? 'd' : 'i',
		 ciphers.n > 99 ? 99 : ciphers.n, exts.n > 99 ? 99 : exts.n, alpn2);
	uint16_t sorted[MAXV];
	char text[4096] = "", hb[13] = "000000000000", hc[13] = "000000000000";
	memcpy(sorted, ciphers.v, ciphers.n * sizeof(uint16_t));
	qsort(sorted, ciphers.n, sizeof(uint16_t), cmp16);
	join_hex(text, sizeof(text), sorted, ciphers.n);
	if (ciphers.n) digest_hex(EVP_sha256(), text, hb, 12);
	size_t ne = 0;
	for (size_t i = 0; i < exts.n; i++)
		if (exts.v[i] != 0 && exts.v[i] != 16)
			sorted[ne++] = exts.v[i]; /* SNI and ALPN are in part a */
	qsort(sorted, ne, sizeof(uint16_t), cmp16);
	text[0] = 0;
	join_hex(text, sizeof(text), sorted, ne);
	if (sigalgs.n) {
		strcat(text, "_");
		join_hex(text, sizeof(text), sigalgs.v, sigalgs.n);
	}
	if (ne) digest_hex(EVP_sha256(), text, hc, 12);
	snprintf(out->ja4, sizeof(out->ja4), "%.10s_%.12s_%.12s", a, hb, hc);
	return true;
}
