/* One finding per episode: the traffic rules judge hours, days and series,
 * so a problem that lasts (a nightly upload, a beacon that runs for days)
 * would otherwise come back once per hour or night. Findings of one rule
 * about one host and port whose times lie within EPISODE_GAP of each other
 * are one episode: the most severe stays, spanning first to last seen,
 * with the count in its evidence and title. */
#include "analyze/episodes.h"
#include "analyze/evidence.h"
#include "base/json.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPISODE_GAP (36 * 3600.0) /* the next night is the same episode */

static int cmp_episode(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c = strcmp(a->rule, b->rule);
	if (c) return c;
	if (a->has_ip != b->has_ip) return a->has_ip ? 1 : -1;
	if (a->has_ip && (c = ipaddr_cmp(&a->ip, &b->ip))) return c;
	if (a->port != b->port) return a->port < b->port ? -1 : 1;
	return a->first_seen < b->first_seen ? -1 : a->first_seen > b->first_seen;
}

static bool same_subject(const struct finding *a, const struct finding *b)
{
	return !strcmp(a->rule, b->rule) && a->has_ip && b->has_ip && !ipaddr_cmp(&a->ip, &b->ip) &&
	       a->port == b->port && !a->path && !b->path;
}

static void release_one(struct finding *f)
{
	free(f->evidence);
	free(f->remediation);
	free(f->path);
}

static void mark(struct finding *f, size_t count, double first, double last)
{
	f->first_seen = first;
	f->last_seen = last;
	struct buf b = BUF_INIT;
	size_t len = f->evidence ? strlen(f->evidence) : 0;
	if (len >= 2 && f->evidence[len - 1] == '}')
		buf_append(&b, f->evidence, len - 1);
	else
		buf_putc(&b, '{');
	buf_puts(&b, len > 2 ? ",\"episode\":{" : "\"episode\":{");
	buf_printf(&b, "\"findings\":%zu", count);
	ev_time(&b, "first", first);
	ev_time(&b, "last", last);
	buf_puts(&b, "}}");
	free(f->evidence);
	f->evidence = buf_detach(&b);
	char days[48];
	snprintf(days, sizeof(days), " [%zu times over %.1f days]", count, (last - first) / 86400);
	size_t tl = strlen(f->title);
	if (tl + strlen(days) < sizeof(f->title))
		memcpy(f->title + tl, days, strlen(days) + 1);
	else
		memcpy(f->title + sizeof(f->title) - strlen(days) - 1, days, strlen(days) + 1);
}

/* The destinations an episode's findings name (exfil-volume's evidence
 * ends with them): the finding kept lists them all, as many as one finding
 * may (16), so that an allowlist entry covers the episode only when it
 * covers every destination (allow-apply.c); destinations_n counts those
 * not listed too. */
#define MAX_DESTS 16
struct dest_union {
	char dst[MAX_DESTS][IPADDR_STRLEN];
	struct buf items; /* the listed objects, comma-separated */
	size_t n, extra;
};

static void union_add(struct dest_union *u, const struct json *x)
{
	const char *d = json_str(x, "dst"), *name = json_str(x, "name"), *cc = json_str(x, "country");
	if (!d || strlen(d) >= IPADDR_STRLEN) {
		u->extra++;
		return;
	}
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->dst[i], d)) return;
	if (u->n == MAX_DESTS) {
		u->extra++;
		return;
	}
	memcpy(u->dst[u->n++], d, strlen(d) + 1);
	struct buf o = BUF_INIT;
	buf_putc(&o, '{');
	ev_str(&o, "dst", d);
	if (name) ev_str(&o, "name", name);
	if (cc) ev_str(&o, "country", cc);
	double port;
	if (json_num(x, "dport", &port)) ev_num(&o, "dport", port);
	buf_putc(&o, '}');
	if (u->items.len) buf_putc(&u->items, ',');
	if (o.data) buf_puts(&u->items, o.data);
	buf_release(&o);
}

static int on_dests(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		    struct dm_err *e)
{
	(void)header, (void)offset, (void)e;
	struct dest_union *u = ctx;
	const struct json *a = json_get(rec, "destinations");
	double total = 0;
	if (!a || a->type != JSON_ARRAY || !json_num(rec, "destinations_n", &total)) return 0;
	if (total > (double)a->n) u->extra += (size_t)(total - (double)a->n);
	json_each(x, a) union_add(u, x);
	return 0;
}

static const char dests_key[] = ",\"destinations\":[";

/* keep's destinations become those of v[i, j) */
static void union_destinations(struct finding *keep, const struct finding *v, size_t i, size_t j)
{
	char *at = keep->evidence ? strstr(keep->evidence, dests_key) : NULL;
	if (!at) return;
	struct dest_union u = { .items = BUF_INIT };
	for (size_t k = i; k < j; k++) {
		if (!v[k].evidence) continue;
		struct json_stream js = { .record = on_dests, .ctx = &u };
		struct dm_err e = { "" };
		if (json_stream_mem(&js, v[k].evidence, strlen(v[k].evidence), "evidence", &e) < 0) u.extra++;
	}
	struct buf b = BUF_INIT;
	buf_append(&b, keep->evidence, (size_t)(at - keep->evidence));
	buf_puts(&b, dests_key);
	if (u.items.data) buf_puts(&b, u.items.data);
	buf_printf(&b, "],\"destinations_n\":%zu}", u.n + u.extra);
	buf_release(&u.items);
	free(keep->evidence);
	keep->evidence = buf_detach(&b);
}

void findings_episodes(struct findings *fs, size_t from)
{
	if (fs->n <= from + 1) return;
	struct finding *v = fs->v + from;
	size_t n = fs->n - from, m = 0;
	qsort(v, n, sizeof(*v), cmp_episode);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, best = i;
		double first = v[i].first_seen, last = v[i].last_seen;
		while (j < n && same_subject(&v[i], &v[j]) && v[j].first_seen - last <= EPISODE_GAP) {
			if (v[j].severity > v[best].severity ||
			    (v[j].severity == v[best].severity && v[j].score > v[best].score))
				best = j;
			if (v[j].last_seen > last) last = v[j].last_seen;
			j++;
		}
		struct finding keep = v[best];
		if (j - i > 1) union_destinations(&keep, v, i, j);
		for (size_t k = i; k < j; k++)
			if (k != best) release_one(&v[k]);
		if (j - i > 1) mark(&keep, j - i, first, last);
		v[m++] = keep;
		i = j;
	}
	fs->n = from + m;
}
