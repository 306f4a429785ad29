/* Rule rotating-destinations: one internal host reaching many distinct
 * external (foreign, when home countries are set) addresses, each only once
 * or twice, with sessions of the same shape (port, protocol, upload and
 * download size, duration) within a day: the "different IP each time"
 * pattern of exfiltration and C2 that avoid a fixed address. Ordinary
 * browsing also reaches many addresses, but its sessions differ in size;
 * what repeats here is the session, not the destination.
 *
 * Shapes are compared on a grid of log sizes, four times with the grid
 * shifted by half a cell, so a cluster on a cell border is not split.
 *
 * A busy browser opens hundreds of one-off sessions a day, and some shapes
 * (a small page, a tracking pixel) are common: six of them in one cell is
 * then chance, not a pattern. A cluster counts only when it is unlikely
 * given how many one-off sessions the host opened in that day and how
 * often the site's other hosts' one-off sessions have that shape.
 *
 * Judged an hour at a time (in->state), the hour's candidate sessions are
 * judged with those of the day before it (kept in the rule's slot), so a
 * cluster spread over hours is one; only clusters holding a session not yet
 * in a finding are reported, so an hour reports what it adds. A cluster is
 * judged again each hour until reported: at night the day so far may hold
 * none of the other hosts' one-off sessions, so no shape is yet rare, and
 * the C2 of the night is found when the morning's sessions show its shape
 * is not the site's (as the whole day judged at once finds it). */
#include "analyze/traffic-state.h"
#include "analyze/traffic-slots.h"
#include "analyze/traffic-util.h"
#include "base/strpool.h"
#include "base/util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_ADDRESSES 6
#define MAX_PER_ADDRESS 2
#define WINDOW 86400.0
#define CELL_UP 0.3 /* log10 units: a factor of 2 */
#define CELL_DOWN 0.6
#define CELL_DUR 1.0
/* Largest chance of a cluster (its shape's share of the other hosts'
 * one-off sessions, the host's one-off sessions in the day): one in a
 * million, for the few hundred cells and days a host has. */
#define MAX_CHANCE 1e-6

static bool candidate(const struct traffic_input *in, const struct flowrec *r)
{
	if (!is_outbound_external(in, r) || flow_is_background(r) || flow_is_failed(r)) return false;
	return !in->cfg->n_home || is_foreign(in, r) || !r->cc[0];
}

struct shape {
	int64_t key[4]; /* port and app, upload, download and duration cells */
};

struct sess {
	struct shape sh;
	double start;
	uint32_t flow;
};

static int cmp_shape(const void *pa, const void *pb)
{
	const struct shape *a = pa, *b = pb;
	for (int i = 0; i < 4; i++)
		if (a->key[i] != b->key[i]) return a->key[i] < b->key[i] ? -1 : 1;
	return 0;
}

static int cmp_sess(const void *pa, const void *pb)
{
	const struct sess *a = pa, *b = pb;
	int c = cmp_shape(&a->sh, &b->sh);
	if (c) return c;
	return a->start < b->start ? -1 : a->start > b->start;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* The first of the n sorted values at or after t. */
static size_t lower_bound(const double *v, size_t n, double t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_addr_at(const void *pa, const void *pb, void *ctx)
{
	const struct flowset *fs = ctx;
	return ipaddr_cmp(&fs->v[*(const uint32_t *)pa].dst, &fs->v[*(const uint32_t *)pb].dst);
}

static int64_t cell(double v, double size, double shift)
{
	return (int64_t)floor(log10(v + 1) / size + shift);
}

static struct shape shape_of(const struct flowrec *r, int shift)
{
	double sh = shift & 1 ? 0.5 : 0, sh2 = shift & 2 ? 0.5 : 0;
	return (struct shape){ { r->dport << 8 | r->app, cell((double)r->bytes_out, CELL_UP, sh),
				 cell((double)r->bytes_in, CELL_DOWN, sh2),
				 cell(r->end - r->start, CELL_DUR, sh) } };
}

/* The one-off sessions of every host, and their shapes on each grid, sorted:
 * what the site's sessions usually look like. */
struct site_shapes {
	uint32_t *once; /* flow indices, grouped by source */
	size_t n;
	struct shape *sorted[4];
};

/* The first of the n sorted shapes above k (after) or at or above it. */
static size_t shape_bound(const struct shape *v, size_t n, const struct shape *k, bool after)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_shape(&v[mid], k);
		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Sessions of shape k in the sorted array v of n: two searches, not a walk
 * over them (a site whose one-off sessions mostly share one shape has
 * 100k of them, and each cluster asks). */
static size_t shape_count(const struct shape *v, size_t n, const struct shape *k)
{
	return shape_bound(v, n, k, true) - shape_bound(v, n, k, false);
}

int rot_pair_cmp(const struct rot_pair *a, const struct rot_pair *b)
{
	int c = ipaddr_cmp(&a->host, &b->host);
	return c ? c : ipaddr_cmp(&a->addr, &b->addr);
}

static int cmp_rot_pair(const void *pa, const void *pb) { return rot_pair_cmp(pa, pb); }

/* Whether the seed (a file's first reading) has the host reach addr more
 * than MAX_PER_ADDRESS times over the whole input. */
static bool seed_fixed(const struct rot_state *seed, const struct ipaddr *host, const struct ipaddr *addr)
{
	if (!seed || !seed->n_seed) return false;
	struct rot_pair k = { .host = *host, .addr = *addr };
	return bsearch(&k, seed->seed, seed->n_seed, sizeof(k), cmp_rot_pair) != NULL;
}

/* The sessions among idx (one host's, start order) to addresses it reached
 * at most MAX_PER_ADDRESS times; addresses reached more often are fixed
 * destinations, not rotation. On the stream of a file, "more often" is over
 * the whole file (seed), as the whole input judged at once counts it.
 * Appended to out; returns how many. */
static size_t one_offs(const struct flowset *fs, const struct rot_state *seed, const uint32_t *idx, size_t n,
		       uint32_t *out)
{
	uint32_t *by_addr = xmalloc((n + 1) * sizeof(*by_addr));
	memcpy(by_addr, idx, n * sizeof(*by_addr));
	qsort_r(by_addr, n, sizeof(*by_addr), cmp_addr_at, (void *)fs);
	size_t m = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		const struct flowrec *r = &fs->v[by_addr[i]];
		while (j < n && !ipaddr_cmp(&fs->v[by_addr[j]].dst, &r->dst)) j++;
		if (j - i <= MAX_PER_ADDRESS && !seed_fixed(seed, &r->src, &r->dst))
			for (size_t k = i; k < j; k++) out[m++] = by_addr[k];
		i = j;
	}
	free(by_addr);
	return m;
}

/* The chance that k or more of the host's n one-off sessions in a day have
 * a shape its own other sessions (own_total, own of them this shape) and the
 * site's (site_total, site of them) make this common. */
static double cluster_chance(const struct site_shapes *ss, const struct shape *k, int shift, size_t own,
			     size_t own_total, size_t n_day, size_t n_cluster)
{
	size_t site = shape_count(ss->sorted[shift], ss->n, k);
	double others = (double)(ss->n - own_total);
	/* a shape no other host has is as rare as one session among all theirs */
	double p = others > 0 ? fmax((double)(site - own), 1.0) / others : 1.0;
	return binomial_tail(n_day, n_cluster, fmin(p, 1.0));
}

/* Whether one of the n sessions is in no finding yet (told, by flow). */
static bool holds_untold(const struct sess *s, size_t n, const uint8_t *told)
{
	for (size_t i = 0; i < n; i++)
		if (!told[s[i].flow]) return true;
	return false;
}

/* With told (the stream), clusters are reported only when they hold a flow
 * not told yet, and the reported cluster's flows are marked told. */
static void judge(const struct traffic_input *in, const struct site_shapes *ss, const uint32_t *once,
		  size_t m, uint8_t *told, struct findings *out)
{
	const struct flowset *fs = in->flows;
	struct sess *s = xmalloc(m * sizeof(*s));
	double *starts = xmalloc(m * sizeof(*starts));
	for (size_t i = 0; i < m; i++) starts[i] = fs->v[once[i]].start;
	qsort(starts, m, sizeof(*starts), cmp_double);
	size_t best_n = 0;
	double best_p = 2;
	struct sess *best = xmalloc(m * sizeof(*best));
	for (int shift = 0; shift < 4; shift++) {
		for (size_t i = 0; i < m; i++)
			s[i] =
			    (struct sess){ shape_of(&fs->v[once[i]], shift), fs->v[once[i]].start, once[i] };
		qsort(s, m, sizeof(*s), cmp_sess);
		size_t group = 0, own = 0; /* where this shape's sessions begin, how many */
		for (size_t lo = 0, hi = 0; hi < m; hi++) {
			if (hi > lo && cmp_shape(&s[hi].sh, &s[lo].sh)) lo = hi;
			if (hi == lo && (hi == 0 || cmp_shape(&s[hi].sh, &s[hi - 1].sh))) {
				group = hi;
				own = group;
				while (own < m && !cmp_shape(&s[own].sh, &s[group].sh)) own++;
				own -= group;
			}
			while (s[hi].start - s[lo].start > WINDOW) lo++;
			size_t k = hi - lo + 1;
			/* judged at the widest window of a run: the next session
			 * would change shape or move the window */
			if (k < MIN_ADDRESSES || (hi + 1 < m && !cmp_shape(&s[hi + 1].sh, &s[lo].sh) &&
						  s[hi + 1].start - s[lo].start <= WINDOW))
				continue;
			if (told && !holds_untold(s + lo, k, told)) continue; /* reported before */
			size_t day = lower_bound(starts, m, s[lo].start + WINDOW) -
				     lower_bound(starts, m, s[lo].start);
			/* the stream knows the day up to now only: the day before
			 * the cluster's last session counts as well */
			if (in->state)
				day = MAX(day, lower_bound(starts, m, nextafter(s[hi].start, INFINITY)) -
						   lower_bound(starts, m, s[hi].start - WINDOW));
			double p = cluster_chance(ss, &s[lo].sh, shift, own, m, MAX(day, k), k);
			if (p < best_p || (p == best_p && k > best_n)) {
				best_p = p;
				best_n = k;
				memcpy(best, s + lo, best_n * sizeof(*best));
			}
		}
	}
	free(s);
	free(starts);
	if (best_n < MIN_ADDRESSES || best_p > MAX_CHANCE) {
		free(best);
		return;
	}
	/* distinct addresses in the best window */
	uint32_t *w = xmalloc(best_n * sizeof(*w));
	for (size_t i = 0; i < best_n; i++) w[i] = best[i].flow;
	qsort_r(w, best_n, sizeof(*w), cmp_addr_at, (void *)fs);
	size_t distinct = 0, offhours = 0;
	uint64_t up = 0, down = 0;
	char ccs[96] = "";
	for (size_t i = 0; i < best_n; i++) {
		const struct flowrec *r = &fs->v[w[i]];
		if (!i || ipaddr_cmp(&fs->v[w[i - 1]].dst, &r->dst)) distinct++;
		up += r->bytes_out;
		down += r->bytes_in;
		if (!site_is_business_time(in->cfg, r->start)) offhours++;
		if (r->cc[0] && !strstr(ccs, r->cc) && strlen(ccs) + 4 < sizeof(ccs))
			snprintf(ccs + strlen(ccs), sizeof(ccs) - strlen(ccs), "%s%s", *ccs ? "," : "",
				 r->cc);
	}
	if (distinct < MIN_ADDRESSES) {
		free(w);
		free(best);
		return;
	}
	const struct flowrec *r0 = &fs->v[best[0].flow];
	double first = best[0].start, last = fs->v[best[best_n - 1].flow].end;
	char src[IPADDR_STRLEN], title[512], rem[512], upb[32];
	ipaddr_fmt(&r0->src, src, sizeof(src));
	fmt_bytes(up / best_n, upb, sizeof(upb));
	snprintf(title, sizeof(title),
		 "Same-shaped sessions to %zu different addresses%s%s in %.0f h (port %u, ~%s up each)",
		 distinct, *ccs ? " in " : "", ccs, ceil((last - first) / 3600), r0->dport, upb);
	snprintf(rem, sizeof(rem),
		 "Find the program on %s that opens these sessions (ss -tnp, the EDR); a new address per "
		 "session with "
		 "the same size is how exfiltration and C2 avoid blocklists: isolate the host and block port "
		 "%u to the "
		 "listed networks until it is explained.",
		 src, r0->dport);
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	buf_printf(&b,
		   "\"sessions\":%zu,\"addresses_total\":%zu,\"dport\":%u,\"proto\":%u,\"bytes_out\":%llu,"
		   "\"bytes_in\":%llu,\"offhours_sessions\":%zu",
		   best_n, distinct, r0->dport, r0->proto, (unsigned long long)up, (unsigned long long)down,
		   offhours);
	ev_str(&b, "app", flow_app_name(r0->app));
	ev_str(&b, "countries", *ccs ? ccs : NULL);
	buf_puts(&b, ",\"addresses\":[");
	for (size_t i = 0, k = 0; i < best_n && k < 32; i++) {
		if (i && !ipaddr_cmp(&fs->v[w[i - 1]].dst, &fs->v[w[i]].dst)) continue;
		char a[IPADDR_STRLEN];
		ipaddr_fmt(&fs->v[w[i]].dst, a, sizeof(a));
		buf_printf(&b, "%s\"%s\"", k++ ? "," : "", a);
	}
	buf_puts(&b, "]");
	ev_time(&b, "first", first);
	ev_time(&b, "last", last);
	enum severity sev = offhours * 2 > best_n || up > down ? SEV_HIGH : SEV_MEDIUM;
	add_host_finding(out, "rotating-destinations", sev, (double)distinct, &r0->src, title, &b, rem, first,
			 last);
	if (told)
		for (size_t i = 0; i < best_n; i++) told[best[i].flow] = 1;
	free(w);
	free(best);
}

static int judge_flows(const struct traffic_input *in, const struct rot_state *seed, uint8_t *told,
		       struct findings *out)
{
	const struct flowset *fs = in->flows;
	uint32_t *idx;
	size_t n = flows_by_source(in, candidate, &idx);
	struct site_shapes ss = { .once = xmalloc((n + 1) * sizeof(*ss.once)) };
	size_t *host_at = xmalloc((n + 2) * sizeof(*host_at)), hosts = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !ipaddr_cmp(&fs->v[idx[j]].src, &fs->v[idx[i]].src)) j++;
		host_at[hosts++] = ss.n;
		ss.n += one_offs(fs, seed, idx + i, j - i, ss.once + ss.n);
		i = j;
	}
	host_at[hosts] = ss.n;
	free(idx);
	for (int shift = 0; shift < 4; shift++) {
		ss.sorted[shift] = xmalloc((ss.n + 1) * sizeof(*ss.sorted[shift]));
		for (size_t i = 0; i < ss.n; i++) ss.sorted[shift][i] = shape_of(&fs->v[ss.once[i]], shift);
		qsort(ss.sorted[shift], ss.n, sizeof(*ss.sorted[shift]), cmp_shape);
	}
	for (size_t h = 0; h < hosts; h++)
		if (host_at[h + 1] - host_at[h] >= MIN_ADDRESSES)
			judge(in, &ss, ss.once + host_at[h], host_at[h + 1] - host_at[h], told, out);
	for (int shift = 0; shift < 4; shift++) free(ss.sorted[shift]);
	free(ss.once);
	free(host_at);
	return 0;
}

/* The candidate sessions of the day before the hour judged (the slot,
 * struct rot_state, traffic-slots.h, saved with the state). */
void rot_state_free(void *p)
{
	struct rot_state *rs = p;
	free(rs->v);
	free(rs->told);
	free(rs->seed);
	free(rs);
}

static struct rot_state *rot_slot(struct traffic_state *s)
{
	void **slot = traffic_state_slot(s, TRAFFIC_SLOT_ROT, rot_state_free);
	if (!*slot) *slot = xcalloc(1, sizeof(struct rot_state));
	return *slot;
}

/* Sorted, one per pair, counts summed. */
static size_t pairs_settle(struct rot_pair *v, size_t n)
{
	if (!n) return 0;
	qsort(v, n, sizeof(*v), cmp_rot_pair);
	size_t m = 0;
	for (size_t i = 1; i < n; i++) {
		if (!cmp_rot_pair(&v[m], &v[i]))
			v[m].n += v[i].n, v[m].last = fmax(v[m].last, v[i].last);
		else
			v[++m] = v[i];
	}
	return m + 1;
}

void rot_seed_flows(struct traffic_state *s, const struct traffic_input *in)
{
	struct rot_state *rs = rot_slot(s);
	const struct flowset *fs = in->flows;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!candidate(in, r)) continue;
		if (rs->n_seed == rs->cap_seed) {
			rs->cap_seed = rs->cap_seed ? 2 * rs->cap_seed : 1024;
			rs->seed = xrealloc(rs->seed, rs->cap_seed * sizeof(*rs->seed));
		}
		rs->seed[rs->n_seed++] = (struct rot_pair){ r->src, r->dst, 1, r->start };
	}
	rs->n_seed = pairs_settle(rs->seed, rs->n_seed);
}

/* After the last part: only the pairs reached more than twice matter (a
 * pair reached less is one-off on the stream as on the whole input). */
void rot_seed_end(struct traffic_state *s)
{
	struct rot_state *rs = rot_slot(s);
	size_t m = 0;
	for (size_t i = 0; i < rs->n_seed; i++)
		if (rs->seed[i].n > MAX_PER_ADDRESS) rs->seed[m++] = rs->seed[i];
	rs->n_seed = m;
}

int rule_rotating_destinations(const struct traffic_input *in, struct findings *out)
{
	if (!in->state) return judge_flows(in, NULL, NULL, out);
	struct rot_state *rs = rot_slot(in->state);
	const struct flowset *fs = in->flows;
	/* the day's sessions, then the hour's candidates, none told yet */
	size_t old_n = rs->n;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!candidate(in, r)) continue;
		if (rs->n == rs->cap) {
			rs->cap = rs->cap ? 2 * rs->cap : 1024;
			rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
			rs->told = xrealloc(rs->told, rs->cap * sizeof(*rs->told));
		}
		rs->told[rs->n] = 0;
		rs->v[rs->n] = *r;
		rs->v[rs->n].name = 0; /* its name is in fs's pool; this rule reads none */
		rs->v[rs->n].is &= (uint8_t)~FREC_EXTRA;
		rs->n++;
	}
	int ret = 0;
	if (rs->n > old_n) {
		struct flowset day = { .v = rs->v, .n = rs->n, .first = fs->first, .last = fs->last };
		strpool_init(&day.names);
		struct traffic_input win = *in;
		win.flows = &day;
		win.memo = NULL; /* the memo is the hour's */
		ret = judge_flows(&win, rs, rs->told, out);
		strpool_release(&day.names);
	}
	/* those that can share a window with the next hour's kept */
	size_t m = 0;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].start >= fs->last - WINDOW) rs->told[m] = rs->told[i], rs->v[m++] = rs->v[i];
	rs->n = m;
	/* and the seed's pairs that may still have a session in it */
	m = 0;
	for (size_t i = 0; i < rs->n_seed; i++)
		if (rs->seed[i].last >= fs->last - WINDOW) rs->seed[m++] = rs->seed[i];
	rs->n_seed = m;
	return ret;
}
