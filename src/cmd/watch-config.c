/* The watch file (`dormant watch --config FILE`): [watch], [job NAME],
 * [collect NAME], [capture NAME] and [metrics] are read here; the site
 * policy's sections of the same file by model/site-config.c, which leaves
 * these to us. Every error names the file and its line. */
#include "cmd/watch.h"
#include "base/buf.h"
#include "base/util.h"
#include "cmd/traffic-opts.h"
#include "cmd/opts.h"
#include "model/site-config.h"
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

int argv_split(const char *s, char ***ret, const char **why)
{
	char **v = NULL;
	int n = 0;
	struct buf w = BUF_INIT;
	const char *p = s;
	*why = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t') p++;
		if (!*p) break;
		char q = 0;
		buf_reset(&w);
		for (; *p && (q || (*p != ' ' && *p != '\t')); p++) {
			if (q && *p == q) {
				q = 0;
			} else if (!q && (*p == '\'' || *p == '"')) {
				q = *p;
			} else if (*p == '\\' && q != '\'' && p[1]) {
				buf_append(&w, ++p, 1);
			} else {
				buf_append(&w, p, 1);
			}
		}
		if (q) {
			*why = q == '"' ? "a \" is not closed" : "a ' is not closed";
			buf_release(&w);
			argv_free(v);
			*ret = NULL;
			return -1;
		}
		v = xrealloc(v, (size_t)(n + 2) * sizeof(*v));
		v[n++] = xstrdup(w.data ? w.data : "");
		v[n] = NULL;
	}
	buf_release(&w);
	if (!v) v = xcalloc(1, sizeof(*v));
	*ret = v;
	return n;
}

void argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++) free(*p);
	free(argv);
}

struct wloader {
	struct watch_config *w;
	struct dm_err *e;
	const char *text;
	char last[96];
	bool after_run; /* the previous line was run's: a line more continues it */
};

/* libinih's INI_MAX_LINE as Debian builds it: longer lines are cut */
#define WATCH_MAX_LINE 200

#define BAD(...) (dm_fail(l->e, DM_EINPUT, __VA_ARGS__), 0)

static struct watch_job *job_get(struct wloader *l, const char *name, bool fresh, bool *dup)
{
	struct watch_config *w = l->w;
	for (size_t i = 0; i < w->n_jobs; i++)
		if (!strcmp(w->jobs[i].name, name)) {
			*dup = fresh;
			return &w->jobs[i];
		}
	w->jobs = xrealloc(w->jobs, (w->n_jobs + 1) * sizeof(*w->jobs));
	struct watch_job *j = &w->jobs[w->n_jobs++];
	*j = (struct watch_job){ .days = 0x7f };
	snprintf(j->name, sizeof(j->name), "%s", name);
	return j;
}

static struct watch_source *source_get(struct watch_source **v, size_t *n, const char *name, bool fresh,
				       bool *dup)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name)) {
			*dup = fresh;
			return &(*v)[i];
		}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	struct watch_source *s = &(*v)[(*n)++];
	*s = (struct watch_source){ .grace = -1 };
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

static bool name_ok(const char *s)
{
	if (!*s || strlen(s) >= 64) return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9') &&
		    !strchr("-_.", *s))
			return false;
	return true;
}

/* "02:30, 14:00" */
static int parse_at(struct wloader *l, struct watch_job *j, const char *v)
{
	char *copy = xstrdup(v), *save = NULL;
	int r = 1;
	for (char *t = strtok_r(copy, ", \t", &save); t && r; t = strtok_r(NULL, ", \t", &save)) {
		int m;
		if (site_parse_time(t, &m) < 0)
			r = BAD("at \"%s\": expected a time of day such as 02:30", t);
		else if (j->n_at >= WATCH_MAX_AT)
			r = BAD("at: more than %d times in [job %s]", WATCH_MAX_AT, j->name);
		else
			j->at[j->n_at++] = m;
	}
	free(copy);
	return r;
}

/* "90s", "30m", "1h", "2d", "1.5h"; a bare number is seconds. */
static int parse_period(const char *v, double *ret)
{
	char *end;
	double x = strtod(v, &end);
	static const struct {
		const char *unit;
		double mul;
	} units[] = { { "", 1 }, { "s", 1 }, { "m", 60 }, { "min", 60 }, { "h", 3600 }, { "d", 86400 } };
	if (end == v || !(x > 0)) return -1;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].unit)) {
			*ret = x * units[i].mul;
			return 0;
		}
	return -1;
}

static int on_job(struct wloader *l, const char *jname, const char *name, const char *value, bool fresh)
{
	if (!name_ok(jname)) return BAD("job name \"%s\": 1-63 letters, digits, '-', '_' or '.'", jname);
	bool dup = false;
	struct watch_job *j = job_get(l, jname, fresh, &dup);
	if (dup) return BAD("[job %s] defined twice", jname);
	if (!name) return 1;
	if (!strcmp(name, "every")) {
		if (parse_period(value, &j->every) < 0 || j->every < 1)
			return BAD("every \"%s\": expected a period of 1s or more, e.g. 1h, 30m, 90s", value);
		if (j->every > 366 * 86400.0) return BAD("every \"%s\": more than a year", value);
		return 1;
	}
	if (!strcmp(name, "at")) return parse_at(l, j, value);
	if (!strcmp(name, "days")) {
		if (site_parse_days(value, &j->days) < 0)
			return BAD("days \"%s\": expected days such as Mon-Fri or Mon,Wed,Fri", value);
		return 1;
	}
	if (!strcmp(name, "run")) { /* indented lines that follow continue it: libinih calls again */
		if (j->run && (!l->after_run || fresh)) return BAD("run given twice in [job %s]", jname);
		l->after_run = true;
		size_t n = j->run ? strlen(j->run) : 0;
		j->run = xrealloc(j->run, n + strlen(value) + 2);
		snprintf(j->run + n, strlen(value) + 2, "%s%s", n ? " " : "", value);
		return 1;
	}
	return BAD("unknown key \"%s\" in [job %s]", name, jname);
}

static int parse_grace(struct wloader *l, double *g, const char *value)
{
	if (!strcmp(value, "0")) return *g = 0, 1;
	if (parse_period(value, g) < 0 || *g > 86400)
		return BAD("grace \"%s\": expected a time from 0s to 24h, e.g. 5m", value);
	return 1;
}

static int on_source(struct wloader *l, bool collect, const char *sname, const char *name, const char *value,
		     bool fresh)
{
	const char *kind = collect ? "collect" : "capture";
	if (!name_ok(sname)) return BAD("%s name \"%s\": 1-63 letters, digits, '-', '_' or '.'", kind, sname);
	bool dup = false;
	struct watch_config *w = l->w;
	struct watch_source *s = collect ? source_get(&w->collects, &w->n_collects, sname, fresh, &dup)
					 : source_get(&w->captures, &w->n_captures, sname, fresh, &dup);
	if (dup) return BAD("[%s %s] defined twice", kind, sname);
	if (!name) return 1;
	if (!strcmp(name, "grace")) return parse_grace(l, &s->grace, value);
	if (collect && !strcmp(name, "listen")) {
		struct dm_err le = { "" };
		if (strlen(value) >= sizeof(s->listen) || listen_parse(value, NULL, NULL, &le) < 0)
			return BAD("listen \"%s\": expected ADDR:PORT (0.0.0.0:2055, [::1]:4739)", value);
		snprintf(s->listen, sizeof(s->listen), "%s", value);
		return 1;
	}
	if (!collect && !strcmp(name, "iface")) {
		if (!*value || strlen(value) >= sizeof(s->iface))
			return BAD("iface \"%s\": not a name", value);
		snprintf(s->iface, sizeof(s->iface), "%s", value);
		return 1;
	}
	if (!collect && !strcmp(name, "filter")) {
		free(s->filter);
		s->filter = xstrdup(value);
		return 1;
	}
	return BAD("unknown key \"%s\" in [%s %s]", name, kind, sname);
}

static int copy_path(struct wloader *l, char *dst, size_t n, const char *key, const char *value)
{
	if (!*value || strlen(value) >= n) return BAD("%s \"%s\": not a path", key, value);
	snprintf(dst, n, "%s", value);
	return 1;
}

static int on_value(void *ctx, const char *section, const char *name, const char *value)
{
	struct wloader *l = ctx;
	struct watch_config *w = l->w;
	bool fresh = strcmp(l->last, section) != 0, after_run = l->after_run;
	snprintf(l->last, sizeof(l->last), "%s", section);
	l->after_run = false;
	if (!strncmp(section, "job ", 4) && name && !strcmp(name, "run")) l->after_run = after_run;
	if (!strncmp(section, "job ", 4)) return on_job(l, section + 4, name, value, fresh);
	if (!strncmp(section, "collect ", 8)) return on_source(l, true, section + 8, name, value, fresh);
	if (!strncmp(section, "capture ", 8)) return on_source(l, false, section + 8, name, value, fresh);
	if (!strcmp(section, "metrics")) {
		if (!name) return 1;
		if (strcmp(name, "listen")) return BAD("unknown key \"%s\" in [metrics]", name);
		struct dm_err le = { "" };
		if (strlen(value) >= sizeof(w->metrics) || listen_parse(value, NULL, NULL, &le) < 0)
			return BAD("listen \"%s\": expected ADDR:PORT, e.g. 127.0.0.1:9712", value);
		snprintf(w->metrics, sizeof(w->metrics), "%s", value);
		return 1;
	}
	if (!strcmp(section, "watch")) {
		if (!name) return 1;
		if (!strcmp(name, "db")) return copy_path(l, w->db, sizeof(w->db), name, value);
		if (!strcmp(name, "state_dir"))
			return copy_path(l, w->state_dir, sizeof(w->state_dir), name, value);
		if (!strcmp(name, "grace")) return parse_grace(l, &w->grace, value);
		return BAD("unknown key \"%s\" in [watch]", name);
	}
	return 1; /* the site policy's: model/site-config.c judges them */
}

/* The line of a section's header, for what is missing from the section. */
static int header_line(const char *text, const char *section)
{
	int line = 1;
	size_t n = strlen(section);
	for (const char *p = text; *p; line++) {
		const char *q = p;
		while (*q == ' ' || *q == '\t') q++;
		if (*q == '[') {
			q++;
			while (*q == ' ') q++;
			if (!strncmp(q, section, n)) {
				q += n;
				while (*q == ' ') q++;
				if (*q == ']') return line;
			}
		}
		const char *nl = strchr(p, '\n');
		if (!nl) break;
		p = nl + 1;
	}
	return 0;
}

/* The line of `key =` in a section (its first), for a value judged whole. */
static int key_line(const char *text, const char *section, const char *key)
{
	int line = header_line(text, section), k = 1;
	size_t n = strlen(key);
	for (const char *p = text; *p; k++) {
		const char *q = p;
		while (*q == ' ' || *q == '\t') q++;
		if (k > line && !strncmp(q, key, n) && (q[n] == ' ' || q[n] == '\t' || q[n] == '=')) return k;
		const char *nl = strchr(p, '\n');
		if (!nl) break;
		p = nl + 1;
	}
	return line;
}

/* A job's command line: split, a command that observes, its options as the command checks them. */
static int check_run(struct watch_job *j, const char *text, const char *path, struct dm_err *e)
{
	char sec[96], why[512];
	const char *split_why;
	snprintf(sec, sizeof(sec), "job %s", j->name);
	j->argc = argv_split(j->run, &j->argv, &split_why);
	if (j->argc < 0)
		snprintf(why, sizeof(why), "run: %s", split_why);
	else if (!j->argc)
		snprintf(why, sizeof(why), "run is empty in [job %s]", j->name);
	else if (!watch_command(j->argv[0]))
		snprintf(why, sizeof(why),
			 "run: \"%s\" is not a command a job runs (audit, scan, creds, secrets)", j->argv[0]);
	else {
		struct dm_err ce = { "" };
		if (watch_job_check(j, &ce) >= 0) return 0;
		snprintf(why, sizeof(why), "run: %.40s %.400s", j->argv[0], ce.msg);
	}
	if (j->argc < 0) j->argc = 0;
	return dm_fail(e, DM_EINPUT, "%s: line %d: %s", path, key_line(text, sec, "run"), why);
}

static int check_whole(struct watch_config *w, const char *text, const char *path, struct dm_err *e)
{
	char sec[96];
	for (size_t i = 0; i < w->n_jobs; i++) {
		struct watch_job *j = &w->jobs[i];
		const char *why = !j->run                 ? "has no run = COMMAND LINE"
				  : !j->every && !j->n_at ? "has no schedule (every = 1h, or at = 02:30)"
				  : j->every && j->n_at   ? "has both every and at: one or the other"
							  : NULL;
		if (!why && j->every && j->days != 0x7f) why = "days goes with at, not every";
		if (why) {
			snprintf(sec, sizeof(sec), "job %s", j->name);
			return dm_fail(e, DM_EINPUT, "%s: line %d: [job %s] %s", path, header_line(text, sec),
				       j->name, why);
		}
		int r = check_run(j, text, path, e);
		if (r < 0) return r;
	}
	for (size_t i = 0; i < w->n_collects + w->n_captures; i++) {
		bool c = i < w->n_collects;
		struct watch_source *s = c ? &w->collects[i] : &w->captures[i - w->n_collects];
		if (s->grace < 0) s->grace = w->grace;
		if ((c && *s->listen) || (!c && *s->iface)) continue;
		snprintf(sec, sizeof(sec), "%s %s", c ? "collect" : "capture", s->name);
		return dm_fail(e, DM_EINPUT, "%s: line %d: [%s] has no %s", path, header_line(text, sec), sec,
			       c ? "listen = ADDR:PORT" : "iface = NAME");
	}
	if (!w->n_jobs && !w->n_collects && !w->n_captures)
		return dm_fail(e, DM_EINPUT, "%s: nothing to watch: no [job], [collect] or [capture] section",
			       path);
	return 0;
}

static char *read_text(const char *path, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	if (buf_read_file(&b, path, 1u << 20, "a watch file", e) < 0) {
		buf_release(&b);
		return NULL;
	}
	return b.data ? buf_detach(&b) : xstrdup("");
}

int watch_config_load(struct watch_config *w, const char *path, struct dm_err *e)
{
	*w = (struct watch_config){ .grace = 300 };
	snprintf(w->path, sizeof(w->path), "%s", path);
	char *text = read_text(path, e);
	if (!text) return DM_EINPUT;
	int n = 1;
	for (const char *p = text; *p; n++) { /* libinih's limit, said plainly */
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= WATCH_MAX_LINE) {
			free(text);
			return dm_fail(
			    e, DM_EINPUT,
			    "%s: line %d: longer than %d characters: continue a long value on indented "
			    "lines",
			    path, n, WATCH_MAX_LINE - 1);
		}
		if (!nl) break;
		p = nl + 1;
	}
	struct dm_err inner = { "" };
	struct wloader l = { w, &inner, text, "" };
	int line = ini_parse_string(text, on_value, &l), r = 0;
	if (line > 0 && !*inner.msg)
		r = dm_fail(e, DM_EINPUT, "%s: line %d: not INI syntax (key = value, [section])", path, line);
	else if (line)
		r = dm_fail(e, DM_EINPUT, "%s: line %d: %s", path, line, inner.msg);
	if (!r) r = check_whole(w, text, path, e);
	if (!r) { /* the policy of the same file, as audit and flows read it */
		struct site_config sc;
		site_config_defaults(&sc);
		r = site_config_load(&sc, path, e);
		site_config_release(&sc);
	}
	free(text);
	return r;
}

void watch_config_release(struct watch_config *w)
{
	for (size_t i = 0; i < w->n_jobs; i++) {
		free(w->jobs[i].run);
		argv_free(w->jobs[i].argv);
	}
	for (size_t i = 0; i < w->n_captures; i++) free(w->captures[i].filter);
	free(w->jobs);
	free(w->collects);
	free(w->captures);
	*w = (struct watch_config){ 0 };
}
