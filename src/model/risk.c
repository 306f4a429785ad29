/* Risk per asset (risk.h): the factors multiplied, assets ranked riskiest first. */
#include "model/risk.h"
#include "base/util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A severity's weight in a factor: what one more such finding adds. */
static const double weight[] = { 0.1, 1, 3, 7, 10 };

char risk_factor_of(const char *rule)
{
	static const char *traffic[] = {
		"beacon",       "offhours-foreign-encrypted", "rotating-destinations",
		"exfil-volume", "idle-device-active",         "lateral-from-idle"
	};
	static const char *exploit[] = { "known-exploited", "default-credentials", "anonymous-access" };
	for (size_t i = 0; i < ARRAY_SIZE(traffic); i++)
		if (!strcmp(rule, traffic[i])) return 't';
	for (size_t i = 0; i < ARRAY_SIZE(exploit); i++)
		if (!strcmp(rule, exploit[i])) return 'x';
	return 'w';
}

static int cmp_ip(const void *a, const void *b)
{
	return ipaddr_cmp(&((const struct asset_risk *)a)->ip, &((const struct asset_risk *)b)->ip);
}

static int cmp_risk(const void *pa, const void *pb)
{
	const struct asset_risk *a = pa, *b = pb;
	if (a->risk != b->risk) return a->risk > b->risk ? -1 : 1;
	return ipaddr_cmp(&a->ip, &b->ip);
}

struct ranked {
	const struct finding *f;
	double risk;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	if (a->f->severity != b->f->severity) return a->f->severity > b->f->severity ? -1 : 1;
	if (a->risk != b->risk) return a->risk > b->risk ? -1 : 1;
	if (a->f->score != b->f->score) return a->f->score > b->f->score ? -1 : 1;
	int c = ipaddr_cmp(&a->f->ip, &b->f->ip);
	if (c) return c;
	if (a->f->port != b->f->port) return a->f->port < b->f->port ? -1 : 1;
	return strcmp(a->f->rule, b->f->rule);
}

size_t assets_rank(const struct resultset *rs, struct findings *fs, struct asset_risk **ret)
{
	struct asset_risk *v = xcalloc(fs->n + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].has_ip)
			v[n++] = (struct asset_risk){
				.ip = fs->v[i].ip, .weakness = 1, .exploitation = 1, .traffic = 1
			};
	qsort(v, n, sizeof(*v), cmp_ip);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || ipaddr_cmp(&v[u - 1].ip, &v[i].ip)) v[u++] = v[i];
	n = u;
	for (size_t i = 0; i < fs->n; i++) {
		if (!fs->v[i].has_ip) continue;
		struct asset_risk key = { .ip = fs->v[i].ip }, *a = bsearch(&key, v, n, sizeof(*v), cmp_ip);
		const struct finding *f = &fs->v[i];
		double w = weight[f->severity <= SEV_CRITICAL ? f->severity : SEV_CRITICAL];
		switch (risk_factor_of(f->rule)) {
		case 't': a->traffic += w; break;
		case 'x': a->exploitation += w; break;
		default: a->weakness += w; break;
		}
		if (!a->findings || f->severity > a->worst) a->worst = f->severity;
		a->findings++;
	}
	for (size_t i = 0; i < n; i++) {
		const struct host_entry *h = resultset_host((struct resultset *)rs, &v[i].ip, false);
		size_t open = 0;
		for (size_t j = 0; h && j < h->n_ports; j++) open += h->ports[j].state == PORT_OPEN;
		v[i].exposure = 1 + sqrt((double)open);
		v[i].risk = round(v[i].exposure * v[i].weakness * v[i].exploitation * v[i].traffic * 10) / 10;
	}
	/* the findings: severity, then their asset's risk */
	struct ranked *r = xcalloc(fs->n + 1, sizeof(*r));
	for (size_t i = 0; i < fs->n; i++) {
		struct asset_risk key = { .ip = fs->v[i].ip },
				  *a = fs->v[i].has_ip ? bsearch(&key, v, n, sizeof(*v), cmp_ip) : NULL;
		r[i] = (struct ranked){ &fs->v[i], a ? a->risk : 0 };
	}
	qsort(r, fs->n, sizeof(*r), cmp_ranked);
	struct finding *sorted = xcalloc(fs->cap ? fs->cap : 1, sizeof(*sorted));
	for (size_t i = 0; i < fs->n; i++) sorted[i] = *r[i].f;
	free(fs->v);
	fs->v = sorted;
	free(r);
	for (size_t i = fs->n; i-- > 0;) {
		struct asset_risk key = { .ip = fs->v[i].ip },
				  *a = fs->v[i].has_ip ? bsearch(&key, v, n, sizeof(*v), cmp_ip) : NULL;
		if (a) a->top = i;
	}
	qsort(v, n, sizeof(*v), cmp_risk);
	*ret = v;
	return n;
}
