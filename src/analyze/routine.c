/* Rule scheduled-transfer: the routine a host runs on a schedule (updates,
 * signatures, backups, monitoring) learned from the traffic, so it is
 * listed for review instead of alarmed as a beacon or an upload. A job is
 * a (host, destination name else /24 or /48 network, port) series whose
 * first connection of the day falls in the same hour of the local day,
 * with few connections a day, on one of these schedules:
 * - daily: on most of the days the host was seen (at least 3);
 * - business days: only on the site's business days, on most of those the
 *   host was seen (at least 3);
 * - weekly: on one weekday, in at least 2 weeks, on most of the host's days
 *   of that weekday (a cumulative update, a weekly inventory).
 * Office-hours browsing visits some site on a few business days at about
 * the same time by chance; a business-day or weekly job counts only when
 * its runs are too close in time to be that: the chance that as many of
 * its days fall as near its usual minute, given when the host's other
 * destinations are first reached each day, is below 1% for all the
 * host's series together (two weekly runs in the middle of browsing are
 * not enough; two at night, or three weeks, are).
 * One finding per host lists its jobs, at info, unless a job is abnormal:
 * its latest run sent far more than its own history (the runs on the same
 * weekday when there are any, so a Sunday full backup is measured against
 * the Sundays before), its country changed, or it uploads to a foreign
 * destination few hosts use outside business hours; then medium, with the
 * reason. */
#include "analyze/traffic-util.h"
#include "analyze/traffic-state.h"
#include "analyze/traffic-slots.h"
#include "analyze/traffic-recent.h"
#include "base/sort-appended.h"
#include "base/strpool.h"
#include "base/util.h"
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define MIN_DAYS 3
#define MOST_DAYS 0.5   /* of the days the host was seen */
#define ON_TIME 0.8     /* of the job's days within SLACK of its usual minute */
#define SLACK 60        /* minutes */
#define MAX_PER_DAY 4.0 /* more a day is a poll or a beacon, not a daily job */
#define VOLUME_FACTOR 10.0
#define VOLUME_MIN 20000000.0
#define MAX_JOBS 16
#define MIN_WEEKS 2
#define MIN_WINDOW 5    /* minutes: the narrowest window a run is measured in */
#define MAX_CHANCE 0.01 /* for all of a host's series together */

enum schedule { DAILY, BUSINESS_DAYS, WEEKLY };
static const char *const wday_names[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

static bool candidate(const struct traffic_input *in, const struct flowrec *r)
{
	return is_outbound_external(in, r) && !flow_is_background(r) && !flow_is_failed(r);
}

/* The destination a job is about: its name, else its network. */
static void net_of(const struct ipaddr *a, struct ipaddr *n)
{
	*n = *a;
	if (n->family == AF_INET)
		n->v4 &= 0xffffff00u;
	else
		memset(n->v6.s6_addr + 6, 0, 10);
}

static int cmp_job(const void *pa, const void *pb, void *ctx)
{
	const struct flowset *fs = ctx;
	const struct flowrec *a = &fs->v[*(const uint32_t *)pa], *b = &fs->v[*(const uint32_t *)pb];
	int c = ipaddr_cmp(&a->src, &b->src);
	if (c) return c;
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	if (!a->name) {
		struct ipaddr x, y;
		net_of(&a->dst, &x);
		net_of(&b->dst, &y);
		if ((c = ipaddr_cmp(&x, &y))) return c;
	}
	if (a->dport != b->dport) return a->dport < b->dport ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static bool same_job(const struct flowrec *a, const struct flowrec *b)
{
	if (ipaddr_cmp(&a->src, &b->src) || a->name != b->name || a->dport != b->dport) return false;
	if (a->name) return true;
	struct ipaddr x, y;
	net_of(&a->dst, &x);
	net_of(&b->dst, &y);
	return !ipaddr_cmp(&x, &y);
}

struct job {
	const struct flowrec *r0;
	enum schedule schedule;
	int wday;   /* WEEKLY: its weekday, 0 Sunday */
	int minute; /* usual local minute of the first run of the day */
	size_t days, flows;
	double up_last, up_median, first, last;
	char cc_first[3], cc_last[3];
	const char *abnormal; /* NULL: routine */
};

/* Circular distance between two minutes of the day. */
static int minute_dist(int a, int b)
{
	int d = abs(a - b) % 1440;
	return d > 720 ? 1440 - d : d;
}

/* The local days one host was seen on. */
struct seen {
	size_t days, business, by_wday[7];
};

struct ctx {
	const struct traffic_input *in;
	struct prevalence prev;
	double *tmp;
	int *minutes;
	int64_t *run_day;
	double *day_up;
	int *host_min;   /* the host's first minute of each (series, day) */
	size_t host_n;   /* entries in host_min */
	size_t n_series; /* the host's series */
	/* a file's first reading: the series' runs per day in the whole input
	 * (sched_state.seed), NULL when none */
	const struct sched_day *seed;
	size_t n_seed;
	struct findings *out;
};

/* What judging a host's series allocated, for both ways in (batch, stream). */
static void ctx_free(struct ctx *c)
{
	free(c->tmp);
	free(c->day_up);
	free(c->minutes);
	free(c->run_day);
	free(c->host_min);
	free(c->prev.v);
}

static bool business_day(const struct site_config *cfg, int64_t day)
{
	return cfg->business_days >> site_day_weekday(day) & 1;
}

/* Which schedule the run days fit, if any. */
static bool schedule_of(const struct ctx *c, size_t days, const struct seen *h, struct job *j)
{
	size_t on_business = 0, by_wday[7] = { 0 };
	for (size_t i = 0; i < days; i++) {
		on_business += business_day(c->in->cfg, c->run_day[i]);
		by_wday[site_day_weekday(c->run_day[i])]++;
	}
	if (days >= MIN_DAYS && on_business == days && h->business > 0 && h->business < h->days &&
	    (double)days >= MOST_DAYS * (double)h->business) {
		j->schedule = BUSINESS_DAYS;
		return true;
	}
	if (days >= MIN_DAYS && (double)days >= MOST_DAYS * (double)h->days) {
		j->schedule = DAILY;
		return true;
	}
	/* weekly: (nearly) every run on one weekday, one run a week */
	int w = 0;
	for (int k = 1; k < 7; k++)
		if (by_wday[k] > by_wday[w]) w = k;
	if (by_wday[w] >= MIN_WEEKS && (double)by_wday[w] >= ON_TIME * (double)days &&
	    (double)by_wday[w] >= MOST_DAYS * (double)h->by_wday[w]) {
		j->schedule = WEEKLY;
		j->wday = w;
		return true;
	}
	return false;
}

/* How likely best_k of the days' first runs fall as near the usual minute
 * as they do by chance, for all the host's series together. */
static double chance(const struct ctx *c, size_t days, int best, size_t best_k)
{
	int w = MIN_WINDOW;
	size_t own = 0, near = 0;
	for (size_t i = 0; i < days; i++) {
		int d = minute_dist(c->minutes[i], best);
		if (d <= SLACK && d > w) w = d;
	}
	for (size_t i = 0; i < days; i++) own += minute_dist(c->minutes[i], best) <= w;
	for (size_t i = 0; i < c->host_n; i++) near += minute_dist(c->host_min[i], best) <= w;
	double other = (double)(near - MIN(near, own)), total = (double)(c->host_n - MIN(c->host_n, days));
	/* at least as likely as a moment of the whole day */
	double q = fmax((2.0 * w + 1) / 1440, total > 0 ? other / total : 0);
	return binomial_tail(days, best_k, q) * (double)c->n_series;
}

/* A series' runs as judge_days reads them: its days in c->minutes,
 * c->run_day, c->day_up [0, days), and the rest. */
struct runs {
	size_t days, flows;
	uint64_t up, down;
	const struct flowrec *r0; /* its first flow here (name, address, port) */
	double first, last;
	char cc_first[3], cc_last[3];
};

static bool judge_days(struct ctx *c, const struct runs *rs, const struct seen *host, struct job *j);

/* Judges one series [idx, idx+n) of one host; true and *j filled when it is a job. */
static bool judge_series(struct ctx *c, const uint32_t *idx, size_t n, const struct seen *host, struct job *j)
{
	const struct flowset *fs = c->in->flows;
	size_t days = 0;
	int64_t day = -1;
	struct runs rs = { .flows = n };
	for (size_t i = 0; i < n; i++) {
		const struct flowrec *r = &fs->v[idx[i]];
		int m;
		int64_t d = site_local_day(c->in->cfg, r->start, &m);
		if (d != day) {
			c->minutes[days] = m;
			c->run_day[days] = d;
			c->day_up[days++] = 0;
			day = d;
		}
		c->day_up[days - 1] += (double)r->bytes_out;
		rs.up += r->bytes_out;
		rs.down += r->bytes_in;
	}
	const struct flowrec *r0 = &fs->v[idx[0]], *rl = &fs->v[idx[n - 1]];
	rs.days = days;
	rs.r0 = r0;
	rs.first = r0->start;
	rs.last = rl->end;
	memcpy(rs.cc_first, r0->cc, 3);
	memcpy(rs.cc_last, rl->cc, 3);
	return judge_days(c, &rs, host, j);
}

static bool judge_days(struct ctx *c, const struct runs *rs, const struct seen *host, struct job *j)
{
	size_t days = rs->days, n = rs->flows;
	*j = (struct job){ 0 };
	if (!schedule_of(c, days, host, j)) return false;
	if ((double)n / (double)days > MAX_PER_DAY) return false;
	/* the usual minute: the one most runs fall near */
	int best = 0;
	size_t best_k = 0;
	for (size_t i = 0; i < days; i++) {
		size_t k = 0;
		for (size_t t = 0; t < days; t++) k += minute_dist(c->minutes[i], c->minutes[t]) <= SLACK;
		if (k > best_k) {
			best_k = k;
			best = c->minutes[i];
		}
	}
	if ((double)best_k < ON_TIME * (double)days) return false;
	if (chance(c, days, best, best_k) > MAX_CHANCE) return false;
	const struct flowrec *r0 = rs->r0;
	j->r0 = r0;
	j->minute = best;
	j->days = days;
	j->flows = n;
	j->first = rs->first;
	j->last = rs->last;
	memcpy(j->cc_first, rs->cc_first, 3);
	memcpy(j->cc_last, rs->cc_last, 3);
	j->up_last = c->day_up[days - 1];
	/* its usual run: the median of the runs before, or of those on the
	 * latest run's weekday when that is more (a weekly full backup among
	 * nightly increments) */
	for (size_t i = 0; i + 1 < days; i++) c->tmp[i] = c->day_up[i];
	j->up_median = median_of(c->tmp, days - 1);
	size_t same = 0;
	int last_wday = site_day_weekday(c->run_day[days - 1]);
	for (size_t i = 0; i + 1 < days; i++)
		if (site_day_weekday(c->run_day[i]) == last_wday) c->tmp[same++] = c->day_up[i];
	/* the first run of its weekday here: measured against the file's other
	 * runs of that weekday, as a judgement of a file ending on one of them
	 * would (a weekly full backup among nightly increments) */
	for (size_t i = 0; !same && i < c->n_seed; i++)
		if (c->seed[i].day != c->run_day[days - 1] && site_day_weekday(c->seed[i].day) == last_wday)
			c->tmp[same++] = c->seed[i].up;
	if (same) j->up_median = fmax(j->up_median, median_of(c->tmp, same));
	if (j->up_last >= VOLUME_MIN && j->up_last >= VOLUME_FACTOR * fmax(j->up_median, 1))
		j->abnormal = "its latest run sent far more than its own history";
	else if (rs->cc_first[0] && rs->cc_last[0] && strcmp(rs->cc_first, rs->cc_last))
		j->abnormal = "its destination's country changed";
	else if (rs->up > rs->down && is_foreign(c->in, r0) &&
		 !site_is_business_time(c->in->cfg, rs->first) && prevalence_of(&c->prev, r0) < 3)
		j->abnormal = "it uploads to a foreign destination few hosts use, outside business hours";
	return true;
}

static void report(struct ctx *c, const struct ipaddr *host, const struct job *jobs, size_t n_jobs)
{
	const struct flowset *fs = c->in->flows;
	char src[IPADDR_STRLEN], title[512], list[400] = "";
	ipaddr_fmt(host, src, sizeof(src));
	const char *why = NULL;
	double first = jobs[0].first, last = jobs[0].last;
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"jobs\":[");
	for (size_t i = 0; i < n_jobs; i++) {
		const struct job *j = &jobs[i];
		const char *name = flowset_name(fs, j->r0);
		char dst[IPADDR_STRLEN];
		ipaddr_fmt(&j->r0->dst, dst, sizeof(dst));
		char when[32];
		snprintf(when, sizeof(when), "%s",
			 j->schedule == WEEKLY          ? wday_names[j->wday]
			 : j->schedule == BUSINESS_DAYS ? "business days"
							: "daily");
		if (strlen(list) + 100 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%.60s %s %02d:%02d",
				 i ? ", " : "", name ? name : dst, when, j->minute / 60, j->minute % 60);
		if (j->abnormal && !why) why = j->abnormal;
		first = fmin(first, j->first);
		last = fmax(last, j->last);
		struct buf o = BUF_INIT;
		buf_putc(&o, '{');
		ev_str(&o, "name", name);
		ev_addr(&o, "dst", &j->r0->dst);
		ev_str(&o, "schedule",
		       j->schedule == WEEKLY          ? "weekly"
		       : j->schedule == BUSINESS_DAYS ? "business days"
						      : "daily");
		if (j->schedule == WEEKLY) ev_str(&o, "weekday", wday_names[j->wday]);
		buf_printf(&o, ",\"dport\":%u,\"local_time\":\"%02d:%02d\",\"days\":%zu,\"flows\":%zu",
			   j->r0->dport, j->minute / 60, j->minute % 60, j->days, j->flows);
		ev_num(&o, "bytes_out_last_run", j->up_last);
		ev_num(&o, "bytes_out_median_run", j->up_median);
		ev_str(&o, "country", j->cc_last[0] ? j->cc_last : NULL);
		ev_str(&o, "abnormal", j->abnormal);
		buf_putc(&o, '}');
		if (i) buf_putc(&b, ',');
		buf_append(&b, o.data, o.len);
		buf_release(&o);
	}
	buf_puts(&b, "]");
	ev_time(&b, "first", first);
	ev_time(&b, "last", last);
	snprintf(title, sizeof(title), "Scheduled transfer%s: %zu job%s (%s)%s%s", why ? ", abnormal" : "",
		 n_jobs, n_jobs > 1 ? "s" : "", list, why ? ": " : "", why ? why : "");
	char rem[512];
	snprintf(
	    rem, sizeof(rem),
	    "Confirm that the jobs on %s are known (updates, signatures, backups, monitoring)%s; a known job "
	    "can be allowlisted in the site policy.",
	    src, why ? " and find out why this run differs from its history" : "");
	add_host_finding(c->out, "scheduled-transfer", why ? SEV_MEDIUM : SEV_INFO, (double)n_jobs, host,
			 title, &b, rem, first, last);
}

/* Judged an hour at a time (in->state): each series' runs per local day
 * and each host's days seen, for the window, in the state; a job is
 * judged on those days whenever its series has flows, and reported once
 * when it becomes one, and again when a run of this hour is abnormal
 * (struct sched_state, traffic-slots.h, saved with the state). */
void sched_state_free(void *p)
{
	struct sched_state *ss = p;
	free(ss->v);
	free(ss->h);
	free(ss->seed);
	strpool_release(&ss->names);
	free(ss);
}

static int cmp_series_key(const struct sched_day *a, const struct sched_day *b)
{
	int c = ipaddr_cmp(&a->host, &b->host);
	if (c) return c;
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	if ((c = ipaddr_cmp(&a->net, &b->net))) return c;
	return (a->dport > b->dport) - (a->dport < b->dport);
}

static int cmp_sched_day(const void *pa, const void *pb)
{
	const struct sched_day *a = pa, *b = pb;
	int c = cmp_series_key(a, b);
	return c ? c : (a->day > b->day) - (a->day < b->day);
}

static int cmp_seen_day(const void *pa, const void *pb)
{
	const struct seen_day *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	return c ? c : (a->day > b->day) - (a->day < b->day);
}

/* x, of the same series and day, merged into y, which came before it. */
static void sched_day_merge(struct sched_day *y, const struct sched_day *x)
{
	if (x->first < y->first) {
		y->minute = x->minute;
		memcpy(y->cc_first, x->cc_first, 3);
	}
	if (x->last > y->last) memcpy(y->cc_last, x->cc_last, 3);
	y->first = fmin(y->first, x->first);
	y->last = fmax(y->last, x->last);
	y->flows += x->flows;
	y->up += x->up;
	y->down += x->down;
	y->listed |= x->listed;
}

/* The state's days sorted, one record per series and day (an earlier
 * hour's and this one's merged), none before `from_day`; v[0, sorted)
 * is so from the settle before (only the days added since are sorted). */
static size_t days_settle(struct sched_day *v, size_t n, size_t sorted, int64_t from_day)
{
	size_t m = 0;
	if (sorted == n) { /* one record each already: only the old days go */
		for (size_t i = 0; i < n; i++)
			if (v[i].day >= from_day) v[m++] = v[i];
		return m;
	}
	sort_appended(v, n, sorted, sizeof(*v), cmp_sched_day);
	for (size_t i = 0; i < n; i++) {
		struct sched_day *x = &v[i];
		if (x->day < from_day) continue;
		if (m && !cmp_sched_day(&v[m - 1], x)) {
			sched_day_merge(&v[m - 1], x);
			continue;
		}
		v[m++] = *x;
	}
	return m;
}

static size_t named_series(const struct sched_day *v, size_t n)
{
	size_t named = 0;
	for (size_t i = 0; i < n; i++) named += v[i].name && (!i || cmp_series_key(&v[i - 1], &v[i]));
	return named;
}

static void sched_settle(struct sched_state *ss, int64_t from_day)
{
	ss->n = ss->n_sorted = days_settle(ss->v, ss->n, ss->n_sorted, from_day);
	ss->n_seed = ss->n_seed_sorted = days_settle(ss->seed, ss->n_seed, ss->n_seed_sorted, from_day);
	/* the names of series that left the window: a new pool when they are
	 * most of it (the order by name id is kept: ids are given in it) */
	size_t m = ss->n;
	size_t named = named_series(ss->v, ss->n) + named_series(ss->seed, ss->n_seed);
	if (ss->names.n > NAMES_COMPACT_MIN && ss->names.n > 2 * named) {
		struct strpool fresh;
		strpool_init(&fresh);
		uint32_t *to = xcalloc(ss->names.n + 1, sizeof(*to));
		for (size_t i = 0; i < m; i++) to[ss->v[i].name] = 1; /* held */
		for (size_t i = 0; i < ss->n_seed; i++) to[ss->seed[i].name] = 1;
		for (uint32_t id = 1; id <= ss->names.n; id++) /* in id order, so the sort holds */
			if (to[id]) to[id] = strpool_add(&fresh, strpool_get(&ss->names, id));
		to[0] = 0;
		for (size_t i = 0; i < m; i++) ss->v[i].name = to[ss->v[i].name];
		for (size_t i = 0; i < ss->n_seed; i++) ss->seed[i].name = to[ss->seed[i].name];
		free(to);
		strpool_release(&ss->names);
		ss->names = fresh;
	}
	sort_appended(ss->h, ss->nh, ss->nh_sorted, sizeof(*ss->h), cmp_seen_day);
	m = 0;
	for (size_t i = 0; i < ss->nh; i++)
		if (ss->h[i].day >= from_day && (!m || cmp_seen_day(&ss->h[m - 1], &ss->h[i])))
			ss->h[m++] = ss->h[i];
	ss->nh = ss->nh_sorted = m;
}

static struct sched_day series_key_of(struct sched_state *ss, const struct flowset *fs,
				      const struct flowrec *r)
{
	struct sched_day k = { .host = r->src, .dport = r->dport };
	const char *name = flowset_name(fs, r);
	if (name)
		k.name = strpool_add(&ss->names, name);
	else
		net_of(&r->dst, &k.net);
	return k;
}

/* A flow's run as a record of its series and local day (one flow). */
static struct sched_day run_day_of(struct sched_state *ss, const struct traffic_input *in,
				   const struct flowrec *r)
{
	struct sched_day d = series_key_of(ss, in->flows, r);
	d.day = site_local_day(in->cfg, r->start, &d.minute);
	d.flows = 1;
	d.up = (double)r->bytes_out;
	d.down = (double)r->bytes_in;
	d.first = r->start;
	d.last = r->end;
	return d;
}

static struct sched_state *sched_slot(struct traffic_state *s)
{
	void **slot = traffic_state_slot(s, TRAFFIC_SLOT_SCHED, sched_state_free);
	if (!*slot) {
		struct sched_state *ss = xcalloc(1, sizeof(*ss));
		strpool_init(&ss->names);
		*slot = ss;
	}
	return *slot;
}

/* A part of a file's first reading: its runs per series and day merged
 * into the seed (one record each, so its size is the series-days). */
void sched_seed_flows(struct traffic_state *s, const struct traffic_input *in)
{
	struct sched_state *ss = sched_slot(s);
	const struct flowset *fs = in->flows;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!candidate(in, r)) continue;
		struct sched_day d = run_day_of(ss, in, r);
		if (ss->n_seed == ss->cap_seed) {
			ss->cap_seed = ss->cap_seed ? 2 * ss->cap_seed : 1024;
			ss->seed = xrealloc(ss->seed, ss->cap_seed * sizeof(*ss->seed));
		}
		ss->seed[ss->n_seed++] = d;
	}
	ss->n_seed = ss->n_seed_sorted = days_settle(ss->seed, ss->n_seed, ss->n_seed_sorted, INT64_MIN);
}

/* After the last part: only the days of a series' weekdays with two runs
 * or more are of use (to another run of the weekday). */
void sched_seed_end(struct traffic_state *s)
{
	struct sched_state *ss = sched_slot(s);
	size_t m = 0;
	for (size_t i = 0; i < ss->n_seed;) {
		size_t j = i + 1, by_wday[7] = { 0 };
		while (j < ss->n_seed && !cmp_series_key(&ss->seed[i], &ss->seed[j])) j++;
		for (size_t k = i; k < j; k++) by_wday[site_day_weekday(ss->seed[k].day)]++;
		for (size_t k = i; k < j; k++)
			if (by_wday[site_day_weekday(ss->seed[k].day)] >= 2) ss->seed[m++] = ss->seed[k];
		i = j;
	}
	ss->n_seed = ss->n_seed_sorted = m; /* a sorted subset */
}

/* The series' days in the seed (sorted as v). */
static const struct sched_day *seed_of(const struct sched_state *ss, const struct sched_day *key, size_t *n)
{
	size_t lo = 0, hi = ss->n_seed;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp_series_key(&ss->seed[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t e = lo;
	while (e < ss->n_seed && !cmp_series_key(&ss->seed[e], key)) e++;
	*n = e - lo;
	return e > lo ? ss->seed + lo : NULL;
}

static int rule_scheduled_stream(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	struct sched_state *ss = sched_slot(in->state);
	if (!fs->n) return 0;
	/* this hour's days seen and runs, into the state (each host's day once
	 * rather than once a flow: sched_settle keeps one) */
	struct traffic_recent hd;
	traffic_recent_init(&hd, fs->n);
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!(r->where & FREC_SRC_INTERNAL)) continue;
		struct seen_day d = { r->src, site_local_day(in->cfg, r->start, NULL) };
		uint32_t *at = traffic_recent_slot(
		    &hd, traffic_recent_mix(traffic_recent_addr(0, &d.host), (uint64_t)d.day));
		if (*at && !cmp_seen_day(&ss->h[*at - 1], &d)) continue;
		if (ss->nh == ss->caph) {
			ss->caph = ss->caph ? 2 * ss->caph : 1024;
			ss->h = xrealloc(ss->h, ss->caph * sizeof(*ss->h));
		}
		if (ss->nh < UINT32_MAX) *at = (uint32_t)ss->nh + 1;
		ss->h[ss->nh++] = d;
	}
	traffic_recent_release(&hd);
	uint32_t *idx = xmalloc((fs->n + 1) * sizeof(*idx));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (candidate(in, &fs->v[i])) idx[n++] = (uint32_t)i;
	if (!sort_by_series(in, idx, n, net_of)) qsort_r(idx, n, sizeof(*idx), cmp_job, (void *)fs);
	/* a series' flows of a day are together in idx: merged as they come,
	 * as the settle would merge them (in the same order), one record a
	 * series and day to sort rather than one a flow */
	size_t n_before = ss->n;
	for (size_t i = 0; i < n; i++) {
		const struct flowrec *r = &fs->v[idx[i]];
		struct sched_day d = run_day_of(ss, in, r);
		memcpy(d.cc_first, r->cc, 3);
		memcpy(d.cc_last, r->cc, 3);
		if (ss->n > n_before && !cmp_sched_day(&ss->v[ss->n - 1], &d)) {
			sched_day_merge(&ss->v[ss->n - 1], &d);
			continue;
		}
		if (ss->n == ss->cap) {
			ss->cap = ss->cap ? 2 * ss->cap : 1024;
			ss->v = xrealloc(ss->v, ss->cap * sizeof(*ss->v));
		}
		ss->v[ss->n++] = d;
	}
	int64_t today = site_local_day(in->cfg, fs->last, NULL);
	sched_settle(ss, today - (int64_t)(TRAFFIC_STATE_WINDOW / 86400));

	struct ctx c = { .in = in, .out = out };
	prevalence_build(in, &c.prev);
	size_t room = ss->n + 1;
	c.tmp = xmalloc((room + ss->n_seed) * sizeof(double));
	c.day_up = xmalloc(room * sizeof(double));
	c.minutes = xmalloc(room * sizeof(int));
	c.run_day = xmalloc(room * sizeof(int64_t));
	c.host_min = xmalloc(room * sizeof(int));
	struct job jobs[MAX_JOBS];
	for (size_t i = 0; i < n;) {
		const struct ipaddr *host = &fs->v[idx[i]].src;
		struct seen seen = { 0 };
		size_t k0 = 0, k1 = ss->nh; /* the host's days: sorted by host */
		while (k0 < k1) {
			size_t mid = (k0 + k1) / 2;
			if (ipaddr_cmp(&ss->h[mid].host, host) < 0)
				k0 = mid + 1;
			else
				k1 = mid;
		}
		for (size_t k = k0; k < ss->nh && !ipaddr_cmp(&ss->h[k].host, host); k++) {
			seen.days++;
			seen.business += business_day(in->cfg, ss->h[k].day);
			seen.by_wday[site_day_weekday(ss->h[k].day)]++;
		}
		/* the host's series of the window and their days' first minutes */
		size_t lo = 0, hi = ss->n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (ipaddr_cmp(&ss->v[mid].host, host) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t end = lo;
		c.host_n = c.n_series = 0;
		for (; end < ss->n && !ipaddr_cmp(&ss->v[end].host, host); end++) {
			c.n_series += end == lo || cmp_series_key(&ss->v[end - 1], &ss->v[end]);
			c.host_min[c.host_n++] = ss->v[end].minute;
		}
		size_t n_jobs = 0;
		while (i < n && !ipaddr_cmp(&fs->v[idx[i]].src, host)) {
			size_t j = i + 1;
			while (j < n && same_job(&fs->v[idx[i]], &fs->v[idx[j]])) j++;
			struct sched_day key = series_key_of(ss, fs, &fs->v[idx[i]]);
			size_t a = lo;
			while (a < end && cmp_series_key(&ss->v[a], &key)) a++;
			size_t b = a;
			struct runs rs = { .r0 = &fs->v[idx[i]] };
			for (; b < end && !cmp_series_key(&ss->v[b], &key); b++) {
				const struct sched_day *d = &ss->v[b];
				c.minutes[rs.days] = d->minute;
				c.run_day[rs.days] = d->day;
				c.day_up[rs.days++] = d->up;
				rs.flows += d->flows;
				rs.up += (uint64_t)d->up;
				rs.down += (uint64_t)d->down;
			}
			i = j;
			if (b == a || n_jobs == MAX_JOBS) continue;
			c.seed = seed_of(ss, &key, &c.n_seed);
			rs.first = ss->v[a].first;
			rs.last = ss->v[b - 1].last;
			memcpy(rs.cc_first, ss->v[a].cc_first, 3);
			memcpy(rs.cc_last, ss->v[b - 1].cc_last, 3);
			struct job jb;
			if (!judge_days(&c, &rs, &seen, &jb)) continue;
			struct sched_day *latest = &ss->v[b - 1];
			bool listed = false;
			for (size_t q = a; q < b; q++) listed |= ss->v[q].listed;
			bool ran_now = latest->first >= fs->first; /* the day's first run is this hour's */
			if (listed && !(jb.abnormal && ran_now)) continue;
			latest->listed = true;
			jobs[n_jobs++] = jb;
		}
		if (n_jobs) report(&c, host, jobs, n_jobs);
	}
	ctx_free(&c);
	free(idx);
	return 0;
}

int rule_scheduled_transfer(const struct traffic_input *in, struct findings *out)
{
	if (in->state) return rule_scheduled_stream(in, out);
	const struct flowset *fs = in->flows;
	struct ctx c = { .in = in, .out = out };
	/* the days each internal host was seen, from all its flows */
	uint32_t *all;
	size_t n_all = flows_by_source(in, NULL, &all);
	uint32_t *idx = xmalloc((fs->n + 1) * sizeof(*idx));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (candidate(in, &fs->v[i])) idx[n++] = (uint32_t)i;
	if (!sort_by_series(in, idx, n, net_of)) qsort_r(idx, n, sizeof(*idx), cmp_job, (void *)fs);
	prevalence_build(in, &c.prev);
	c.tmp = xmalloc((n + 1) * sizeof(double));
	c.day_up = xmalloc((n + 1) * sizeof(double));
	c.minutes = xmalloc((n + 1) * sizeof(int));
	c.run_day = xmalloc((n + 1) * sizeof(int64_t));
	c.host_min = xmalloc((n + 1) * sizeof(int));
	struct job jobs[MAX_JOBS];
	for (size_t i = 0; i < n;) {
		const struct ipaddr *host = &fs->v[idx[i]].src;
		/* days this host was seen */
		size_t p = source_position(fs, all, n_all, host, 0);
		struct seen seen = { 0 };
		int64_t day = INT64_MIN;
		for (; p < n_all && !ipaddr_cmp(&fs->v[all[p]].src, host); p++) {
			int64_t d = site_local_day(in->cfg, fs->v[all[p]].start, NULL);
			if (d == day) continue;
			seen.days++;
			seen.business += business_day(in->cfg, d);
			seen.by_wday[site_day_weekday(d)]++;
			day = d;
		}
		/* when the host first reaches each destination each day */
		c.host_n = c.n_series = 0;
		for (size_t k = i; k < n && !ipaddr_cmp(&fs->v[idx[k]].src, host); k++) {
			int m;
			int64_t d = site_local_day(in->cfg, fs->v[idx[k]].start, &m);
			bool same = k > i && same_job(&fs->v[idx[k - 1]], &fs->v[idx[k]]);
			c.n_series += !same;
			if (!same || d != day) c.host_min[c.host_n++] = m;
			day = d;
		}
		size_t n_jobs = 0;
		while (i < n && !ipaddr_cmp(&fs->v[idx[i]].src, host)) {
			size_t j = i + 1;
			while (j < n && same_job(&fs->v[idx[i]], &fs->v[idx[j]])) j++;
			if (n_jobs < MAX_JOBS && judge_series(&c, idx + i, j - i, &seen, &jobs[n_jobs]))
				n_jobs++;
			i = j;
		}
		if (n_jobs) report(&c, host, jobs, n_jobs);
	}
	ctx_free(&c);
	free(idx);
	free(all);
	return 0;
}
