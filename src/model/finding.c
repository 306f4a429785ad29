/* Finding lists, severities and confidence levels. */
#include "model/finding.h"
#include "base/util.h"
#include <stdlib.h>
#include <string.h>

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical" };
static const char *const conf_names[] = { "none", "low", "medium", "high" };

void findings_add(struct findings *fs, const struct finding *f)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 16;
		fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
	}
	fs->v[fs->n++] = *f;
}

static int cmp(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
	if (a->score != b->score) return a->score > b->score ? -1 : 1;
	if (a->has_ip != b->has_ip) return a->has_ip ? -1 : 1;
	int r = a->has_ip ? ipaddr_cmp(&a->ip, &b->ip) : 0;
	if (r) return r;
	if (a->port != b->port) return a->port < b->port ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

void findings_sort(struct findings *fs)
{
	if (fs->n) qsort(fs->v, fs->n, sizeof(*fs->v), cmp);
}

void findings_release(struct findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].evidence);
		free(fs->v[i].remediation);
		free(fs->v[i].path);
	}
	free(fs->v);
	*fs = (struct findings){ 0 };
}

size_t findings_count(const struct findings *fs, enum severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++) n += fs->v[i].severity == sev;
	return n;
}

const char *severity_name(enum severity s)
{
	return (unsigned)s < ARRAY_SIZE(sev_names) ? sev_names[s] : "?";
}

int severity_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(sev_names); i++)
		if (!strcmp(s, sev_names[i])) return (int)i;
	return -1;
}

enum severity severity_from_cvss(double score)
{
	return score >= 9   ? SEV_CRITICAL
	       : score >= 7 ? SEV_HIGH
	       : score >= 4 ? SEV_MEDIUM
	       : score > 0  ? SEV_LOW
			    : SEV_INFO;
}

const char *confidence_name(enum confidence c)
{
	return (unsigned)c < ARRAY_SIZE(conf_names) ? conf_names[c] : "?";
}

int confidence_parse(const char *s)
{
	for (size_t i = 1; i < ARRAY_SIZE(conf_names); i++)
		if (!strcmp(s, conf_names[i])) return (int)i;
	return -1;
}
