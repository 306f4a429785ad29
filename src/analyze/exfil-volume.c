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
 *   judged like a first night, by where it goes (below);
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

/* One destination's upload in one local hour of one local day. */
struct slot {
	int64_t day, hour; /* local day; hour since the epoch */
	int hod;           /* local hour of the day */
	double up;
	uint32_t flow; /* its first flow */
};

struct judged {
	double *hour_up; /* suspect upload per hour of the input, index hour - h0 */
	double *day_up;  /* per local day, index day - d0 */
	int64_t h0, d0;
	size_t n_hours, n_days;
	bool *routine_high;    /* per hour: a routine destination sent 10x its usual */
	double *routine_usual; /* per hour: that destination's usual volume at the hour */
};

static int hod_dist(int a, int b)
{
	int d = abs(a - b) % 24;
	return d > 12 ? 24 - d : d;
}

/* Judges one destination's slots (in time order) into j. */
static void judge_dest(const struct traffic_input *in, const struct prevalence *prev, const struct names *nc,
		       const struct slot *s, size_t n, double *tmp, struct judged *j)
{
	struct flowrec r0 = in->flows->v[s[0].flow];
	r0.name = nc->nm[s[0].flow];
	bool easy = !is_foreign(in, &r0) || prevalence_common(prev, &r0);
	for (size_t i = 0; i < n; i++) {
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
			}
		} else if (!easy) {
			j->hour_up[hi] += s[i].up;
			j->day_up[di] += s[i].up;
		}
	}
}

/* base: the usual volume the upload is measured against (a routine
 * destination's at the hour, else the host's hour or day); base_n: the
 * hours or days it comes from (too few: no usual volume to compare). */
static void emit(const struct traffic_input *in, const struct ipaddr *host, const char *what, double from,
		 double to, double total, double base, size_t base_n, size_t units, bool routine,
		 struct findings *out)
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
	(void)in;
	add_host_finding(out, "exfil-volume", SEV_HIGH, total, host, title, &b, rem, from, to);
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
	if (top < MIN_BYTES && total < DAY_BYTES) { /* nothing that could be judged high */
		free(now.hour);
		free(now.up);
		return;
	}
	if (in->store)
		store_flow_host_hourly_up(in->store, host, fs->first - HISTORY_DAYS * 86400.0, fs->first,
					  on_history, &h, NULL);
	for (size_t i = 0; i < now.n; i++) hours_add(&h, now.hour[i], now.up[i]);

	/* per destination, per local day and hour */
	uint32_t *by = xmalloc(n * sizeof(*by));
	memcpy(by, idx, n * sizeof(*by));
	qsort_r(by, n, sizeof(*by), cmp_dest_time, (void *)nc);
	struct slot *slots = xmalloc(n * sizeof(*slots));
	struct judged j = { .h0 = (int64_t)(fs->first / 3600),
			    .d0 = site_local_day(in->cfg, fs->first, NULL) };
	j.n_hours = (size_t)((int64_t)(fs->last / 3600) - j.h0 + 1);
	j.n_days = (size_t)(site_local_day(in->cfg, fs->last, NULL) - j.d0 + 1);
	/* scratch for baselines: the host's flows and hours, or the window's days
	 * (a host with few flows in a long window has more days than flows) */
	double *tmp = xmalloc((MAX(n + h.n, j.n_days) + 1) * sizeof(*tmp));
	j.hour_up = xcalloc(j.n_hours, sizeof(double));
	j.routine_high = xcalloc(j.n_hours, sizeof(bool));
	j.routine_usual = xcalloc(j.n_hours, sizeof(double));
	j.day_up = xcalloc(j.n_days, sizeof(double));
	for (size_t i = 0; i < n;) {
		size_t e = i + 1;
		while (e < n && same_dest(nc, by[i], by[e])) e++;
		size_t ns = 0;
		for (size_t k = i; k < e; k++) {
			const struct flowrec *r = &fs->v[by[k]];
			int minute;
			int64_t day = site_local_day(in->cfg, r->start, &minute),
				hour = (int64_t)(r->start / 3600);
			if (ns && slots[ns - 1].hour == hour) {
				slots[ns - 1].up += (double)r->bytes_out;
				continue;
			}
			slots[ns++] = (struct slot){ day, hour, minute / 60, (double)r->bytes_out, by[k] };
		}
		judge_dest(in, prev, nc, slots, ns, tmp, &j);
		i = e;
	}
	/* high hours: against the host's hourly baseline */
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
		emit(in, host, "hours", (double)(j.h0 + (int64_t)i) * 3600,
		     (double)(j.h0 + (int64_t)e) * 3600, sum, base, base_n, e - i, routine, out);
		i = e;
	}
	/* high days: a slow upload under the hourly figure */
	for (size_t i = 0; i < j.n_days;) {
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
		emit(in, host, "days", from, to, sum, base, base_n, e - i, false, out);
		i = e;
	}
	free(j.hour_up);
	free(j.routine_high);
	free(j.routine_usual);
	free(j.day_up);
	free(slots);
	free(tmp);
	free(by);
	free(now.hour);
	free(now.up);
	free(h.hour);
	free(h.up);
}

int rule_exfil_volume(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	uint32_t *idx;
	size_t n = flows_by_source(in, candidate, &idx);
	struct prevalence prev;
	prevalence_build(in, &prev);
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
