/* Wall time and peak memory per stage of a command (the audit's flows,
 * scan, services, vulnerabilities, join, save, outputs), for -v and the
 * benchmarks: where the time of a big audit goes. */
#pragma once
#include <stddef.h>

struct stage_clock {
	double last;
	struct {
		const char *name;
		double seconds;
		long peak_kb;
	} v[12];
	size_t n;
};

void stage_start(struct stage_clock *c);
/* Ends the stage that ran since the previous mark, under name. */
void stage_mark(struct stage_clock *c, const char *name);
/* "flows 12.31 s (410 MB), scan 2.40 s (415 MB), ...": peak RSS so far at each stage's end. */
void stage_format(const struct stage_clock *c, char *out, size_t n);
