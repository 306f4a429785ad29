/* Port list parsing. */
#include "net/ports.h"
#include "base/util.h"
#include <ctype.h>
#include <netdb.h>
#include <string.h>

static void add_port(uint16_t **v, size_t *n, uint16_t p)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = p;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static void normalize(uint16_t *v, size_t *n)
{
	if (*n < 2) return;
	qsort(v, *n, sizeof(*v), cmp_u16);
	size_t w = 1;
	for (size_t i = 1; i < *n; i++)
		if (v[i] != v[w - 1]) v[w++] = v[i];
	*n = w;
}

/* Port sets while parsing: one bit per port, so "-,-,-" costs nothing extra. */
struct portbits {
	uint8_t bits[65536 / 8];
};

static void bits_from(struct portbits *b, const uint16_t *v, size_t n)
{
	memset(b->bits, 0, sizeof(b->bits));
	for (size_t i = 0; i < n; i++) b->bits[v[i] / 8] |= (uint8_t)(1u << (v[i] % 8));
}

static void bits_to(const struct portbits *b, uint16_t **v, size_t *n)
{
	size_t cnt = 0;
	for (uint32_t p = 1; p < 65536; p++) cnt += (b->bits[p / 8] >> (p % 8)) & 1;
	free(*v);
	*v = xmalloc(cnt * sizeof(**v));
	*n = 0;
	for (uint32_t p = 1; p < 65536; p++)
		if ((b->bits[p / 8] >> (p % 8)) & 1) (*v)[(*n)++] = (uint16_t)p;
}

static int parse_num(const char *s, size_t len, long *ret)
{
	if (len == 0 || len > 5) return DM_EINPUT;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) return DM_EINPUT;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int portlist_parse(struct portlist *pl, const char *spec, enum proto default_proto, struct dm_err *e)
{
	enum proto proto = default_proto;
	const char *p = spec;
	if (*p == 0) return dm_fail(e, DM_EINPUT, "port list is empty");
	struct portbits *tcp = xmalloc(sizeof(*tcp)), *udp = xmalloc(sizeof(*udp));
	bits_from(tcp, pl->tcp, pl->n_tcp);
	bits_from(udp, pl->udp, pl->n_udp);
	int r = 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		size_t off = (size_t)(p - spec);
		if (len >= 2 && (p[0] == 'T' || p[0] == 'U' || p[0] == 't' || p[0] == 'u') && p[1] == ':') {
			proto = (p[0] == 'T' || p[0] == 't') ? PROTO_TCP : PROTO_UDP;
			p += 2;
			len -= 2;
			off += 2;
		}
		const char *dash = memchr(p, '-', len);
		long lo, hi;
		if (dash) {
			size_t l1 = (size_t)(dash - p), l2 = len - l1 - 1;
			if (l1 == 0)
				lo = 1;
			else if (parse_num(p, l1, &lo) < 0)
				goto bad;
			if (l2 == 0)
				hi = 65535;
			else if (parse_num(dash + 1, l2, &hi) < 0)
				goto bad;
		} else {
			if (parse_num(p, len, &lo) < 0) {
				/* a service name such as "ssh", as nmap allows */
				char name[32];
				if (len == 0 || len >= sizeof(name)) goto bad;
				memcpy(name, p, len);
				name[len] = 0;
				struct servent *se = getservbyname(name, proto == PROTO_TCP ? "tcp" : "udp");
				if (!se) goto bad;
				lo = ntohs((uint16_t)se->s_port);
			}
			hi = lo;
		}
		if (lo < 1 || hi > 65535 || lo > hi) {
			r = dm_fail(
			    e, DM_EINPUT,
			    "port list \"%s\": at offset %zu: ports must be 1-65535 and ranges ascending",
			    spec, off);
			goto out;
		}
		for (long v = lo; v <= hi; v++) {
			struct portbits *b = proto == PROTO_TCP ? tcp : udp;
			b->bits[v / 8] |= (uint8_t)(1u << (v % 8));
		}
		if (!end) break;
		p = end + 1;
		if (*p == 0) {
			r = dm_fail(e, DM_EINPUT, "port list \"%s\": trailing comma", spec);
			goto out;
		}
		continue;
	bad:
		r = dm_fail(e, DM_EINPUT,
			    "port list \"%s\": at offset %zu: \"%.*s\" is not a port, range or service name",
			    spec, off, (int)len, p);
		goto out;
	}
	bits_to(tcp, &pl->tcp, &pl->n_tcp);
	bits_to(udp, &pl->udp, &pl->n_udp);
out:
	free(tcp);
	free(udp);
	return r;
}

int portlist_add_top(struct portlist *pl, long n, enum proto proto, struct dm_err *e)
{
	if (n < 1 || n > 65535) return dm_fail(e, DM_EINPUT, "--top-ports takes 1-65535, not %ld", n);
	const uint16_t *rank = proto == PROTO_TCP ? top_tcp_ports : top_udp_ports;
	size_t nrank = proto == PROTO_TCP ? top_tcp_ports_count : top_udp_ports_count;
	uint16_t **v = proto == PROTO_TCP ? &pl->tcp : &pl->udp;
	size_t *cnt = proto == PROTO_TCP ? &pl->n_tcp : &pl->n_udp;
	uint8_t seen[65536 / 8] = { 0 };
	long taken = 0;
	for (size_t i = 0; i < nrank && taken < n; i++) {
		if (seen[rank[i] / 8] & (1u << (rank[i] % 8))) continue;
		seen[rank[i] / 8] |= (uint8_t)(1u << (rank[i] % 8));
		add_port(v, cnt, rank[i]);
		taken++;
	}
	/* Beyond the ranking: the rest in ascending order, so every N is defined. */
	for (uint32_t p = 1; p <= 65535 && taken < n; p++) {
		if (seen[p / 8] & (1u << (p % 8))) continue;
		add_port(v, cnt, (uint16_t)p);
		taken++;
	}
	normalize(*v, cnt);
	return 0;
}

void portlist_release(struct portlist *pl)
{
	free(pl->tcp);
	free(pl->udp);
	memset(pl, 0, sizeof(*pl));
}

const char *proto_name(enum proto p) { return p == PROTO_UDP ? "udp" : "tcp"; }
