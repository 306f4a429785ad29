/* The stage clock: wall time and peak resident memory at the end of each
 * stage, for the -v line of scan/audit/creds and the benchmarks. */
#include "pipeline/stage-clock.h"
#include "base/timeutil.h"
#include <stdio.h>
#include <string.h>

/* The process's peak resident set so far, from the kernel (kB). */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6) && sscanf(line + 6, "%ld", &kb) == 1) break;
	if (f) fclose(f);
	return kb;
}

void stage_start(struct stage_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->last = now_mono();
}

void stage_mark(struct stage_clock *c, const char *name)
{
	double t = now_mono();
	if (c->n < sizeof(c->v) / sizeof(c->v[0])) {
		c->v[c->n].name = name;
		c->v[c->n].seconds = t - c->last;
		c->v[c->n].peak_kb = peak_rss_kb();
		c->n++;
	}
	c->last = t;
}

void stage_format(const struct stage_clock *c, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < c->n && len < n; i++) {
		int k = snprintf(out + len, n - len, "%s%s %.2f s (%ld MB)", i ? ", " : "", c->v[i].name,
				 c->v[i].seconds, c->v[i].peak_kb / 1024);
		if (k > 0) len += (size_t)k;
	}
}
