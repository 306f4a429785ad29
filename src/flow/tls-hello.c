/* ClientHello parsing and the JA3/JA4 fingerprints (hashes from OpenSSL). */
#include "flow/tls-hello.h"
#include <openssl/evp.h>
#include <pthread.h>
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

/* A text being built: its length is kept, so no strlen. */
struct text {
	char *p;
	size_t w, cap;
};

static void put_char(struct text *t, char c)
{
	if (t->w + 1 < t->cap) t->p[t->w++] = c;
	t->p[t->w] = 0;
}

static void put_dec(struct text *t, unsigned v)
{
	char tmp[10];
	int k = 0;
	do tmp[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k && t->w + 1 < t->cap) t->p[t->w++] = tmp[--k];
	t->p[t->w] = 0;
}

/* Stops 8 bytes short of the end (a crafted hello has more numbers than fit). */
static void join_dec(struct text *t, const struct list *l)
{
	for (size_t i = 0; i < l->n && t->w + 8 < t->cap; i++) {
		if (i) t->p[t->w++] = '-';
		put_dec(t, l->v[i]);
	}
	t->p[t->w] = 0;
}

static void join_hex(struct text *t, const uint16_t *v, size_t n)
{
	for (size_t i = 0; i < n && t->w + 8 < t->cap; i++) {
		if (i) t->p[t->w++] = ',';
		for (int shift = 12; shift >= 0; shift -= 4) t->p[t->w++] = hexdigits[v[i] >> shift & 15];
	}
	t->p[t->w] = 0;
}

/* The digests are fetched once: EVP_md5() and EVP_sha256() make OpenSSL 3
 * look the algorithm up in its provider tables on every EVP_Digest, which
 * was most of a hello's time. Fetched for the process, never freed. */
static EVP_MD *md5, *sha256;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static void md_fetch(void)
{
	md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static void digest_hex(const EVP_MD *md, const struct text *t, char *out, size_t hexchars)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_Digest(t->p, t->w, d, &dl, md, NULL);
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
	char buf[4096];
	struct text t = { buf, 0, sizeof(buf) };
	buf[0] = 0;
	put_dec(&t, legacy);
	put_char(&t, ',');
	join_dec(&t, &ciphers);
	put_char(&t, ',');
	join_dec(&t, &exts);
	put_char(&t, ',');
	join_dec(&t, &curves);
	put_char(&t, ',');
	join_dec(&t, &formats);
	pthread_once(&md_once, md_fetch);
	digest_hex(md5 ? md5 : EVP_md5(), &t, out->ja3, 32);

	/* JA4: t<version><d|i><#ciphers><#extensions><alpn first+last>_<sorted ciphers>_<sorted extensions>_<sigalgs> */
	const char *ver = out->version == 0x0304   ? "13"
			  : out->version == 0x0303 ? "12"
			  : out->version == 0x0302 ? "11"
			  : out->version == 0x0301 ? "10"
			  : out->version == 0x0300 ? "s3"
						   : "00";
	size_t nc = ciphers.n > 99 ? 99 : ciphers.n, nx = exts.n > 99 ? 99 : exts.n;
	size_t al = strlen(out->alpn);
	char *a = out->ja4; /* 10 characters, then the two hashes of 12 */
	a[0] = 't', a[1] = ver[0], a[2] = ver[1], a[3] = out->sni[0] ? 'd' : 'i';
	a[4] = (char)('0' + nc / 10), a[5] = (char)('0' + nc % 10);
	a[6] = (char)('0' + nx / 10), a[7] = (char)('0' + nx % 10);
	a[8] = al ? out->alpn[0] : '0', a[9] = al ? out->alpn[al - 1] : '0';
	a[10] = '_';
	uint16_t sorted[MAXV];
	char hb[13] = "000000000000", hc[13] = "000000000000";
	memcpy(sorted, ciphers.v, ciphers.n * sizeof(uint16_t));
	qsort(sorted, ciphers.n, sizeof(uint16_t), cmp16);
	t.w = 0;
	join_hex(&t, sorted, ciphers.n);
	if (ciphers.n) digest_hex(sha256 ? sha256 : EVP_sha256(), &t, hb, 12);
	size_t ne = 0;
	for (size_t i = 0; i < exts.n; i++)
		if (exts.v[i] != 0 && exts.v[i] != 16)
			sorted[ne++] = exts.v[i]; /* SNI and ALPN are in part a */
	qsort(sorted, ne, sizeof(uint16_t), cmp16);
	t.w = 0;
	join_hex(&t, sorted, ne);
	if (sigalgs.n) {
		put_char(&t, '_');
		join_hex(&t, sigalgs.v, sigalgs.n);
	}
	if (ne) digest_hex(sha256 ? sha256 : EVP_sha256(), &t, hc, 12);
	memcpy(a + 11, hb, 12);
	a[23] = '_';
	memcpy(a + 24, hc, 13);
	return true;
}
