/* Rule exfil-volume: an internal host whose upload to external peers in an
 * hour is far above its own baseline: at least 10 times the 90th
 * percentile of its other active hours (this input and up to 30 days of
 * stored history before it) and at least 20 MB. Hosts with fewer than 12
 * active hours have no baseline yet and are not judged. Consecutive high
 * hours are one finding. */
#include "analyze/traffic-util.h"
#include "base/util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MIN_BYTES 20000000.0
#define FACTOR 10.0
#define MIN_HOURS 12
#define HISTORY_DAYS 30

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

static double p90_without(const struct hours *h, size_t skip_lo, size_t skip_hi, double *tmp)
{
	size_t n = 0;
	for (size_t i = 0; i < h->n; i++)
		if (i < skip_lo || i >= skip_hi) tmp[n++] = h->up[i];
	if (n < MIN_HOURS) return -1;
	median_of(tmp, n); /* sorts */
	return tmp[(size_t)floor(0.9 * (double)(n - 1))];
}

static void judge(const struct traffic_input *in, const uint32_t *idx, size_t n, struct findings *out)
{
	const struct flowset *fs = in->flows;
	const struct flowrec *r0 = &fs->v[idx[0]];
	struct hours h = { .before = (int64_t)(fs->first / 3600) }, now = { 0 };
	for (size_t i = 0; i < n; i++) { /* idx is in start order */
		const struct flowrec *r = &fs->v[idx[i]];
		if (r->bytes_out) hours_add(&now, (int64_t)(r->start / 3600), (double)r->bytes_out);
	}
	double top = 0;
	for (size_t i = 0; i < now.n; i++) top = fmax(top, now.up[i]);
	if (top >= MIN_BYTES && in->store) /* history only for hosts that could be judged */
		store_flow_host_hourly_up(in->store, &r0->src, fs->first - HISTORY_DAYS * 86400.0, fs->first,
					  on_history, &h, NULL);
	size_t hist = h.n;
	for (size_t i = 0; i < now.n && top >= MIN_BYTES; i++) hours_add(&h, now.hour[i], now.up[i]);
	free(now.hour);
	free(now.up);
	double *tmp = xmalloc((h.n + 1) * sizeof(*tmp));
	for (size_t i = hist; i < h.n;) {
		/* a run of consecutive high hours */
		size_t j = i;
		double base = p90_without(&h, i, i + 1, tmp);
		if (base < 0 || h.up[i] < MIN_BYTES || h.up[i] < FACTOR * fmax(base, 1)) {
			i++;
			continue;
		}
		while (j + 1 < h.n && h.hour[j + 1] == h.hour[j] + 1 && h.up[j + 1] >= MIN_BYTES) j++;
		base = p90_without(&h, i, j + 1, tmp);
		if (base < 0) break;
		double total = 0, peak = 0;
		for (size_t k = i; k <= j; k++) {
			total += h.up[k];
			peak = fmax(peak, h.up[k]);
		}
		char src[IPADDR_STRLEN], title[512], rem[512], tb[32], bb[32];
		ipaddr_fmt(&r0->src, src, sizeof(src));
		fmt_bytes((uint64_t)total, tb, sizeof(tb));
		fmt_bytes((uint64_t)base, bb, sizeof(bb));
		snprintf(title, sizeof(title),
			 "Upload of %s in %zu h, %.0fx this host's usual hourly peak (%s)", tb, j - i + 1,
			 peak / fmax(base, 1), bb);
		snprintf(rem, sizeof(rem),
			 "Find what %s sent (the flows in the evidence window: destinations, the process, "
			 "the files); if it "
			 "is not a known backup or sync, isolate the host and block the destinations.",
			 src);
		struct buf b = BUF_INIT;
		buf_putc(&b, '{');
		buf_printf(
		    &b,
		    "\"bytes_out\":%.0f,\"hours\":%zu,\"peak_hour_bytes\":%.0f,\"baseline_p90_bytes\":%.0f,"
		    "\"baseline_hours\":%zu,\"history_hours\":%zu",
		    total, j - i + 1, peak, base, h.n - (j - i + 1), hist);
		ev_time(&b, "first", (double)h.hour[i] * 3600);
		ev_time(&b, "last", (double)(h.hour[j] + 1) * 3600);
		add_host_finding(out, "exfil-volume", SEV_HIGH, total, &r0->src, title, &b, rem,
				 (double)h.hour[i] * 3600, (double)(h.hour[j] + 1) * 3600);
		i = j + 1;
	}
	free(tmp);
	free(h.hour);
	free(h.up);
}

int rule_exfil_volume(const struct traffic_input *in, struct findings *out)
{
	each_source(in, candidate, 1, judge, out);
	return 0;
}
