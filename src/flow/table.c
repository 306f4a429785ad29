/* Flow table: open hashing with chains of indices, two LRU lists (open
 * flows by idle timeout, closing flows by a short grace), records emitted
 * through the sink. */
#include "flow/table.h"
#include "base/util.h"
#include "flow/dns-answer.h"
#include "flow/tls-hello.h"
#include <math.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#define NIL UINT32_MAX
enum { GRACE = 2 }; /* seconds a closed TCP flow waits for its last ACKs */
enum { DNS_SLOTS = 1 << 17 };
enum { HUGE_PAGE = 2 << 20 };
enum { XBLOCK = 1024 }; /* extras a block of the pool */
enum { DNS_PORT = 53, MDNS_PORT = 5353 };
enum { FIN_BOTH = 3, SEEN_RST = 4 }; /* struct flow's fin: a bit per direction that sent FIN, or RST */
enum { TLS_HANDSHAKE = 22, TLS_MAJOR = 3, TLS_MINOR_MAX = 4 }; /* record type; version 3.1 to 3.4 */

struct fkey {
	uint8_t a[16], b[16]; /* a opened the conversation */
	uint16_t pa, pb;
	uint8_t proto, family;
};

struct extra {
	char sni[128], alpn[16], ja3[33], ja4[40];
	char ssh[2][48];
	char query[256]; /* DNS: the client's first question */
	uint16_t qtype;
	uint32_t next_free; /* in the pool's free list */
};

/* 96 bytes, 64-aligned in the array: a flow is two cache lines, the key and
 * times in the first, counters in the second. What a packet does not touch
 * (the LRU links, the DNS name) is kept beside it. */
struct flow {
	struct fkey k;
	uint8_t flags[2], app;
	uint8_t list : 2, fin : 3, inspected : 2; /* L_*; FIN_BOTH bits or SEEN_RST; a bit a direction */
	int8_t entropy;
	float lru_age; /* last - when it was last moved to its list's tail */
	double first, last;
	uint64_t bytes[2];
	uint32_t pkts[2];
	uint32_t hnext;
	uint32_t x; /* index in the extras pool, 0 none */
};
_Static_assert(sizeof(struct flow) == 96, "a flow is 96 bytes");

struct link {
	uint32_t prev, next;
};

struct dnsref {
	uint32_t slot, gen; /* what DNS called b, if anything */
};

enum { L_OPEN = 0, L_CLOSING = 1, L_FREE = 2 };
enum { APP_NONE, APP_TLS, APP_SSH, APP_DNS, APP_HTTP };
static const char *const app_names[] = { NULL, "tls", "ssh", "dns", "http" };

struct dns_slot {
	uint32_t gen;
	uint8_t family, addr[16];
	char name[96];
};

struct lru {
	uint32_t head, tail;
};

struct flow_table {
	struct flow_table_config cfg;
	struct flow_sink sink;
	struct flow *f;        /* 64-aligned */
	struct link *links;    /* beside f: the LRU lists */
	struct dnsref *dnsref; /* beside f: the DNS name of b */
	size_t cap, used;
	uint32_t free_head;
	struct extra **xs; /* the extras pool in blocks of XBLOCK (none moves as it grows); 0 is none */
	uint32_t xcap, xfree;
	uint32_t *buckets;
	size_t nbuckets;
	struct lru lists[2];
	uint64_t seed[2];
	double now, last_expire;
	struct dns_slot *dns;
	uint32_t dns_gen;
	struct flow_table_stats st;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* The same for both directions: endpoints folded with xor and sum. */
static inline uint64_t hash_tuple(const struct flow_table *ft, const uint8_t *a, const uint8_t *b,
				  uint16_t pa, uint16_t pb, uint8_t proto)
{
	uint64_t h = ft->seed[0];
	uint64_t s0 = load64(a), s1 = load64(a + 8), d0 = load64(b), d1 = load64(b + 8);
	h = mix(h, s0 ^ d0);
	h = mix(h, (s0 + d0) ^ ft->seed[1]);
	h = mix(h, s1 ^ d1);
	h = mix(h, s1 + d1);
	h = mix(h, ((uint64_t)(pa ^ pb) << 32) | (uint64_t)(pa + pb) << 8 | proto);
	return h;
}

static uint64_t hash_pkt(const struct flow_table *ft, const struct pkt *p)
{
	return hash_tuple(ft, p->src, p->dst, p->sport, p->dport, p->proto);
}

static uint64_t hash_key(const struct flow_table *ft, const struct fkey *k)
{
	return hash_tuple(ft, k->a, k->b, k->pa, k->pb, k->proto);
}

struct flow_table *flow_table_new(const struct flow_table_config *cfg, const struct flow_sink *sink)
{
	struct flow_table *ft = xcalloc(1, sizeof(*ft));
	ft->cfg = *cfg;
	if (ft->cfg.idle_timeout <= 0) ft->cfg.idle_timeout = 60;
	if (ft->cfg.active_timeout <= 0) ft->cfg.active_timeout = 1800;
	if (!ft->cfg.max_flows) ft->cfg.max_flows = 1000000;
	ft->sink = *sink;
	ft->free_head = NIL;
	ft->lists[0] = ft->lists[1] = (struct lru){ NIL, NIL };
	/* A keyed hash: crafted traffic cannot aim at one chain. */
	if (getrandom(ft->seed, sizeof(ft->seed), 0) != sizeof(ft->seed))
		ft->seed[0] = 0x1234567, ft->seed[1] = 0x89abcdef;
	return ft;
}

/* The large arrays on huge pages where the system lends them (madvise
 * mode), once they are that large: with 100k flows open a lookup is a TLB
 * miss as well as a cache miss on 4 KiB pages. */
static void huge_pages(void *p, size_t n)
{
	if (n >= HUGE_PAGE) madvise(p, n, MADV_HUGEPAGE);
}

static struct extra *xat(const struct flow_table *ft, uint32_t i) { return &ft->xs[i / XBLOCK][i % XBLOCK]; }

static void lru_unlink(struct flow_table *ft, uint32_t i)
{
	struct link *n = &ft->links[i];
	struct lru *l = &ft->lists[ft->f[i].list];
	if (n->prev != NIL)
		ft->links[n->prev].next = n->next;
	else
		l->head = n->next;
	if (n->next != NIL)
		ft->links[n->next].prev = n->prev;
	else
		l->tail = n->prev;
}

static void lru_append(struct flow_table *ft, uint32_t i, int list)
{
	struct link *n = &ft->links[i];
	struct lru *l = &ft->lists[list];
	ft->f[i].list = (uint8_t)list & 3;
	n->prev = l->tail;
	n->next = NIL;
	if (l->tail != NIL)
		ft->links[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
}

static void rehash(struct flow_table *ft, size_t nb)
{
	xunreserve(ft->buckets, ft->nbuckets * sizeof(uint32_t));
	ft->buckets = xreserve(nb * sizeof(uint32_t));
	huge_pages(ft->buckets, nb * sizeof(uint32_t));
	memset(ft->buckets, 0xff, nb * sizeof(uint32_t));
	ft->nbuckets = nb;
	for (size_t i = 0; i < ft->cap; i++) {
		struct flow *f = &ft->f[i];
		if (f->list == L_FREE) continue;
		size_t b = hash_key(ft, &f->k) & (nb - 1);
		f->hnext = ft->buckets[b];
		ft->buckets[b] = (uint32_t)i;
	}
}

static void to_ipaddr(uint8_t family, const uint8_t *a, struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (family == 4) {
		out->family = AF_INET;
		out->v4 = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	} else {
		out->family = AF_INET6;
		memcpy(&out->v6, a, 16);
	}
}

static void emit(struct flow_table *ft, struct flow *f, const char *why)
{
	if (!ft->sink.flow) return;
	struct obs_flow o = { .sport = f->k.pa,
			      .dport = f->k.pb,
			      .proto = f->k.proto,
			      .start = f->first,
			      .end = f->last,
			      .bytes_out = f->bytes[0],
			      .bytes_in = f->bytes[1],
			      .pkts_out = f->pkts[0],
			      .pkts_in = f->pkts[1],
			      .flags_out = f->flags[0],
			      .flags_in = f->flags[1],
			      .app = app_names[f->app],
			      .entropy = f->entropy,
			      .end_reason = why };
	to_ipaddr(f->k.family, f->k.a, &o.src);
	to_ipaddr(f->k.family, f->k.b, &o.dst);
	if (f->x) {
		const struct extra *x = xat(ft, f->x);
		o.sni = x->sni[0] ? x->sni : NULL;
		o.alpn = x->alpn[0] ? x->alpn : NULL;
		o.ja3 = x->ja3[0] ? x->ja3 : NULL;
		o.ja4 = x->ja4[0] ? x->ja4 : NULL;
		o.ssh_client = x->ssh[0][0] ? x->ssh[0] : NULL;
		o.ssh_server = x->ssh[1][0] ? x->ssh[1] : NULL;
		o.dns_query = x->query[0] ? x->query : NULL;
		o.dns_qtype = x->qtype;
	}
	const struct dnsref *dr = &ft->dnsref[f - ft->f];
	if (ft->dns && dr->slot != NIL && ft->dns[dr->slot].gen == dr->gen) o.name = ft->dns[dr->slot].name;
	ft->sink.flow(ft->sink.ctx, &o);
}

static void release(struct flow_table *ft, uint32_t i)
{
	struct flow *f = &ft->f[i];
	size_t b = hash_key(ft, &f->k) & (ft->nbuckets - 1);
	for (uint32_t *pp = &ft->buckets[b]; *pp != NIL; pp = &ft->f[*pp].hnext)
		if (*pp == i) {
			*pp = f->hnext;
			break;
		}
	lru_unlink(ft, i);
	if (f->x) {
		xat(ft, f->x)->next_free = ft->xfree;
		ft->xfree = f->x;
		f->x = 0;
	}
	f->list = L_FREE;
	f->hnext = ft->free_head;
	ft->free_head = i;
	ft->used--;
}

static void end_flow(struct flow_table *ft, uint32_t i, const char *why, uint64_t *counter)
{
	emit(ft, &ft->f[i], why);
	(*counter)++;
	release(ft, i);
}

static uint32_t alloc_flow(struct flow_table *ft)
{
	if (ft->used >= ft->cfg.max_flows) {
		/* Full: the least recently seen open flow makes room. */
		uint32_t victim = ft->lists[L_CLOSING].head != NIL ? ft->lists[L_CLOSING].head
								   : ft->lists[L_OPEN].head;
		end_flow(ft, victim, "evicted", &ft->st.evicted);
	}
	if (ft->free_head == NIL) {
		size_t ncap = ft->cap ? ft->cap * 2 : 1024;
		if (ncap > ft->cfg.max_flows) ncap = ft->cfg.max_flows;
		/* Reserved for max_flows at once and grown in place; aligned, so
		 * that a flow is two cache lines. */
		size_t max = ft->cfg.max_flows;
		if (!ft->f) {
			ft->f = xreserve(max * sizeof(*ft->f));
			ft->links = xreserve(max * sizeof(*ft->links));
			ft->dnsref = xreserve(max * sizeof(*ft->dnsref));
		}
		if (ncap * sizeof(*ft->f) >= HUGE_PAGE && ft->cap * sizeof(*ft->f) < HUGE_PAGE) {
			huge_pages(ft->f, max * sizeof(*ft->f));
			huge_pages(ft->links, max * sizeof(*ft->links));
		}
		/* written before read: a page is faulted in once, not read (the zero page) then written */
		memset(ft->f + ft->cap, 0, (ncap - ft->cap) * sizeof(*ft->f));
		for (size_t i = ncap; i-- > ft->cap;) {
			ft->f[i].list = L_FREE;
			ft->f[i].x = 0;
			ft->f[i].hnext = ft->free_head;
			ft->free_head = (uint32_t)i;
		}
		ft->cap = ncap;
		size_t nb = 1;
		while (nb < ncap * 2) nb <<= 1;
		if (nb != ft->nbuckets) rehash(ft, nb);
	}
	uint32_t i = ft->free_head;
	ft->free_head = ft->f[i].hnext;
	ft->used++;
	return i;
}

/* Who opened the conversation: the SYN's sender, else the side on the
 * lower (service) port's other end. */
static bool opened_by_src(const struct pkt *p)
{
	if (p->proto == IPPROTO_TCP) {
		if ((p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN) return true;
		if ((p->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) return false;
	}
	if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6)
		return p->icmp_type != ICMP_ECHOREPLY && p->icmp_type != ICMP6_ECHO_REPLY;
	/* no handshake seen: the side on the lower port is the service */
	return p->sport >= p->dport;
}

static void dns_learn(void *ctx, const struct dns_answer *a)
{
	struct flow_table *ft = ctx;
	if (!ft->dns) ft->dns = xcalloc(DNS_SLOTS, sizeof(*ft->dns));
	uint64_t h = mix(ft->seed[0], load64(a->addr) ^ load64(a->addr + 8));
	struct dns_slot *s = &ft->dns[h & (DNS_SLOTS - 1)];
	s->gen = ++ft->dns_gen;
	s->family = a->family;
	memcpy(s->addr, a->addr, 16);
	snprintf(s->name, sizeof(s->name), "%.95s", a->name);
	ft->st.dns_answers++;
	if (ft->sink.dns) {
		struct obs_dns d = { .name = s->name, .ts = ft->now };
		to_ipaddr(a->family, a->addr, &d.addr);
		ft->sink.dns(ft->sink.ctx, &d);
	}
}

static void dns_name_for(struct flow_table *ft, struct flow *f)
{
	struct dnsref *dr = &ft->dnsref[f - ft->f];
	dr->slot = NIL;
	if (!ft->dns) return;
	uint64_t h = mix(ft->seed[0], load64(f->k.b) ^ load64(f->k.b + 8));
	uint32_t slot = (uint32_t)(h & (DNS_SLOTS - 1));
	struct dns_slot *s = &ft->dns[slot];
	if (s->gen && s->family == f->k.family && !memcmp(s->addr, f->k.b, 16)) {
		dr->slot = slot;
		dr->gen = s->gen;
	}
}

static int entropy10(const uint8_t *p, size_t n)
{
	if (n < 16) return -1;
	if (n > 512) n = 512;
	unsigned count[256] = { 0 };
	for (size_t i = 0; i < n; i++) count[p[i]]++;
	/* Each count's term once: most bytes occur a few times, and log2 per
	 * byte value was most of the inspection. Summed in the same order. */
	double term[513];
	uint8_t have[513] = { 0 };
	double h = 0;
	for (int i = 0; i < 256; i++) {
		unsigned c = count[i];
		if (!c) continue;
		if (!have[c]) {
			double q = (double)c / (double)n;
			term[c] = q * log2(q);
			have[c] = 1;
		}
		h -= term[c];
	}
	return (int)lround(h * 10);
}

/* f's extras, taken from the pool on first use (indices stay valid as it grows) */
static struct extra *extra(struct flow_table *ft, struct flow *f)
{
	if (f->x) return xat(ft, f->x);
	if (!ft->xfree) {
		uint32_t nb = ft->xcap / XBLOCK;
		ft->xs = xrealloc(ft->xs, (nb + 1) * sizeof(*ft->xs));
		ft->xs[nb] = xmalloc(XBLOCK * sizeof(struct extra));
		for (uint32_t i = ft->xcap + XBLOCK; i-- > (ft->xcap ? ft->xcap : 1);) {
			xat(ft, i)->next_free = ft->xfree;
			ft->xfree = i;
		}
		ft->xcap += XBLOCK;
	}
	f->x = ft->xfree;
	struct extra *x = xat(ft, f->x);
	ft->xfree = x->next_free;
	memset(x, 0, sizeof(*x));
	return x;
}

static void ssh_line(char *out, size_t n, const uint8_t *p, size_t len)
{
	size_t w = 0;
	for (size_t i = 0; i < len && w + 1 < n && p[i] != '\r' && p[i] != '\n'; i++)
		out[w++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[w] = 0;
}

static void inspect(struct flow_table *ft, struct flow *f, int dir, const struct pkt *p)
{
	const uint8_t *d = p->payload;
	size_t n = p->payload_len;
	f->inspected |= (uint8_t)(1 << dir) & 3;
	if (dir == 0) f->entropy = (int8_t)entropy10(d, n);
	if (n >= 4 && !memcmp(d, "SSH-", 4)) {
		f->app = APP_SSH;
		struct extra *x = extra(ft, f);
		ssh_line(x->ssh[dir], sizeof(x->ssh[dir]), d, n);
		return;
	}
	if (p->proto == IPPROTO_TCP && dir == 0 && n >= 6 && d[0] == TLS_HANDSHAKE) {
		struct tls_hello h;
		if (tls_parse_client_hello(d, n, &h)) {
			struct extra *x = extra(ft, f);
			f->app = APP_TLS;
			snprintf(x->sni, sizeof(x->sni), "%.127s", h.sni);
			snprintf(x->alpn, sizeof(x->alpn), "%.15s", h.alpn);
			memcpy(x->ja3, h.ja3, sizeof(x->ja3));
			memcpy(x->ja4, h.ja4, sizeof(x->ja4));
		} else if (n >= 3 && d[1] == TLS_MAJOR && d[2] <= TLS_MINOR_MAX) {
			f->app = APP_TLS; /* a hello in several segments: TLS, without fingerprints */
		}
		return;
	}
	if (p->proto == IPPROTO_TCP && dir == 0 && f->app == APP_NONE &&
	    (!memcmp(d, "GET ", n < 4 ? n : 4) || !memcmp(d, "POST", n < 4 ? n : 4) ||
	     !memcmp(d, "HEAD", n < 4 ? n : 4) || !memcmp(d, "PUT ", n < 4 ? n : 4)) &&
	    n >= 4)
		f->app = APP_HTTP;
}

static uint32_t find(struct flow_table *ft, const struct pkt *p, size_t b, int *dir)
{
	for (uint32_t i = ft->buckets[b]; i != NIL; i = ft->f[i].hnext) {
		const struct fkey *k = &ft->f[i].k;
		if (k->proto != p->proto || k->family != p->family) continue;
		if (k->pa == p->sport && k->pb == p->dport && !memcmp(k->a, p->src, 16) &&
		    !memcmp(k->b, p->dst, 16)) {
			*dir = 0;
			return i;
		}
		if (k->pa == p->dport && k->pb == p->sport && !memcmp(k->a, p->dst, 16) &&
		    !memcmp(k->b, p->src, 16)) {
			*dir = 1;
			return i;
		}
	}
	return NIL;
}

uint64_t flow_table_prefetch(const struct flow_table *ft, const struct pkt *p)
{
	uint64_t h = hash_pkt(ft, p);
	if (ft->nbuckets) __builtin_prefetch(&ft->buckets[h & (ft->nbuckets - 1)]);
	return h;
}

void flow_table_prefetch_flow(const struct flow_table *ft, uint64_t hash)
{
	if (!ft->nbuckets) return;
	uint32_t i = ft->buckets[hash & (ft->nbuckets - 1)];
	if (i == NIL) return;
	__builtin_prefetch(&ft->f[i]);
	__builtin_prefetch((const char *)&ft->f[i] + 64);
	__builtin_prefetch(&ft->links[i]);
}

void flow_table_packet(struct flow_table *ft, double ts, const struct pkt *p)
{
	flow_table_packet_hashed(ft, ts, p, hash_pkt(ft, p));
}

/* p's addresses are 16 bytes whatever the family, and ICMP has no ports
 * (struct pkt): an ICMP flow is one per address pair. */
void flow_table_packet_hashed(struct flow_table *ft, double ts, const struct pkt *p, uint64_t hash)
{
	ft->st.packets++;
	if (ts > ft->now) ft->now = ts;
	if (ft->now - ft->last_expire >= 1) flow_table_expire(ft, ft->now);
	uint32_t i = NIL;
	int dir = 0;
	if (ft->nbuckets) i = find(ft, p, hash & (ft->nbuckets - 1), &dir);
	if (i != NIL && ts - ft->f[i].first >= ft->cfg.active_timeout) {
		/* Long conversations are cut into records, as NetFlow exporters do; the next one keeps the direction. */
		struct fkey k = ft->f[i].k;
		end_flow(ft, i, "active", &ft->st.ended_active);
		i = alloc_flow(ft);
		struct flow *f = &ft->f[i];
		memset(f, 0, sizeof(*f));
		f->k = k;
		goto created;
	}
	if (i == NIL) {
		i = alloc_flow(ft);
		struct flow *f = &ft->f[i];
		memset(f, 0, sizeof(*f));
		bool src_first = opened_by_src(p);
		memcpy(f->k.a, src_first ? p->src : p->dst, 16);
		memcpy(f->k.b, src_first ? p->dst : p->src, 16);
		f->k.pa = src_first ? p->sport : p->dport;
		f->k.pb = src_first ? p->dport : p->sport;
		f->k.proto = p->proto;
		f->k.family = p->family;
	created:
		f = &ft->f[i];
		f->first = f->last = ts;
		f->entropy = -1;
		dns_name_for(ft, f);
		size_t b = hash_key(ft, &f->k) & (ft->nbuckets - 1);
		f->hnext = ft->buckets[b];
		ft->buckets[b] = i;
		lru_append(ft, i, L_OPEN);
		dir = memcmp(f->k.a, p->src, 16) || f->k.pa != p->sport ? 1 : 0;
		ft->st.flows++;
	}
	struct flow *f = &ft->f[i];
	/* The lists are ordered to the second: a flow moves to the tail only
	 * when it has been seen a second later than at its last move, which
	 * saves most packets three cache misses. Expiry re-checks. */
	if (ts > f->last) {
		f->lru_age += (float)(ts - f->last);
		if (f->lru_age >= 1) {
			lru_unlink(ft, i);
			lru_append(ft, i, f->list);
			f->lru_age = 0;
		}
	}
	f->bytes[dir] += p->ip_len;
	f->pkts[dir]++;
	f->flags[dir] |= p->tcp_flags;
	if (ts > f->last) f->last = ts;
	if (p->payload_len && !(f->inspected & (1 << dir))) inspect(ft, f, dir, p);
	if (p->proto == IPPROTO_UDP && (p->sport == DNS_PORT || p->sport == MDNS_PORT) && p->payload_len) {
		f->app = APP_DNS;
		dns_parse_answers(p->payload, p->payload_len, dns_learn, ft);
	} else if (p->proto == IPPROTO_UDP && p->dport == DNS_PORT) {
		f->app = APP_DNS;
		char q[256];
		uint16_t qt;
		/* the first question only: a flow is one client port, most resolvers ask once per port */
		if (dir == 0 && (!f->x || !xat(ft, f->x)->query[0]) && p->payload_len &&
		    dns_parse_question(p->payload, p->payload_len, q, &qt)) {
			struct extra *x = extra(ft, f);
			memcpy(x->query, q, sizeof(q));
			x->qtype = qt;
		}
	}
	if (p->proto == IPPROTO_TCP && f->list == L_OPEN) {
		if (p->tcp_flags & TH_RST)
			f->fin = SEEN_RST;
		else if (p->tcp_flags & TH_FIN)
			f->fin |= (uint8_t)(1 << dir) & FIN_BOTH;
		if (f->fin == SEEN_RST || f->fin == FIN_BOTH) { /* closed: wait briefly for the last ACKs */
			lru_unlink(ft, i);
			lru_append(ft, i, L_CLOSING);
			f->lru_age = 0;
		}
	}
	if (ft->used > ft->st.peak_active) ft->st.peak_active = ft->used;
}

void flow_table_expire(struct flow_table *ft, double ts)
{
	ft->last_expire = ts;
	uint32_t i;
	/* Heads are the oldest to the second (lazy moves): one seen since goes to the tail. */
	while ((i = ft->lists[L_CLOSING].head) != NIL && ft->f[i].last - ft->f[i].lru_age + GRACE <= ts) {
		struct flow *f = &ft->f[i];
		if (f->last + GRACE > ts) {
			lru_unlink(ft, i);
			lru_append(ft, i, L_CLOSING);
			f->lru_age = 0;
		} else if (f->fin == SEEN_RST) {
			end_flow(ft, i, "rst", &ft->st.ended_rst);
		} else {
			end_flow(ft, i, "fin", &ft->st.ended_fin);
		}
	}
	while ((i = ft->lists[L_OPEN].head) != NIL &&
	       ft->f[i].last - ft->f[i].lru_age + ft->cfg.idle_timeout <= ts) {
		struct flow *f = &ft->f[i];
		if (f->last + ft->cfg.idle_timeout > ts) {
			lru_unlink(ft, i);
			lru_append(ft, i, L_OPEN);
			f->lru_age = 0;
		} else {
			end_flow(ft, i, "idle", &ft->st.ended_idle);
		}
	}
}

void flow_table_flush(struct flow_table *ft)
{
	uint64_t ended = 0;
	for (int l = 0; l < 2; l++) {
		uint32_t i;
		while ((i = ft->lists[l].head) != NIL) {
			struct flow *f = &ft->f[i];
			if (l == L_CLOSING)
				end_flow(ft, i, f->fin == SEEN_RST ? "rst" : "fin",
					 f->fin == SEEN_RST ? &ft->st.ended_rst : &ft->st.ended_fin);
			else
				end_flow(ft, i, "end", &ended);
		}
	}
}

void flow_table_stats(const struct flow_table *ft, struct flow_table_stats *ret)
{
	*ret = ft->st;
	ret->active = ft->used;
	ret->bytes = ft->cap * (sizeof(struct flow) + sizeof(struct link) + sizeof(struct dnsref)) +
		     ft->nbuckets * sizeof(uint32_t);
	ret->dns_bytes = ft->dns ? DNS_SLOTS * sizeof(struct dns_slot) : 0;
}

void flow_table_free(struct flow_table *ft)
{
	if (!ft) return;
	xunreserve(ft->f, ft->cfg.max_flows * sizeof(*ft->f));
	xunreserve(ft->links, ft->cfg.max_flows * sizeof(*ft->links));
	xunreserve(ft->dnsref, ft->cfg.max_flows * sizeof(*ft->dnsref));
	xunreserve(ft->buckets, ft->nbuckets * sizeof(uint32_t));
	for (uint32_t b = 0; b < ft->xcap / XBLOCK; b++) free(ft->xs[b]);
	free(ft->xs);
	free(ft->dns);
	free(ft);
}
