/* Rule exfil-volume: an internal host that uploads far more than its own
 * routine. The upload is judged per destination (its name, else its
 * network) against that destination's own history at the same hour of the
 * local day, so a nightly backup is the host's normal night:
 * - a destination the host reached at about this hour (+-1 h) on at least
 *   3 earlier days is routine; it counts only when this hour sends 10
 *   times its usual volume (and at least 20 MB). Its usual volume is that
 *   of those days, or of the earlier days of the same weekday when that is
 *   more, so a Sunday full backup among nightly increments is the host's
 *   normal Sunday; the first run on a weekday, with no such history, is
 *   judged like a first night, by where it goes (below). With a store, a
 *   destination's earlier days come from its stored hourly summaries too
 *   (up to 30 days, for destinations sent 1 MB or more in this input);
 * - otherwise (no history: a first night, a new destination) it is judged
 *   by where it goes: to the home countries or to a destination many
 *   internal hosts use (the video service, the company cloud) it is not
 *   suspect; anything else is.
 * An hour is high when its suspect upload is at least 20 MB and 10 times
 * the 90th percentile of the host's active hours (this input and up to 30
 * days of stored history); a local day when its suspect upload is at least
 * 50 MB and 10 times that of the host's earlier days (a slow exfiltration
 * that stays under the hourly figure). Consecutive high hours and days are
 * one finding; episodes.c joins the rest of an episode. */
#include "analyze/traffic-util.h"
#include "analyze/traffic-state.h"
#include "base/util.h"
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_BYTES 20000000.0
#define DAY_BYTES 50000000.0
#define FACTOR 10.0
#define MIN_HOURS 12
#define HISTORY_DAYS 30
#define ROUTINE_DAYS 3
#define HISTORY_MIN_UP 1000000.0 /* a destination's stored history is read from this upload on */
/* judged an hour at a time: a host's hour is judged (for its day) from this upload on */
#define STREAM_MIN_UP (DAY_BYTES / 24)

static bool candidate(const struct traffic_input *in, const struct flowrec *r)
{
	return is_outbound_external(in, r) && !flow_is_background(r);
}

struct hours {
	int64_t *hour;
	double *up;
	size_t n, cap;
	int64_t before; /* history only before this hour */
};

static void hours_add(struct hours *h, int64_t hour, double up)
{
	if (h->n && h->hour[h->n - 1] == hour) {
		h->up[h->n - 1] += up;
		return;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->hour = xrealloc(h->hour, h->cap * sizeof(*h->hour));
		h->up = xrealloc(h->up, h->cap * sizeof(*h->up));
	}
	h->hour[h->n] = hour;
	h->up[h->n++] = up;
}

static int on_history(void *ctx, int64_t hour, uint64_t up)
{
	struct hours *h = ctx;
	if (hour < h->before && up) hours_add(h, hour, (double)up);
	return 0;
}

static double p90_of(double *v, size_t n)
{
	if (!n) return 0;
	median_of(v, n); /* sorts */
	return v[(size_t)floor(0.9 * (double)(n - 1))];
}

/* A destination as the rule groups it: name, else /24 (IPv4) or /48. */
static void net_of(const struct ipaddr *a, struct ipaddr *n)
{
	*n = *a;
	if (n->family == AF_INET)
		n->v4 &= 0xffffff00u;
	else
		memset(n->v6.s6_addr + 6, 0, 10);
}

struct names {
	const struct flowset *fs;
	const uint32_t *nm; /* resolved names (flow_names_resolved) */
};

static int cmp_dest_time(const void *pa, const void *pb, void *ctx)
{
	const struct names *c = ctx;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct flowrec *a = &c->fs->v[ia], *b = &c->fs->v[ib];
	if (c->nm[ia] != c->nm[ib]) return c->nm[ia] < c->nm[ib] ? -1 : 1;
	if (!c->nm[ia]) {
		struct ipaddr x, y;
		net_of(&a->dst, &x);
		net_of(&b->dst, &y);
		int d = ipaddr_cmp(&x, &y);
		if (d) return d;
	}
	return a->start < b->start ? -1 : a->start > b->start;
}

static bool same_dest(const struct names *c, uint32_t ia, uint32_t ib)
{
	const struct flowrec *a = &c->fs->v[ia], *b = &c->fs->v[ib];
	if (c->nm[ia] != c->nm[ib]) return false;
	if (c->nm[ia]) return true;
	struct ipaddr x, y;
	net_of(&a->dst, &x);
	net_of(&b->dst, &y);
	return !ipaddr_cmp(&x, &y);
}

/* The host's stored hours to each peer before this input. */
struct peer_hour {
	int64_t hour;
	struct ipaddr peer;
	char *names; /* comma-separated, or NULL */
	double up;
};
struct peer_hours {
	struct peer_hour *v;
	size_t n, cap;
	int64_t before;
};

static int on_peer_hour(void *ctx, int64_t hour, const struct ipaddr *peer, const char *names, uint64_t up)
{
	struct peer_hours *p = ctx;
	if (hour >= p->before) return 0;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = (struct peer_hour){ hour, *peer, names && *names ? xstrdup(names) : NULL, (double)up };
	return 0;
}

/* Whether a stored hour went to the destination of flow f. */
static bool history_matches(const struct names *nc, uint32_t f, const struct peer_hour *h)
{
	const char *name = nc->nm[f] ? flowset_str(nc->fs, nc->nm[f]) : NULL;
	if (name) return h->names && list_has(h->names, name);
	if (h->names) return false;
	struct ipaddr x, y;
	net_of(&h->peer, &x);
	net_of(&nc->fs->v[f].dst, &y);
	return !ipaddr_cmp(&x, &y);
}

/* One destination's upload in one local hour of one local day. */
struct slot {
	int64_t day, hour; /* local day; hour since the epoch */
	int hod;           /* local hour of the day */
	double up;
	uint32_t flow; /* its first flow; stored history: none */
};

struct judged {
	double *hour_up; /* suspect upload per hour of the input, index hour - h0 */
	double *day_up;  /* per local day, index day - d0 */
	int64_t h0, d0;
	size_t n_hours, n_days;
	bool *routine_high;    /* per hour: a routine destination sent 10x its usual */
	double *routine_usual; /* per hour: that destination's usual volume at the hour */
	/* what was counted: an hour (and day) of a destination, by[g0, g1) its
	 * flows (the destinations an episode's evidence lists) */
	struct counted {
		size_t hi, di, g0, g1;
		bool in_day;
	} * counted;
	size_t n_counted, cap_counted;
	size_t g0, g1; /* the destination judge_dest is judging */
};

static void count_slot(struct judged *j, size_t hi, size_t di, bool in_day)
{
	if (j->n_counted == j->cap_counted) {
		j->cap_counted = j->cap_counted ? 2 * j->cap_counted : 64;
		j->counted = xrealloc(j->counted, j->cap_counted * sizeof(*j->counted));
	}
	j->counted[j->n_counted++] = (struct counted){ hi, di, j->g0, j->g1, in_day };
}

static int hod_dist(int a, int b)
{
	int d = abs(a - b) % 24;
	return d > 12 ? 24 - d : d;
}

/* Judges one destination's slots of this input, s[from, n) in time order,
 * into j; s[0, from) are its stored hours before. */
static void judge_dest(const struct traffic_input *in, const struct prevalence *prev, const struct names *nc,
		       const struct slot *s, size_t from, size_t n, double *tmp, struct judged *j)
{
	struct flowrec r0 = in->flows->v[s[from].flow];
	r0.name = nc->nm[s[from].flow];
	bool easy = !is_foreign(in, &r0) || prevalence_common(prev, &r0);
	for (size_t i = from; i < n; i++) {
		/* this destination's upload at about this hour on each earlier day */
		size_t days = 0;
		int64_t last_day = -1;
		for (size_t k = 0; k < i && s[k].day < s[i].day; k++) {
			if (hod_dist(s[k].hod, s[i].hod) > 1) continue;
			if (s[k].day != last_day) {
				tmp[days++] = 0;
				last_day = s[k].day;
			}
			tmp[days - 1] += s[k].up;
		}
		size_t hi = (size_t)(s[i].hour - j->h0), di = (size_t)(s[i].day - j->d0);
		if (days >= ROUTINE_DAYS) {
			double usual = p90_of(tmp, days);
			/* the same weekday's earlier runs at about this hour */
			int wday = site_day_weekday(s[i].day);
			size_t same = 0;
			last_day = -1;
			for (size_t k = 0; k < i && s[k].day < s[i].day; k++) {
				if (hod_dist(s[k].hod, s[i].hod) > 1 || site_day_weekday(s[k].day) != wday)
					continue;
				if (s[k].day != last_day) {
					tmp[same++] = 0;
					last_day = s[k].day;
				}
				tmp[same - 1] += s[k].up;
			}
			if (same) usual = fmax(usual, p90_of(tmp, same));
			if (s[i].up >= MIN_BYTES && s[i].up >= FACTOR * fmax(usual, 1) && (same || !easy)) {
				j->routine_high[hi] = true;
				j->routine_usual[hi] = fmax(j->routine_usual[hi], usual);
				j->hour_up[hi] += s[i].up;
				count_slot(j, hi, di, false);
			}
		} else if (!easy) {
			j->hour_up[hi] += s[i].up;
			j->day_up[di] += s[i].up;
			count_slot(j, hi, di, true);
		}
	}
}

/* Whether the stored history of any destination of by[0, n) (sorted by
 * cmp_dest_time) can change what judge_dest counts: it is read for a
 * destination sent HISTORY_MIN_UP or more here, and then matters only when
 * the destination is judged by where it goes and is not easy, or sent
 * MIN_BYTES or more in an hour (a routine one counts from there). Else the
 * host's stored peers (a query a host an hour) are not read. */
static bool history_matters(const struct traffic_input *in, const struct prevalence *prev,
			    const struct names *nc, const uint32_t *by, size_t n)
{
	const struct flowset *fs = in->flows;
	for (size_t i = 0; i < n;) {
		size_t e = i + 1;
		while (e < n && same_dest(nc, by[i], by[e])) e++;
		double sent = 0, top = 0;
		for (size_t k = i; k < e;) { /* by start: an hour's flows are together */
			int64_t hour = (int64_t)(fs->v[by[k]].start / 3600);
			double up = 0;
			for (; k < e && (int64_t)(fs->v[by[k]].start / 3600) == hour; k++)
				up += (double)fs->v[by[k]].bytes_out;
			sent += up;
			top = fmax(top, up);
		}
		if (sent >= HISTORY_MIN_UP) {
			if (top >= MIN_BYTES) return true;
			struct flowrec r0 = fs->v[by[i]];
			r0.name = nc->nm[by[i]];
			if (is_foreign(in, &r0) && !prevalence_common(prev, &r0)) return true;
		}
		i = e;
	}
	return false;
}

/* base: the usual volume the upload is measured against (a routine
 * destination's at the hour, else the host's hour or day); base_n: the
 * hours or days it comes from (too few: no usual volume to compare). */
/* Up to this many destinations are named in the evidence, with how many
 * there were: an allowlist entry covers the finding only when it covers
 * every destination (allow-apply.c). */
#define MAX_DESTS 16

/* The distinct destination addresses of the flows counted in units [u0, u1)
 * (hours, or days when days), as the evidence's "destinations". */
static void ev_destinations(struct buf *b, const struct traffic_input *in, const struct names *nc,
			    const uint32_t *by, const struct judged *j, bool days, size_t u0, size_t u1)
{
	const struct flowset *fs = in->flows;
	uint32_t seen[MAX_DESTS];
	size_t n_seen = 0, total = 0;
	buf_puts(b, ",\"destinations\":[");
	for (size_t c = 0; c < j->n_counted; c++) {
		const struct counted *k = &j->counted[c];
		size_t u = days ? k->di : k->hi;
		if ((days && !k->in_day) || u < u0 || u >= u1) continue;
		for (size_t g = k->g0; g < k->g1; g++) {
			const struct flowrec *r = &fs->v[by[g]];
			if (!r->bytes_out) continue;
			/* this unit's flows of the destination only */
			size_t fu = days ? (size_t)(site_local_day(in->cfg, r->start, NULL) - j->d0)
					 : (size_t)((int64_t)(r->start / 3600) - j->h0);
			if (fu != u) continue;
			bool dup = false;
			for (size_t q = 0; q < n_seen && !dup; q++)
				dup = !ipaddr_cmp(&fs->v[seen[q]].dst, &r->dst);
			if (dup) continue;
			if (n_seen == MAX_DESTS) {
				total++; /* counted, not listed: an approximation above the cap */
				continue;
			}
			seen[n_seen++] = by[g];
			total++;
			struct buf d = BUF_INIT;
			buf_putc(&d, '{');
			ev_addr(&d, "dst", &r->dst);
			if (nc->nm[by[g]]) ev_str(&d, "name", flowset_str(fs, nc->nm[by[g]]));
			if (r->cc[0]) ev_str(&d, "country", r->cc);
			ev_num(&d, "dport", r->dport);
			buf_putc(&d, '}');
			if (n_seen > 1) buf_putc(b, ',');
			buf_puts(b, d.data ? d.data : "{}");
			buf_release(&d);
		}
	}
	buf_printf(b, "],\"destinations_n\":%zu", total);
}

static void emit(const struct traffic_input *in, const struct ipaddr *host, const char *what, double from,
		 double to, double total, double base, size_t base_n, size_t units, bool routine,
		 const struct buf *dests, struct findings *out)
{
	char src[IPADDR_STRLEN], title[512], rem[512], tb[32], bb[32], usual[96];
	ipaddr_fmt(host, src, sizeof(src));
	fmt_bytes((uint64_t)total, tb, sizeof(tb));
	fmt_bytes((uint64_t)base, bb, sizeof(bb));
	if (routine)
		snprintf(usual, sizeof(usual), "%.0fx its usual at this hour (%s)", total / fmax(base, 1),
			 bb);
	else if (base_n >= (what[0] == 'h' ? MIN_HOURS : 1))
		snprintf(usual, sizeof(usual), "%.0fx this host's usual %s (%s)", total / fmax(base, 1),
			 what[0] == 'h' ? "hour" : "day", bb);
	else
		snprintf(usual, sizeof(usual), "no usual volume of this host to compare (first %s seen)",
			 what);
	snprintf(title, sizeof(title), "Upload of %s in %zu %s%s, %s", tb, units, what,
		 routine ? " to a routine destination" : " to new or rare destinations", usual);
	snprintf(
	    rem, sizeof(rem),
	    "Find what %s sent (the flows in the evidence window: destinations, the process, the files); if "
	    "it is not a known backup or sync, isolate the host and block the destinations.",
	    src);
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	buf_printf(&b, "\"bytes_out\":%.0f,\"%s\":%zu,\"baseline_p90_bytes\":%.0f,\"baseline_%s\":%zu", total,
		   what, units, base, what, base_n);
	ev_bool(&b, "routine_destination", routine);
	ev_str(&b, "baseline_of",
	       routine          ? "the destination at this hour"
	       : what[0] == 'h' ? "the host's hours"
				: "the host's days");
	ev_time(&b, "first", from);
	ev_time(&b, "last", to);
	if (dests->data) buf_puts(&b, dests->data);
	(void)in;
	add_host_finding(out, "exfil-volume", SEV_HIGH, total, host, title, &b, rem, from, to);
}

/* Judged an hour at a time (in->state): each local day of this input
 * against the host's earlier days in the state (a day without suspect
 * upload counts 0), the day's earlier hours added; a day is reported once,
 * in the hour it crosses the figure (the day after a high day needs only
 * DAY_BYTES, as the batch joins consecutive days). */
static void judge_days_stream(const struct traffic_input *in, const struct ipaddr *host,
			      const struct names *nc, const uint32_t *by, const uint32_t *idx, size_t n,
			      const struct judged *j, struct findings *out)
{
	const struct flowset *fs = in->flows;
	const struct traffic_host_day *hd;
	size_t nhd = traffic_state_host_days(in->state, host, &hd);
	int64_t first_day = traffic_state_first_day(in->state, j->d0);
	int64_t window_days = (int64_t)(TRAFFIC_STATE_WINDOW / 86400);
	struct traffic_host_day *add = xcalloc(j->n_days, sizeof(*add));
	size_t n_add = 0;
	for (size_t i = 0; i < j->n_days; i++) {
		int64_t day = j->d0 + (int64_t)i;
		if (!j->day_up[i]) continue;
		double from = 1e300, to = 0;
		for (size_t k = 0; k < n; k++) {
			const struct flowrec *r = &fs->v[idx[k]];
			if (site_local_day(in->cfg, r->start, NULL) != day) continue;
			from = fmin(from, r->start);
			to = fmax(to, r->end);
		}
		int64_t lo = MAX(first_day, day - window_days);
		size_t base_n = day > lo ? (size_t)(day - lo) : 0;
		double *b = xcalloc(base_n + 1, sizeof(*b)), prior = 0, pfirst = from;
		bool high = false, cont = false;
		for (size_t k = 0; k < nhd; k++) {
			if (hd[k].day >= lo && hd[k].day < day) b[hd[k].day - lo] = hd[k].up;
			if (hd[k].day == day)
				prior = hd[k].up, high = hd[k].high, pfirst = fmin(pfirst, hd[k].first);
			if (hd[k].day == day - 1 && hd[k].high) cont = true;
		}
		double base = p90_of(b, base_n), sum = prior + j->day_up[i];
		free(b);
		double thr = cont ? DAY_BYTES : fmax(DAY_BYTES, FACTOR * fmax(base, 1));
		bool now_high = !high && sum >= thr;
		if (now_high) {
			struct buf dests = BUF_INIT;
			ev_destinations(&dests, in, nc, by, j, true, i, i + 1);
			emit(in, host, "days", pfirst, to, sum, base, base_n, 1, false, &dests, out);
			buf_release(&dests);
		}
		add[n_add++] =
		    (struct traffic_host_day){ *host, day, j->day_up[i], from, to, high || now_high };
	}
	for (size_t k = 0; k < n_add; k++) traffic_state_day_add(in->state, &add[k]); /* hd points into it */
	free(add);
}

static void judge_host(const struct traffic_input *in, const struct prevalence *prev, const struct names *nc,
		       const uint32_t *idx, size_t n, struct findings *out)
{
	const struct flowset *fs = in->flows;
	const struct ipaddr *host = &fs->v[idx[0]].src;
	struct hours h = { .before = (int64_t)(fs->first / 3600) }, now = { 0 };
	for (size_t i = 0; i < n; i++) { /* idx is in start order */
		const struct flowrec *r = &fs->v[idx[i]];
		if (r->bytes_out) hours_add(&now, (int64_t)(r->start / 3600), (double)r->bytes_out);
	}
	double top = 0, total = 0;
	for (size_t i = 0; i < now.n; i++) {
		top = fmax(top, now.up[i]);
		total += now.up[i];
	}
	/* judged an hour at a time, the day's earlier hours (in the state) count */
	double prior = 0;
	if (in->state) {
		const struct traffic_host_day *hd;
		size_t nhd = traffic_state_host_days(in->state, host, &hd);
		int64_t d0 = site_local_day(in->cfg, fs->first, NULL);
		for (size_t k = 0; k < nhd; k++)
			if (hd[k].day >= d0) prior += hd[k].up;
	}
	if (top < MIN_BYTES && total < DAY_BYTES &&
	    !(in->state && (total >= STREAM_MIN_UP || prior + total >= DAY_BYTES))) {
		/* nothing that could be judged high */
		free(now.hour);
		free(now.up);
		return;
	}
	/* per destination, per local day and hour */
	uint32_t *by = xmalloc(n * sizeof(*by));
	memcpy(by, idx, n * sizeof(*by));
	qsort_r(by, n, sizeof(*by), cmp_dest_time, (void *)nc);
	struct peer_hours ph = { .before = (int64_t)(fs->first / 3600) };
	bool history = in->store && history_matters(in, prev, nc, by, n);
	if (history)
		store_flow_host_peer_hours(in->store, host, fs->first - HISTORY_DAYS * 86400.0, fs->first,
					   on_peer_hour, &ph, NULL);
	struct slot *slots = xmalloc((n + ph.n) * sizeof(*slots));
	struct judged j = { .h0 = (int64_t)(fs->first / 3600),
			    .d0 = site_local_day(in->cfg, fs->first, NULL) };
	j.n_hours = (size_t)((int64_t)(fs->last / 3600) - j.h0 + 1);
	j.n_days = (size_t)(site_local_day(in->cfg, fs->last, NULL) - j.d0 + 1);
	/* scratch for baselines: the host's flows and hours, or the window's days
	 * (a host with few flows in a long window has more days than flows) */
	double *tmp = xmalloc((MAX(n + ph.n, j.n_days) + 1) * sizeof(*tmp));
	j.hour_up = xcalloc(j.n_hours, sizeof(double));
	j.routine_high = xcalloc(j.n_hours, sizeof(bool));
	j.routine_usual = xcalloc(j.n_hours, sizeof(double));
	j.day_up = xcalloc(j.n_days, sizeof(double));
	for (size_t i = 0; i < n;) {
		size_t e = i + 1;
		while (e < n && same_dest(nc, by[i], by[e])) e++;
		size_t ns = 0;
		double sent = 0;
		for (size_t k = i; k < e; k++) sent += (double)fs->v[by[k]].bytes_out;
		for (size_t k = 0; sent >= HISTORY_MIN_UP && k < ph.n; k++) {
			if (!history_matches(nc, by[i], &ph.v[k])) continue;
			if (ns && slots[ns - 1].hour == ph.v[k].hour) {
				slots[ns - 1].up += ph.v[k].up;
				continue;
			}
			int minute;
			int64_t day = site_local_day(in->cfg, (double)ph.v[k].hour * 3600, &minute);
			slots[ns++] = (struct slot){ day, ph.v[k].hour, minute / 60, ph.v[k].up, UINT32_MAX };
		}
		size_t stored = ns;
		for (size_t k = i; k < e; k++) {
			const struct flowrec *r = &fs->v[by[k]];
			int minute;
			int64_t day = site_local_day(in->cfg, r->start, &minute),
				hour = (int64_t)(r->start / 3600);
			if (ns > stored && slots[ns - 1].hour == hour) {
				slots[ns - 1].up += (double)r->bytes_out;
				continue;
			}
			slots[ns++] = (struct slot){ day, hour, minute / 60, (double)r->bytes_out, by[k] };
		}
		j.g0 = i, j.g1 = e;
		judge_dest(in, prev, nc, slots, stored, ns, tmp, &j);
		i = e;
	}
	/* high hours: against the host's hourly baseline, read when an hour
	 * may be high */
	bool any_big = false;
	for (size_t i = 0; i < j.n_hours && !any_big; i++) any_big = j.hour_up[i] >= MIN_BYTES;
	if (in->store && any_big)
		store_flow_host_hourly_up(in->store, host, fs->first - HISTORY_DAYS * 86400.0, fs->first,
					  on_history, &h, NULL);
	for (size_t i = 0; i < now.n; i++) hours_add(&h, now.hour[i], now.up[i]);
	tmp = xrealloc(tmp, (MAX(n + h.n + ph.n, j.n_days) + 1) * sizeof(*tmp));
	for (size_t i = 0; i < j.n_hours;) {
		double base = 0;
		size_t base_n = 0;
		for (size_t k = 0; k < h.n; k++)
			if (h.hour[k] != j.h0 + (int64_t)i) tmp[base_n++] = h.up[k];
		bool enough = base_n >= MIN_HOURS;
		base = p90_of(tmp, base_n);
		bool high = j.hour_up[i] >= MIN_BYTES &&
			    (j.routine_high[i] || !enough || j.hour_up[i] >= FACTOR * fmax(base, 1));
		if (!high) {
			i++;
			continue;
		}
		size_t e = i + 1;
		double sum = j.hour_up[i], usual = j.routine_usual[i];
		bool routine = j.routine_high[i];
		while (e < j.n_hours && j.hour_up[e] >= MIN_BYTES) {
			sum += j.hour_up[e];
			routine |= j.routine_high[e];
			usual = fmax(usual, j.routine_usual[e]);
			e++;
		}
		if (routine) base = usual;
		struct buf dests = BUF_INIT;
		ev_destinations(&dests, in, nc, by, &j, false, i, e);
		emit(in, host, "hours", (double)(j.h0 + (int64_t)i) * 3600,
		     (double)(j.h0 + (int64_t)e) * 3600, sum, base, base_n, e - i, routine, &dests, out);
		buf_release(&dests);
		i = e;
	}
	/* high days: a slow upload under the hourly figure */
	if (in->state) judge_days_stream(in, host, nc, by, idx, n, &j, out);
	for (size_t i = 0; !in->state && i < j.n_days;) {
		size_t base_n = 0; /* the days before: the episode's own days are no baseline */
		for (size_t k = 0; k < i; k++) tmp[base_n++] = j.day_up[k];
		double base = p90_of(tmp, base_n);
		if (j.day_up[i] < DAY_BYTES || j.day_up[i] < FACTOR * fmax(base, 1)) {
			i++;
			continue;
		}
		size_t e = i + 1;
		double sum = j.day_up[i];
		while (e < j.n_days && j.day_up[e] >= DAY_BYTES) sum += j.day_up[e++];
		/* the local day's bounds: its flows' times */
		double from = 1e300, to = 0;
		for (size_t k = 0; k < n; k++) {
			const struct flowrec *r = &fs->v[idx[k]];
			int64_t d = site_local_day(in->cfg, r->start, NULL) - j.d0;
			if (d < (int64_t)i || d >= (int64_t)e) continue;
			from = fmin(from, r->start);
			to = fmax(to, r->end);
		}
		struct buf dests = BUF_INIT;
		ev_destinations(&dests, in, nc, by, &j, true, i, e);
		emit(in, host, "days", from, to, sum, base, base_n, e - i, false, &dests, out);
		buf_release(&dests);
		i = e;
	}
	free(j.hour_up);
	free(j.routine_high);
	free(j.routine_usual);
	free(j.day_up);
	free(j.counted);
	free(slots);
	free(tmp);
	free(by);
	free(now.hour);
	free(now.up);
	free(h.hour);
	free(h.up);
	for (size_t k = 0; k < ph.n; k++) free(ph.v[k].names);
	free(ph.v);
}

int rule_exfil_volume(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	uint32_t *idx;
	size_t n = flows_by_source(in, candidate, &idx);
	struct prevalence prev;
	prevalence_build(in, &prev);
	if (in->state && fs->n) /* the days before a host's first suspect day count 0 */
		traffic_state_first_day(in->state, site_local_day(in->cfg, fs->first, NULL));
	struct names nc = { fs, flow_names_resolved(fs) };
	for (size_t i = 0; i < n;) {
		size_t e = i + 1;
		while (e < n && !ipaddr_cmp(&fs->v[idx[e]].src, &fs->v[idx[i]].src)) e++;
		judge_host(in, &prev, &nc, idx + i, e - i, out);
		i = e;
	}
	free((void *)nc.nm);
	free(prev.v);
	free(idx);
	return 0;
}
