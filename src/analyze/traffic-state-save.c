/* The traffic state as bytes and back (traffic-state-save.h). Every
 * member is written as it is held (arrays in their order, pools in id
 * order), so the state read back is the one saved and the next hour is
 * judged as without the restart. The reader fails at the first thing out
 * of bounds, naming it and its byte. */
#include "analyze/traffic-state-save.h"
#include "analyze/traffic-slots.h"
#include "analyze/traffic-state-impl.h"
#include "base/util.h"
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "DMTS"
#define NAME_MAX_LEN 4096 /* longer than any name a flow carries */

/* --- writing --- */

static void put(struct buf *b, const void *p, size_t n) { buf_append(b, p, n); }

static void put_u8(struct buf *b, uint8_t v) { put(b, &v, 1); }

static void put_u16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	put(b, x, 2);
}

static void put_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4];
	for (int i = 0; i < 4; i++) x[i] = (uint8_t)(v >> (8 * i));
	put(b, x, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
	uint8_t x[8];
	for (int i = 0; i < 8; i++) x[i] = (uint8_t)(v >> (8 * i));
	put(b, x, 8);
}

static void put_f64(struct buf *b, double v)
{
	uint64_t u;
	memcpy(&u, &v, 8);
	put_u64(b, u);
}

static void put_ip(struct buf *b, const struct ipaddr *a)
{
	if (a->family == AF_INET) {
		put_u8(b, 4);
		put_u32(b, a->v4);
	} else if (a->family == AF_INET6) {
		put_u8(b, 6);
		put(b, a->v6.s6_addr, 16);
	} else {
		put_u8(b, 0); /* none: a destination named, a series' net */
	}
}

static void put_pool(struct buf *b, const struct strpool *p)
{
	put_u32(b, p->n);
	for (uint32_t id = 1; id <= p->n; id++) {
		const char *s = strpool_get(p, id);
		size_t n = strlen(s);
		put_u32(b, (uint32_t)n);
		put(b, s, n);
	}
}

static void put_cc(struct buf *b, const char cc[3]) { put(b, cc, 2); }

static void put_pair_times(struct buf *b, const struct pair_time *v, size_t n)
{
	put_u64(b, n);
	for (size_t i = 0; i < n; i++) {
		const struct pair_time *p = &v[i];
		put_ip(b, &p->host), put_ip(b, &p->peer);
		put_u16(b, p->port), put_u8(b, p->proto);
		put_u32(b, p->key), put_u32(b, p->sessions), put_u32(b, p->long_sessions);
		put_f64(b, p->total), put_f64(b, p->longest), put_f64(b, p->first), put_f64(b, p->last);
		put_f64(b, p->off_hours);
		put_u64(b, p->up), put_u64(b, p->down);
		put_u32(b, p->n_days);
		for (unsigned k = 0; k < p->n_days && k < 16; k++) put_u32(b, (uint32_t)p->days[k]);
	}
}

static void put_long(struct buf *b, const struct long_state *ls)
{
	put_pool(b, &ls->keys);
	put_u64(b, ls->n_open);
	for (size_t i = 0; i < ls->n_open; i++) {
		const struct open_sess *o = &ls->open[i];
		put_ip(b, &o->host), put_ip(b, &o->peer);
		put_u16(b, o->port), put_u16(b, o->sport);
		put_u8(b, o->proto), put_u8(b, o->used);
		put_u32(b, o->key);
		put_f64(b, o->s), put_f64(b, o->e);
		put_u64(b, o->up), put_u64(b, o->down);
	}
	put_pair_times(b, ls->pairs, ls->n_pairs);
	put_pair_times(b, ls->seed, ls->n_seed); /* ls->reading is empty once the first reading ends */
}

static void put_sched_days(struct buf *b, const struct sched_day *v, size_t n)
{
	put_u64(b, n);
	for (size_t i = 0; i < n; i++) {
		const struct sched_day *d = &v[i];
		put_ip(b, &d->host), put_ip(b, &d->net);
		put_u32(b, d->name), put_u16(b, d->dport);
		put_u64(b, (uint64_t)d->day), put_u32(b, (uint32_t)d->minute);
		put_u8(b, d->listed), put_u32(b, d->flows);
		put_f64(b, d->up), put_f64(b, d->down), put_f64(b, d->first), put_f64(b, d->last);
		put_cc(b, d->cc_first), put_cc(b, d->cc_last);
	}
}

static void put_sched(struct buf *b, const struct sched_state *ss)
{
	put_pool(b, &ss->names);
	put_sched_days(b, ss->v, ss->n);
	put_u64(b, ss->nh);
	for (size_t i = 0; i < ss->nh; i++) put_ip(b, &ss->h[i].host), put_u64(b, (uint64_t)ss->h[i].day);
	put_sched_days(b, ss->seed, ss->n_seed);
}

static void put_rot(struct buf *b, const struct rot_state *rs)
{
	put_u64(b, rs->n);
	for (size_t i = 0; i < rs->n; i++) {
		const struct flowrec *r = &rs->v[i];
		put_ip(b, &r->src), put_ip(b, &r->dst);
		put_f64(b, r->start), put_f64(b, r->end);
		put_u64(b, r->bytes_out), put_u64(b, r->bytes_in);
		put_u16(b, r->sport), put_u16(b, r->dport);
		put_u8(b, r->proto), put_u8(b, r->app), put_u8(b, r->where), put_u8(b, r->is);
		put_cc(b, r->cc);
		put_u8(b, rs->told[i]);
	}
	put_u64(b, rs->n_seed);
	for (size_t i = 0; i < rs->n_seed; i++)
		put_ip(b, &rs->seed[i].host), put_ip(b, &rs->seed[i].addr), put_u32(b, rs->seed[i].n),
		    put_f64(b, rs->seed[i].last);
}

int traffic_state_encode(const struct traffic_state *s, struct buf *b)
{
	b->max = TRAFFIC_STATE_SAVE_MAX;
	put(b, MAGIC, 4);
	put_u32(b, TRAFFIC_STATE_FORMAT);
	put_f64(b, s->window);
	put_u8(b, (uint8_t)(s->have_first | s->seeded << 1));
	put_u64(b, (uint64_t)s->first_day);
	put_f64(b, s->chat_since);
	put_pool(b, &s->names);
	put_u64(b, s->n);
	for (size_t i = 0; i < s->n; i++)
		put_u32(b, s->v[i].name), put_ip(b, &s->v[i].dst), put_ip(b, &s->v[i].src),
		    put_f64(b, s->v[i].last);
	put_u64(b, s->n_days), put_u64(b, s->n_sorted);
	for (size_t i = 0; i < s->n_days; i++) {
		const struct traffic_host_day *d = &s->days[i];
		put_ip(b, &d->host), put_u64(b, (uint64_t)d->day);
		put_f64(b, d->up), put_f64(b, d->first), put_f64(b, d->last), put_u8(b, d->high);
	}
	put_u64(b, s->n_beats), put_u64(b, s->n_beats_sorted);
	for (size_t i = 0; i < s->n_beats; i++) {
		const struct sbeat *x = &s->beats[i];
		put_ip(b, &x->src), put_ip(b, &x->dst), put_u32(b, x->name), put_u16(b, x->dport);
		put_f64(b, x->t), put_f64(b, x->up);
	}
	put_u64(b, s->n_chat), put_u64(b, s->n_chat_sorted);
	for (size_t i = 0; i < s->n_chat; i++) {
		const struct chat *c = &s->chat[i];
		put_ip(b, &c->host), put_u64(b, (uint64_t)c->day), put_f64(b, c->min), put_f64(b, c->max);
	}
	uint8_t mask = 0;
	for (int k = 0; k < TRAFFIC_SLOTS; k++) mask |= (uint8_t)((s->slot[k] != NULL) << k);
	put_u8(b, mask);
	if (s->slot[TRAFFIC_SLOT_LONG]) put_long(b, s->slot[TRAFFIC_SLOT_LONG]);
	if (s->slot[TRAFFIC_SLOT_SCHED]) put_sched(b, s->slot[TRAFFIC_SLOT_SCHED]);
	if (s->slot[TRAFFIC_SLOT_ROT]) put_rot(b, s->slot[TRAFFIC_SLOT_ROT]);
	return buf_error(b);
}

/* --- reading --- */

struct rd {
	const uint8_t *p;
	size_t n, off;
	const char *bad; /* what was wrong, at bad_off; NULL while all is well */
	size_t bad_off;
};

static bool fail_at(struct rd *r, const char *what)
{
	if (!r->bad) r->bad = what, r->bad_off = r->off;
	r->off = r->n; /* nothing more is read */
	return false;
}

static bool take(struct rd *r, void *out, size_t n, const char *what)
{
	if (r->bad || r->n - r->off < n) return fail_at(r, what);
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return true;
}

static uint8_t get_u8(struct rd *r, const char *what)
{
	uint8_t v = 0;
	take(r, &v, 1, what);
	return v;
}

static uint64_t get_le(struct rd *r, size_t n, const char *what)
{
	uint8_t x[8] = { 0 };
	uint64_t v = 0;
	if (!take(r, x, n, what)) return 0;
	for (size_t i = 0; i < n; i++) v |= (uint64_t)x[i] << (8 * i);
	return v;
}

static uint16_t get_u16(struct rd *r, const char *what) { return (uint16_t)get_le(r, 2, what); }
static uint32_t get_u32(struct rd *r, const char *what) { return (uint32_t)get_le(r, 4, what); }
static int64_t get_i64(struct rd *r, const char *what) { return (int64_t)get_le(r, 8, what); }

/* NaN is refused: the rules sort and compare these */
static double get_f64(struct rd *r, const char *what)
{
	uint64_t u = get_le(r, 8, what);
	double v;
	memcpy(&v, &u, 8);
	if (isnan(v)) {
		r->off -= 8;
		fail_at(r, what);
		return 0;
	}
	return v;
}

static struct ipaddr get_ip(struct rd *r, const char *what)
{
	struct ipaddr a = { 0 };
	switch (get_u8(r, what)) {
	case 0: break;
	case 4:
		a.family = AF_INET;
		a.v4 = get_u32(r, what);
		break;
	case 6:
		a.family = AF_INET6;
		take(r, a.v6.s6_addr, 16, what);
		break;
	default: r->off--; fail_at(r, what);
	}
	return a;
}

static void get_cc(struct rd *r, char cc[3], const char *what)
{
	take(r, cc, 2, what);
	cc[2] = 0;
	if (!cc[0]) cc[1] = 0;
}

/* A count of records of at least `least` bytes each: no more than what is
 * left can hold, so a damaged count never allocates beyond the input. */
static size_t get_count(struct rd *r, size_t least, const char *what)
{
	uint64_t v = get_le(r, 8, what);
	if (!r->bad && v > (r->n - r->off) / least) {
		r->off -= 8;
		fail_at(r, what);
		return 0;
	}
	return (size_t)v;
}

/* A pool written in id order, read back with the same ids. */
static void get_pool(struct rd *r, struct strpool *p, const char *what)
{
	uint32_t n = get_u32(r, what);
	if (!r->bad && n > (r->n - r->off) / 5) {
		r->off -= 4;
		fail_at(r, what);
		return;
	}
	char s[NAME_MAX_LEN + 1];
	for (uint32_t id = 1; id <= n && !r->bad; id++) {
		size_t at = r->off;
		uint32_t len = get_u32(r, what);
		if (!len || len > NAME_MAX_LEN || !take(r, s, len, what)) {
			r->off = at;
			fail_at(r, what);
			return;
		}
		s[len] = 0;
		if (strlen(s) != len || strpool_add(p, s) != id) { /* a NUL inside, or a name twice */
			r->off = at;
			fail_at(r, what);
		}
	}
}

/* A name id of a record: 0 or one the pool holds. */
static uint32_t get_id(struct rd *r, const struct strpool *p, const char *what)
{
	uint32_t v = get_u32(r, what);
	if (v > p->n) {
		r->off -= 4;
		fail_at(r, what);
		return 0;
	}
	return v;
}

/* An array of n records of sz bytes (none: NULL). */
static void *get_array(size_t n, size_t sz) { return n ? xcalloc(n, sz) : NULL; }

static struct pair_time *get_pair_times(struct rd *r, const struct strpool *keys, size_t *n,
					const char *count, const char *w)
{
	*n = get_count(r, 77, count);
	struct pair_time *v = get_array(*n, sizeof(*v));
	for (size_t i = 0; i < *n && !r->bad; i++) {
		struct pair_time *p = &v[i];
		p->host = get_ip(r, w), p->peer = get_ip(r, w);
		p->port = get_u16(r, w), p->proto = get_u8(r, w);
		p->key = get_id(r, keys, w);
		p->sessions = get_u32(r, w), p->long_sessions = get_u32(r, w);
		p->total = get_f64(r, w), p->longest = get_f64(r, w), p->first = get_f64(r, w);
		p->last = get_f64(r, w), p->off_hours = get_f64(r, w);
		p->up = get_le(r, 8, w), p->down = get_le(r, 8, w);
		p->n_days = get_u32(r, w);
		if (p->n_days > 16) {
			r->off -= 4;
			fail_at(r, "a pair's days (more than 16)");
		}
		for (unsigned k = 0; k < p->n_days && !r->bad; k++) p->days[k] = (int32_t)get_u32(r, w);
	}
	return v;
}

static struct long_state *get_long(struct rd *r)
{
	struct long_state *ls = xcalloc(1, sizeof(*ls));
	strpool_init(&ls->keys);
	get_pool(r, &ls->keys, "long-connection's peers");
	ls->n_open = get_count(r, 40, "long-connection's open sessions");
	ls->open = get_array(ls->n_open, sizeof(*ls->open));
	for (size_t i = 0; i < ls->n_open && !r->bad; i++) {
		struct open_sess *o = &ls->open[i];
		const char *w = "an open session";
		o->host = get_ip(r, w), o->peer = get_ip(r, w);
		o->port = get_u16(r, w), o->sport = get_u16(r, w);
		o->proto = get_u8(r, w), o->used = get_u8(r, w) != 0;
		o->key = get_id(r, &ls->keys, w);
		o->s = get_f64(r, w), o->e = get_f64(r, w);
		o->up = get_le(r, 8, w), o->down = get_le(r, 8, w);
	}
	ls->pairs = get_pair_times(r, &ls->keys, &ls->n_pairs, "long-connection's pairs", "a pair's time");
	ls->cap_pairs = ls->n_pairs;
	ls->seed = get_pair_times(r, &ls->keys, &ls->n_seed, "long-connection's pairs of a first reading",
				  "a pair of a first reading");
	return ls;
}

static struct sched_day *get_sched_days(struct rd *r, const struct strpool *names, size_t *n,
					const char *count, const char *w)
{
	*n = get_count(r, 60, count);
	struct sched_day *v = get_array(*n, sizeof(*v));
	for (size_t i = 0; i < *n && !r->bad; i++) {
		struct sched_day *d = &v[i];
		d->host = get_ip(r, w), d->net = get_ip(r, w);
		d->name = get_id(r, names, w), d->dport = get_u16(r, w);
		d->day = get_i64(r, w), d->minute = (int)get_u32(r, w);
		d->listed = get_u8(r, w) != 0, d->flows = get_u32(r, w);
		d->up = get_f64(r, w), d->down = get_f64(r, w), d->first = get_f64(r, w),
		d->last = get_f64(r, w);
		get_cc(r, d->cc_first, w), get_cc(r, d->cc_last, w);
	}
	return v;
}

static struct sched_state *get_sched(struct rd *r)
{
	struct sched_state *ss = xcalloc(1, sizeof(*ss));
	strpool_init(&ss->names);
	get_pool(r, &ss->names, "scheduled-transfer's names");
	ss->v = get_sched_days(r, &ss->names, &ss->n, "scheduled-transfer's days", "a series' day");
	ss->cap = ss->n;
	ss->nh = ss->caph = get_count(r, 9, "scheduled-transfer's host-days");
	ss->h = get_array(ss->nh, sizeof(*ss->h));
	for (size_t i = 0; i < ss->nh && !r->bad; i++)
		ss->h[i].host = get_ip(r, "a host's day"), ss->h[i].day = get_i64(r, "a host's day");
	ss->seed = get_sched_days(r, &ss->names, &ss->n_seed, "scheduled-transfer's days of a first reading",
				  "a series' day of a first reading");
	ss->cap_seed = ss->n_seed;
	return ss;
}

static struct rot_state *get_rot(struct rd *r)
{
	struct rot_state *rs = xcalloc(1, sizeof(*rs));
	rs->n = rs->cap = get_count(r, 45, "rotating-destinations' sessions");
	rs->v = get_array(rs->n, sizeof(*rs->v));
	rs->told = get_array(rs->n, sizeof(*rs->told));
	for (size_t i = 0; i < rs->n && !r->bad; i++) {
		struct flowrec *f = &rs->v[i];
		const char *w = "a session of the day";
		f->src = get_ip(r, w), f->dst = get_ip(r, w);
		f->start = get_f64(r, w), f->end = get_f64(r, w);
		f->bytes_out = get_le(r, 8, w), f->bytes_in = get_le(r, 8, w);
		f->sport = get_u16(r, w), f->dport = get_u16(r, w);
		f->proto = get_u8(r, w), f->app = get_u8(r, w), f->where = get_u8(r, w);
		f->is = (uint8_t)(get_u8(r, w) & ~FREC_EXTRA); /* no side records: none is kept */
		get_cc(r, f->cc, w);
		rs->told[i] = get_u8(r, w) != 0;
	}
	rs->n_seed = rs->cap_seed = get_count(r, 14, "rotating-destinations' pairs of a first reading");
	rs->seed = get_array(rs->n_seed, sizeof(*rs->seed));
	for (size_t i = 0; i < rs->n_seed && !r->bad; i++) {
		const char *w = "a pair of a first reading";
		struct rot_pair *p = &rs->seed[i];
		size_t at = r->off;
		p->host = get_ip(r, w), p->addr = get_ip(r, w), p->n = get_u32(r, w), p->last = get_f64(r, w);
		/* sorted, once each, as the rule searches them */
		if (!r->bad && i && rot_pair_cmp(&rs->seed[i - 1], p) >= 0) r->off = at, fail_at(r, w);
	}
	return rs;
}

/* A sorted prefix no longer than its array. */
static size_t get_sorted(struct rd *r, size_t n, const char *what)
{
	uint64_t v = get_le(r, 8, what);
	if (v > n) {
		r->off -= 8;
		fail_at(r, what);
		return 0;
	}
	return (size_t)v;
}

static void read_state(struct rd *r, struct traffic_state *s)
{
	s->window = get_f64(r, "the window");
	if (!r->bad && !(s->window > 0)) r->off -= 8, fail_at(r, "the window");
	uint8_t flags = get_u8(r, "the flags");
	s->have_first = flags & 1, s->seeded = flags & 2;
	s->first_day = get_i64(r, "the first day");
	s->chat_since = get_f64(r, "the first hour");
	get_pool(r, &s->names, "the destinations' names");
	s->n = s->cap = get_count(r, 14, "the pairs");
	s->v = get_array(s->n, sizeof(*s->v));
	for (size_t i = 0; i < s->n && !r->bad; i++) {
		struct pair *p = &s->v[i];
		p->name = get_id(r, &s->names, "a pair");
		p->dst = get_ip(r, "a pair"), p->src = get_ip(r, "a pair");
		p->last = get_f64(r, "a pair");
	}
	s->n_days = s->cap_days = get_count(r, 34, "the host-days");
	s->n_sorted = get_sorted(r, s->n_days, "the host-days sorted");
	s->days = get_array(s->n_days, sizeof(*s->days));
	for (size_t i = 0; i < s->n_days && !r->bad; i++) {
		struct traffic_host_day *d = &s->days[i];
		d->host = get_ip(r, "a host-day"), d->day = get_i64(r, "a host-day");
		d->up = get_f64(r, "a host-day"), d->first = get_f64(r, "a host-day");
		d->last = get_f64(r, "a host-day"), d->high = get_u8(r, "a host-day") != 0;
	}
	s->n_beats = s->cap_beats = get_count(r, 24, "the beats");
	s->n_beats_sorted = get_sorted(r, s->n_beats, "the beats sorted");
	s->beats = get_array(s->n_beats, sizeof(*s->beats));
	for (size_t i = 0; i < s->n_beats && !r->bad; i++) {
		struct sbeat *x = &s->beats[i];
		x->src = get_ip(r, "a beat"), x->dst = get_ip(r, "a beat");
		x->name = get_id(r, &s->names, "a beat"), x->dport = get_u16(r, "a beat");
		x->t = get_f64(r, "a beat"), x->up = get_f64(r, "a beat");
	}
	s->n_chat = s->cap_chat = get_count(r, 25, "the chatter");
	s->n_chat_sorted = get_sorted(r, s->n_chat, "the chatter sorted");
	s->chat = get_array(s->n_chat, sizeof(*s->chat));
	for (size_t i = 0; i < s->n_chat && !r->bad; i++) {
		struct chat *c = &s->chat[i];
		c->host = get_ip(r, "a host's chatter"), c->day = get_i64(r, "a host's chatter");
		c->min = get_f64(r, "a host's chatter"), c->max = get_f64(r, "a host's chatter");
	}
	uint8_t mask = get_u8(r, "the rules' slots");
	if (mask >> TRAFFIC_SLOTS) r->off--, fail_at(r, "the rules' slots");
	/* a slot is the state's from here (freed with it), whole or not */
	if (mask & 1 << TRAFFIC_SLOT_LONG && !r->bad)
		*traffic_state_slot(s, TRAFFIC_SLOT_LONG, long_state_free) = get_long(r);
	if (mask & 1 << TRAFFIC_SLOT_SCHED && !r->bad)
		*traffic_state_slot(s, TRAFFIC_SLOT_SCHED, sched_state_free) = get_sched(r);
	if (mask & 1 << TRAFFIC_SLOT_ROT && !r->bad)
		*traffic_state_slot(s, TRAFFIC_SLOT_ROT, rot_state_free) = get_rot(r);
	if (!r->bad && r->off != r->n) fail_at(r, "bytes after the end");
}

int traffic_state_format(const void *p, size_t n)
{
	if (n < 8 || memcmp(p, MAGIC, 4)) return 0;
	struct rd r = { p, n, 4, NULL, 0 };
	return (int)get_u32(&r, "the format");
}

int traffic_state_decode(const void *p, size_t n, struct traffic_state **ret, struct dm_err *e)
{
	*ret = NULL;
	if (n > TRAFFIC_STATE_SAVE_MAX)
		return dm_fail(e, DM_EINPUT, "%zu bytes, more than a state may hold (%zu byte bound)", n,
			       TRAFFIC_STATE_SAVE_MAX);
	int f = traffic_state_format(p, n);
	if (!f) return dm_fail(e, DM_EINPUT, "not a saved traffic state (byte 0)");
	if (f != TRAFFIC_STATE_FORMAT)
		return dm_fail(e, DM_EINPUT, "format %d (byte 4), this dormant reads %d", f,
			       TRAFFIC_STATE_FORMAT);
	struct rd r = { p, n, 8, NULL, 0 };
	struct traffic_state *s = traffic_state_new(TRAFFIC_STATE_WINDOW);
	read_state(&r, s);
	if (r.bad) {
		traffic_state_free(s);
		return dm_fail(e, DM_EINPUT, "damaged at byte %zu of %zu: %s", r.bad_off, n, r.bad);
	}
	*ret = s;
	return 0;
}
