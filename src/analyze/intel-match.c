/* Rule intel-match: traffic of an internal host that touches an indicator
 * of the site's threat-intelligence lists ([intel] files =): the external
 * peer's address, the name it was reached by (SNI, DNS answer), a DNS
 * question, the client's JA3 or JA4 fingerprint, the server certificate's
 * hash. One finding per host and indicator, with the list and line it came
 * from. High; low when the only contact was a listed address knocking from
 * outside without an answer (a scanner on a block list). */
#include "analyze/traffic-util.h"
#include "base/escape.h"
#include "base/util.h"
#include "model/intel.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

enum on { ON_ADDR = 1, ON_NAME = 2, ON_QUERY = 4, ON_JA3 = 8, ON_JA4 = 16, ON_CERT = 32 };
static const char *const on_names[] = { "address", "name", "dns-query", "ja3", "ja4", "certificate" };

struct hit {
	struct ipaddr host;
	const struct intel_item *it;
	const struct flowrec *r;
	unsigned on;
	bool knock; /* inbound from the listed address, not answered */
};

static int cmp_hit(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (c) return c;
	if (a->it != b->it) return a->it < b->it ? -1 : 1;
	return a->r->start < b->r->start ? -1 : a->r->start > b->r->start;
}

struct hits {
	struct hit *v;
	size_t n, cap;
};

static void hit_add(struct hits *h, const struct ipaddr *host, const struct intel_item *it,
		    const struct flowrec *r, unsigned on, bool knock)
{
	if (!it) return;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n++] = (struct hit){ *host, it, r, on, knock };
}

static void scan(const struct traffic_input *in, const struct flowrec *v, size_t n, struct hits *h)
{
	const struct flowset *fs = in->flows;
	struct intel_set *s = in->intel;
	for (size_t i = 0; i < n; i++) {
		const struct flowrec *r = &v[i];
		bool si = r->where & FREC_SRC_INTERNAL, di = r->where & FREC_DST_INTERNAL;
		if (!si && !di) continue; /* between two outside addresses: not the site's */
		const struct ipaddr *host = si ? &r->src : &r->dst, *peer = si ? &r->dst : &r->src;
		if (!(si && di)) {
			bool knock = !si && (flow_is_failed(r) || (!r->bytes_in && !flowset_pkts(fs, r).in));
			hit_add(h, host, intel_match_addr(s, peer), r, ON_ADDR, knock);
		}
		if (r->name)
			hit_add(h, host, intel_match_domain(s, flowset_str(fs, r->name)), r, ON_NAME, false);
		const struct flow_extra *x = flowset_extra(fs, r);
		if (x->query)
			hit_add(h, host, intel_match_domain(s, flowset_str(fs, x->query)), r, ON_QUERY,
				false);
		if (x->ja3)
			hit_add(h, host, intel_match_hash(s, INTEL_JA3, flowset_str(fs, x->ja3)), r, ON_JA3,
				false);
		if (x->ja4)
			hit_add(h, host, intel_match_hash(s, INTEL_JA4, flowset_str(fs, x->ja4)), r, ON_JA4,
				false);
		if (x->cert)
			hit_add(h, host, intel_match_hash(s, INTEL_CERT, flowset_str(fs, x->cert)), r,
				ON_CERT, false);
	}
}

static void report(const struct traffic_input *in, const struct hit *v, size_t n, struct findings *out)
{
	const struct intel_item *it = v[0].it;
	unsigned on = 0;
	bool all_knocks = true;
	double first = v[0].r->start, last = v[0].r->end;
	uint64_t up = 0, down = 0;
	for (size_t i = 0; i < n; i++) {
		on |= v[i].on;
		all_knocks &= v[i].knock;
		first = fmin(first, v[i].r->start);
		last = fmax(last, v[i].r->end);
		if (i && v[i].r == v[i - 1].r) continue;
		up += v[i].r->where & FREC_SRC_INTERNAL ? v[i].r->bytes_out : v[i].r->bytes_in;
		down += v[i].r->where & FREC_SRC_INTERNAL ? v[i].r->bytes_in : v[i].r->bytes_out;
	}
	const struct flowrec *r = v[0].r;
	bool si = r->where & FREC_SRC_INTERNAL;
	char host[IPADDR_STRLEN], title[256], rem[512];
	ipaddr_fmt(&v[0].host, host, sizeof(host));
	snprintf(title, sizeof(title),
		 "Traffic matches the %s indicator %.90s of a threat-intelligence list (%zu flow%s)",
		 intel_type_name(it->type), it->value, n, n == 1 ? "" : "s");
	snprintf(
	    rem, sizeof(rem),
	    "Treat %s as possibly compromised: find the process behind the flows, check the host, block "
	    "the indicator at the perimeter. If the list is wrong about it, remove the line from the list.",
	    host);
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	ev_str(&b, "indicator", it->value);
	ev_str(&b, "indicator_type", intel_type_name(it->type));
	ev_str(&b, "list", it->source);
	ev_num(&b, "list_line", it->line);
	ev_str(&b, "list_note", it->note);
	buf_puts(&b, ",\"matched_on\":[");
	for (unsigned k = 0, w = 0; k < ARRAY_SIZE(on_names); k++)
		if (on & (1u << k)) {
			if (w++) buf_putc(&b, ',');
			json_put_str(&b, on_names[k]);
		}
	buf_putc(&b, ']');
	ev_num(&b, "flows", (double)n);
	ev_addr(&b, "peer", si ? &r->dst : &r->src);
	ev_num(&b, "port", r->dport);
	ev_str(&b, "direction", si ? "outbound" : "inbound");
	ev_str(&b, "name", flowset_str(in->flows, r->name));
	ev_num(&b, "bytes_out", (double)up);
	ev_num(&b, "bytes_in", (double)down);
	ev_time(&b, "first", first);
	ev_time(&b, "last", last);
	add_host_finding(out, "intel-match", all_knocks ? SEV_LOW : SEV_HIGH, (double)n, &v[0].host, title,
			 &b, rem, first, last);
}

int rule_intel_match(const struct traffic_input *in, struct findings *out)
{
	if (!in->intel || !in->intel->n) return 0;
	struct hits h = { 0 };
	scan(in, in->flows->v, in->flows->n, &h);
	scan(in, in->flows->det, in->flows->n_det, &h);
	if (h.n) qsort(h.v, h.n, sizeof(*h.v), cmp_hit);
	for (size_t i = 0; i < h.n;) {
		size_t j = i + 1;
		while (j < h.n && !ipaddr_cmp(&h.v[i].host, &h.v[j].host) && h.v[i].it == h.v[j].it) j++;
		report(in, h.v + i, j - i, out);
		i = j;
	}
	free(h.v);
	return 0;
}
