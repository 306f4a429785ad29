/* The traffic rules' state across judged windows (traffic-state.h): the
 * (destination, host) pairs of the window, one sorted array merged with
 * each window's pairs; names in a pool of the state's own, rebuilt when
 * most of its names have left the window. */
#include "analyze/traffic-state.h"
#include "analyze/traffic-state-impl.h"
#include "analyze/traffic-recent.h"
#include "base/sort-appended.h"
#include "analyze/traffic-slots.h"
#include "analyze/traffic-util.h"
#include "base/strpool.h"
#include "base/util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct traffic_state *traffic_state_new(double window)
{
	struct traffic_state *s = xcalloc(1, sizeof(*s));
	s->window = window;
	s->chat_since = INFINITY;
	strpool_init(&s->names);
	return s;
}

void traffic_state_free(struct traffic_state *s)
{
	if (!s) return;
	free(s->v);
	free(s->days);
	free(s->beats);
	free(s->chat);
	for (int k = 0; k < TRAFFIC_SLOTS; k++)
		if (s->slot[k] && s->slot_free[k]) s->slot_free[k](s->slot[k]);
	strpool_release(&s->names);
	free(s);
}

size_t traffic_state_pairs(const struct traffic_state *s) { return s ? s->n : 0; }

void **traffic_state_slot(struct traffic_state *s, enum traffic_slot k, void (*free_fn)(void *))
{
	s->slot_free[k] = free_fn;
	return &s->slot[k];
}

static int cmp_day(const void *pa, const void *pb)
{
	const struct traffic_host_day *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	return c ? c : (a->day > b->day) - (a->day < b->day);
}

/* The first of host's sorted days (n_sorted when none). */
static size_t days_lower(const struct traffic_state *s, const struct ipaddr *host)
{
	size_t lo = 0, hi = s->n_sorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ipaddr_cmp(&s->days[mid].host, host) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t traffic_state_host_days(const struct traffic_state *s, const struct ipaddr *host,
			       const struct traffic_host_day **ret)
{
	size_t lo = days_lower(s, host), k = 0;
	while (lo + k < s->n_sorted && !ipaddr_cmp(&s->days[lo + k].host, host)) k++;
	*ret = s->days ? s->days + lo : NULL; /* none held yet: no array */
	return k;
}

void traffic_state_day_add(struct traffic_state *s, const struct traffic_host_day *d)
{
	for (size_t i = days_lower(s, &d->host); i < s->n_sorted && !ipaddr_cmp(&s->days[i].host, &d->host);
	     i++) {
		struct traffic_host_day *x = &s->days[i];
		if (x->day != d->day) continue;
		x->up += d->up;
		x->high |= d->high;
		if (d->first < x->first) x->first = d->first;
		if (d->last > x->last) x->last = d->last;
		return;
	}
	if (s->n_days == s->cap_days) {
		s->cap_days = s->cap_days ? 2 * s->cap_days : 256;
		s->days = xrealloc(s->days, s->cap_days * sizeof(*s->days));
	}
	s->days[s->n_days++] = *d;
}

int64_t traffic_state_first_day(struct traffic_state *s, int64_t day)
{
	if (!s->have_first || day < s->first_day) s->first_day = day, s->have_first = true;
	return s->first_day;
}

static int cmp_pair(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	int c = ipaddr_cmp(&a->dst, &b->dst);
	return c ? c : ipaddr_cmp(&a->src, &b->src);
}

/* The names still held, in a new pool: the old one only grows. */
static int cmp_sbeat_key(const struct sbeat *a, const struct sbeat *b)
{
	int c = ipaddr_cmp(&a->src, &b->src);
	if (c) return c;
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	if ((c = ipaddr_cmp(&a->dst, &b->dst))) return c;
	return (a->dport > b->dport) - (a->dport < b->dport);
}

static int cmp_sbeat(const void *pa, const void *pb)
{
	const struct sbeat *a = pa, *b = pb;
	int c = cmp_sbeat_key(a, b);
	return c ? c : (a->t > b->t) - (a->t < b->t);
}

static void names_compact(struct traffic_state *s)
{
	struct strpool fresh;
	strpool_init(&fresh);
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].name) s->v[i].name = strpool_add(&fresh, strpool_get(&s->names, s->v[i].name));
	for (size_t i = 0; i < s->n_beats; i++)
		if (s->beats[i].name)
			s->beats[i].name = strpool_add(&fresh, strpool_get(&s->names, s->beats[i].name));
	strpool_release(&s->names);
	s->names = fresh;
}

static void pair_add(struct traffic_state *s, const struct pair *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = *p;
}

/* The pairs sorted, one per (destination, host), none last seen before
 * `before`. True when the names were made anew (the beats' order by name
 * id is then not kept). */
static bool pairs_settle(struct traffic_state *s, double before)
{
	sort_appended(s->v, s->n, s->n_pairs_sorted, sizeof(*s->v), cmp_pair);
	size_t m = 0, named = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (m && !cmp_pair(&s->v[m - 1], &s->v[i])) {
			if (s->v[i].last > s->v[m - 1].last) s->v[m - 1].last = s->v[i].last;
			continue;
		}
		if (m && s->v[m - 1].last < before) m--; /* the one before left the window */
		s->v[m++] = s->v[i];
	}
	if (m && s->v[m - 1].last < before) m--;
	s->n = s->n_pairs_sorted = m;
	for (size_t i = 0; i < m; i++) named += s->v[i].name && (!i || s->v[i].name != s->v[i - 1].name);
	if (s->names.n <= NAMES_COMPACT_MIN || s->names.n <= 2 * named) return false;
	names_compact(s); /* the pairs' ids given in their order: still sorted */
	return true;
}

static int cmp_chat(const void *pa, const void *pb)
{
	const struct chat *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	return c ? c : (a->day > b->day) - (a->day < b->day);
}

/* A host's chatter at t, merged into the host-day added last when rc
 * remembers it (as the sort would merge them). */
static void chat_add(struct traffic_state *s, struct traffic_recent *rc, const struct ipaddr *host, double t)
{
	struct chat c = { *host, (int64_t)floor(t / 86400), t, t };
	uint32_t *at =
	    traffic_recent_slot(rc, traffic_recent_mix(traffic_recent_addr(0, host), (uint64_t)c.day));
	if (*at && !cmp_chat(&s->chat[*at - 1], &c)) {
		struct chat *x = &s->chat[*at - 1];
		x->min = fmin(x->min, t), x->max = fmax(x->max, t);
		return;
	}
	if (s->n_chat == s->cap_chat) {
		s->cap_chat = s->cap_chat ? 2 * s->cap_chat : 1024;
		s->chat = xrealloc(s->chat, s->cap_chat * sizeof(*s->chat));
	}
	if (s->n_chat < UINT32_MAX) *at = (uint32_t)s->n_chat + 1;
	s->chat[s->n_chat++] = c;
}

/* The hour's chatter merged into the host-days; days before the hosts'
 * silence window and a day dropped. */
static void chat_update(struct traffic_state *s, const struct traffic_input *in)
{
	const struct flowset *fs = in->flows;
	/* from the hour of the first flows: the store's summaries (a silence's
	 * start when the host was not seen) begin at its start */
	if (fs->n && s->chat_since == INFINITY) s->chat_since = floor(fs->first / 3600) * 3600;
	struct traffic_recent rc;
	traffic_recent_init(&rc, fs->n);
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!flow_is_background(r)) continue;
		if (r->where & FREC_SRC_INTERNAL) chat_add(s, &rc, &r->src, r->start);
		if (r->where & FREC_DST_INTERNAL) chat_add(s, &rc, &r->dst, r->start);
	}
	traffic_recent_release(&rc);
	sort_appended(s->chat, s->n_chat, s->n_chat_sorted, sizeof(*s->chat), cmp_chat);
	double before = fs->last - (in->cfg->window_days + 1) * 86400;
	size_t m = 0;
	for (size_t i = 0; i < s->n_chat; i++) {
		struct chat *c = &s->chat[i];
		if (m && !cmp_chat(&s->chat[m - 1], c)) {
			struct chat *x = &s->chat[m - 1];
			x->min = fmin(x->min, c->min), x->max = fmax(x->max, c->max);
			continue;
		}
		if (m && s->chat[m - 1].max < before) m--;
		s->chat[m++] = *c;
	}
	if (m && s->chat[m - 1].max < before) m--;
	s->n_chat = s->n_chat_sorted = m;
}

bool traffic_state_chatter(const struct traffic_state *s, const struct ipaddr *host, double after,
			   double before)
{
	if (after < s->chat_since) return true;
	size_t lo = 0, hi = s->n_chat_sorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ipaddr_cmp(&s->chat[mid].host, host) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* a silence is days long: a day within it has its first or last
	 * chatter within it when it has any */
	for (; lo < s->n_chat_sorted && !ipaddr_cmp(&s->chat[lo].host, host); lo++) {
		const struct chat *c = &s->chat[lo];
		if ((c->min > after && c->min < before) || (c->max > after && c->max < before)) return true;
	}
	return false;
}

/* The outbound pairs of in's flows added (not yet settled); a pair
 * repeated within them is added once, with its latest start (as the
 * settle merges it). */
static void pairs_of(struct traffic_state *s, const struct traffic_input *in)
{
	const struct flowset *fs = in->flows;
	struct traffic_recent rc;
	traffic_recent_init(&rc, fs->n);
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!is_outbound_external(in, r) || flow_is_background(r)) continue;
		struct pair p = { .src = r->src, .last = r->start };
		p.name = r->name ? strpool_add(&s->names, flowset_str(fs, r->name)) : 0;
		if (!p.name) p.dst = r->dst; /* a named destination is its name, whatever its address */
		uint32_t *at = traffic_recent_slot(
		    &rc, traffic_recent_addr(traffic_recent_addr(p.name, &p.dst), &p.src));
		if (*at && !cmp_pair(&s->v[*at - 1], &p)) {
			if (p.last > s->v[*at - 1].last) s->v[*at - 1].last = p.last;
			continue;
		}
		if (s->n < UINT32_MAX) *at = (uint32_t)s->n + 1;
		pair_add(s, &p);
	}
	traffic_recent_release(&rc);
}

void traffic_state_seed_flows(struct traffic_state *s, const struct traffic_input *in)
{
	s->seeded = true;
	pairs_of(s, in);
	pairs_settle(s, -INFINITY); /* one per pair; none leaves before the hours judged move on */
	long_seed_flows(s, in);
	sched_seed_flows(s, in);
	rot_seed_flows(s, in);
}

void traffic_state_seed_end(struct traffic_state *s)
{
	long_seed_end(s);
	sched_seed_end(s);
	rot_seed_end(s);
}

void traffic_state_update(struct traffic_state *s, const struct traffic_input *in)
{
	chat_update(s, in);
	const struct flowset *fs = in->flows;
	s->seeded = true; /* what the store holds from here on, the state has */
	pairs_of(s, in);
	double before = fs->last - s->window;
	bool renamed = pairs_settle(s, before);
	/* the beats: the added ones sorted in, the latest TRAFFIC_STATE_BEATS
	 * of each series within their window kept */
	sort_appended(s->beats, s->n_beats, renamed ? 0 : s->n_beats_sorted, sizeof(*s->beats), cmp_sbeat);
	size_t mb = 0;
	for (size_t i = 0; i < s->n_beats;) {
		size_t e = i + 1;
		while (e < s->n_beats && !cmp_sbeat_key(&s->beats[i], &s->beats[e])) e++;
		size_t k = i;
		while (k < e && s->beats[k].t < fs->last - TRAFFIC_STATE_BEAT_WINDOW) k++;
		if (e - k > TRAFFIC_STATE_BEATS) k = e - TRAFFIC_STATE_BEATS;
		while (k < e) s->beats[mb++] = s->beats[k++];
		i = e;
	}
	s->n_beats = s->n_beats_sorted = mb;
	/* the days: the added ones sorted in, those of hours before the window dropped */
	sort_appended(s->days, s->n_days, s->n_sorted, sizeof(*s->days), cmp_day);
	size_t m = 0;
	for (size_t i = 0; i < s->n_days; i++)
		if (s->days[i].last >= before) s->days[m++] = s->days[i];
	s->n_days = s->n_sorted = m;
}

static struct sbeat beat_key(const struct traffic_state *s, const struct ipaddr *src, const char *name,
			     const struct ipaddr *dst, uint16_t dport, bool *known)
{
	struct sbeat k = { .src = *src, .dport = dport };
	*known = true;
	if (name && *name) {
		k.name = strpool_find(&s->names, name);
		*known = k.name != 0;
	} else {
		k.dst = *dst;
	}
	return k;
}

size_t traffic_state_beats(const struct traffic_state *s, const struct ipaddr *src, const char *name,
			   const struct ipaddr *dst, uint16_t dport, struct traffic_beat *out)
{
	bool known;
	struct sbeat k = beat_key(s, src, name, dst, dport, &known);
	if (!known) return 0;
	size_t lo = 0, hi = s->n_beats_sorted, n = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp_sbeat_key(&s->beats[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < s->n_beats_sorted && n < TRAFFIC_STATE_BEATS && !cmp_sbeat_key(&s->beats[lo], &k)) {
		out[n++] = (struct traffic_beat){ s->beats[lo].t, s->beats[lo].up };
		lo++;
	}
	return n;
}

void traffic_state_beat_add(struct traffic_state *s, const struct ipaddr *src, const char *name,
			    const struct ipaddr *dst, uint16_t dport, double t, double up)
{
	struct sbeat k = { .src = *src, .dport = dport, .t = t, .up = up };
	if (name && *name)
		k.name = strpool_add(&s->names, name);
	else
		k.dst = *dst;
	if (s->n_beats == s->cap_beats) {
		s->cap_beats = s->cap_beats ? 2 * s->cap_beats : 1024;
		s->beats = xrealloc(s->beats, s->cap_beats * sizeof(*s->beats));
	}
	s->beats[s->n_beats++] = k;
}

struct seed {
	struct traffic_state *s;
	struct ipaddr *hosts, host;
	size_t n, cap;
	double from;
};

static int seed_host(void *ctx, const struct flow_use *u)
{
	struct seed *c = ctx;
	if (u->last < c->from) return 0; /* nothing in the window */
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->hosts = xrealloc(c->hosts, c->cap * sizeof(*c->hosts));
	}
	c->hosts[c->n++] = u->host;
	return 0;
}

/* Each name of the hour's row a destination, else its address. */
static int seed_peer_hour(void *ctx, int64_t hour, const struct ipaddr *peer, const char *names, uint64_t up)
{
	struct seed *c = ctx;
	(void)up;
	struct pair p = { .src = c->host, .last = (double)hour * 3600 };
	if (!names || !*names) {
		p.dst = *peer;
		pair_add(c->s, &p);
		return 0;
	}
	for (const char *a = names; *a;) {
		const char *b = strchr(a, ',');
		size_t len = b ? (size_t)(b - a) : strlen(a);
		char name[256];
		if (len && len < sizeof(name)) {
			memcpy(name, a, len);
			name[len] = 0;
			p.name = strpool_add(&c->s->names, name);
			pair_add(c->s, &p);
		}
		a += len + (b != NULL);
	}
	return 0;
}

int traffic_state_seed(struct traffic_state *s, struct store *st, double before, struct dm_err *e)
{
	if (s->seeded || !st) return 0;
	s->seeded = true;
	struct seed c = { .s = s, .from = before - s->window };
	int r = store_flow_host_use(st, c.from, before, seed_host, &c, e);
	for (size_t i = 0; r == 0 && i < c.n; i++) {
		c.host = c.hosts[i];
		r = store_flow_host_peer_hours(st, &c.host, c.from, before, seed_peer_hour, &c, e);
	}
	free(c.hosts);
	pairs_settle(s, c.from);
	return r;
}

size_t traffic_state_pairs_for(const struct traffic_state *s, const struct flowset *fs,
			       struct traffic_state_pair **ret)
{
	struct traffic_state_pair *v = xmalloc((s->n + 1) * sizeof(*v));
	uint32_t prev_name = 0, mapped = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct pair *p = &s->v[i];
		if (p->name && p->name != prev_name) { /* sorted by name: looked up once each */
			mapped = strpool_find(&fs->names, strpool_get(&s->names, p->name));
			if (!mapped) mapped = UINT32_MAX;
			prev_name = p->name;
		}
		v[i] = (struct traffic_state_pair){ p->name ? mapped : 0, p->dst, p->src };
	}
	*ret = v;
	return s->n;
}
