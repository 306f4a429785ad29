/* Clocks and time formats. Seconds are doubles throughout dormant. */
#pragma once
#include <stddef.h>

double now_mono(void); /* seconds, CLOCK_MONOTONIC */
double now_real(void); /* seconds since the epoch */
/* CPU seconds of the calling thread: a loaded machine stretches wall time. */
double now_thread_cpu(void);
/* RFC 3339 UTC with milliseconds, e.g. 2026-11-22T02:36:39.123Z; out >= 32 bytes. */
void fmt_rfc3339(double t, char *out, size_t n);
/* Short duration for progress lines: 59s, 3m04s, 2h10m. */
void fmt_duration(double s, char *out, size_t n);
void sleep_until_mono(double t);
