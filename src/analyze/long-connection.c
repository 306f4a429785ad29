/* Rule long-connection: hours-long sessions between an internal host and an
 * external peer, and the total time a pair stayed connected over the
 * input. A session is one conversation (same addresses, ports and
 * protocol) with its records stitched back together: NetFlow and the pcap
 * flow table cut long conversations at their active and idle timeouts,
 * Zeek logs them whole. A pair is judged when one session lasts 4 h or
 * the pair's sessions cover 24 h in all. What the site does every day is
 * routine and reported at info for review: a peer (its name, else its
 * /24 or /48) the host held long sessions with on at least 5 days, or one
 * that 3 or more internal hosts hold long sessions with (a VPN gateway, a
 * jump host, a conferencing service). Otherwise medium; high when the
 * longest session reaches 12 h, or when it is to a foreign country and
 * mostly outside business hours. One finding per host, peer and port. */
#include "analyze/traffic-util.h"
#include "analyze/traffic-state.h"
#include "analyze/traffic-slots.h"
#include "base/strpool.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define STITCH_GAP 900.0     /* s between records of one conversation (idle timeouts of quiet shells) */
#define LONG_SESSION 14400.0 /* 4 h */
#define LONG_TOTAL 86400.0   /* 24 h over the input */
#define VERY_LONG 43200.0    /* 12 h */
#define ROUTINE_DAYS 5
#define ROUTINE_HOSTS 3
#define MIN_RECORD 60.0 /* records shorter than this do not make a session alone */

struct rec {
	uint32_t i;
	struct ipaddr host, peer;
	uint16_t port, sport;
	uint8_t proto;
};

static int cmp_rec(const void *pa, const void *pb, void *ctx)
{
	const struct flowset *fs = ctx;
	const struct rec *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (!c) c = ipaddr_cmp(&a->peer, &b->peer);
	if (!c) c = a->port != b->port ? (a->port < b->port ? -1 : 1) : 0;
	if (!c) c = a->proto != b->proto ? (a->proto < b->proto ? -1 : 1) : 0;
	if (!c) c = a->sport != b->sport ? (a->sport < b->sport ? -1 : 1) : 0;
	if (!c) c = fs->v[a->i].start < fs->v[b->i].start ? -1 : fs->v[a->i].start > fs->v[b->i].start;
	return c;
}

static bool same_pair(const struct rec *a, const struct rec *b)
{
	return !ipaddr_cmp(&a->host, &b->host) && !ipaddr_cmp(&a->peer, &b->peer) && a->port == b->port &&
	       a->proto == b->proto;
}

/* A peer without a name: its /24 or /48. */
static void net_key(const struct ipaddr *peer, char *out, size_t n)
{
	struct ipaddr a = *peer;
	if (a.family == AF_INET)
		a.v4 &= 0xffffff00u;
	else
		memset(a.v6.s6_addr + 6, 0, 10);
	ipaddr_fmt(&a, out + 2, n - 2);
	out[0] = 'a';
	out[1] = ':';
}

/* The peer as routine knows it: its name, else its network. */
static void peer_key(const struct flowset *fs, const struct flowrec *r, const struct ipaddr *peer, char *out,
		     size_t n)
{
	const char *name = flowset_name(fs, r);
	if (name) {
		snprintf(out, n, "n:%s", name);
		return;
	}
	net_key(peer, out, n);
}

struct pair {
	size_t lo, hi; /* its records in the sorted list */
	double longest, total, first, last, off_hours;
	uint64_t up, down;
	unsigned sessions, long_sessions;
	uint64_t days; /* bit per day of the input with a long session */
	char key[300];
	uint16_t port;
	bool judged;
};

/* Judged an hour at a time (in->state): the sessions still open at the
 * last hour's end, carried into the next (its records stitch onto them),
 * and per pair the closed sessions of the window, so a pair's time and
 * days add up across hours. Bounded by the pairs of the window (struct
 * long_state, traffic-slots.h, saved with the state). */
void long_state_free(void *p)
{
	struct long_state *ls = p;
	free(ls->open);
	free(ls->pairs);
	free(ls->seed);
	free(ls->reading);
	strpool_release(&ls->keys);
	free(ls);
}

static int cmp_pair_time(const void *pa, const void *pb)
{
	const struct pair_time *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (!c) c = ipaddr_cmp(&a->peer, &b->peer);
	if (!c) c = (a->port > b->port) - (a->port < b->port);
	if (!c) c = (a->proto > b->proto) - (a->proto < b->proto);
	return c;
}

static int cmp_open(const void *pa, const void *pb)
{
	const struct open_sess *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (!c) c = ipaddr_cmp(&a->peer, &b->peer);
	if (!c) c = (a->port > b->port) - (a->port < b->port);
	if (!c) c = (a->proto > b->proto) - (a->proto < b->proto);
	if (!c) c = (a->sport > b->sport) - (a->sport < b->sport);
	return c;
}

/* cmp_open without the source port: the pair's sessions are adjacent */
static int cmp_open_pair(const struct open_sess *a, const struct open_sess *b)
{
	struct open_sess x = *a;
	x.sport = b->sport;
	return cmp_open(&x, b);
}

/* The first of the state's open sessions (sorted by cmp_open, as kept and
 * saved) of k's pair: tens of thousands are open at a busy hour's end,
 * and each pair of the hour asks. */
static size_t open_first(const struct long_state *ls, const struct open_sess *k)
{
	size_t lo = 0, hi = ls->n_open;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_open_pair(&ls->open[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool candidate(const struct flowrec *r)
{
	if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP) return false;
	bool si = r->where & FREC_SRC_INTERNAL, di = r->where & FREC_DST_INTERNAL;
	return si != di && !flow_is_background(r) && !flow_is_failed(r);
}

/* What measure() leaves for the state: sessions open at the input's end,
 * and the closed ones added to their pair's time. */
struct carry {
	struct long_state *ls;
	struct open_sess *open;
	size_t n_open, cap_open;
	struct pair_time *closed;
	size_t n_closed, cap_closed;
	/* a session ending this close to the hour's end may go on in the next
	 * hour: the earlier of the hour's end (after its latest start) and its
	 * latest end, less STITCH_GAP. The latest end alone broke sessions cut
	 * into records (30 min) whose cut fell before another record's end. */
	double open_from;
};

static void carry_open(struct carry *c, const struct rec *x, uint32_t key, double s, double e, uint64_t up,
		       uint64_t down)
{
	if (c->n_open == c->cap_open) {
		c->cap_open = c->cap_open ? 2 * c->cap_open : 64;
		c->open = xrealloc(c->open, c->cap_open * sizeof(*c->open));
	}
	c->open[c->n_open++] =
	    (struct open_sess){ x->host, x->peer, x->port, x->sport, x->proto, false, key, s, e, up, down };
}

/* A closed session's time to its pair's (added to the state after the rule). */
static void carry_closed(struct carry *c, const struct rec *x, uint32_t key, double s, double e, uint64_t up,
			 uint64_t down, double off)
{
	if (c->n_closed == c->cap_closed) {
		c->cap_closed = c->cap_closed ? 2 * c->cap_closed : 64;
		c->closed = xrealloc(c->closed, c->cap_closed * sizeof(*c->closed));
	}
	double d = e - s;
	struct pair_time t = { .host = x->host,
			       .peer = x->peer,
			       .port = x->port,
			       .proto = x->proto,
			       .key = key,
			       .sessions = 1,
			       .long_sessions = d >= LONG_SESSION / 4,
			       .total = d,
			       .longest = d,
			       .first = s,
			       .last = e,
			       .off_hours = off,
			       .up = up,
			       .down = down };
	if (t.long_sessions) t.days[t.n_days++] = (int32_t)floor(s / 86400);
	c->closed[c->n_closed++] = t;
}

/* The session a conversation left open at the last input's end, if any. */
static struct open_sess *open_of(struct long_state *ls, const struct rec *x)
{
	if (!ls || !ls->n_open) return NULL;
	struct open_sess k = {
		.host = x->host, .peer = x->peer, .port = x->port, .sport = x->sport, .proto = x->proto
	};
	return bsearch(&k, ls->open, ls->n_open, sizeof(k), cmp_open);
}

/* Sessions of one pair: records of one source port stitched when the gap
 * is short (onto the session the conversation left open, with c). */
static void measure(const struct traffic_input *in, const struct rec *v, struct pair *p, struct carry *c,
		    uint32_t key)
{
	const struct flowset *fs = in->flows;
	for (size_t i = p->lo; i < p->hi;) {
		const struct flowrec *r = &fs->v[v[i].i];
		double s = r->start, e = r->end;
		uint64_t up = 0, down = 0;
		struct open_sess *o =
		    c && (i == p->lo || v[i - 1].sport != v[i].sport) ? open_of(c->ls, &v[i]) : NULL;
		if (o && !o->used && s <= o->e + STITCH_GAP) { /* the conversation goes on */
			o->used = true;
			s = o->s;
			e = fmax(e, o->e);
			up = o->up;
			down = o->down;
		}
		size_t j = i;
		for (; j < p->hi && v[j].sport == v[i].sport; j++) {
			const struct flowrec *x = &fs->v[v[j].i];
			if (x->start > e + STITCH_GAP) break;
			e = fmax(e, x->end);
			bool out = x->where & FREC_SRC_INTERNAL;
			up += out ? x->bytes_out : x->bytes_in;
			down += out ? x->bytes_in : x->bytes_out;
		}
		double d = e - s;
		const struct rec *x = &v[i];
		i = j;
		bool open = c && e >= c->open_from; /* may go on in the next hour */
		if (open) carry_open(c, x, key, s, e, up, down);
		if (d < MIN_RECORD) continue;
		p->sessions++;
		p->total += d;
		p->up += up;
		p->down += down;
		if (!p->first || s < p->first) p->first = s;
		p->last = fmax(p->last, e);
		if (d > p->longest) p->longest = d;
		if (d >= LONG_SESSION / 4) { /* an hour or more: counts for the days the pair is seen long */
			p->long_sessions++;
			/* judged an hour at a time: days since the epoch, modulo 64 (the
			 * window is 14 days) */
			int day = c ? (int)(((int64_t)floor(s / 86400) % 64 + 64) % 64)
				    : (int)floor((s - fs->first) / 86400);
			if (day >= 0 && day < 64) p->days |= 1ull << day;
		}
		double off = 0;
		for (double t = s; t < e; t += 900) /* time outside business hours, by quarter hours */
			if (!site_is_business_time(in->cfg, t)) off += fmin(900, e - t);
		p->off_hours += off;
		if (c && !open) carry_closed(c, x, key, s, e, up, down, off);
	}
}

static double off_hours_of(const struct traffic_input *in, double s, double e)
{
	double off = 0;
	for (double t = s; t < e; t += 900)
		if (!site_is_business_time(in->cfg, t)) off += fmin(900, e - t);
	return off;
}

static void add_time(struct pair *p, double s, double e, uint64_t up, uint64_t down, double off)
{
	double d = e - s;
	if (d < MIN_RECORD) return;
	p->sessions++;
	p->total += d;
	p->up += up;
	p->down += down;
	if (!p->first || s < p->first) p->first = s;
	p->last = fmax(p->last, e);
	p->longest = fmax(p->longest, d);
	p->off_hours += off;
	if (d >= LONG_SESSION / 4) {
		p->long_sessions++;
		p->days |= 1ull << (((int64_t)floor(s / 86400) % 64 + 64) % 64);
	}
}

/* The pair's time from the state: its closed sessions of the window, and
 * the sessions its other conversations left open and did not go on with
 * (closed now). */
static void add_state(const struct traffic_input *in, struct carry *c, const struct rec *x, struct pair *p)
{
	struct long_state *ls = c->ls;
	struct pair_time k = { .host = x->host, .peer = x->peer, .port = x->port, .proto = x->proto };
	const struct pair_time *t =
	    ls->n_pairs ? bsearch(&k, ls->pairs, ls->n_pairs, sizeof(k), cmp_pair_time) : NULL;
	if (t) {
		p->sessions += t->sessions;
		p->long_sessions += t->long_sessions;
		p->total += t->total;
		p->longest = fmax(p->longest, t->longest);
		if (!p->first || t->first < p->first) p->first = t->first;
		p->last = fmax(p->last, t->last);
		p->off_hours += t->off_hours;
		p->up += t->up;
		p->down += t->down;
		for (unsigned d = 0; d < t->n_days; d++) p->days |= 1ull << ((t->days[d] % 64 + 64) % 64);
	}
	struct open_sess ok = { .host = x->host, .peer = x->peer, .port = x->port, .proto = x->proto };
	for (size_t i = open_first(ls, &ok); i < ls->n_open && !cmp_open_pair(&ls->open[i], &ok); i++) {
		struct open_sess *o = &ls->open[i];
		if (o->used) continue;
		o->used = true;
		double off = off_hours_of(in, o->s, o->e);
		add_time(p, o->s, o->e, o->up, o->down, off);
		struct rec r = { .host = o->host,
				 .peer = o->peer,
				 .port = o->port,
				 .sport = o->sport,
				 .proto = o->proto };
		if (o->e - o->s >= MIN_RECORD) carry_closed(c, &r, o->key, o->s, o->e, o->up, o->down, off);
	}
}

/* Sorted pair times merged into one per pair, none last seen before
 * `before`; the new count. */
static size_t pairs_settle(struct long_state *ls, struct pair_time *v, size_t n, double before)
{
	if (n) qsort(v, n, sizeof(*v), cmp_pair_time);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		struct pair_time *x = &v[i];
		if (m && !cmp_pair_time(&v[m - 1], x)) {
			struct pair_time *y = &v[m - 1];
			y->sessions += x->sessions;
			y->long_sessions += x->long_sessions;
			y->total += x->total;
			y->longest = fmax(y->longest, x->longest);
			y->first = fmin(y->first, x->first);
			y->last = fmax(y->last, x->last);
			y->off_hours += x->off_hours;
			y->up += x->up;
			y->down += x->down;
			/* a name, once had, stays (see stream_key) */
			if (x->key && (!y->key || strpool_get(&ls->keys, y->key)[0] != 'n')) y->key = x->key;
			for (unsigned d = 0; d < x->n_days; d++) {
				bool have = false;
				for (unsigned q = 0; q < y->n_days && !have; q++)
					have = y->days[q] == x->days[d];
				if (!have && y->n_days < ARRAY_SIZE(y->days))
					y->days[y->n_days++] = x->days[d];
			}
			continue;
		}
		if (m && v[m - 1].last < before) m--; /* left the window */
		v[m++] = *x;
	}
	if (m && v[m - 1].last < before) m--;
	return m;
}

/* After the rule: the sessions left open that no pair of this hour took
 * closed, the closed ones added to their pairs, pairs of the window kept. */
static void long_state_update(const struct traffic_input *in, struct carry *c)
{
	struct long_state *ls = c->ls;
	for (size_t i = 0; i < ls->n_open; i++) {
		struct open_sess *o = &ls->open[i];
		if (o->used || o->e - o->s < MIN_RECORD) continue;
		struct rec r = { .host = o->host,
				 .peer = o->peer,
				 .port = o->port,
				 .sport = o->sport,
				 .proto = o->proto };
		carry_closed(c, &r, o->key, o->s, o->e, o->up, o->down, off_hours_of(in, o->s, o->e));
	}
	free(ls->open);
	ls->open = c->open;
	ls->n_open = c->n_open;
	if (ls->n_open) qsort(ls->open, ls->n_open, sizeof(*ls->open), cmp_open);
	if (ls->n_pairs + c->n_closed > ls->cap_pairs) {
		ls->cap_pairs = ls->n_pairs + c->n_closed + 64;
		ls->pairs = xrealloc(ls->pairs, ls->cap_pairs * sizeof(*ls->pairs));
	}
	if (c->n_closed) memcpy(ls->pairs + ls->n_pairs, c->closed, c->n_closed * sizeof(*c->closed));
	ls->n_pairs += c->n_closed;
	free(c->closed);
	if (ls->n_pairs) qsort(ls->pairs, ls->n_pairs, sizeof(*ls->pairs), cmp_pair_time);
	double before = in->flows->last - TRAFFIC_STATE_WINDOW;
	ls->n_pairs = pairs_settle(ls, ls->pairs, ls->n_pairs, before);
	ls->n_seed = pairs_settle(ls, ls->seed, ls->n_seed, before); /* sorted: only those left drop */
	/* the peers' keys still held, in a new pool when most have left */
	if (ls->keys.n > NAMES_COMPACT_MIN && ls->keys.n > 2 * (ls->n_pairs + ls->n_open + ls->n_seed)) {
		struct strpool fresh;
		strpool_init(&fresh);
		for (size_t i = 0; i < ls->n_pairs; i++)
			if (ls->pairs[i].key)
				ls->pairs[i].key =
				    strpool_add(&fresh, strpool_get(&ls->keys, ls->pairs[i].key));
		for (size_t i = 0; i < ls->n_open; i++)
			if (ls->open[i].key)
				ls->open[i].key =
				    strpool_add(&fresh, strpool_get(&ls->keys, ls->open[i].key));
		for (size_t i = 0; i < ls->n_seed; i++)
			if (ls->seed[i].key)
				ls->seed[i].key =
				    strpool_add(&fresh, strpool_get(&ls->keys, ls->seed[i].key));
		strpool_release(&ls->keys);
		ls->keys = fresh;
	}
}

/* --- a file's first reading (traffic_state_seed_flows) --- */

/* A conversation ending this close to the latest end read may go on in a
 * later part: a flow table gives a record out up to its active timeout
 * (30 min) and idle timeout after it began, Zeek at its end. */
#define SEED_OPEN 7200.0

static struct long_state *long_slot(struct traffic_state *s)
{
	void **slot = traffic_state_slot(s, TRAFFIC_SLOT_LONG, long_state_free);
	if (!*slot) {
		struct long_state *ls = xcalloc(1, sizeof(*ls));
		strpool_init(&ls->keys);
		*slot = ls;
	}
	return *slot;
}

static int cmp_seg(const void *pa, const void *pb)
{
	const struct seed_seg *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (!c) c = ipaddr_cmp(&a->peer, &b->peer);
	if (!c) c = (a->port > b->port) - (a->port < b->port);
	if (!c) c = (a->proto > b->proto) - (a->proto < b->proto);
	if (!c) c = (a->sport > b->sport) - (a->sport < b->sport);
	if (!c) c = (a->s > b->s) - (a->s < b->s);
	return c;
}

static bool same_conv(const struct seed_seg *a, const struct seed_seg *b)
{
	return !ipaddr_cmp(&a->host, &b->host) && !ipaddr_cmp(&a->peer, &b->peer) && a->port == b->port &&
	       a->proto == b->proto && a->sport == b->sport;
}

/* The conversations read stitched as measure() stitches them; those ending
 * before open_from closed, a long one (an hour or more) added to its
 * pair's seed. */
static void seed_stitch(struct long_state *ls, double open_from)
{
	struct seed_seg *v = ls->reading;
	size_t n = ls->n_reading, m = 0;
	if (n) qsort(v, n, sizeof(*v), cmp_seg);
	for (size_t i = 0; i < n;) {
		struct seed_seg x = v[i];
		size_t j = i + 1;
		for (; j < n && same_conv(&x, &v[j]) && v[j].s <= x.e + STITCH_GAP; j++) {
			x.e = fmax(x.e, v[j].e);
			if (!x.key) x.key = v[j].key;
		}
		i = j;
		if (x.e >= open_from) {
			v[m++] = x; /* m < j: what it overwrites was read */
			continue;
		}
		double d = x.e - x.s;
		if (d < LONG_SESSION / 4) continue;
		if (!x.key) {
			char key[300];
			net_key(&x.peer, key, sizeof(key));
			x.key = strpool_add(&ls->keys, key);
		}
		ls->seed = xrealloc(ls->seed, (ls->n_seed + 1) * sizeof(*ls->seed));
		struct pair_time t = { .host = x.host,
				       .peer = x.peer,
				       .port = x.port,
				       .proto = x.proto,
				       .key = x.key,
				       .sessions = 1,
				       .long_sessions = 1,
				       .total = d,
				       .longest = d,
				       .first = x.s,
				       .last = x.e,
				       .n_days = 1 };
		t.days[0] = (int32_t)floor(x.s / 86400);
		ls->seed[ls->n_seed++] = t;
	}
	ls->n_reading = m;
}

void long_seed_flows(struct traffic_state *s, const struct traffic_input *in)
{
	struct long_state *ls = long_slot(s);
	const struct flowset *fs = in->flows;
	size_t n = ls->n_reading;
	ls->reading = xrealloc(ls->reading, (n + fs->n + 1) * sizeof(*ls->reading));
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!candidate(r)) continue;
		bool out = r->where & FREC_SRC_INTERNAL;
		struct seed_seg x = { .host = out ? r->src : r->dst,
				      .peer = out ? r->dst : r->src,
				      .port = r->dport,
				      .sport = r->sport,
				      .proto = r->proto,
				      .s = r->start,
				      .e = r->end };
		const char *name = flowset_name(fs, r);
		if (name) {
			char key[300];
			snprintf(key, sizeof(key), "n:%s", name);
			x.key = strpool_add(&ls->keys, key);
		}
		ls->reading[n++] = x;
		ls->reading_clock = fmax(ls->reading_clock, r->end);
	}
	ls->n_reading = n;
	seed_stitch(ls, ls->reading_clock - SEED_OPEN);
}

void long_seed_end(struct traffic_state *s)
{
	struct long_state *ls = long_slot(s);
	seed_stitch(ls, INFINITY);
	free(ls->reading);
	ls->reading = NULL;
	ls->n_reading = 0;
	ls->n_seed = pairs_settle(ls, ls->seed, ls->n_seed, -INFINITY);
}

/* The pair's long sessions in the whole file, when a first reading gave them. */
static const struct pair_time *seed_of(const struct long_state *ls, const struct rec *x)
{
	struct pair_time k = { .host = x->host, .peer = x->peer, .port = x->port, .proto = x->proto };
	return ls->n_seed ? bsearch(&k, ls->seed, ls->n_seed, sizeof(k), cmp_pair_time) : NULL;
}

/* The peer's key on the stream: the name is on a session's first record
 * (its TLS hello), not on the records an exporter cut it into after, so
 * an hour holding only those takes the name the session or the pair had
 * (else the routine VPN's hosts were counted under two keys). */
static void stream_key(const struct carry *c, const struct flowset *fs, const struct rec *v, struct pair *p)
{
	for (size_t k = p->lo; k < p->hi; k++)
		if (flowset_name(fs, &fs->v[v[k].i])) {
			peer_key(fs, &fs->v[v[k].i], &v[k].peer, p->key, sizeof(p->key));
			return;
		}
	const struct long_state *ls = c->ls;
	const struct rec *x = &v[p->lo];
	const char *had = NULL;
	struct open_sess ok = { .host = x->host, .peer = x->peer, .port = x->port, .proto = x->proto };
	for (size_t k = open_first(ls, &ok); k < ls->n_open && !had && !cmp_open_pair(&ls->open[k], &ok); k++)
		if (ls->open[k].key) had = strpool_get(&ls->keys, ls->open[k].key);
	struct pair_time pk = { .host = x->host, .peer = x->peer, .port = x->port, .proto = x->proto };
	const struct pair_time *t =
	    !had && ls->n_pairs ? bsearch(&pk, ls->pairs, ls->n_pairs, sizeof(pk), cmp_pair_time) : NULL;
	if (t && t->key) had = strpool_get(&ls->keys, t->key);
	const struct pair_time *sd = !had || had[0] != 'n' ? seed_of(ls, x) : NULL;
	if (sd && sd->key && strpool_get(&ls->keys, sd->key)[0] == 'n') had = strpool_get(&ls->keys, sd->key);
	if (had && had[0] == 'n') {
		snprintf(p->key, sizeof(p->key), "%s", had);
		return;
	}
	peer_key(fs, &fs->v[v[p->lo].i], &x->peer, p->key, sizeof(p->key));
}

struct key_host {
	const char *key;
	struct ipaddr host;
};

static int cmp_key_host(const void *pa, const void *pb)
{
	const struct key_host *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	return c ? c : ipaddr_cmp(&a->host, &b->host);
}

static int cmp_key(const void *a, const void *b)
{
	const struct pair *x = *(struct pair *const *)a, *y = *(struct pair *const *)b;
	return strcmp(x->key, y->key);
}

int rule_long_connection(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	struct rec *v = xmalloc((fs->n + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!candidate(r)) continue;
		bool out_ = r->where & FREC_SRC_INTERNAL;
		v[n++] = (struct rec){ .i = (uint32_t)i,
				       .host = out_ ? r->src : r->dst,
				       .peer = out_ ? r->dst : r->src,
				       .port = r->dport,
				       .sport = r->sport,
				       .proto = r->proto };
	}
	qsort_r(v, n, sizeof(*v), cmp_rec, (void *)fs);
	struct carry cy = { 0 }, *c = NULL;
	if (in->state) {
		cy.ls = long_slot(in->state);
		double latest = fs->first;
		for (size_t k = 0; k < fs->n; k++) latest = fmax(latest, fs->v[k].start);
		cy.open_from = fmin(fs->last, floor(latest / 3600) * 3600 + 3600) - STITCH_GAP;
		c = &cy;
	}
	struct pair *pairs = NULL;
	size_t np = 0, cap = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && same_pair(&v[i], &v[j])) j++;
		struct pair p = { .lo = i, .hi = j, .port = v[i].port };
		uint32_t key = 0;
		if (c) {
			stream_key(c, fs, v, &p);
			key = strpool_add(&c->ls->keys, p.key);
		}
		measure(in, v, &p, c, key);
		if (c) add_state(in, c, &v[i], &p);
		const struct pair_time *sd = c ? seed_of(c->ls, &v[i]) : NULL;
		for (unsigned d = 0; sd && d < sd->n_days; d++) /* the file's days */
			p.days |= 1ull << ((sd->days[d] % 64 + 64) % 64);
		if (p.longest >= LONG_SESSION / 4) {
			if (!c) peer_key(fs, &fs->v[v[i].i], &v[i].peer, p.key, sizeof(p.key));
			if (np == cap) {
				cap = cap ? 2 * cap : 64;
				pairs = xrealloc(pairs, cap * sizeof(*pairs));
			}
			pairs[np++] = p;
		}
		i = j;
	}
	/* how many hosts hold long sessions with each peer: a shared one is the site's service */
	struct pair **by_key = xmalloc((np + 1) * sizeof(*by_key));
	for (size_t i = 0; i < np; i++) by_key[i] = &pairs[i];
	qsort(by_key, np, sizeof(*by_key), cmp_key);
	size_t *hosts = xcalloc(np + 1, sizeof(*hosts));
	for (size_t i = 0; i < np;) {
		size_t j = i + 1, distinct = 1;
		for (; j < np && !strcmp(by_key[i]->key, by_key[j]->key); j++)
			if (ipaddr_cmp(&v[by_key[j]->lo].host, &v[by_key[j - 1]->lo].host)) distinct++;
		for (size_t k = i; k < j; k++) hosts[by_key[k] - pairs] = distinct;
		i = j;
	}
	if (c && np) { /* with the window's other hosts holding long sessions with the peer */
		struct long_state *ls = c->ls;
		struct key_host *kh = xmalloc((np + ls->n_pairs + ls->n_open + ls->n_seed + 1) * sizeof(*kh));
		size_t nk = 0;
		for (size_t k = 0; k < np; k++)
			kh[nk++] = (struct key_host){ pairs[k].key, v[pairs[k].lo].host };
		for (size_t k = 0; k < ls->n_pairs; k++)
			if (ls->pairs[k].long_sessions && ls->pairs[k].key)
				kh[nk++] = (struct key_host){ strpool_get(&ls->keys, ls->pairs[k].key),
							      ls->pairs[k].host };
		/* and the sessions left open at the last hour's end: one that ended
		 * then is in no pair of this hour and not yet in ls->pairs (the
		 * routine VPN's last hour was judged without the hosts gone home) */
		for (size_t k = 0; k < ls->n_open; k++)
			if (ls->open[k].key && ls->open[k].e - ls->open[k].s >= LONG_SESSION / 4)
				kh[nk++] = (struct key_host){ strpool_get(&ls->keys, ls->open[k].key),
							      ls->open[k].host };
		for (size_t k = 0; k < ls->n_seed; k++) /* a file's hosts with the peer, first read */
			if (ls->seed[k].key)
				kh[nk++] = (struct key_host){ strpool_get(&ls->keys, ls->seed[k].key),
							      ls->seed[k].host };
		qsort(kh, nk, sizeof(*kh), cmp_key_host);
		for (size_t k = 0; k < np; k++) {
			size_t distinct = 0;
			for (size_t q = 0; q < nk; q++) /* the key's run, hosts in order */
				if (!strcmp(kh[q].key, pairs[k].key) &&
				    (!distinct || q == 0 || strcmp(kh[q - 1].key, kh[q].key) ||
				     ipaddr_cmp(&kh[q - 1].host, &kh[q].host)))
					distinct++;
			hosts[k] = distinct;
		}
		free(kh);
	}
	for (size_t k = 0; k < np; k++) {
		struct pair *p = &pairs[k];
		if (p->longest < LONG_SESSION && p->total < LONG_TOTAL) continue;
		const struct flowrec *r = &fs->v[v[p->lo].i];
		const struct rec *rv = &v[p->lo];
		unsigned days = (unsigned)__builtin_popcountll(p->days);
		bool routine = days >= ROUTINE_DAYS || hosts[k] >= ROUTINE_HOSTS;
		bool foreign = is_foreign(in, r);
		enum severity sev = SEV_MEDIUM;
		if (p->longest >= VERY_LONG || (foreign && p->off_hours > p->total / 2)) sev = SEV_HIGH;
		if (routine) sev = SEV_INFO;
		char host[IPADDR_STRLEN], peer[IPADDR_STRLEN], title[256], longest[32], total[32], rem[512];
		ipaddr_fmt(&rv->host, host, sizeof(host));
		ipaddr_fmt(&rv->peer, peer, sizeof(peer));
		fmt_duration(p->longest, longest, sizeof(longest));
		fmt_duration(p->total, total, sizeof(total));
		const char *name = flowset_name(fs, r);
		snprintf(title, sizeof(title), "%s session%s to %s port %u (longest %s, %s in all)%s",
			 p->sessions > 1 ? "Long" : "A long", p->sessions > 1 ? "s" : "", peer, p->port,
			 longest, total, routine ? ": routine, for review" : "");
		snprintf(
		    rem, sizeof(rem),
		    "Find what on %s holds the connection to %s (the process, the user); a remote shell, "
		    "tunnel or remote-access tool nobody approved should be stopped and the peer blocked. "
		    "If it is a known service, note it so the next audit reports it as routine.",
		    host, peer);
		struct buf b = BUF_INIT;
		buf_putc(&b, '{');
		ev_addr(&b, "peer", &rv->peer);
		ev_num(&b, "port", p->port);
		ev_str(&b, "proto", r->proto == IPPROTO_TCP ? "tcp" : "udp");
		ev_str(&b, "direction", r->where & FREC_SRC_INTERNAL ? "outbound" : "inbound");
		ev_str(&b, "name", name);
		ev_str(&b, "country", r->cc[0] ? r->cc : NULL);
		ev_num(&b, "sessions", p->sessions);
		ev_num(&b, "longest_seconds", round(p->longest));
		ev_num(&b, "total_seconds", round(p->total));
		ev_num(&b, "off_hours_seconds", round(p->off_hours));
		ev_num(&b, "bytes_out", (double)p->up);
		ev_num(&b, "bytes_in", (double)p->down);
		ev_num(&b, "days_with_long_sessions", days);
		ev_num(&b, "hosts_with_this_peer", (double)hosts[k]);
		ev_bool(&b, "routine", routine);
		ev_time(&b, "first", p->first);
		ev_time(&b, "last", p->last);
		add_host_finding(out, "long-connection", sev, p->longest, &rv->host, title, &b, rem, p->first,
				 p->last);
	}
	if (c) long_state_update(in, c);
	free(hosts);
	free(by_key);
	free(pairs);
	free(v);
	return 0;
}
