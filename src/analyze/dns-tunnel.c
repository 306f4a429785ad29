/* Rule dns-tunnel: an internal host asking for many unique, long,
 * random-looking names under one parent domain, the shape of data carried
 * in DNS questions (iodine, dnscat2, DNS exfiltration), or sending TXT and
 * NULL queries in bulk. The parent is the registrable domain, told by the
 * last two labels, or three under a second-level label of a country code
 * (example.co.uk). Judged per host and parent over the input: at least 150
 * unique subdomains averaging 20 characters or more and 3.3 bits of
 * entropy per character (ordinary host names average under 3), or at least
 * 100 TXT/NULL queries with 50 unique subdomains. Reverse lookups (arpa)
 * and single-label names are not judged. */
#include "analyze/traffic-util.h"
#include "base/escape.h"
#include "base/util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MIN_UNIQUE 150
#define MIN_LEN 20.0
#define MIN_ENTROPY 3.3
#define MIN_TXT 100
#define MIN_TXT_UNIQUE 50
#define EXAMPLES 3

enum { QT_NULL = 10, QT_TXT = 16 };

struct q {
	struct ipaddr host;
	const char *parent; /* into name, or a pooled string */
	const char *name;
	size_t parent_len;
	uint16_t qtype;
	double ts;
};

/* Where the registrable domain of name starts, or NULL when not judged. */
static const char *parent_of(const char *name)
{
	size_t n = strlen(name);
	if (n < 4 || !strchr(name, '.')) return NULL;
	if (n >= 5 && !strcmp(name + n - 5, ".arpa")) return NULL;
	if (n >= 6 && !strcmp(name + n - 6, ".local")) return NULL;
	const char *labels[4] = { 0 }; /* starts of the last labels, last first */
	int k = 0;
	for (const char *p = name + n; p > name && k < 4;) {
		const char *dot = p - 1;
		while (dot > name && *dot != '.') dot--;
		labels[k++] = *dot == '.' ? dot + 1 : dot;
		p = dot;
	}
	if (k < 2) return NULL;
	const char *tld = labels[0], *sld = labels[1];
	size_t sld_len = (size_t)(tld - 1 - sld);
	static const char *const second[] = { "co", "com", "net", "org", "gov", "edu",
					      "ac", "or",  "ne",  "go",  "gob", "mil" };
	bool cc2 = strlen(tld) == 2;
	for (size_t i = 0; cc2 && k >= 3 && i < ARRAY_SIZE(second); i++)
		if (sld_len == strlen(second[i]) && !strncmp(sld, second[i], sld_len)) return labels[2];
	return sld;
}

static double entropy_of(const char *s, size_t n)
{
	unsigned count[256] = { 0 };
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '.') {
			count[(unsigned char)s[i]]++;
			total++;
		}
	double h = 0;
	for (int c = 0; c < 256 && total; c++)
		if (count[c]) {
			double p = (double)count[c] / (double)total;
			h -= p * log2(p);
		}
	return h;
}

static int cmp_q(const void *pa, const void *pb)
{
	const struct q *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (c) return c;
	c = strcmp(a->parent, b->parent);
	if (c) return c;
	return strcmp(a->name, b->name);
}

static void collect(const struct flowset *fs, const struct flowrec *v, size_t n, struct q **out, size_t *nq,
		    size_t *cap)
{
	for (size_t i = 0; i < n; i++) {
		const struct flowrec *r = &v[i];
		const struct flow_extra *x = flowset_extra(fs, r);
		if (!x->query || !(r->where & FREC_SRC_INTERNAL)) continue;
		const char *name = flowset_str(fs, x->query);
		const char *parent = parent_of(name);
		if (!parent || parent == name) continue; /* the parent itself: no subdomain */
		if (*nq == *cap) {
			*cap = *cap ? 2 * *cap : 1024;
			*out = xrealloc(*out, *cap * sizeof(**out));
		}
		(*out)[(*nq)++] = (struct q){ .host = r->src,
					      .parent = parent,
					      .name = name,
					      .parent_len = strlen(parent),
					      .qtype = x->qtype,
					      .ts = r->start };
	}
}

static void judge(const struct q *v, size_t lo, size_t hi, struct findings *out)
{
	size_t unique = 0, txt = 0;
	double len = 0, ent = 0, first = v[lo].ts, last = v[lo].ts;
	const char *ex[EXAMPLES] = { 0 };
	for (size_t i = lo; i < hi; i++) {
		first = fmin(first, v[i].ts);
		last = fmax(last, v[i].ts);
		if (v[i].qtype == QT_TXT || v[i].qtype == QT_NULL) txt++;
		if (i > lo && !strcmp(v[i].name, v[i - 1].name)) continue;
		size_t sub = strlen(v[i].name) - v[i].parent_len - 1;
		unique++;
		len += (double)sub;
		ent += entropy_of(v[i].name, sub);
		for (int k = 0; k < EXAMPLES; k++) /* the longest few */
			if (!ex[k] || strlen(v[i].name) > strlen(ex[k])) {
				memmove(ex + k + 1, ex + k, (EXAMPLES - 1 - (size_t)k) * sizeof(*ex));
				ex[k] = v[i].name;
				break;
			}
	}
	double mlen = unique ? len / (double)unique : 0, ment = unique ? ent / (double)unique : 0;
	bool shaped = unique >= MIN_UNIQUE && mlen >= MIN_LEN && ment >= MIN_ENTROPY;
	bool bulk_txt = txt >= MIN_TXT && unique >= MIN_TXT_UNIQUE;
	if (!shaped && !bulk_txt) return;
	char host[IPADDR_STRLEN], title[256], rem[512];
	ipaddr_fmt(&v[lo].host, host, sizeof(host));
	snprintf(title, sizeof(title),
		 "%zu unique names asked under %.120s (%.0f characters, %.1f bits/char on average)%s", unique,
		 v[lo].parent, mlen, ment, txt ? ", TXT/NULL queries" : "");
	snprintf(rem, sizeof(rem),
		 "Find the process on %s that asks these names (a DNS tunnel or exfiltration tool), isolate "
		 "the host, and block the parent domain at the resolvers; allow only the site's resolvers "
		 "to send DNS out.",
		 host);
	struct buf b = BUF_INIT;
	buf_putc(&b, '{');
	ev_str(&b, "parent_domain", v[lo].parent);
	ev_num(&b, "unique_subdomains", (double)unique);
	ev_num(&b, "queries", (double)(hi - lo));
	ev_num(&b, "txt_null_queries", (double)txt);
	ev_num(&b, "mean_subdomain_length", round(mlen * 10) / 10);
	ev_num(&b, "mean_entropy_bits_per_char", round(ment * 100) / 100);
	buf_puts(&b, ",\"examples\":[");
	for (int k = 0; k < EXAMPLES && ex[k]; k++) {
		if (k) buf_putc(&b, ',');
		json_put_str(&b, ex[k]);
	}
	buf_putc(&b, ']');
	ev_time(&b, "first", first);
	ev_time(&b, "last", last);
	add_host_finding(out, "dns-tunnel", SEV_HIGH, (double)unique, &v[lo].host, title, &b, rem, first,
			 last);
}

int rule_dns_tunnel(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	struct q *v = NULL;
	size_t n = 0, cap = 0;
	collect(fs, fs->v, fs->n, &v, &n, &cap);
	collect(fs, fs->det, fs->n_det, &v, &n, &cap);
	if (n) qsort(v, n, sizeof(*v), cmp_q);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !ipaddr_cmp(&v[i].host, &v[j].host) && !strcmp(v[i].parent, v[j].parent)) j++;
		judge(v, i, j, out);
		i = j;
	}
	free(v);
	return 0;
}
