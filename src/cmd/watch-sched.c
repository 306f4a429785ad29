/* When a watch job is due (every N, or at times of day on some days, in
 * the site's time zone), and the jobs' last starts kept across restarts so
 * that a run missed while the watcher was down runs once when it starts. */
#include "cmd/watch.h"
#include "base/safe-write.h"
#include "base/util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The times of day of the job on the local day of t shifted by `shift`
 * days, earliest first, into out[]; how many. */
static int day_times(const struct watch_job *j, double t, int shift, double *out)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	tm.tm_mday += shift;
	tm.tm_hour = 12, tm.tm_min = 0, tm.tm_sec = 0, tm.tm_isdst = -1;
	time_t noon = mktime(&tm); /* normalises the date */
	localtime_r(&noon, &tm);
	if (!(j->days >> tm.tm_wday & 1)) return 0;
	int n = 0;
	for (int i = 0; i < j->n_at; i++) {
		struct tm d = tm;
		d.tm_hour = j->at[i] / 60, d.tm_min = j->at[i] % 60, d.tm_sec = 0, d.tm_isdst = -1;
		out[n++] = (double)mktime(&d);
	}
	return n;
}

double watch_job_next(const struct watch_job *j, double after)
{
	if (j->every > 0) return after + j->every;
	double best = 0, v[WATCH_MAX_AT];
	for (int shift = 0; shift <= 8 && !best; shift++) {
		int n = day_times(j, after, shift, v);
		for (int i = 0; i < n; i++)
			if (v[i] > after && (!best || v[i] < best)) best = v[i];
	}
	return best ? best : INFINITY;
}

double watch_job_prev(const struct watch_job *j, double now)
{
	if (j->every > 0) return 0;
	double best = 0, v[WATCH_MAX_AT];
	for (int shift = 0; shift >= -8 && !best; shift--) {
		int n = day_times(j, now, shift, v);
		for (int i = 0; i < n; i++)
			if (v[i] <= now && v[i] > best) best = v[i];
	}
	return best;
}

int watch_state_load(struct watch_state *s, const char *dir, struct dm_err *e)
{
	*s = (struct watch_state){ 0 };
	if (snprintf(s->path, sizeof(s->path), "%s/watch-state", dir) >= (int)sizeof(s->path))
		return dm_fail(e, DM_EINPUT, "state_dir \"%s\": too long", dir);
	FILE *f = fopen(s->path, "r");
	if (!f) return errno == ENOENT ? 0 : dm_fail(e, -errno, "%s: %s", s->path, strerror(errno));
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		double t;
		if (sscanf(line, "job %63s %lf", name, &t) != 2 || !isfinite(t))
			continue; /* not ours: ignored */
		watch_state_set(s, name, t, NULL);
	}
	fclose(f);
	return 0;
}

double watch_state_get(const struct watch_state *s, const char *job)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], job)) return s->last[i];
	return 0;
}

/* e NULL: in memory only (while loading). */
int watch_state_set(struct watch_state *s, const char *job, double t, struct dm_err *e)
{
	size_t i = 0;
	while (i < s->n && strcmp(s->names[i], job)) i++;
	if (i == s->n) {
		s->names = xrealloc(s->names, (s->n + 1) * sizeof(*s->names));
		s->last = xrealloc(s->last, (s->n + 1) * sizeof(*s->last));
		snprintf(s->names[s->n++], sizeof(*s->names), "%s", job);
	}
	s->last[i] = t;
	if (!e) return 0;
	struct out_file o = { 0 };
	int r = out_open(&o, s->path, "state", OUT_PRIVATE, e);
	if (r < 0) return r;
	fprintf(o.f, "# dormant watch: each job's last start (seconds since 1970)\n");
	for (size_t k = 0; k < s->n; k++) fprintf(o.f, "job %s %.3f\n", s->names[k], s->last[k]);
	return out_commit(&o, e);
}

void watch_state_release(struct watch_state *s)
{
	free(s->names);
	free(s->last);
	*s = (struct watch_state){ 0 };
}
