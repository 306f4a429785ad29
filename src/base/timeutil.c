/* Clock helpers. */
#include "base/timeutil.h"
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <errno.h>

double now_thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fmt_rfc3339(double t, char *out, size_t n)
{
	/* to the nearest millisecond: 0.1 s is 0.0999... as a double */
	long long total = llround(t * 1000.0);
	time_t s = (time_t)(total / 1000);
	int ms = (int)(total % 1000);
	if (ms < 0) {
		ms += 1000;
		s--;
	}
	struct tm tm = { 0 };
	gmtime_r(&s, &tm);
	int year = tm.tm_year + 1900;
	if (year < 0 || year > 9999 || n < 25) {
		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
		return;
	}
	/* by hand: every flow record of `flows -oJ` has two */
	char *o = out;
	int f[] = { year / 100, year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec };
	static const char sep[] = { 0, 0, '-', '-', 'T', ':', ':' };
	for (size_t i = 0; i < 7; i++) {
		if (sep[i]) *o++ = sep[i];
		*o++ = (char)('0' + f[i] / 10), *o++ = (char)('0' + f[i] % 10);
	}
	*o++ = '.';
	*o++ = (char)('0' + ms / 100), *o++ = (char)('0' + ms / 10 % 10), *o++ = (char)('0' + ms % 10);
	*o++ = 'Z', *o = 0;
}

void fmt_duration(double s, char *out, size_t n)
{
	if (s < 0) s = 0;
	long v = (long)(s + 0.5);
	if (v < 60)
		snprintf(out, n, "%lds", v);
	else if (v < 3600)
		snprintf(out, n, "%ldm%02lds", v / 60, v % 60);
	else
		snprintf(out, n, "%ldh%02ldm", v / 3600, (v / 60) % 60);
}

void sleep_until_mono(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t, .tv_nsec = (long)((t - (double)(time_t)t) * 1e9) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}
