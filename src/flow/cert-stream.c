/* Certificates seen in traffic: a bounded reassembly of each TLS server's
 * first flight, by TCP sequence number, and the parse of its handshake
 * records up to the Certificate message (OpenSSL reads the DER). The
 * bytes are hostile: every length is checked against what was gathered. */
#include "flow/cert-stream.h"
#include "base/util.h"
#include "model/tls-cert.h"
#include <openssl/x509.h>
#include <string.h>

#define BUCKETS 1024 /* a power of two, well above CERT_STREAMS */
#define NONE 0xffff

struct stream {
	uint8_t family, src[16], dst[16];
	uint16_t sport, dport;
	uint16_t next; /* the following stream of the same bucket, or NONE */
	uint32_t seq;  /* the sequence number the next byte must have */
	double last;   /* the capture time of its latest segment */
	uint8_t *buf;
	size_t len, cap;
};

struct cert_streams {
	struct stream st[CERT_STREAMS];
	uint16_t bucket[BUCKETS];
	uint16_t free_list[CERT_STREAMS];
	size_t n_free, n_used, bytes;
	struct cert_stream_stats stats;
};

struct cert_streams *cert_streams_new(void)
{
	struct cert_streams *cs = xcalloc(1, sizeof(*cs));
	for (size_t i = 0; i < BUCKETS; i++) cs->bucket[i] = NONE;
	for (size_t i = 0; i < CERT_STREAMS; i++) cs->free_list[i] = (uint16_t)(CERT_STREAMS - 1 - i);
	cs->n_free = CERT_STREAMS;
	return cs;
}

void cert_streams_free(struct cert_streams *cs)
{
	if (!cs) return;
	for (size_t i = 0; i < CERT_STREAMS; i++) free(cs->st[i].buf);
	free(cs);
}

void cert_streams_usage(const struct cert_streams *cs, size_t *streams, size_t *bytes)
{
	*streams = cs->n_used;
	*bytes = cs->bytes;
}

void cert_streams_stats(const struct cert_streams *cs, struct cert_stream_stats *st) { *st = cs->stats; }

static unsigned hash_of(const struct pkt *p)
{
	/* FNV-1a over the direction's addresses and ports; IPv4 uses 4 bytes */
	size_t al = p->family == 4 ? 4 : 16;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < al; i++) h = (h ^ p->src[i]) * 16777619u;
	for (size_t i = 0; i < al; i++) h = (h ^ p->dst[i]) * 16777619u;
	h = (h ^ p->sport) * 16777619u;
	h = (h ^ p->dport) * 16777619u;
	return h & (BUCKETS - 1);
}

static bool same(const struct stream *s, const struct pkt *p)
{
	return s->family == p->family && s->sport == p->sport && s->dport == p->dport &&
	       !memcmp(s->src, p->src, 16) && !memcmp(s->dst, p->dst, 16);
}

static struct stream *find(struct cert_streams *cs, unsigned h, const struct pkt *p)
{
	for (uint16_t i = cs->bucket[h]; i != NONE; i = cs->st[i].next)
		if (same(&cs->st[i], p)) return &cs->st[i];
	return NULL;
}

static void drop(struct cert_streams *cs, struct stream *s)
{
	uint16_t idx = (uint16_t)(s - cs->st);
	struct pkt key = { .family = s->family, .sport = s->sport, .dport = s->dport };
	memcpy(key.src, s->src, 16);
	memcpy(key.dst, s->dst, 16);
	uint16_t *link = &cs->bucket[hash_of(&key)];
	while (*link != idx) link = &cs->st[*link].next;
	*link = s->next;
	cs->bytes -= s->cap;
	free(s->buf);
	memset(s, 0, sizeof(*s));
	cs->free_list[cs->n_free++] = idx;
	cs->n_used--;
}

static struct stream *start(struct cert_streams *cs, unsigned h, double ts, const struct pkt *p)
{
	if (!cs->n_free) { /* the stream quiet for longest makes room */
		struct stream *old = &cs->st[0];
		for (size_t i = 1; i < CERT_STREAMS; i++)
			if (cs->st[i].last < old->last) old = &cs->st[i];
		drop(cs, old);
		cs->stats.evicted++;
	}
	uint16_t idx = cs->free_list[--cs->n_free];
	struct stream *s = &cs->st[idx];
	*s = (struct stream){ .family = p->family, .sport = p->sport, .dport = p->dport, .seq = p->seq };
	memcpy(s->src, p->src, 16);
	memcpy(s->dst, p->dst, 16);
	s->last = ts;
	s->next = cs->bucket[h];
	cs->bucket[h] = idx;
	cs->n_used++;
	cs->stats.started++;
	return s;
}

/* Appends in order; false when the stream must be dropped (too long, or
 * the budget of all streams spent). */
static bool append(struct cert_streams *cs, struct stream *s, const uint8_t *d, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap < s->len + n) cap *= 2;
		if (cap > CERT_STREAM_BYTES) cap = CERT_STREAM_BYTES;
		if (s->len + n > cap) {
			cs->stats.too_long++;
			return false;
		}
		if (cs->bytes - s->cap + cap > CERT_STREAMS_BYTES) {
			cs->stats.over_budget++;
			return false;
		}
		s->buf = xrealloc(s->buf, cap);
		cs->bytes = cs->bytes - s->cap + cap;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, d, n);
	s->len += n;
	return true;
}

/* The version a ServerHello body chose (a TLS_V_* bit), 0 when it cannot
 * be told; TLS 1.3 is named in the supported_versions extension. */
static unsigned hello_version(const uint8_t *b, size_t n)
{
	if (n < 38) return 0;
	unsigned v = (unsigned)b[0] << 8 | b[1];
	size_t o = 34 + 1 + (size_t)b[34] + 3; /* session id, suite, compression */
	if (o + 2 <= n) {
		size_t end = MIN(n, o + 2 + ((size_t)b[o] << 8 | b[o + 1]));
		for (o += 2; o + 4 <= end;) {
			unsigned type = (unsigned)b[o] << 8 | b[o + 1];
			size_t len = (size_t)b[o + 2] << 8 | b[o + 3];
			if (type == 43 && len == 2 && o + 6 <= end) v = (unsigned)b[o + 4] << 8 | b[o + 5];
			o += 4 + len;
		}
	}
	switch (v) {
	case 0x0300: return TLS_V_SSL3;
	case 0x0301: return TLS_V_10;
	case 0x0302: return TLS_V_11;
	case 0x0303: return TLS_V_12;
	case 0x0304: return TLS_V_13;
	default: return 0;
	}
}

int tls_records_certificate(const uint8_t *d, size_t n, double now, struct obs_tls *t)
{
	/* handshake records one after the other; their bodies are one stream of
	 * handshake messages, which may cross record boundaries */
	uint8_t hs[CERT_STREAM_BYTES];
	size_t hl = 0, off = 0;
	while (off + 5 <= n) {
		/* anything but a handshake record before the certificate (a
		 * ChangeCipherSpec of a resumed session, an alert, TLS 1.3's
		 * encrypted records) means it will not come in the clear */
		if (d[off] != 0x16 || d[off + 1] != 3) return -1;
		size_t rl = (size_t)d[off + 3] << 8 | d[off + 4];
		size_t have = MIN(rl, n - off - 5);
		if (hl + have > sizeof(hs)) have = sizeof(hs) - hl;
		memcpy(hs + hl, d + off + 5, have);
		hl += have;
		if (have < rl) break;
		off += 5 + rl;
	}
	unsigned version = 0;
	for (size_t p = 0; p + 4 <= hl;) {
		size_t ml = (size_t)hs[p + 1] << 16 | (size_t)hs[p + 2] << 8 | hs[p + 3];
		if (hs[p] == 11) { /* Certificate: list length (3), then cert length (3) and DER */
			if (p + 4 + 6 > hl) return hl == sizeof(hs) ? -1 : 0;
			size_t cl = (size_t)hs[p + 7] << 16 | (size_t)hs[p + 8] << 8 | hs[p + 9];
			if (cl > ml || cl > sizeof(hs)) return -1;
			if (p + 10 + cl > hl) return hl == sizeof(hs) ? -1 : 0;
			const unsigned char *der = hs + p + 10;
			X509 *x = d2i_X509(NULL, &der, (long)cl);
			if (!x) return -1;
			memset(t, 0, sizeof(*t));
			t->present = true;
			t->versions = version; /* the server chose it: it accepts it */
			obs_tls_from_cert(x, now, t);
			X509_free(x);
			return 1;
		}
		if (hs[p] != 2) return -1; /* after the ServerHello comes the certificate */
		if (p + 4 + ml > hl) return hl == sizeof(hs) ? -1 : 0;
		version = hello_version(hs + p + 4, ml);
		if (version == TLS_V_13) return -1; /* the certificate is encrypted */
		p += 4 + ml;
	}
	return 0;
}

/* A server's first flight starts with a handshake record holding a ServerHello. */
static bool server_hello_start(const uint8_t *d, size_t n)
{
	return n >= 6 && d[0] == 0x16 && d[1] == 3 && d[5] == 2;
}

int cert_streams_packet(struct cert_streams *cs, double ts, const struct pkt *p, struct obs_tls *t)
{
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	bool hello = server_hello_start(d, n);
	if (!cs->n_used && !hello) return 0; /* the common case: nothing followed */
	unsigned h = hash_of(p);
	struct stream *s = find(cs, h, p);
	if (s) {
		int32_t ahead = (int32_t)(p->seq - s->seq);
		if (ahead < 0 && (int32_t)(p->seq + (uint32_t)n - s->seq) <= 0) return 0; /* retransmitted */
		if (ahead != 0) { /* a gap, an overlap or a reordering: not waited for */
			cs->stats.gaps++;
			drop(cs, s);
			s = NULL;
			if (!hello) return 0;
		}
	}
	if (!s) {
		if (!hello) return 0;
		s = start(cs, h, ts, p);
	}
	s->last = ts;
	s->seq = p->seq + (uint32_t)n;
	if (!append(cs, s, d, n)) {
		drop(cs, s);
		return 0;
	}
	int r = tls_records_certificate(s->buf, s->len, ts, t);
	if (r == 0 && s->len < CERT_STREAM_BYTES) return 0;
	if (r == 1)
		cs->stats.read++;
	else if (r < 0)
		cs->stats.no_cert++;
	else
		cs->stats.too_long++;
	drop(cs, s);
	return r == 1;
}
