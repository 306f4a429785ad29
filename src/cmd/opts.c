/* Table-driven option parsing. */
#include "cmd/opts.h"
#include "base/escape.h"
#include "model/finding.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt *find(const struct opt *t, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && !strncmp(t[i].name, name, len)) return &t[i];
	return NULL;
}

/* Whether the option at table entry o was given before, under any spelling
 * (same id): then the error names both. first[k] is the argv index where
 * entry k was given, -1 when not yet. Only single-valued options count:
 * flags may be repeated harmlessly and repeat options collect. */
static int given_twice(const struct opt *t, size_t n, const struct opt *o, int *first, char **argv, int at,
		       struct dm_err *e)
{
	if (!o->has_arg || o->repeat) return 0;
	for (size_t k = 0; k < n; k++) {
		if (t[k].id != o->id || first[k] < 0) continue;
		/* "-p 22" when the argument was the next word, else "-p22" or "--rate=5" as typed */
		int f = first[k];
		bool f2 = !strcmp(argv[f], t[k].name), a2 = !strcmp(argv[at], o->name);
		return dm_fail(e, DM_EINPUT, "%s given twice (\"%s%s%s\", then \"%s%s%s\"); give it once",
			       o->name, argv[f], f2 ? " " : "", f2 ? argv[f + 1] : "", argv[at],
			       a2 ? " " : "", a2 ? argv[at + 1] : "");
	}
	first[o - t] = at;
	return 0;
}

/* One spelling for JSON in every command: where the table has --format and
 * no --json, "--json" is "--format json"; where it has --json and no
 * --format, "--format json" is --json (and "--format text" the default). */
static const struct opt *json_alias(const struct opt *t, size_t n, const char *a, const char **arg)
{
	const struct opt *fmt = find(t, n, "--format", 8), *json = find(t, n, "--json", 6);
	if (!strcmp(a, "--json") && fmt && !json) {
		*arg = "json";
		return fmt;
	}
	return NULL;
}

int opts_parse(int argc, char **argv, const struct opt *t, size_t n,
	       int (*cb)(void *, int, const char *, const char *, struct dm_err *), void *ctx,
	       struct dm_err *e)
{
	bool only_positional = false;
	int *first = xcalloc(n ? n : 1, sizeof(*first)), r = 0;
	for (size_t k = 0; k < n; k++) first[k] = -1;
	for (int i = 0; i < argc && r >= 0; i++) { /* a callback may return a positive count */
		const char *a = argv[i];
		if (only_positional || a[0] != '-' || a[1] == 0) {
			r = cb(ctx, 0, NULL, a, e);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_positional = true;
			continue;
		}
		const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const struct opt *o = find(t, n, a, len);
		const char *arg = NULL;
		int at = i;
		if (!o) o = json_alias(t, n, a, &arg);
		if (!o && len == 8 && !strncmp(a, "--format", 8) && find(t, n, "--json", 6)) {
			const char *f = eq ? eq + 1 : i + 1 < argc ? argv[++i] : "";
			if (strcmp(f, "json") && strcmp(f, "text")) {
				r = dm_fail(e, DM_EINPUT, "--format \"%s\": expected text or json", f);
				break;
			}
			if (!strcmp(f, "text")) continue;
			o = find(t, n, "--json", 6);
			eq = NULL;
		}
		if (!o && a[1] != '-') {
			/* nmap style glued argument: -p22, -p-, -e eth0 as -eeth0 */
			for (size_t k = 0; k < n && !o; k++) {
				size_t l = strlen(t[k].name);
				if (t[k].has_arg && t[k].name[1] != '-' && l == 2 &&
				    !strncmp(a, t[k].name, l)) {
					o = &t[k];
					arg = a + l;
				}
			}
		}
		if (!o) {
			r = dm_fail(e, DM_EINPUT, "unknown option \"%s\" (argument %d); see --help", a,
				    i + 1);
			break;
		}
		if (o->has_arg && !arg) {
			if (eq)
				arg = eq + 1;
			else if (i + 1 < argc)
				arg = argv[++i];
			else {
				r = dm_fail(e, DM_EINPUT, "option %s needs an argument (%s)", o->name,
					    o->arg ? o->arg : "value");
				break;
			}
		} else if (!o->has_arg && eq) {
			r = dm_fail(e, DM_EINPUT, "option %s takes no argument", o->name);
			break;
		}
		if ((r = given_twice(t, n, o, first, argv, at, e)) < 0) break;
		r = cb(ctx, o->id, o->name, arg, e);
	}
	free(first);
	return r < 0 ? r : 0;
}

void opts_help(FILE *f, const char *usage, const char *about, const struct opt *t, size_t n)
{
	fprintf(f, "usage: %s\n\n%s\n\noptions:\n", usage, about);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].help) continue;
		char left[48];
		snprintf(left, sizeof(left), "%s%s%s", t[i].name, t[i].has_arg ? " " : "",
			 t[i].has_arg ? t[i].arg : "");
		fprintf(f, "  %-24s %s\n", left, t[i].help);
	}
	if (find(t, n, "--format", 8) && !find(t, n, "--json", 6))
		fprintf(f, "  %-24s %s\n", "--json", "same as --format json");
	if (!find(t, n, "--format", 8) && find(t, n, "--json", 6))
		fprintf(f, "  %-24s %s\n", "--format FMT", "text (default) or json: --format json is --json");
}

int parse_double(const char *opt, const char *s, double min, double max, double *ret, struct dm_err *e)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return dm_fail(e, DM_EINPUT, "%s \"%s\": expected a number from %g to %g", opt, s, min, max);
	*ret = v;
	return 0;
}

int parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *ret, struct dm_err *e)
{
	char *end;
	errno = 0;
	if (*s == '-') return dm_fail(e, DM_EINPUT, "%s \"%s\": expected a whole number", opt, s);
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return dm_fail(e, DM_EINPUT, "%s \"%s\": expected a whole number from %llu to %llu", opt, s,
			       (unsigned long long)min, (unsigned long long)max);
	*ret = v;
	return 0;
}

int parse_seconds(const char *opt, const char *s, double *ret, struct dm_err *e)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double mult = 1;
	if (!strcmp(end, "ms"))
		mult = 0.001;
	else if (!strcmp(end, "s") || !*end)
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60;
	else
		end = (char *)s;
	if (errno || end == s || !isfinite(v) || v < 0 || v * mult > 86400)
		return dm_fail(e, DM_EINPUT, "%s \"%s\": expected a duration such as 500ms, 2s or 1m", opt,
			       s);
	*ret = v * mult;
	return 0;
}

int parse_confidence(const char *opt, const char *s, int *ret, struct dm_err *e)
{
	if ((*ret = confidence_parse(s)) < 0)
		return dm_fail(e, DM_EINPUT, "%s \"%s\": expected low, medium or high", opt, s);
	return 0;
}

int cmd_error(const char *cmd, int err, const struct dm_err *e)
{
	struct buf b = BUF_INIT; /* the sentence may quote input: escaped for the terminal */
	fprintf(stderr, "dormant: %s: %s\n", cmd, term_str(&b, e && e->msg[0] ? e->msg : dm_strerror(err)));
	buf_release(&b);
	if (err == DM_EINPUT || err == DM_EEMPTY || err == DM_EMISMATCH || err == DM_EPUBLIC ||
	    err == DM_ETOOBIG || err == -ENOENT || err == -EACCES || err == -ELOOP || err == -EISDIR ||
	    err == -ENOTDIR || err == -EROFS)
		return EXIT_USAGE;
	return EXIT_RUNTIME;
}
