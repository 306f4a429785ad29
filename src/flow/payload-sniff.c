/* Versions seen in traffic: server self-descriptions in TCP payloads (SSH
 * version lines, HTTP Server headers, TLS server certificates) kept as
 * passive service observations of the sender. A certificate often spans
 * several segments: flow/cert-stream.c gathers them. */
#include "flow/payload-sniff.h"
#include "base/util.h"
#include "flow/cert-stream.h"
#include <string.h>

struct payload_sniff {
	struct obs_service *v;
	double *first;
	size_t n, cap;
	/* open addressing by address, protocol and port: service index + 1, 0
	 * empty; a capture's every HTTP response looks its server up */
	uint32_t *slot;
	size_t n_slots; /* a power of two, at least twice n */
	struct cert_streams *certs;
};

struct payload_sniff *payload_sniff_new(void)
{
	struct payload_sniff *ps = xcalloc(1, sizeof(struct payload_sniff));
	ps->certs = cert_streams_new();
	return ps;
}

void payload_sniff_free(struct payload_sniff *ps)
{
	if (!ps) return;
	cert_streams_free(ps->certs);
	free(ps->slot);
	free(ps->v);
	free(ps->first);
	free(ps);
}

const struct obs_service *payload_sniff_services(const struct payload_sniff *ps, size_t *n,
						 const double **first_seen)
{
	*n = ps->n;
	if (first_seen) *first_seen = ps->first;
	return ps->v;
}

static void fill(char *dst, size_t n, const char *src)
{
	if (!dst[0] && src[0]) snprintf(dst, n, "%s", src);
}

static size_t key_hash(const struct obs_service *s)
{
	uint64_t h = s->ip.family == AF_INET ? s->ip.v4 : 0;
	if (s->ip.family == AF_INET6)
		for (size_t i = 0; i < 16; i++) h = h * 131 + s->ip.v6.s6_addr[i];
	h = (h << 17 | (uint64_t)s->port << 1 | (s->proto == PROTO_TCP)) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32);
}

static bool same_key(const struct obs_service *a, const struct obs_service *b)
{
	return a->port == b->port && a->proto == b->proto && !ipaddr_cmp(&a->ip, &b->ip);
}

/* The slot holding s's service, or the empty one where it would go. */
static uint32_t *slot_of(const struct payload_sniff *ps, const struct obs_service *s)
{
	size_t mask = ps->n_slots - 1;
	for (size_t i = key_hash(s) & mask;; i = (i + 1) & mask)
		if (!ps->slot[i] || same_key(&ps->v[ps->slot[i] - 1], s)) return &ps->slot[i];
}

static void rehash(struct payload_sniff *ps)
{
	free(ps->slot);
	ps->n_slots = ps->n_slots ? 2 * ps->n_slots : 64;
	ps->slot = xcalloc(ps->n_slots, sizeof(*ps->slot));
	for (size_t i = 0; i < ps->n; i++) *slot_of(ps, &ps->v[i]) = (uint32_t)(i + 1);
}

void payload_sniff_add(struct payload_sniff *ps, const struct obs_service *s, double first_seen)
{
	if (2 * (ps->n + 1) > ps->n_slots) rehash(ps);
	uint32_t *slot = slot_of(ps, s);
	if (*slot) {
		size_t i = *slot - 1;
		struct obs_service *o = &ps->v[i];
		if (s->ts > o->ts) o->ts = s->ts;
		if (first_seen < ps->first[i]) ps->first[i] = first_seen;
		/* a certificate and a protocol line of the same port complete each other */
		if (!strcmp(o->name, "ssl") && strcmp(s->name, "ssl"))
			snprintf(o->name, sizeof(o->name), "%s", s->name);
		fill(o->name, sizeof(o->name), s->name);
		fill(o->banner, sizeof(o->banner), s->banner);
		fill(o->info, sizeof(o->info), s->info);
		if (!o->tls.present && s->tls.present) o->tls = s->tls;
		return;
	}
	if (ps->n == PAYLOAD_SNIFF_MAX) return;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 16;
		ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
		ps->first = xrealloc(ps->first, ps->cap * sizeof(*ps->first));
	}
	ps->v[ps->n] = *s;
	ps->v[ps->n].passive = true;
	ps->first[ps->n++] = first_seen;
	*slot = (uint32_t)ps->n;
}

/* Printable ASCII of the first line, other bytes as '?'. */
static size_t line_copy(const uint8_t *d, size_t n, char *out, size_t cap)
{
	size_t w = 0;
	for (size_t i = 0; i < n && w + 1 < cap && d[i] != '\r' && d[i] != '\n'; i++)
		out[w++] = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '?';
	out[w] = 0;
	return w;
}

bool sniff_ssh_line(const uint8_t *d, size_t n, char *out, size_t cap)
{
	/* RFC 4253: "SSH-protoversion-softwareversion SP comments CR LF", the
	 * line ended within 255 bytes; a version line without an end is cut. */
	if (n < 8 || memcmp(d, "SSH-", 4) || !memchr(d, '\n', MIN(n, (size_t)255))) return false;
	if (!memchr(d + 4, '-', MIN(n, (size_t)255) - 4)) return false;
	return line_copy(d, n, out, cap) > 8;
}

bool sniff_http_server(const uint8_t *d, size_t n, char *out, size_t cap)
{
	if (n < 12 || memcmp(d, "HTTP/1.", 7)) return false;
	const uint8_t *end = d + MIN(n, (size_t)16384);
	const uint8_t *p = memchr(d, '\n', (size_t)(end - d));
	while (p && p + 1 < end) {
		p++;
		size_t left = (size_t)(end - p);
		if (left >= 1 && (p[0] == '\r' || p[0] == '\n')) return false; /* end of the head */
		if (left > 7 && !strncasecmp((const char *)p, "server:", 7)) {
			const uint8_t *v = p + 7;
			while (v < end && (*v == ' ' || *v == '\t')) v++;
			if (v >= end || !memchr(v, '\n', (size_t)(end - v))) return false;
			return line_copy(v, (size_t)(end - v), out, cap) > 0;
		}
		p = memchr(p, '\n', left);
	}
	return false;
}

int sniff_tls_certificate(const uint8_t *d, size_t n, double now, struct obs_tls *t)
{
	return tls_records_certificate(d, n, now, t);
}

static void emit(struct payload_sniff *ps, double ts, const struct pkt *p, const char *name,
		 const char *banner, const char *info, const struct obs_tls *tls)
{
	struct obs_service s;
	memset(&s, 0, sizeof(s));
	if (p->family == 4) {
		s.ip.family = AF_INET;
		s.ip.v4 = (uint32_t)p->src[0] << 24 | (uint32_t)p->src[1] << 16 | (uint32_t)p->src[2] << 8 |
			  p->src[3];
	} else {
		s.ip.family = AF_INET6;
		memcpy(&s.ip.v6, p->src, 16);
	}
	s.port = p->sport;
	s.proto = PROTO_TCP;
	snprintf(s.name, sizeof(s.name), "%s", name);
	snprintf(s.banner, sizeof(s.banner), "%s", banner);
	snprintf(s.info, sizeof(s.info), "%s", info);
	if (tls) s.tls = *tls;
	s.ts = ts;
	s.passive = true;
	payload_sniff_add(ps, &s, ts);
}

static void tls_bytes(struct payload_sniff *ps, double ts, const struct pkt *p)
{
	struct obs_tls t;
	if (cert_streams_packet(ps->certs, ts, p, &t))
		emit(ps, ts, p, p->sport == 443 || p->sport == 8443 ? "https" : "ssl", "",
		     "certificate seen in traffic", &t);
}

void payload_sniff_packet(struct payload_sniff *ps, double ts, const struct pkt *p)
{
	if (p->proto != IPPROTO_TCP || !p->payload_len || p->fragment || (p->family != 4 && p->family != 6))
		return;
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	char line[256];
	/* a client says "SSH-" too: the server is the side on the lower port
	 * (the well-known one), which holds for every SSH server on 22 or a
	 * port below the clients' ephemeral range */
	if (n >= 4 && !memcmp(d, "SSH-", 4)) {
		if (p->sport < p->dport && sniff_ssh_line(d, n, line, sizeof(line)))
			emit(ps, ts, p, "ssh", line, "version line seen in traffic", NULL);
		return;
	}
	if (n >= 7 && !memcmp(d, "HTTP/1.", 7)) {
		if (sniff_http_server(d, n, line, sizeof(line)))
			emit(ps, ts, p, "http", line, "Server header seen in traffic", NULL);
		return;
	}
	tls_bytes(ps, ts, p);
}
