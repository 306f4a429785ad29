/* Rule beacon: an internal host that connects to the same place at a
 * regular period. A series is per (host, TLS/DNS name, port) when the flows
 * carry a name, so a C2 that changes address every time stays one series,
 * else per (host, address, port).
 *
 * Scoring (in the spirit of RITA's, which rates interval skew, dispersion
 * and size regularity): the period is the median interval; an interval
 * fits when it is at least 0.4 of a period and at most four periods, so
 * jitter up to 50% and up to three missed beats in a row still fit, while
 * random traffic (many short intervals and long gaps) does not. The fit
 * fraction dominates; missed beats and irregular sizes lower the score a
 * little. A series is judged only when its one-period intervals are too
 * many to be chance (binomial tail below 0.1% against random arrivals). Where RITA flags benign periodic traffic, this rule does not:
 * background protocols (NTP, DNS) are not series, failed TCP attempts and
 * starts within 2 s of each other (retries, parallel connections) are one
 * beat, a series must span 10 minutes with its fitting intervals covering
 * at least 30% of that span (bursts of quick retries do not), and a destination that many
 * internal hosts reach (update checks) is common, not a beacon. A period of
 * 20 hours or more is a scheduled job (routine.c), not a call-back. */
#include "analyze/traffic-util.h"
#include "analyze/traffic-state.h"
#include "base/util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MIN_BEATS 8
#define MIN_SPAN 600.0
#define RETRY_GAP 2.0
#define MAX_MISSED 4
#define THRESHOLD 0.6
#define MIN_COVERAGE 0.3
#define P_ONE_BY_CHANCE 0.35
#define MAX_CHANCE 1e-3
#define MAX_PERIOD (20 * 3600.0)
/* missed beats push the median interval up: with 50% jitter the shortest
 * interval is then about 0.42 of the median, not 0.5 */
#define MIN_FIT 0.4

static bool candidate(const struct traffic_input *in, const struct flowrec *r)
{
	/* a connection is counted once, not once per record its exporter cut it into */
	return is_outbound_external(in, r) && !flow_is_background(r) && !flow_is_failed(r) &&
	       !flow_is_continuation(r);
}

static int cmp_series(const void *pa, const void *pb, void *ctx)
{
	const struct flowset *fs = ctx;
	const struct flowrec *a = &fs->v[*(const uint32_t *)pa], *b = &fs->v[*(const uint32_t *)pb];
	int c = ipaddr_cmp(&a->src, &b->src);
	if (c) return c;
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	if (!a->name && (c = ipaddr_cmp(&a->dst, &b->dst))) return c;
	if (a->dport != b->dport) return a->dport < b->dport ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static bool same_series(const struct flowrec *a, const struct flowrec *b)
{
	return !ipaddr_cmp(&a->src, &b->src) && a->name == b->name &&
	       (a->name || !ipaddr_cmp(&a->dst, &b->dst)) && a->dport == b->dport;
}

static void fmt_period(double s, char *out, size_t n)
{
	if (s < 120)
		snprintf(out, n, "%.0fs", s);
	else if (s < 7200)
		snprintf(out, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		snprintf(out, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

struct series {
	const struct traffic_input *in;
	const uint32_t *idx; /* this input's connections */
	size_t n;
	/* every connection judged, in start order: judged an hour at a time,
	 * the series' earlier ones (the state) before this input's */
	const double *start, *up;
	size_t n_all;
	double *t, *d, *tmp;
};

static void judge(struct series *s, const struct prevalence *prev, struct findings *out)
{
	const struct flowset *fs = s->in->flows;
	const struct flowrec *r0 = &fs->v[s->idx[0]];
	size_t beats = 0;
	for (size_t i = 0; i < s->n_all; i++) {
		double t = s->start[i];
		if (beats && t - s->t[beats - 1] < RETRY_GAP) continue;
		s->t[beats++] = t;
	}
	if (beats < MIN_BEATS || s->t[beats - 1] - s->t[0] < MIN_SPAN) return;
	size_t nd = beats - 1;
	for (size_t i = 0; i < nd; i++) s->d[i] = s->tmp[i] = s->t[i + 1] - s->t[i];
	double period = median_of(s->tmp, nd);
	/* a daily (or weekly) job at its own hour is a schedule, not a
	 * call-back: scheduled-transfer (routine.c) lists it and judges it */
	if (period >= MAX_PERIOD) return;
	size_t hits = 0, ones = 0, missed = 0, nj = 0;
	double covered = 0;
	for (size_t i = 0; i < nd; i++) {
		double k = round(s->d[i] / period);
		if (s->d[i] < MIN_FIT * period || k > MAX_MISSED) continue;
		hits++;
		covered += s->d[i];
		missed += (size_t)k - 1;
		if (k == 1) {
			ones++;
			s->tmp[nj++] = s->d[i];
		}
	}
	/* Chance: random arrivals (exponential intervals about their median)
	 * put an interval within [0.5, 1.5) periods with probability 0.35; a
	 * handful of visits can look periodic, many cannot. */
	if (binomial_tail(nd, ones, P_ONE_BY_CHANCE) > MAX_CHANCE) return;
	/* a few dense bursts (retries) fit their own short period but leave
	 * most of the span uncovered */
	double coverage = covered / (s->t[beats - 1] - s->t[0]);
	if (coverage < MIN_COVERAGE) return;
	double fit = (double)hits / (double)nd, k1 = hits ? (double)ones / (double)hits : 0;
	double jitter = nj ? madm_of(s->tmp, nj, period) / period : 1;
	for (size_t i = 0; i < s->n_all; i++) s->tmp[i] = s->up[i];
	double size_med = median_of(s->tmp, s->n_all), size_madm = madm_of(s->tmp, s->n_all, size_med);
	double size_reg = size_med > 0 ? 1 - fmin(1, size_madm / size_med) : 1;
	double score = pow(fit, 4) * (0.7 + 0.3 * k1) * (0.75 + 0.25 * size_reg);
	size_t sharing = prevalence_of(prev, r0);
	double share = prev->hosts ? (double)sharing / (double)prev->hosts : 0;
	if (sharing >= 3 && share >= 0.25) return; /* what many hosts do: update checks, telemetry */
	score *= 1 - 0.5 * share;
	if (score < THRESHOLD) return;

	/* distinct addresses and countries behind the series */
	struct ipaddr addrs[16];
	size_t n_addrs = 0, more = 0;
	char ccs[64] = "";
	uint64_t up = 0, down = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct flowrec *r = &fs->v[s->idx[i]];
		up += r->bytes_out;
		down += r->bytes_in;
		size_t k = 0;
		while (k < n_addrs && ipaddr_cmp(&addrs[k], &r->dst)) k++;
		if (k == n_addrs) {
			if (n_addrs < ARRAY_SIZE(addrs))
				addrs[n_addrs++] = r->dst;
			else
				more++;
		}
		if (r->cc[0] && !strstr(ccs, r->cc) && strlen(ccs) + 4 < sizeof(ccs))
			snprintf(ccs + strlen(ccs), sizeof(ccs) - strlen(ccs), "%s%s", *ccs ? "," : "",
				 r->cc);
	}
	const char *name = flowset_name(fs, r0);
	char dst[IPADDR_STRLEN], per[32], target[300], title[512], rem[512];
	ipaddr_fmt(&r0->dst, dst, sizeof(dst));
	fmt_period(period, per, sizeof(per));
	snprintf(target, sizeof(target), "%.255s:%u", name ? name : dst, r0->dport);
	snprintf(title, sizeof(title), "Beacon: connects to %.200s every %s (%zu times, jitter %.0f%%%s)",
		 target, per, beats, 100 * jitter, n_addrs + more > 1 ? ", rotating addresses" : "");
	char src[IPADDR_STRLEN];
	ipaddr_fmt(&r0->src, src, sizeof(src));
	snprintf(rem, sizeof(rem),
		 "Find the process on %s that reaches %.200s every %s (ss -tnp, the EDR's process tree); if "
		 "it is not a "
		 "known agent, isolate the host and block %s at the egress.",
		 src, target, per, name ? "the name and its addresses" : "the address");
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	ev_str(&b, "name", name);
	ev_addr(&b, "dst", &r0->dst);
	buf_printf(
	    &b,
	    ",\"dport\":%u,\"proto\":%u,\"connections\":%zu,\"beats\":%zu,\"period_s\":%.1f,\"jitter\":%.3f,"
	    "\"missed_beats\":%zu,\"fit\":%.3f,\"coverage\":%.3f,\"size_regularity\":%.3f,\"bytes_out_"
	    "median\":%.0f,"
	    "\"bytes_out\":%llu,\"bytes_in\":%llu,\"hosts_reaching\":%zu,\"hosts_total\":%zu,\"score\":%.3f",
	    r0->dport, r0->proto, s->n_all, beats, period, jitter, missed, fit, coverage, size_reg, size_med,
	    (unsigned long long)up, (unsigned long long)down, sharing, prev->hosts, score);
	buf_puts(&b, ",\"addresses\":[");
	for (size_t i = 0; i < n_addrs; i++) {
		char a[IPADDR_STRLEN];
		ipaddr_fmt(&addrs[i], a, sizeof(a));
		buf_printf(&b, "%s\"%s\"", i ? "," : "", a);
	}
	buf_printf(&b, "],\"addresses_total\":%zu", n_addrs + more);
	ev_str(&b, "countries", *ccs ? ccs : NULL);
	ev_time(&b, "first", s->t[0]);
	ev_time(&b, "last", s->t[beats - 1]);
	add_host_finding(out, "beacon", score >= 0.8 ? SEV_HIGH : SEV_MEDIUM, score, &r0->src, title, &b, rem,
			 s->t[0], fs->v[s->idx[s->n - 1]].end);
}

int rule_beacon(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	uint32_t *idx = xmalloc((fs->n + 1) * sizeof(*idx));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (candidate(in, &fs->v[i])) idx[n++] = (uint32_t)i;
	if (!sort_by_series(in, idx, n, NULL)) qsort_r(idx, n, sizeof(*idx), cmp_series, (void *)fs);
	struct prevalence prev;
	prevalence_build(in, &prev);
	size_t room = n + TRAFFIC_STATE_BEATS + 1;
	struct series s = { .in = in,
			    .t = xmalloc(room * sizeof(double)),
			    .d = xmalloc(room * sizeof(double)),
			    .tmp = xmalloc(room * sizeof(double)) };
	double *start = xmalloc(room * sizeof(double)), *up = xmalloc(room * sizeof(double));
	struct traffic_beat held[TRAFFIC_STATE_BEATS];
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && same_series(&fs->v[idx[i]], &fs->v[idx[j]])) j++;
		const struct flowrec *r0 = &fs->v[idx[i]];
		const char *name = flowset_name(fs, r0);
		size_t nh =
		    in->state ? traffic_state_beats(in->state, &r0->src, name, &r0->dst, r0->dport, held) : 0;
		size_t m = 0;
		for (size_t k = 0; k < nh; k++) /* the earlier hours' (a late flow's hour may be held too) */
			if (held[k].t < r0->start) start[m] = held[k].t, up[m++] = held[k].up;
		for (size_t k = i; k < j; k++)
			start[m] = fs->v[idx[k]].start, up[m++] = (double)fs->v[idx[k]].bytes_out;
		s.idx = idx + i;
		s.n = j - i;
		s.start = start;
		s.up = up;
		s.n_all = m;
		judge(&s, &prev, out);
		for (size_t k = i; in->state && k < j; k++)
			traffic_state_beat_add(in->state, &r0->src, name, &r0->dst, r0->dport,
					       fs->v[idx[k]].start, (double)fs->v[idx[k]].bytes_out);
		i = j;
	}
	free(start);
	free(up);
	free(s.t);
	free(s.d);
	free(s.tmp);
	free(prev.v);
	free(idx);
	return 0;
}
