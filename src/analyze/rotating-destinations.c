/* Rule rotating-destinations: one internal host reaching many distinct
 * external (foreign, when home countries are set) addresses, each only once
 * or twice, with sessions of the same shape (port, protocol, upload and
 * download size, duration) within a day: the "different IP each time"
 * pattern of exfiltration and C2 that avoid a fixed address. Ordinary
 * browsing also reaches many addresses, but its sessions differ in size;
 * what repeats here is the session, not the destination.
 *
 * Shapes are compared on a grid of log sizes, four times with the grid
 * shifted by half a cell, so a cluster on a cell border is not split. */
#include "analyze/traffic-util.h"
#include "base/util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MIN_ADDRESSES 6
#define MAX_PER_ADDRESS 2
#define WINDOW 86400.0
#define CELL_UP 0.3 /* log10 units: a factor of 2 */
#define CELL_DOWN 0.6
#define CELL_DUR 1.0

static bool candidate(const struct traffic_input *in, const struct flowrec *r)
{
	if (!is_outbound_external(in, r) || flow_is_background(r) || flow_is_failed(r)) return false;
	return !in->cfg->n_home || is_foreign(in, r) || !r->cc[0];
}

struct sess {
	int64_t key[5];
	double start;
	uint32_t flow;
};

static int cmp_sess(const void *pa, const void *pb)
{
	const struct sess *a = pa, *b = pb;
	for (int i = 0; i < 5; i++)
		if (a->key[i] != b->key[i]) return a->key[i] < b->key[i] ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
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

static void judge(const struct traffic_input *in, const uint32_t *idx, size_t n, struct findings *out)
{
	const struct flowset *fs = in->flows;
	/* addresses this host reached more than MAX_PER_ADDRESS times are fixed
	 * destinations, not rotation */
	uint32_t *by_addr = xmalloc(n * sizeof(*by_addr));
	memcpy(by_addr, idx, n * sizeof(*by_addr));
	qsort_r(by_addr, n, sizeof(*by_addr), cmp_addr_at, (void *)fs);
	uint32_t *once = xmalloc(n * sizeof(*once));
	size_t m = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !ipaddr_cmp(&fs->v[by_addr[j]].dst, &fs->v[by_addr[i]].dst)) j++;
		if (j - i <= MAX_PER_ADDRESS)
			for (size_t k = i; k < j; k++) once[m++] = by_addr[k];
		i = j;
	}
	free(by_addr);
	if (m < MIN_ADDRESSES) {
		free(once);
		return;
	}
	struct sess *s = xmalloc(m * sizeof(*s));
	size_t best_n = 0;
	struct sess *best = xmalloc(m * sizeof(*best));
	for (int shift = 0; shift < 4; shift++) {
		double sh = shift & 1 ? 0.5 : 0, sh2 = shift & 2 ? 0.5 : 0;
		for (size_t i = 0; i < m; i++) {
			const struct flowrec *r = &fs->v[once[i]];
			s[i] =
			    (struct sess){ { r->dport << 8 | r->app, cell((double)r->bytes_out, CELL_UP, sh),
					     cell((double)r->bytes_in, CELL_DOWN, sh2),
					     cell(r->end - r->start, CELL_DUR, sh), 0 },
					   r->start,
					   once[i] };
		}
		qsort(s, m, sizeof(*s), cmp_sess);
		for (size_t lo = 0, hi = 0; hi < m; hi++) {
			if (hi > lo && memcmp(s[hi].key, s[lo].key, sizeof(s->key))) lo = hi;
			while (s[hi].start - s[lo].start > WINDOW) lo++;
			if (hi - lo + 1 > best_n) {
				best_n = hi - lo + 1;
				memcpy(best, s + lo, best_n * sizeof(*best));
			}
		}
	}
	free(s);
	free(once);
	if (best_n < MIN_ADDRESSES) {
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
	free(w);
	free(best);
}

int rule_rotating_destinations(const struct traffic_input *in, struct findings *out)
{
	each_source(in, candidate, MIN_ADDRESSES, judge, out);
	return 0;
}
