/* Traffic in stream time: flows held by the hour of their start in two
 * traffic jobs (the hour being judged next, and everything after it), an
 * hour judged when the flows' clock passes its end plus the grace. */
#include "pipeline/traffic-stream.h"
#include "base/log.h"
#include "base/timeutil.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define HOUR 3600.0

void traffic_stream_init(struct traffic_stream *s, const struct traffic_args *args, const char *kind,
			 const char *what, double grace, traffic_judged_fn fn, void *ctx)
{
	*s = (struct traffic_stream){ .args = args, .grace = grace, .on_judged = fn, .ctx = ctx };
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	snprintf(s->what, sizeof(s->what), "%s", what);
}

static int job_open(struct traffic_stream *s, int i, struct dm_err *e)
{
	if (s->open[i]) return 0;
	int r = traffic_job_init(&s->job[i], s->args, s->kind, s->what, e);
	if (r < 0) {
		traffic_job_release(&s->job[i]);
		return r;
	}
	s->open[i] = true;
	return 0;
}

/* Judges job[cur] (the hour from s->win), then the next job becomes current. */
static int judge(struct traffic_stream *s, struct dm_err *e)
{
	int c = s->cur, r = 0;
	if (s->open[c]) {
		struct traffic_job *j = &s->job[c];
		r = traffic_job_finish(j, e);
		if (r >= 0) {
			s->windows++;
			s->findings += j->found.n;
			if (s->on_judged) s->on_judged(s->ctx, j, s->win, s->win + HOUR);
		}
		traffic_job_release(j);
		s->open[c] = false;
	}
	s->cur ^= 1;
	s->win = s->open[s->cur] ? floor(s->next_min / HOUR) * HOUR : 0;
	return r;
}

static int add(struct traffic_stream *s, const struct obs_flow *f, struct dm_err *e)
{
	int r;
	if (!s->win) s->win = floor(f->start / HOUR) * HOUR;
	int i = s->cur;
	if (f->start >= s->win + HOUR) {
		i ^= 1;
		if (!s->open[i] || f->start < s->next_min) s->next_min = f->start;
	} else if (f->start < s->win) {
		s->late++; /* its hour was judged: judged with this one */
	}
	if ((r = job_open(s, i, e)) < 0) return r;
	struct obs_flow copy = *f;
	traffic_job_flow(&s->job[i], &copy);
	s->flows++;
	if (f->end > s->clock) s->clock = f->end;
	while (s->win && s->clock >= s->win + HOUR + s->grace)
		if ((r = judge(s, e)) < 0) return r;
	return 0;
}

void traffic_stream_flow(void *ctx, const struct obs_flow *f)
{
	struct traffic_stream *s = ctx;
	struct dm_err e = { "" };
	int r = add(s, f, &e);
	if (r < 0 && !s->err) {
		s->err = r;
		s->e = e;
		log_warn("%s: %s", s->what, e.msg);
	}
}

int traffic_stream_flush(struct traffic_stream *s, struct dm_err *e)
{
	int r = 0;
	for (int k = 0; k < 2 && r >= 0; k++)
		if (s->open[s->cur] || s->open[s->cur ^ 1]) r = judge(s, e);
	return r;
}

void traffic_stream_release(struct traffic_stream *s)
{
	for (int i = 0; i < 2; i++)
		if (s->open[i]) traffic_job_release(&s->job[i]);
	s->open[0] = s->open[1] = false;
}
