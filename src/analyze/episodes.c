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
#include "model/finding-life.h"
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

/* What mark() appended, so an episode can be merged again (a stream's
 * hours, each merged on its own first): the findings it counts, 1 when
 * none. */
static const char episode_key[] = "\"episode\":{\"findings\":";

static char *episode_at(const struct finding *f)
{
	char *at = NULL, *p = f->evidence;
	while (p && (p = strstr(p, episode_key))) at = p++;
	return at;
}

static size_t episode_count(const struct finding *f)
{
	const char *at = episode_at(f);
	if (!at) return 1;
	unsigned long long n = strtoull(at + strlen(episode_key), NULL, 10);
	return n ? (size_t)n : 1;
}

/* The episode's evidence and title suffix taken off again (mark adds them anew). */
static void strip_episode(struct finding *f)
{
	char *at = episode_at(f);
	if (!at) return;
	if (at > f->evidence && at[-1] == ',') at--;
	at[0] = '}';
	at[1] = 0;
	char *t = strrchr(f->title, '[');
	size_t n;
	double d;
	int used = 0;
	if (t && t > f->title && t[-1] == ' ' &&
	    sscanf(t, "[%zu times over %lf days]%n", &n, &d, &used) == 2 && used > 0 && !t[used])
		t[-1] = 0;
}

static void mark(struct finding *f, size_t count, double first, double last)
{
	strip_episode(f);
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
		size_t count = 0;
		for (size_t k = i; j - i > 1 && k < j; k++) count += episode_count(&v[k]);
		if (j - i > 1) {
			strip_episode(&keep);
			union_destinations(&keep, v, i, j);
		}
		for (size_t k = i; k < j; k++)
			if (k != best) release_one(&v[k]);
		if (j - i > 1) mark(&keep, count, first, last);
		v[m++] = keep;
		i = j;
	}
	fs->n = from + m;
}

void episodes_acc_init(struct episodes_acc *a, const char *site)
{
	*a = (struct episodes_acc){ 0 };
	snprintf(a->site, sizeof(a->site), "%s", site ? site : "");
}

static uint64_t key_hash(const char *k)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */
	for (; *k; k++) h = (h ^ (uint8_t)*k) * 1099511628211ull;
	return h;
}

/* The slot of key: its episode's, else the empty one it would take. */
static size_t acc_slot(const struct episodes_acc *a, const char *key)
{
	size_t i = key_hash(key) & (a->n_slots - 1);
	while (a->slots[i] && strcmp(a->keys[a->slots[i] - 1], key)) i = (i + 1) & (a->n_slots - 1);
	return i;
}

static void acc_grow(struct episodes_acc *a)
{
	if (2 * (a->fs.n + 1) <= a->n_slots) return;
	size_t old = a->n_slots;
	uint32_t *was = a->slots;
	a->n_slots = old ? 2 * old : 256;
	a->slots = xcalloc(a->n_slots, sizeof(*a->slots));
	for (size_t i = 0; i < old; i++)
		if (was[i]) a->slots[acc_slot(a, a->keys[was[i] - 1])] = was[i];
	free(was);
}

/* f joins the episode *k: the more severe (then higher scored) stays. */
static void acc_merge(struct finding *k, struct finding *f)
{
	size_t count = episode_count(k) + episode_count(f);
	double first = k->first_seen < f->first_seen ? k->first_seen : f->first_seen;
	double last = k->last_seen > f->last_seen ? k->last_seen : f->last_seen;
	struct finding pair[2] = { *k, *f };
	bool take = f->severity > k->severity || (f->severity == k->severity && f->score > k->score);
	struct finding keep = pair[take];
	strip_episode(&keep);
	union_destinations(&keep, pair, 0, 2);
	release_one(&pair[!take]);
	mark(&keep, count, first, last);
	*k = keep;
}

void episodes_acc_add(struct episodes_acc *a, struct findings *fs)
{
	char key[LIFE_KEY_MAX];
	for (size_t i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		life_key(f, a->site, key, sizeof(key));
		acc_grow(a);
		size_t s = acc_slot(a, key);
		if (a->slots[s]) {
			struct finding *k = &a->fs.v[a->slots[s] - 1];
			if (f->first_seen - k->last_seen <= EPISODE_GAP) {
				acc_merge(k, f);
				continue;
			}
		}
		size_t at = a->fs.n;
		findings_add(&a->fs, f); /* takes its strings */
		a->keys = xrealloc(a->keys, a->fs.cap * sizeof(*a->keys));
		a->keys[at] = xstrdup(key);
		a->slots[s] = (uint32_t)(at + 1); /* the identity's latest episode */
	}
	free(fs->v);
	*fs = (struct findings){ 0 };
}

void episodes_acc_take(struct episodes_acc *a, struct findings *out)
{
	size_t from = out->n;
	for (size_t i = 0; i < a->fs.n; i++) findings_add(out, &a->fs.v[i]);
	for (size_t i = 0; i < a->fs.n; i++) free(a->keys[i]);
	free(a->fs.v);
	a->fs = (struct findings){ 0 };
	if (a->slots) memset(a->slots, 0, a->n_slots * sizeof(*a->slots));
	findings_episodes(out, from);
}

void episodes_acc_release(struct episodes_acc *a)
{
	for (size_t i = 0; i < a->fs.n; i++) free(a->keys[i]);
	findings_release(&a->fs);
	free(a->keys);
	free(a->slots);
	*a = (struct episodes_acc){ 0 };
}
