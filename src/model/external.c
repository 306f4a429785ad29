/* External observations (external.h): the set that readers fill and the
 * store keeps, and the time formats the mapping platforms write. */
#include "model/external.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const platform_names[EXT_N] = {
	"shodan", "censys", "fofa", "zoomeye", "hunter", "dormant"
};

const char *ext_platform_name(enum ext_platform p) { return (unsigned)p < EXT_N ? platform_names[p] : "?"; }

int ext_platform_parse(const char *s)
{
	for (int i = 0; i < EXT_N; i++)
		if (!strcasecmp(s, platform_names[i])) return i;
	return -1;
}

const char *ext_set_file(struct ext_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_files; i++)
		if (!strcmp(s->files[i], name)) return s->files[i];
	s->files = xrealloc(s->files, (s->n_files + 1) * sizeof(*s->files));
	return s->files[s->n_files++] = xstrdup(name);
}

void ext_set_add(struct ext_set *s, const struct ext_obs *o)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = *o;
}

void ext_set_error(struct ext_set *s, const char *msg)
{
	if (s->n_errors < EXT_ERRORS_KEPT) {
		s->errors = xrealloc(s->errors, (s->n_errors + 1) * sizeof(*s->errors));
		s->errors[s->n_errors] = xstrdup(msg);
	}
	s->n_errors++;
}

void ext_set_release(struct ext_set *s)
{
	for (size_t i = 0; i < s->n_files; i++) free(s->files[i]);
	for (size_t i = 0; i < s->n_errors && i < EXT_ERRORS_KEPT; i++) free(s->errors[i]);
	free(s->files);
	free(s->errors);
	free(s->v);
	*s = (struct ext_set){ 0 };
}

/* Two to four digits of s at *p, advancing it; -1 when they are not there. */
static int digits(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9') return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

int ext_parse_time(const char *s, double *ret)
{
	const char *p = s;
	struct tm tm = { 0 };
	int y = digits(&p, 4), mo, d, h = 0, mi = 0, se = 0, off = 0;
	if (y < 1970 || *p++ != '-' || (mo = digits(&p, 2)) < 1 || mo > 12 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 1 || d > 31)
		return -1;
	double frac = 0;
	if (*p == 'T' || *p == ' ') {
		p++;
		if ((h = digits(&p, 2)) < 0 || h > 23 || *p++ != ':' || (mi = digits(&p, 2)) < 0 || mi > 59)
			return -1;
		if (*p == ':' && (p++, (se = digits(&p, 2)) < 0 || se > 60)) return -1;
		if (*p == '.') {
			double scale = 0.1;
			for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10) frac += (*p - '0') * scale;
		}
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh = digits(&p, 2), om;
			if (*p == ':') p++;
			if (oh < 0 || oh > 23 || (om = digits(&p, 2)) < 0 || om > 59) return -1;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p) return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d) return -1; /* 2026-02-30 */
	*ret = (double)t - off + frac;
	return 0;
}

static const char *const verdict_names[] = { "same",          "differs",     "unidentified",
					     "closed-inside", "not-scanned", "unexplained" };

const char *exposure_verdict_name(enum exposure_verdict v)
{
	return (unsigned)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "?";
}

void exposure_rows_release(struct exposure_rows *r)
{
	free(r->v);
	*r = (struct exposure_rows){ 0 };
}
