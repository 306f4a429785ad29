/* Rule long-connection: hours-long sessions between an internal host and an
 * external peer, and the total time a pair stayed connected over the
 * input. A session is one conversation (same addresses, ports and
 * protocol) with its records stitched back together: NetFlow and the pcap
 * flow table cut long conversations at their active and idle timeouts,
 * Zeek logs them whole. A pair is judged when one session lasts 4 h or
 * the pair's sessions cover 24 h in all. What the site does every day is
 * routine and reported at info for review: a peer (its name, else its
 * /24 or /48) the host held long sessions with on at least 5 days, or one
 * that 3 or more internal hosts hold long sessions with (a VPN gateway, a
 * jump host, a conferencing service). Otherwise medium; high when the
 * longest session reaches 12 h, or when it is to a foreign country and
 * mostly outside business hours. One finding per host, peer and port. */
#include "analyze/traffic-util.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define STITCH_GAP 900.0     /* s between records of one conversation (idle timeouts of quiet shells) */
#define LONG_SESSION 14400.0 /* 4 h */
#define LONG_TOTAL 86400.0   /* 24 h over the input */
#define VERY_LONG 43200.0    /* 12 h */
#define ROUTINE_DAYS 5
#define ROUTINE_HOSTS 3
#define MIN_RECORD 60.0 /* records shorter than this do not make a session alone */

struct rec {
	uint32_t i;
	struct ipaddr host, peer;
	uint16_t port, sport;
	uint8_t proto;
};

static int cmp_rec(const void *pa, const void *pb, void *ctx)
{
	const struct flowset *fs = ctx;
	const struct rec *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->host, &b->host);
	if (!c) c = ipaddr_cmp(&a->peer, &b->peer);
	if (!c) c = a->port != b->port ? (a->port < b->port ? -1 : 1) : 0;
	if (!c) c = a->proto != b->proto ? (a->proto < b->proto ? -1 : 1) : 0;
	if (!c) c = a->sport != b->sport ? (a->sport < b->sport ? -1 : 1) : 0;
	if (!c) c = fs->v[a->i].start < fs->v[b->i].start ? -1 : fs->v[a->i].start > fs->v[b->i].start;
	return c;
}

static bool same_pair(const struct rec *a, const struct rec *b)
{
	return !ipaddr_cmp(&a->host, &b->host) && !ipaddr_cmp(&a->peer, &b->peer) && a->port == b->port &&
	       a->proto == b->proto;
}

/* The peer as routine knows it: its name, else its network. */
static void peer_key(const struct flowset *fs, const struct flowrec *r, const struct ipaddr *peer, char *out,
		     size_t n)
{
	const char *name = flowset_name(fs, r);
	if (name) {
		snprintf(out, n, "n:%s", name);
		return;
	}
	struct ipaddr a = *peer;
	if (a.family == AF_INET)
		a.v4 &= 0xffffff00u;
	else
		memset(a.v6.s6_addr + 6, 0, 10);
	ipaddr_fmt(&a, out + 2, n - 2);
	out[0] = 'a';
	out[1] = ':';
}

struct pair {
	size_t lo, hi; /* its records in the sorted list */
	double longest, total, first, last, off_hours;
	uint64_t up, down;
	unsigned sessions, long_sessions;
	uint64_t days; /* bit per day of the input with a long session */
	char key[300];
	uint16_t port;
	bool judged;
};

static bool candidate(const struct flowrec *r)
{
	if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP) return false;
	bool si = r->where & FREC_SRC_INTERNAL, di = r->where & FREC_DST_INTERNAL;
	return si != di && !flow_is_background(r) && !flow_is_failed(r);
}

/* Sessions of one pair: records of one source port stitched when the gap is short. */
static void measure(const struct traffic_input *in, const struct rec *v, struct pair *p)
{
	const struct flowset *fs = in->flows;
	for (size_t i = p->lo; i < p->hi;) {
		const struct flowrec *r = &fs->v[v[i].i];
		double s = r->start, e = r->end;
		uint64_t up = 0, down = 0;
		size_t j = i;
		for (; j < p->hi && v[j].sport == v[i].sport; j++) {
			const struct flowrec *x = &fs->v[v[j].i];
			if (x->start > e + STITCH_GAP) break;
			e = fmax(e, x->end);
			bool out = x->where & FREC_SRC_INTERNAL;
			up += out ? x->bytes_out : x->bytes_in;
			down += out ? x->bytes_in : x->bytes_out;
		}
		double d = e - s;
		i = j;
		if (d < MIN_RECORD) continue;
		p->sessions++;
		p->total += d;
		p->up += up;
		p->down += down;
		if (!p->first || s < p->first) p->first = s;
		p->last = fmax(p->last, e);
		if (d > p->longest) p->longest = d;
		if (d >= LONG_SESSION / 4) { /* an hour or more: counts for the days the pair is seen long */
			p->long_sessions++;
			int day = (int)floor((s - fs->first) / 86400);
			if (day >= 0 && day < 64) p->days |= 1ull << day;
		}
		for (double t = s; t < e; t += 900) /* time outside business hours, by quarter hours */
			if (!site_is_business_time(in->cfg, t)) p->off_hours += fmin(900, e - t);
	}
}

static int cmp_key(const void *a, const void *b)
{
	const struct pair *x = *(struct pair *const *)a, *y = *(struct pair *const *)b;
	return strcmp(x->key, y->key);
}

int rule_long_connection(const struct traffic_input *in, struct findings *out)
{
	const struct flowset *fs = in->flows;
	struct rec *v = xmalloc((fs->n + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct flowrec *r = &fs->v[i];
		if (!candidate(r)) continue;
		bool out_ = r->where & FREC_SRC_INTERNAL;
		v[n++] = (struct rec){ .i = (uint32_t)i,
				       .host = out_ ? r->src : r->dst,
				       .peer = out_ ? r->dst : r->src,
				       .port = r->dport,
				       .sport = r->sport,
				       .proto = r->proto };
	}
	qsort_r(v, n, sizeof(*v), cmp_rec, (void *)fs);
	struct pair *pairs = NULL;
	size_t np = 0, cap = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && same_pair(&v[i], &v[j])) j++;
		struct pair p = { .lo = i, .hi = j, .port = v[i].port };
		measure(in, v, &p);
		if (p.longest >= LONG_SESSION / 4) {
			peer_key(fs, &fs->v[v[i].i], &v[i].peer, p.key, sizeof(p.key));
			if (np == cap) {
				cap = cap ? 2 * cap : 64;
				pairs = xrealloc(pairs, cap * sizeof(*pairs));
			}
			pairs[np++] = p;
		}
		i = j;
	}
	/* how many hosts hold long sessions with each peer: a shared one is the site's service */
	struct pair **by_key = xmalloc((np + 1) * sizeof(*by_key));
	for (size_t i = 0; i < np; i++) by_key[i] = &pairs[i];
	qsort(by_key, np, sizeof(*by_key), cmp_key);
	size_t *hosts = xcalloc(np + 1, sizeof(*hosts));
	for (size_t i = 0; i < np;) {
		size_t j = i + 1, distinct = 1;
		for (; j < np && !strcmp(by_key[i]->key, by_key[j]->key); j++)
			if (ipaddr_cmp(&v[by_key[j]->lo].host, &v[by_key[j - 1]->lo].host)) distinct++;
		for (size_t k = i; k < j; k++) hosts[by_key[k] - pairs] = distinct;
		i = j;
	}
	for (size_t k = 0; k < np; k++) {
		struct pair *p = &pairs[k];
		if (p->longest < LONG_SESSION && p->total < LONG_TOTAL) continue;
		const struct flowrec *r = &fs->v[v[p->lo].i];
		const struct rec *rv = &v[p->lo];
		unsigned days = (unsigned)__builtin_popcountll(p->days);
		bool routine = days >= ROUTINE_DAYS || hosts[k] >= ROUTINE_HOSTS;
		bool foreign = is_foreign(in, r);
		enum severity sev = SEV_MEDIUM;
		if (p->longest >= VERY_LONG || (foreign && p->off_hours > p->total / 2)) sev = SEV_HIGH;
		if (routine) sev = SEV_INFO;
		char host[IPADDR_STRLEN], peer[IPADDR_STRLEN], title[256], longest[32], total[32], rem[512];
		ipaddr_fmt(&rv->host, host, sizeof(host));
		ipaddr_fmt(&rv->peer, peer, sizeof(peer));
		fmt_duration(p->longest, longest, sizeof(longest));
		fmt_duration(p->total, total, sizeof(total));
		const char *name = flowset_name(fs, r);
		snprintf(title, sizeof(title), "%s session%s to %s port %u (longest %s, %s in all)%s",
			 p->sessions > 1 ? "Long" : "A long", p->sessions > 1 ? "s" : "", peer, p->port,
			 longest, total, routine ? ": routine, for review" : "");
		snprintf(
		    rem, sizeof(rem),
		    "Find what on %s holds the connection to %s (the process, the user); a remote shell, "
		    "tunnel or remote-access tool nobody approved should be stopped and the peer blocked. "
		    "If it is a known service, note it so the next audit reports it as routine.",
		    host, peer);
		struct buf b = BUF_INIT;
		buf_putc(&b, '{');
		ev_addr(&b, "peer", &rv->peer);
		ev_num(&b, "port", p->port);
		ev_str(&b, "proto", r->proto == IPPROTO_TCP ? "tcp" : "udp");
		ev_str(&b, "direction", r->where & FREC_SRC_INTERNAL ? "outbound" : "inbound");
		ev_str(&b, "name", name);
		ev_str(&b, "country", r->cc[0] ? r->cc : NULL);
		ev_num(&b, "sessions", p->sessions);
		ev_num(&b, "longest_seconds", round(p->longest));
		ev_num(&b, "total_seconds", round(p->total));
		ev_num(&b, "off_hours_seconds", round(p->off_hours));
		ev_num(&b, "bytes_out", (double)p->up);
		ev_num(&b, "bytes_in", (double)p->down);
		ev_num(&b, "days_with_long_sessions", days);
		ev_num(&b, "hosts_with_this_peer", (double)hosts[k]);
		ev_bool(&b, "routine", routine);
		ev_time(&b, "first", p->first);
		ev_time(&b, "last", p->last);
		add_host_finding(out, "long-connection", sev, p->longest, &rv->host, title, &b, rem, p->first,
				 p->last);
	}
	free(hosts);
	free(by_key);
	free(pairs);
	free(v);
	return 0;
}
