/* The in-memory flow set (flowset.h): compact records, interned names, the
 * internal side and country marked as each flow arrives. */
#include "model/flowset.h"
#include "base/keysort.h"
#include "base/util.h"
#include "model/addr-rank.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

void flowset_init(struct flowset *s)
{
	*s = (struct flowset){ 0 };
	strpool_init(&s->names);
}

void flowset_release(struct flowset *s)
{
	free(s->v);
	free(s->det);
	free(s->side.pk);
	free(s->side.x);
	free(s->side_det.pk);
	free(s->side_det.x);
	strpool_release(&s->names);
	*s = (struct flowset){ 0 };
}

static const char *const app_names[] = { NULL, "tls", "ssh", "dns", "http", "other" };

const char *flow_app_name(enum flow_app a) { return a < ARRAY_SIZE(app_names) ? app_names[a] : NULL; }

static uint8_t app_of(const char *s)
{
	if (!s) return FAPP_NONE;
	for (unsigned i = 1; i < ARRAY_SIZE(app_names) - 1; i++)
		if (!strcmp(s, app_names[i])) return (uint8_t)i;
	return FAPP_OTHER;
}

_Static_assert(sizeof(struct flowrec) == 96, "a flow record is 96 bytes");

static uint32_t clamp32(uint64_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* A one-way record (NetFlow, IPFIX without biflow counts) sent by the side
 * that answers: from a service port to an ephemeral one. (Its TCP flags
 * cannot tell: they are OR-ed over the flow, SYN and ACK on both sides.) */
static bool is_reply(const struct obs_flow *f)
{
	if (f->pkts_in || f->bytes_in) return false;
	return (f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP) && f->sport < 1024 && f->dport >= 1024;
}

/* What flow_is_failed, flow_is_continuation and flow_is_encrypted answer,
 * from the fields the record does not keep (the counts as clamped). */
static uint8_t judged_of(const struct obs_flow *f, uint8_t app)
{
	uint32_t pkts_in = clamp32(f->pkts_in);
	int16_t entropy = (int16_t)f->entropy;
	bool failed = false, encrypted = false;
	if (f->proto == IPPROTO_TCP && pkts_in == 0 && !f->bytes_in)
		/* nothing came back: failed when the opener sent SYNs and never an
		 * ACK (a one-way NetFlow record of a real connection carries the ACK) */
		failed = !(f->flags_out & TH_ACK);
	else if (f->proto == IPPROTO_TCP) /* answered only by RST, never SYN-ACK, no data: refused */
		failed = (f->flags_in & TH_RST) && !(f->flags_in & TH_SYN) && f->bytes_in <= 60u * pkts_in;
	if (app == FAPP_TLS || app == FAPP_SSH) {
		encrypted = true;
	} else if (entropy >= 0) {
		encrypted = app == FAPP_NONE && entropy >= 70;
	} else if (app == FAPP_NONE) {
		static const uint16_t tls_ports[] = { 22,  443, 465, 563, 636,  853,
						      989, 990, 993, 995, 5061, 8443 };
		for (size_t i = 0; i < ARRAY_SIZE(tls_ports); i++)
			if (f->dport == tls_ports[i]) encrypted = true;
	}
	bool continuation = f->proto == IPPROTO_TCP && (f->flags_out | f->flags_in) &&
			    !(f->flags_out & TH_SYN);
	return (uint8_t)((failed ? FREC_FAILED : 0) | (continuation ? FREC_CONTINUATION : 0) |
			 (encrypted ? FREC_ENCRYPTED : 0));
}

/* A record at the end of *v (n of cap), its counts beside it. */
static struct flowrec *grow_to(struct flowrec **v, size_t *n, size_t *cap, struct flow_sides *sd,
			       size_t first)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : first;
		*v = xrealloc(*v, *cap * sizeof(**v));
		sd->pk = xrealloc(sd->pk, *cap * sizeof(*sd->pk));
	}
	return &(*v)[(*n)++];
}

struct flowrec *flowset_add(struct flowset *s, const struct obs_flow *flow)
{
	struct obs_flow turned;
	const struct obs_flow *f = flow;
	if (is_reply(flow)) { /* the way round a conversation is: opener first */
		turned = *flow;
		turned.src = flow->dst;
		turned.dst = flow->src;
		turned.sport = flow->dport;
		turned.dport = flow->sport;
		turned.bytes_in = flow->bytes_out;
		turned.pkts_in = flow->pkts_out;
		turned.flags_in = flow->flags_out;
		turned.bytes_out = turned.pkts_out = turned.flags_out = 0;
		f = &turned;
	}
	struct flow_sides *sd = f->detail ? &s->side_det : &s->side;
	struct flowrec *r = f->detail ? grow_to(&s->det, &s->n_det, &s->cap_det, sd, 1024)
				      : grow_to(&s->v, &s->n, &s->cap, sd, 4096);
	size_t i = f->detail ? s->n_det - 1 : s->n - 1;
	uint8_t app = app_of(f->app);
	*r = (struct flowrec){ .src = f->src,
			       .dst = f->dst,
			       .start = f->start,
			       .end = f->end,
			       .bytes_out = f->bytes_out,
			       .bytes_in = f->bytes_in,
			       .sport = f->sport,
			       .dport = f->dport,
			       .proto = f->proto,
			       .app = app,
			       .is = judged_of(f, app) };
	sd->pk[i] = (struct flow_pkts){ clamp32(f->pkts_out), clamp32(f->pkts_in) };
	/* pooled in this order, as always: ids order some rules' sorts */
	r->name = strpool_add(&s->names, f->sni && *f->sni ? f->sni : f->name);
	struct flow_extra x = { .flow = (uint32_t)i,
				.ja3 = strpool_add(&s->names, f->ja3),
				.ja4 = strpool_add(&s->names, f->ja4),
				.cert = strpool_add(&s->names, f->cert_hash),
				.query = strpool_add(&s->names, f->dns_query),
				.qtype = f->dns_qtype };
	if (x.ja3 || x.ja4 || x.cert || x.query || x.qtype) {
		if (sd->n_x == sd->cap_x)
			sd->x = xrealloc(sd->x, (sd->cap_x = 2 * sd->cap_x + 256) * sizeof(*sd->x));
		sd->x[sd->n_x++] = x;
		r->is |= FREC_EXTRA;
	}
	if (f->detail) return r; /* its conversation is in v, or was not read */
	if (s->n == 1 || f->start < s->first) s->first = f->start;
	if (f->end > s->last) s->last = f->end;
	return r;
}

/* The side arrays r's array has, and r's index in it. */
static const struct flow_sides *sides_of(const struct flowset *s, const struct flowrec *r, size_t *i)
{
	uintptr_t p = (uintptr_t)r, v = (uintptr_t)s->v;
	if (s->n && p >= v && p < v + s->n * sizeof(*r)) {
		*i = (size_t)(p - v) / sizeof(*r);
		return &s->side;
	}
	*i = (size_t)(p - (uintptr_t)s->det) / sizeof(*r);
	return &s->side_det;
}

struct flow_pkts flowset_pkts(const struct flowset *s, const struct flowrec *r)
{
	size_t i;
	const struct flow_sides *sd = sides_of(s, r, &i);
	return sd->pk[i];
}

const struct flow_extra *flowset_extra(const struct flowset *s, const struct flowrec *r)
{
	static const struct flow_extra none = { 0 };
	if (!(r->is & FREC_EXTRA)) return &none;
	size_t i;
	const struct flow_sides *sd = sides_of(s, r, &i);
	size_t lo = 0, hi = sd->n_x; /* by index: added in order */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sd->x[mid].flow < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sd->n_x && sd->x[lo].flow == i ? &sd->x[lo] : &none;
}

const char *flowset_str(const struct flowset *s, uint32_t id) { return strpool_get(&s->names, id); }

const char *flowset_name(const struct flowset *s, const struct flowrec *r)
{
	return strpool_get(&s->names, r->name);
}

void flowset_annotate(struct flowset *s, const struct site_config *cfg, country_fn country, void *ctx)
{
	for (size_t i = 0; i < s->n; i++) flowrec_annotate(&s->v[i], cfg, country, ctx);
	for (size_t i = 0; i < s->n_det; i++) flowrec_annotate(&s->det[i], cfg, country, ctx);
}

void flowrec_annotate(struct flowrec *r, const struct site_config *cfg, country_fn country, void *ctx)
{
	r->where = (uint8_t)((site_is_internal(cfg, &r->src) ? FREC_SRC_INTERNAL : 0) |
			     (site_is_internal(cfg, &r->dst) ? FREC_DST_INTERNAL : 0));
	r->cc[0] = 0;
	const struct ipaddr *ext = !(r->where & FREC_DST_INTERNAL)   ? &r->dst
				   : !(r->where & FREC_SRC_INTERNAL) ? &r->src
								     : NULL;
	if (ext && country && !country(ctx, ext, r->cc)) r->cc[0] = 0;
}

/* A switch, not a loop over the ports: the rules ask it of every flow
 * several times an hour. */
bool flow_is_background(const struct flowrec *r)
{
	if (r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6) return true;
	if (r->app == FAPP_DNS) return true;
	if (r->proto != IPPROTO_UDP) return r->proto == IPPROTO_TCP && r->dport == 53;
	switch (r->dport) {
	case 53:
	case 67:
	case 68:
	case 123:
	case 137:
	case 138:
	case 546:
	case 547:
	case 1900:
	case 5353:
	case 5355: return true;
	default: return false;
	}
}

bool flow_is_continuation(const struct flowrec *r) { return r->is & FREC_CONTINUATION; }

bool flow_is_failed(const struct flowrec *r) { return r->is & FREC_FAILED; }

bool flow_is_encrypted(const struct flowrec *r) { return r->is & FREC_ENCRYPTED; }

static void add_name(char *names, size_t cap, const char *n)
{
	if (!n) return;
	size_t nl = strlen(n), len = strlen(names);
	for (const char *p = names; *p;) { /* already listed? */
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		if (l == nl && !memcmp(p, n, nl)) return;
		p += l + (comma != NULL);
	}
	if (len + nl + 2 > cap) return;
	if (len) names[len++] = ',';
	memcpy(names + len, n, nl + 1);
}

/* One internal side of a flow: its summary row's key is read through the
 * flow (8 bytes a side: an audit's millions of sides are sorted with a copy
 * as large beside them, while the rules run). */
struct side_ref {
	uint32_t flow;
	bool inbound;
	bool first; /* begins a row */
};

static const struct ipaddr *side_host(const struct flowset *s, const struct side_ref *x)
{
	return x->inbound ? &s->v[x->flow].dst : &s->v[x->flow].src;
}

static const struct ipaddr *side_peer(const struct flowset *s, const struct side_ref *x)
{
	return x->inbound ? &s->v[x->flow].src : &s->v[x->flow].dst;
}

static int64_t side_hour(const struct flowset *s, const struct side_ref *x)
{
	return (int64_t)(s->v[x->flow].start / 3600);
}

static int cmp_side(const void *pa, const void *pb, void *ctx)
{
	const struct flowset *s = ctx;
	const struct side_ref *a = pa, *b = pb;
	const struct flowrec *ra = &s->v[a->flow], *rb = &s->v[b->flow];
	int c = ipaddr_cmp(side_host(s, a), side_host(s, b));
	if (c) return c;
	int64_t ha = side_hour(s, a), hb = side_hour(s, b);
	if (ha != hb) return ha < hb ? -1 : 1;
	if ((c = ipaddr_cmp(side_peer(s, a), side_peer(s, b)))) return c;
	if (ra->dport != rb->dport) return ra->dport < rb->dport ? -1 : 1;
	if (ra->proto != rb->proto) return ra->proto < rb->proto ? -1 : 1;
	if (a->inbound != b->inbound) return (int)a->inbound - (int)b->inbound;
	return a->flow < b->flow ? -1 : a->flow > b->flow; /* the flows' order: names listed as they came */
}

static bool same_row(const struct flowset *s, const struct side_ref *a, const struct side_ref *b)
{
	const struct flowrec *ra = &s->v[a->flow], *rb = &s->v[b->flow];
	return ra->dport == rb->dport && ra->proto == rb->proto && a->inbound == b->inbound &&
	       side_hour(s, a) == side_hour(s, b) && !ipaddr_cmp(side_host(s, a), side_host(s, b)) &&
	       !ipaddr_cmp(side_peer(s, a), side_peer(s, b));
}

/* The sides in cmp_side's order by keys of their row (ranks of host and
 * peer, the hour from the first, port, protocol, way) and flow: false when
 * those do not fit in 128 bits. The keys are made in sv's own memory,
 * sorted, and read back into sides (16 bytes a side at the peak, as the
 * merge sort's copy was). */
_Static_assert(sizeof(struct sortkey) == 2 * sizeof(struct side_ref), "a key lies over two sides");
static bool sort_sides_by_key(const struct flowset *s, struct flow_hours_cursor *c)
{
	const struct addr_ranks *ar = c->ar;
	if (!c->n || !ar) return false;
	int64_t hmin = INT64_MAX, hmax = INT64_MIN;
	for (size_t k = 0; k < c->n; k++) {
		int64_t h = side_hour(s, &c->sv[k]);
		if (h < hmin) hmin = h;
		if (h > hmax) hmax = h;
	}
	unsigned rb = sortkey_bits(ar->n - 1), hb = sortkey_bits((uint64_t)hmax - (uint64_t)hmin);
	if (2 * rb + hb + 16 + 8 + 1 + 32 > 128) return false;
	/* the keys over the sides, each moved by memcpy (two types in one array) */
	unsigned char *buf = xrealloc(c->sv, (c->n + 1) * sizeof(struct sortkey));
	for (size_t k = c->n; k-- > 0;) { /* from the end: key k lies over sides 2k and 2k + 1 */
		struct side_ref x;
		memcpy(&x, buf + k * sizeof(x), sizeof(x));
		const struct flowrec *r = &s->v[x.flow];
		struct sortkey y = { 0, 0 };
		sortkey_push(&y, addr_rank(ar, side_host(s, &x)), rb);
		sortkey_push(&y, (uint64_t)(side_hour(s, &x) - hmin), hb);
		sortkey_push(&y, addr_rank(ar, side_peer(s, &x)), rb);
		sortkey_push(&y, r->dport, 16);
		sortkey_push(&y, r->proto, 8);
		sortkey_push(&y, x.inbound, 1);
		sortkey_push(&y, x.flow, 32);
		memcpy(buf + k * sizeof(y), &y, sizeof(y));
	}
	sortkeys((struct sortkey *)(void *)buf, c->n);
	/* read back from the front: side k lies below key k */
	struct sortkey prev = { 0, 0 };
	for (size_t k = 0; k < c->n; k++) {
		struct sortkey y;
		memcpy(&y, buf + k * sizeof(y), sizeof(y));
		bool first = !k || prev.hi != y.hi || prev.lo >> 32 != y.lo >> 32;
		struct side_ref x = { (uint32_t)y.lo, (y.lo >> 32 & 1) != 0, first };
		memcpy(buf + k * sizeof(x), &x, sizeof(x));
		prev = y;
	}
	c->sv = xrealloc(buf, (c->n + 1) * sizeof(struct side_ref));
	return true;
}

/* The block of hosts h falls in: splits[b - 1] <= h < splits[b]. */
static size_t host_block(const struct flow_hours_cursor *c, const struct ipaddr *h)
{
	size_t lo = 0, hi = c->n_splits;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ipaddr_cmp(&c->splits[mid], h) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Once for all blocks: the addresses' ranks (the sorts' keys) and the block
 * of each flow's sides, so a block's pass reads 2 bytes a flow, not the
 * flows (each block once read all 96 bytes of each and searched the splits). */
static void bucket_sides(struct flow_hours_cursor *c)
{
	const struct flowset *s = c->s;
	c->ranked = true;
	c->ar = xmalloc(sizeof(*c->ar));
	if (!addr_ranks_build(c->ar, s)) {
		free(c->ar);
		c->ar = NULL;
	}
	c->blk = xmalloc((s->n + 1) * sizeof(*c->blk));
	c->count = xcalloc(c->n_splits + 1, sizeof(*c->count));
	for (size_t i = 0; i < s->n; i++) {
		const struct flowrec *r = &s->v[i];
		size_t bs = 0xff, bd = 0xff;
		if (r->where & FREC_SRC_INTERNAL) c->count[bs = host_block(c, &r->src)]++;
		/* a port nobody got an answer from was not used: scans and refused tries */
		if ((r->where & FREC_DST_INTERNAL) && !flow_is_failed(r))
			c->count[bd = host_block(c, &r->dst)]++;
		c->blk[i][0] = (uint8_t)bs;
		c->blk[i][1] = (uint8_t)bd;
	}
}

static void drop_buckets(struct flow_hours_cursor *c)
{
	free(c->blk);
	free(c->count);
	if (c->ar) addr_ranks_release(c->ar);
	free(c->ar);
	c->blk = NULL;
	c->count = NULL;
	c->ar = NULL;
}

/* The sides of the next block of hosts that has any into c->sv, sorted
 * by their rows' keys; false when no block is left. */
static bool block_sides(struct flow_hours_cursor *c)
{
	const struct flowset *s = c->s;
	if (!c->ranked) bucket_sides(c);
	c->n = c->k = 0;
	for (; c->b <= c->n_splits && !c->n; c->b++) {
		size_t want = c->count[c->b];
		if (!want) continue;
		if (want + 1 > c->cap) c->sv = xrealloc(c->sv, (c->cap = want + 1) * sizeof(*c->sv));
		uint8_t b = (uint8_t)c->b;
		for (size_t i = 0; i < s->n && c->n < want; i++) {
			if (c->blk[i][0] == b) c->sv[c->n++] = (struct side_ref){ (uint32_t)i, false };
			if (c->blk[i][1] == b) c->sv[c->n++] = (struct side_ref){ (uint32_t)i, true };
		}
		if (sort_sides_by_key(s, c)) {
			c->cap = c->n + 1;
			continue;
		}
		qsort_r(c->sv, c->n, sizeof(*c->sv), cmp_side, (void *)s);
		for (size_t k = 0; k < c->n; k++)
			c->sv[k].first = !k || !same_row(s, &c->sv[k - 1], &c->sv[k]);
	}
	if (c->b > c->n_splits) drop_buckets(c); /* the last block is made: not needed while its rows are */
	return c->n > 0;
}

static int cmp_addr(const void *a, const void *b) { return ipaddr_cmp(a, b); }

void flowset_hours_open_blocks(const struct flowset *s, struct flow_hours_cursor *c, size_t per_block)
{
	/* each flow gives one side per internal end; the sides are sorted by
	 * their row's key and each run of equal keys becomes one row, made only
	 * when asked for (rows are large: the rows of millions of flows never
	 * exist at once). The hosts are cut into blocks of about per_block
	 * sides (split where a sample of the sides' hosts says) and one block
	 * is sorted at a time, so the rows still come in the store's key order
	 * (host first: an insert order by hour made SQLite's save 2.3 times
	 * slower) while the writer beside the rules holds one block's sides,
	 * not the 2 per flow, with qsort's copy, of the whole input. */
	*c = (struct flow_hours_cursor){ .s = s };
	size_t step = s->n / 4096 + 1, m = 0, sides = 0;
	struct ipaddr *sample = xmalloc((2 * (s->n / step) + 3) * sizeof(*sample));
	for (size_t i = 0; i < s->n; i++) {
		const struct flowrec *r = &s->v[i];
		size_t here = ((r->where & FREC_SRC_INTERNAL) != 0) + ((r->where & FREC_DST_INTERNAL) != 0);
		sides += here;
		if (i % step) continue;
		if (r->where & FREC_SRC_INTERNAL) sample[m++] = r->src;
		if (r->where & FREC_DST_INTERNAL) sample[m++] = r->dst;
	}
	size_t blocks = per_block ? sides / per_block + 1 : 1;
	if (blocks > 255) blocks = 255; /* a block's number in a byte; 0xff none */
	if (blocks > 1 && m) {
		qsort(sample, m, sizeof(*sample), cmp_addr);
		c->splits = xmalloc(blocks * sizeof(*c->splits));
		for (size_t b = 1; b < blocks; b++) {
			const struct ipaddr *at = &sample[b * m / blocks];
			if (!c->n_splits || ipaddr_cmp(&c->splits[c->n_splits - 1], at) < 0)
				c->splits[c->n_splits++] = *at;
		}
	}
	free(sample);
}

void flowset_hours_open(const struct flowset *s, struct flow_hours_cursor *c)
{
	flowset_hours_open_blocks(s, c, 512 * 1024);
}

size_t flowset_hours_next(void *ctx, struct flow_hour *buf, size_t cap)
{
	struct flow_hours_cursor *c = ctx;
	const struct flowset *s = c->s;
	size_t m = 0;
	struct flow_hour *d = NULL;
	for (;; c->k++) {
		while (c->k == c->n) {
			if (!block_sides(c)) return m;
			d = NULL; /* rows never span blocks: a row has one host */
		}
		size_t k = c->k;
		const struct side_ref *x = &c->sv[k];
		const struct flowrec *r = &s->v[x->flow];
		bool in = x->inbound;
		if (!d || x->first) {
			if (m == cap) break; /* the row of k begins the next call */
			/* each row is cleared as it is made: see flowset_hours */
			d = &buf[m++];
			c->rows++;
			memset(d, 0, sizeof(*d));
			d->hour = side_hour(s, x);
			d->host = *side_host(s, x);
			d->peer = *side_peer(s, x);
			d->port = r->dport;
			d->proto = r->proto;
			d->inbound = in;
			d->background = flow_is_background(r);
			d->peer_internal = (r->where & (in ? FREC_SRC_INTERNAL : FREC_DST_INTERNAL)) != 0;
		}
		d->flows++;
		d->bytes_up += in ? r->bytes_in : r->bytes_out;
		d->bytes_down += in ? r->bytes_out : r->bytes_in;
		const struct flow_pkts *p = &s->side.pk[x->flow];
		d->pkts_up += in ? p->in : p->out;
		d->pkts_down += in ? p->out : p->in;
		add_name(d->names, sizeof(d->names), flowset_name(s, r));
		if (!d->cc[0]) memcpy(d->cc, r->cc, 3);
	}
	return m;
}

void flowset_hours_close(struct flow_hours_cursor *c)
{
	free(c->sv);
	free(c->splits);
	drop_buckets(c);
	*c = (struct flow_hours_cursor){ 0 };
}

size_t flowset_hours(const struct flowset *s, struct flow_hour **ret)
{
	struct flow_hours_cursor c;
	flowset_hours_open(s, &c);
	/* not calloc: a row read before it is written would map the zero page
	 * first and fault again on the write (a TLB shootdown a page, as the
	 * rules run in the other thread); each row is cleared as it is made */
	size_t cap = 64, m = 0, got;
	struct flow_hour *v = xmalloc(cap * sizeof(*v));
	while ((got = flowset_hours_next(&c, v + m, cap - m))) {
		m += got;
		if (m == cap) v = xrealloc(v, (cap *= 2) * sizeof(*v));
	}
	flowset_hours_close(&c);
	*ret = v;
	return m;
}

void profile_begin(struct profile_acc *a, const struct site_config *cfg)
{
	*a = (struct profile_acc){ 0 };
	for (int h = 0; h < 24; h++) { /* a business day's hours, by the config's rules */
		int start = cfg->business_start, end = cfg->business_end, m = h * 60 + 30;
		a->p.business_hour[h] = start < end ? m >= start && m < end : m >= start || m < end;
	}
	a->cc = xcalloc(1, PROFILE_MAX_CC * sizeof(*a->cc)); /* distinct countries: a few hundred at most */
}

void profile_add(struct profile_acc *a, const struct site_config *cfg, double start, uint64_t bytes,
		 const char *cc)
{
	int wday, minute;
	a->p.present = true;
	site_local_time(cfg, start, &wday, &minute);
	a->p.bytes_by_hour[minute / 60] += bytes;
	a->p.flows_by_hour[minute / 60]++;
	if (!cc || !cc[0]) return;
	size_t k = 0;
	while (k < a->n_cc && memcmp(a->cc[k].cc, cc, 2)) k++;
	if (k == a->n_cc && a->n_cc < PROFILE_MAX_CC) memcpy(a->cc[a->n_cc++].cc, cc, 2);
	if (k < a->n_cc) {
		a->cc[k].bytes += bytes;
		a->cc[k].flows++;
	}
}

void profile_end(struct profile_acc *a, const struct site_config *cfg, struct traffic_profile *out)
{
	*out = a->p;
	__typeof__(a->cc) cc = a->cc;
	size_t n_cc = a->n_cc;
	/* largest first: selection is enough for a few dozen */
	for (size_t i = 0; i < n_cc; i++) {
		size_t best = i;
		for (size_t j = i + 1; j < n_cc; j++)
			if (cc[j].bytes > cc[best].bytes) best = j;
		if (best != i) {
			__typeof__(*cc) t = cc[i];
			cc[i] = cc[best];
			cc[best] = t;
		}
		if (i >= PROFILE_COUNTRIES) {
			out->other_country_bytes += cc[i].bytes;
			continue;
		}
		memcpy(out->countries[i].cc, cc[i].cc, 3);
		out->countries[i].bytes = cc[i].bytes;
		out->countries[i].flows = cc[i].flows;
		out->countries[i].home = site_is_home_country(cfg, cc[i].cc);
		out->n_countries++;
	}
	free(cc);
	a->cc = NULL;
}

void flowset_profile(const struct flowset *s, const struct site_config *cfg, struct traffic_profile *out)
{
	struct profile_acc a;
	profile_begin(&a, cfg);
	for (size_t i = 0; i < s->n; i++) {
		const struct flowrec *r = &s->v[i];
		profile_add(&a, cfg, r->start, r->bytes_out + r->bytes_in, r->cc);
	}
	profile_end(&a, cfg, out);
}
