/* Helpers the traffic rules share (traffic-util.h): robust statistics,
 * flows grouped by internal host, idle hosts' wake-ups. */
#include "analyze/traffic-util.h"
#include "analyze/traffic-recent.h"
#include "analyze/traffic-state.h"
#include "base/escape.h"
#include "base/keysort.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "model/addr-rank.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Ascending, in place: quicksort (median of three) down to runs of 16,
 * then insertion sort. qsort's call per comparison was most of the time
 * the rules spent on medians and percentiles. */
static void sort_doubles(double *v, size_t n)
{
	while (n > 16) {
		double a = v[0], b = v[n / 2], c = v[n - 1];
		double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t i = 0, j = n - 1;
		for (;;) { /* Hoare: [0, j] <= pivot <= [j + 1, n) */
			while (v[i] < pivot) i++;
			while (v[j] > pivot) j--;
			if (i >= j) break;
			double t = v[i];
			v[i++] = v[j], v[j--] = t;
		}
		/* the smaller side by recursion, the larger by the loop: depth stays log n */
		if (j + 1 < n - j - 1) {
			sort_doubles(v, j + 1);
			v += j + 1, n -= j + 1;
		} else {
			sort_doubles(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t k = i;
		for (; k && v[k - 1] > x; k--) v[k] = v[k - 1];
		v[k] = x;
	}
}

double median_of(double *v, size_t n)
{
	if (!n) return 0;
	sort_doubles(v, n);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double binomial_tail(size_t n, size_t k, double p)
{
	if (k == 0) return 1;
	if (p <= 0) return 0;
	if (p >= 1) return 1;
	double sum = 0;
	for (size_t i = k; i <= n; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) +
			   (double)i * log(p) + (double)(n - i) * log1p(-p));
	return sum;
}

double madm_of(double *v, size_t n, double median)
{
	for (size_t i = 0; i < n; i++) v[i] = fabs(v[i] - median);
	return median_of(v, n);
}

/* The flows' addresses ranked once for every sort of a run (memo), else
 * for the one: NULL when they cannot be (then the comparators sort). */
static const struct addr_ranks *ranks_of(const struct traffic_input *in, struct addr_ranks *own);
static void ranks_done(const struct addr_ranks *r, struct addr_ranks *own)
{
	if (r == own) addr_ranks_release(own);
}

/* A flow's sort key beside its index: sorting these touches no flow record
 * (they are large), so the sort stays in cache. */
struct by_source {
	struct ipaddr src;
	double start;
	uint32_t i;
};

static int cmp_by_source(const void *pa, const void *pb)
{
	const struct by_source *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->src, &b->src);
	if (c) return c;
	if (a->start != b->start) return a->start < b->start ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static size_t by_source_compute(const struct traffic_input *in, flow_pred keep, uint32_t **ret)
{
	const struct flowset *fs = in->flows;
	struct addr_ranks own;
	const struct addr_ranks *ar = ranks_of(in, &own);
	uint32_t *idx = NULL;
	size_t n = 0;
	if (ar) { /* 16-byte keys (src's rank, start, index) sorted in place */
		struct sortkey *k = xmalloc((fs->n + 1) * sizeof(*k));
		for (size_t i = 0; i < fs->n; i++) {
			const struct flowrec *r = &fs->v[i];
			if ((r->where & FREC_SRC_INTERNAL) && (!keep || keep(in, r)))
				k[n++] = (struct sortkey){ (uint64_t)addr_rank(ar, &r->src) << 32 |
							       sortkey_double(r->start) >> 32,
							   sortkey_double(r->start) << 32 | i };
		}
		ranks_done(ar, &own);
		sortkeys(k, n);
		idx = xmalloc((n + 1) * sizeof(*idx));
		for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)k[i].lo;
		free(k);
		*ret = idx;
		return n;
	}
	struct by_source *k = xmalloc((fs->n + 1) * sizeof(*k));
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if ((r->where & FREC_SRC_INTERNAL) && (!keep || keep(in, r)))
			k[n++] = (struct by_source){ r->src, r->start, (uint32_t)i };
	}
	qsort(k, n, sizeof(*k), cmp_by_source);
	idx = xmalloc((n + 1) * sizeof(*idx));
	for (size_t i = 0; i < n; i++) idx[i] = k[i].i;
	free(k);
	*ret = idx;
	return n;
}

bool sort_by_series(const struct traffic_input *in, uint32_t *idx, size_t n, dst_map map)
{
	const struct flowset *fs = in->flows;
	struct addr_ranks own, mapped;
	const struct addr_ranks *ar = ranks_of(in, &own);
	if (!ar) return false;
	if (map) { /* the mapped destinations ranked apart (they need not be flows' addresses) */
		addr_ranks_init(&mapped);
		for (size_t i = 0; i < n; i++) {
			const struct flowrec *r = &fs->v[idx[i]];
			struct ipaddr m;
			if (r->name) continue;
			map(&r->dst, &m);
			addr_ranks_add(&mapped, &m);
		}
		addr_ranks_sort(&mapped);
	}
	const struct addr_ranks *dr = map ? &mapped : ar;
	unsigned rb = sortkey_bits(ar->n ? ar->n - 1 : 0), db = sortkey_bits(dr->n ? dr->n - 1 : 0),
		 nb = sortkey_bits(fs->names.n);
	if (rb + db + nb + 16 + 32 > 128) {
		ranks_done(ar, &own);
		if (map) addr_ranks_release(&mapped);
		return false;
	}
	/* by the series (src, name, dst when no name, port), then index */
	struct sortkey *k = xmalloc((n + 1) * sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		const struct flowrec *r = &fs->v[idx[i]];
		struct sortkey y = { 0, 0 };
		sortkey_push(&y, addr_rank(ar, &r->src), rb);
		sortkey_push(&y, r->name, nb);
		struct ipaddr m = r->dst;
		if (map && !r->name) map(&r->dst, &m);
		sortkey_push(&y, r->name ? 0 : addr_rank(dr, &m), db);
		sortkey_push(&y, r->dport, 16);
		sortkey_push(&y, idx[i], 32);
		k[i] = y;
	}
	ranks_done(ar, &own);
	if (map) addr_ranks_release(&mapped);
	sortkeys(k, n);
	/* each series by start, then index (as a stable sort of idx would) */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && k[j].hi == k[i].hi && k[j].lo >> 32 == k[i].lo >> 32) j++;
		for (size_t m = i; m < j; m++) {
			uint32_t f = (uint32_t)k[m].lo;
			k[m] = (struct sortkey){ sortkey_double(fs->v[f].start), f };
		}
		sortkeys(k + i, j - i);
		for (size_t m = i; m < j; m++) idx[m] = (uint32_t)k[m].lo;
		i = j;
	}
	free(k);
	return true;
}

struct traffic_memo {
	bool have_src, have_wake, have_prev, have_ranks, ranked;
	uint32_t *src; /* flows_by_source with no predicate */
	size_t n_src;
	struct wakeup *w;
	size_t n_w;
	struct prevalence prev;
	struct addr_ranks ranks; /* when ranked */
};

struct traffic_memo *traffic_memo_new(void) { return xcalloc(1, sizeof(struct traffic_memo)); }

void traffic_memo_free(struct traffic_memo *m)
{
	if (!m) return;
	free(m->src);
	free(m->w);
	free(m->prev.v);
	addr_ranks_release(&m->ranks);
	free(m);
}

static const struct addr_ranks *ranks_of(const struct traffic_input *in, struct addr_ranks *own)
{
	struct traffic_memo *m = in->memo;
	if (!m) return addr_ranks_build(own, in->flows) ? own : NULL;
	if (!m->have_ranks) m->ranked = addr_ranks_build(&m->ranks, in->flows), m->have_ranks = true;
	return m->ranked ? &m->ranks : NULL;
}

/* The callers own what they are given: a copy of the memo's (the sorts
 * are the cost; a copy is a memcpy). NULL when empty, as computed. */
static void *copy_of(const void *p, size_t bytes)
{
	if (!bytes) return NULL;
	void *q = xmalloc(bytes);
	memcpy(q, p, bytes);
	return q;
}

size_t flows_by_source(const struct traffic_input *in, flow_pred keep, uint32_t **ret)
{
	struct traffic_memo *m = in->memo;
	if (!m || keep) return by_source_compute(in, keep, ret);
	if (!m->have_src) m->n_src = by_source_compute(in, NULL, &m->src), m->have_src = true;
	/* computed, it is never NULL: callers may index it */
	*ret = xmalloc((m->n_src + 1) * sizeof(**ret));
	if (m->n_src) memcpy(*ret, m->src, m->n_src * sizeof(**ret));
	return m->n_src;
}

static size_t same_source_end(const struct flowset *fs, const uint32_t *idx, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && !ipaddr_cmp(&fs->v[idx[j]].src, &fs->v[idx[i]].src)) j++;
	return j;
}

void each_source(const struct traffic_input *in, flow_pred keep, size_t min, source_judge judge,
		 struct findings *out)
{
	uint32_t *idx;
	size_t n = flows_by_source(in, keep, &idx);
	for (size_t i = 0; i < n;) {
		size_t j = same_source_end(in->flows, idx, n, i);
		if (j - i >= min) judge(in, idx + i, j - i, out);
		i = j;
	}
	free(idx);
}

size_t source_position(const struct flowset *fs, const uint32_t *idx, size_t n, const struct ipaddr *src,
		       double t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct flowrec *r = &fs->v[idx[mid]];
		int c = ipaddr_cmp(&r->src, src);
		if (c < 0 || (c == 0 && r->start < t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !ipaddr_cmp(&fs->v[idx[lo]].src, src) ? lo : n;
}

bool is_outbound_external(const struct traffic_input *in, const struct flowrec *r)
{
	(void)in;
	return (r->where & FREC_SRC_INTERNAL) && !(r->where & FREC_DST_INTERNAL);
}

bool is_foreign(const struct traffic_input *in, const struct flowrec *r)
{
	return in->cfg->n_home > 0 && r->cc[0] && !site_is_home_country(in->cfg, r->cc);
}

/* Own traffic: a flow the host opened, or one it answered, that is not
 * background chatter and did not fail. */
static bool own_traffic(const struct traffic_input *in, const struct flowrec *r)
{
	(void)in;
	return !flow_is_background(r) && !flow_is_failed(r);
}

/* One internal side of a flow: its host, times and index are read through
 * the flow (8 bytes a side, not 48: an audit's millions of flows have
 * millions of sides, sorted with a copy as large beside them). */
struct act {
	uint32_t flow;
	bool opened; /* the host is the flow's src */
};

static const struct ipaddr *act_host(const struct flowset *fs, const struct act *a)
{
	return a->opened ? &fs->v[a->flow].src : &fs->v[a->flow].dst;
}

static double act_start(const struct flowset *fs, const struct act *a) { return fs->v[a->flow].start; }

/* by host, then start; equal ones in the order they were made (the flow,
 * its src side first) */
static int cmp_act(const void *pa, const void *pb, void *ctx)
{
	const struct flowset *fs = ctx;
	const struct act *a = pa, *b = pb;
	int c = ipaddr_cmp(act_host(fs, a), act_host(fs, b));
	if (c) return c;
	double sa = act_start(fs, a), sb = act_start(fs, b);
	if (sa != sb) return sa < sb ? -1 : 1;
	if (a->flow != b->flow) return a->flow < b->flow ? -1 : 1;
	return (int)b->opened - (int)a->opened;
}

/* Whether host sent or answered background chatter between after and
 * before: it was on the network, idle, not away (a laptop that was out of
 * the office for a week is not an idle device when it comes back). */
#define ARRIVAL 86400.0 /* chatter this close to the wake is the arrival's */
static bool present_between(const struct flowset *fs, const struct act *bg, size_t n,
			    const struct ipaddr *host, double after, double before)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ipaddr_cmp(act_host(fs, &bg[mid]), host);
		if (c < 0 || (c == 0 && act_start(fs, &bg[mid]) <= after))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !ipaddr_cmp(act_host(fs, &bg[lo]), host) && act_start(fs, &bg[lo]) < before;
}

/* The sides of own traffic (or of background chatter) in cmp_act's order:
 * by 16-byte keys (host's rank, start, flow, way) sorted in place and read
 * back into sides in the same memory when ar is given, else by cmp_act. */
static struct act *acts_sorted(const struct traffic_input *in, const struct addr_ranks *ar, bool background,
			       size_t *ret_n)
{
	const struct flowset *fs = in->flows;
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (background ? flow_is_background(r) : own_traffic(in, r))
			n += !!(r->where & FREC_SRC_INTERNAL) + !!(r->where & FREC_DST_INTERNAL);
	}
	_Static_assert(sizeof(struct sortkey) >= sizeof(struct act), "a side fits in its key");
	unsigned char *buf = xmalloc((n + 1) * (ar ? sizeof(struct sortkey) : sizeof(struct act)));
	size_t m = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!(background ? flow_is_background(r) : own_traffic(in, r))) continue;
		for (int side = 0; side < 2; side++) {
			if (!(r->where & (side ? FREC_DST_INTERNAL : FREC_SRC_INTERNAL))) continue;
			struct act x = { (uint32_t)i, side == 0 };
			if (!ar) {
				memcpy(buf + m++ * sizeof(x), &x, sizeof(x));
				continue;
			}
			uint64_t t = sortkey_double(r->start);
			/* the src side (opened) first among a flow's two */
			struct sortkey k = { (uint64_t)addr_rank(ar, act_host(fs, &x)) << 32 | t >> 32,
					     t << 32 | (uint64_t)i << 1 | !x.opened };
			memcpy(buf + m++ * sizeof(k), &k, sizeof(k));
		}
	}
	struct act *v = (struct act *)(void *)buf;
	if (!ar) {
		qsort_r(v, n, sizeof(*v), cmp_act, (void *)fs);
	} else {
		sortkeys((struct sortkey *)(void *)buf, n);
		for (size_t k = 0; k < n; k++) { /* side k lies below key k: read before written */
			struct sortkey y;
			memcpy(&y, buf + k * sizeof(y), sizeof(y));
			struct act x = { (uint32_t)(y.lo >> 1 & 0x7fffffff), !(y.lo & 1) };
			memcpy(buf + k * sizeof(x), &x, sizeof(x));
		}
		v = xrealloc(buf, (n + 1) * sizeof(*v));
	}
	*ret_n = n;
	return v;
}

static size_t wakeups_compute(const struct traffic_input *in, struct wakeup **ret)
{
	const struct flowset *fs = in->flows;
	double window = in->cfg->window_days * 86400, begin = fs->first, s_first, s_last;
	if (in->store && store_flow_coverage(in->store, &s_first, &s_last, NULL) == 1 && s_first < begin)
		begin = s_first;
	struct addr_ranks own;
	const struct addr_ranks *ar = fs->n < (size_t)1 << 31 ? ranks_of(in, &own) : NULL;
	size_t n, n_bg, nw = 0, cap = 0;
	struct act *a = acts_sorted(in, ar, false, &n), *bg = acts_sorted(in, ar, true, &n_bg);
	if (ar) ranks_done(ar, &own);
	struct wakeup *w = NULL;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double last = begin;
		bool never = true;
		double stored;
		const struct ipaddr *host = act_host(fs, &a[i]);
		/* the store can only shorten a silence that is long enough without it */
		if (in->store && act_start(fs, &a[i]) - begin >= window &&
		    store_flow_host_last_active(in->store, host, act_start(fs, &a[i]), &stored, NULL) == 1) {
			last = stored;
			never = false;
		}
		for (; j < n && !ipaddr_cmp(act_host(fs, &a[j]), host); j++) {
			const struct flowrec *r = &fs->v[a[j].flow];
			/* a silence inside these records needs chatter in it to be
			 * idleness, before the day of the wake: a host coming back
			 * looks up its first destinations (DNS) just before opening
			 * them, which is arrival, not presence; a silence reaching
			 * back into the store's records is taken as is (judged an
			 * hour at a time: as is only from before the first hour, or
			 * when shorter than the arrival's day, else with the
			 * chatter of the hours before) */
			if (a[j].opened && r->start - last >= window &&
			    ((last < fs->first && (!in->state || r->start - ARRIVAL <= last)) ||
			     present_between(fs, bg, n_bg, host, last, r->start - ARRIVAL) ||
			     (in->state && last < fs->first &&
			      traffic_state_chatter(in->state, host, last, r->start - ARRIVAL)))) {
				if (nw == cap) w = xrealloc(w, (cap = cap ? 2 * cap : 16) * sizeof(*w));
				w[nw++] = (struct wakeup){ *host, last, never, r->start, a[j].flow };
			}
			if (r->end > last) last = r->end;
			never = false;
		}
		i = j;
	}
	free(a);
	free(bg);
	*ret = w;
	return nw;
}

size_t find_wakeups(const struct traffic_input *in, struct wakeup **ret)
{
	struct traffic_memo *m = in->memo;
	if (!m) return wakeups_compute(in, ret);
	if (!m->have_wake) m->n_w = wakeups_compute(in, &m->w), m->have_wake = true;
	*ret = copy_of(m->w, m->n_w * sizeof(*m->w));
	return m->n_w;
}

/* How many internal hosts reach each destination (name, else address). */
static int cmp_dest(const struct reach *a, const struct reach *b)
{
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	return a->name ? 0 : ipaddr_cmp(&a->dst, &b->dst);
}

static int cmp_reach(const void *pa, const void *pb)
{
	int c = cmp_dest(pa, pb);
	return c ? c : ipaddr_cmp(&((const struct reach *)pa)->src, &((const struct reach *)pb)->src);
}

/* The same pair, destination address included (cmp_reach leaves it out
 * for a name): only an exact repeat is left out, so the sort keeps the
 * same first of each. */
static bool same_reach(const struct reach *a, const struct reach *b)
{
	return a->name == b->name && !ipaddr_cmp(&a->dst, &b->dst) && !ipaddr_cmp(&a->src, &b->src);
}

/* The distinct sources of the pairs, by a hash set (no sort of the
 * window's pairs for a count). */
struct src_set {
	struct ipaddr *v;
	uint8_t *used;
	size_t mask, n;
};

static void src_set_add(struct src_set *h, const struct ipaddr *a)
{
	for (size_t i = traffic_recent_addr(0, a) * 0x9e3779b97f4a7c15ull >> 20 & h->mask;;
	     i = (i + 1) & h->mask) {
		if (!h->used[i]) {
			h->used[i] = 1, h->v[i] = *a, h->n++;
			return;
		}
		if (!ipaddr_cmp(&h->v[i], a)) return;
	}
}

struct name_run {
	uint32_t name; /* in fs's pool */
	size_t at, n;
};

static int cmp_run(const void *pa, const void *pb)
{
	const struct name_run *a = pa, *b = pb;
	return (a->name > b->name) - (a->name < b->name);
}

static void prevalence_compute(const struct traffic_input *in, struct prevalence *p)
{
	const struct flowset *fs = in->flows;
	/* judged an hour at a time, the earlier hours' pairs too: a destination
	 * many hosts used this week is common in an hour only one uses it */
	struct traffic_state_pair *sp = NULL;
	size_t ns = in->state ? traffic_state_pairs_for(in->state, fs, &sp) : 0;
	struct reach *h = xmalloc((fs->n + 1) * sizeof(*h));
	size_t nh = 0;
	struct traffic_recent rc; /* a flow's pair again: not added */
	traffic_recent_init(&rc, fs->n);
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!is_outbound_external(in, r) || flow_is_background(r)) continue;
		struct reach x = { .name = r->name, .dst = r->dst, .src = r->src };
		uint32_t *at = traffic_recent_slot(
		    &rc, traffic_recent_addr(traffic_recent_addr(x.name, &x.dst), &x.src));
		if (*at && same_reach(&h[*at - 1], &x)) continue;
		if (nh < UINT32_MAX) *at = (uint32_t)nh + 1;
		h[nh++] = x;
	}
	traffic_recent_release(&rc);
	/* hosts: the distinct sources of all pairs, those of names this input
	 * does not hold (UINT32_MAX, never asked for) included */
	struct src_set set = { .mask = 1023 };
	while (set.mask + 1 < 2 * (ns + nh)) set.mask = set.mask * 2 + 1;
	set.v = xmalloc((set.mask + 1) * sizeof(*set.v));
	set.used = xcalloc(set.mask + 1, 1);
	for (size_t i = 0; i < nh; i++) src_set_add(&set, &h[i].src);
	for (size_t i = 0; i < ns; i++) src_set_add(&set, &sp[i].src);
	p->hosts = set.n;
	free(set.v);
	free(set.used);
	/* the state's pairs come sorted by its own name ids: a run per name,
	 * each in cmp_reach's order within (a named pair's address is zero,
	 * the unnamed ones by address and host), so the runs of names this
	 * input holds are put in its ids' order, not the pairs sorted */
	struct name_run *runs = xmalloc((ns + 1) * sizeof(*runs));
	size_t nr = 0, known = 0;
	for (size_t i = 0; i < ns;) {
		size_t j = i + 1;
		while (j < ns && sp[j].name == sp[i].name) j++;
		if (sp[i].name != UINT32_MAX)
			runs[nr++] = (struct name_run){ sp[i].name, i, j - i }, known += j - i;
		i = j;
	}
	qsort(runs, nr, sizeof(*runs), cmp_run); /* one run per name: ids are distinct */
	qsort(h, nh, sizeof(*h), cmp_reach);
	/* the runs and the input's pairs merged, one of each (destination, host);
	 * none (a whole input judged at once): the input's pairs are the array */
	p->v = nr ? xmalloc((known + nh + 1) * sizeof(*p->v)) : h;
	p->n = 0;
	size_t r = 0, k = 0, q = 0;
	while (r < nr || q < nh) {
		struct reach x;
		if (r < nr) {
			const struct traffic_state_pair *a = &sp[runs[r].at + k];
			x = (struct reach){ a->name, a->dst, a->src };
		}
		if (r == nr || (q < nh && cmp_reach(&h[q], &x) < 0))
			x = h[q++];
		else if (++k == runs[r].n)
			r++, k = 0;
		if (!p->n || cmp_reach(&p->v[p->n - 1], &x)) p->v[p->n++] = x;
	}
	free(runs);
	if (nr) free(h);
	free(sp);
}

void prevalence_build(const struct traffic_input *in, struct prevalence *p)
{
	struct traffic_memo *m = in->memo;
	if (!m) {
		prevalence_compute(in, p);
		return;
	}
	if (!m->have_prev) prevalence_compute(in, &m->prev), m->have_prev = true;
	*p = m->prev;
	p->v = xmalloc((m->prev.n + 1) * sizeof(*p->v));
	if (m->prev.n) memcpy(p->v, m->prev.v, m->prev.n * sizeof(*p->v));
}

size_t prevalence_of(const struct prevalence *p, const struct flowrec *r)
{
	struct reach key = { .name = r->name, .dst = r->dst };
	size_t lo = 0, hi = p->n;
	while (lo < hi) { /* first pair of this destination */
		size_t mid = (lo + hi) / 2;
		if (cmp_dest(&p->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t k = 0;
	while (lo + k < p->n && !cmp_dest(&p->v[lo + k], &key)) k++;
	return k;
}

bool prevalence_common(const struct prevalence *p, const struct flowrec *r)
{
	size_t k = prevalence_of(p, r);
	return k >= 3 && (double)k >= 0.1 * (double)p->hosts;
}

int site_day_weekday(int64_t day) { return (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */ }

int64_t site_local_day(const struct site_config *cfg, double t, int *minute)
{
	/* the zone's offset changes only at whole UTC hours (DST), so it is
	 * asked of the C library (localtime_r, slow) once an hour of time */
	static _Thread_local int64_t cached_hour = INT64_MIN, cached_off;
	static _Thread_local char cached_zone[sizeof(cfg->timezone)];
	int64_t utc_min = (int64_t)floor(t / 60), hour = utc_min / 60;
	if (hour != cached_hour || strcmp(cached_zone, cfg->timezone)) {
		snprintf(cached_zone, sizeof(cached_zone), "%s", cfg->timezone);
		int wday, m;
		site_local_time(cfg, t, &wday, &m);
		int64_t off = ((int64_t)m - utc_min % 1440 + 2 * 1440) % 1440;
		cached_off = off > 720 ? off - 1440 : off;
		cached_hour = hour;
	}
	int64_t local = utc_min + cached_off;
	int64_t m = ((local % 1440) + 1440) % 1440;
	if (minute) *minute = (int)m;
	return (local - m) / 1440;
}

struct addr_name {
	struct ipaddr a;
	uint32_t name;
};

static int cmp_addr_name(const void *pa, const void *pb)
{
	return ipaddr_cmp(&((const struct addr_name *)pa)->a, &((const struct addr_name *)pb)->a);
}

uint32_t *flow_names_resolved(const struct flowset *fs)
{
	uint32_t *nm = xmalloc((fs->n + 1) * sizeof(*nm));
	struct addr_name *v = xmalloc((fs->n + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].name) v[n++] = (struct addr_name){ fs->v[i].dst, fs->v[i].name };
	if (n) qsort(v, n, sizeof(*v), cmp_addr_name);
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		nm[i] = r->name;
		if (r->name || !n) continue;
		struct addr_name key = { .a = r->dst };
		const struct addr_name *hit = bsearch(&key, v, n, sizeof(*v), cmp_addr_name);
		if (hit) nm[i] = hit->name;
	}
	free(v);
	return nm;
}
