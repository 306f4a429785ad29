/* One finding per episode: the traffic rules judge hours, days and series,
 * so a problem that lasts (a nightly upload, a beacon that runs for days)
 * would otherwise come back once per hour or night. Findings of one rule
 * about one host and port whose times lie within EPISODE_GAP of each other
 * are one episode: the most severe stays, spanning first to last seen,
 * with the count in its evidence and title. */
#include "analyze/episodes.h"
#include "analyze/evidence.h"
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
		for (size_t k = i; k < j; k++)
			if (k != best) release_one(&v[k]);
		struct finding keep = v[best];
		if (j - i > 1) mark(&keep, j - i, first, last);
		v[m++] = keep;
		i = j;
	}
	fs->n = from + m;
}
