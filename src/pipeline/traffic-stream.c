/* Traffic in stream time: flows held by the hour of their start in two
 * traffic jobs (the hour being judged next, and everything after it), an
 * hour judged when the flows' clock passes its end plus the grace; judged
 * on a thread of its own when threaded, one hour after another from a
 * short queue, so the reader never stops for the rules or the summaries'
 * save unless the judge is TRAFFIC_STREAM_QUEUE hours behind. */
#include "pipeline/traffic-stream.h"
#include "analyze/traffic-state.h"
#include "pipeline/traffic-stream-state.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600.0

static void failed(struct traffic_stream *s, int r, const struct dm_err *e)
{
	if (s->threaded) pthread_mutex_lock(&s->lock);
	if (!s->err) {
		s->err = r;
		s->e = *e;
		log_warn("%s: %s", s->what, e->msg);
	}
	if (s->threaded) pthread_mutex_unlock(&s->lock);
}

/* Rules, summaries, findings and the callback of one closed hour; frees it. */
static void judge_one(struct traffic_stream *s, struct traffic_job *j, double from)
{
	struct dm_err e = { "" };
	if (!s->restored && j->flows.n) traffic_stream_restore(s, j); /* the hours before a start */
	j->state = s->state;
	if (s->restored) j->save_hour = traffic_stream_save_hour, j->save_ctx = s;
	int r = traffic_job_finish(j, &e);
	if (r >= 0) {
		s->windows++;
		s->findings += j->found.n;
		if (s->on_judged) s->on_judged(s->ctx, j, from, from + HOUR);
	} else {
		failed(s, r, &e);
	}
	traffic_job_release(j);
	free(j);
	/* The hour's flows and the rules' working memory, freed, go back to
	 * the kernel: else the arenas (the reader's, the judge's) keep what
	 * the busiest hours took, free but resident, and a source's memory
	 * creeps up with the days (bench/RESULTS.md, "RSS over days"). */
	malloc_trim(0);
}

static void *judge_main(void *arg)
{
	struct traffic_stream *s = arg;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->queued && !s->stop) pthread_cond_wait(&s->cond, &s->lock);
		if (!s->queued) break; /* stopped with nothing left */
		struct traffic_held h = s->queue[s->head];
		pthread_mutex_unlock(&s->lock);
		judge_one(s, h.job, h.from);
		pthread_mutex_lock(&s->lock);
		s->queue[s->head] = (struct traffic_held){ 0 };
		s->head = (s->head + 1) % TRAFFIC_STREAM_QUEUE;
		s->queued--;
		pthread_cond_broadcast(&s->cond); /* room for the reader, or a wait done */
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void traffic_stream_init(struct traffic_stream *s, const struct traffic_args *args, const char *kind,
			 const char *what, double grace, bool threaded, traffic_judged_fn fn, void *ctx)
{
	*s = (struct traffic_stream){ .args = args, .grace = grace, .on_judged = fn, .ctx = ctx };
	s->state = traffic_state_new(TRAFFIC_STATE_WINDOW);
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	snprintf(s->what, sizeof(s->what), "%s", what);
	if (!threaded) return;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	sigset_t all, old; /* signals stay with the reader, whose loop looks at their flags */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&s->judge, NULL, judge_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0) {
		s->threaded = true;
		return;
	}
	log_warn("%s: no judge thread: hours are judged on the reader", s->what);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
}

/* The closed hour to the judge's queue, judged after those before it; when
 * the queue is full, once the judge is done with its oldest (the socket's
 * buffer absorbs meanwhile). Unthreaded, judged here. */
static void hand_off(struct traffic_stream *s, struct traffic_job *j, double from)
{
	if (!s->threaded) {
		judge_one(s, j, from);
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (s->queued == TRAFFIC_STREAM_QUEUE) {
		double t0 = now_mono();
		s->waited++;
		while (s->queued == TRAFFIC_STREAM_QUEUE) pthread_cond_wait(&s->cond, &s->lock);
		s->wait_us += (uint64_t)((now_mono() - t0) * 1e6);
	}
	s->queue[(s->head + s->queued) % TRAFFIC_STREAM_QUEUE] = (struct traffic_held){ j, from };
	if (++s->queued > s->deepest) s->deepest = s->queued;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static int job_open(struct traffic_stream *s, int i, struct dm_err *e)
{
	if (s->job[i]) return 0;
	struct traffic_job *j = xmalloc(sizeof(*j));
	int r = traffic_job_init(j, s->args, s->kind, s->what, e);
	if (r < 0) {
		traffic_job_release(j);
		free(j);
		return r;
	}
	s->job[i] = j;
	return 0;
}

/* The flow's early rules (traffic-early.h), told at once. */
static void early(struct traffic_stream *s, int i, const struct obs_flow *f)
{
	struct findings fs = { 0 };
	if (traffic_early_judge(&s->early[i], s->job[i], f, &fs) >= 0 && fs.n) {
		s->early_found += fs.n;
		s->on_early(s->ctx, s->job[i], &fs);
	}
	findings_release(&fs);
}

/* Hands job[cur] (the hour from s->win) over; the next job becomes current. */
static void judge(struct traffic_stream *s)
{
	int c = s->cur;
	traffic_early_reset(&s->early[c]);
	if (s->job[c]) {
		struct traffic_job *j = s->job[c];
		s->job[c] = NULL;
		if (s->on_closed) s->on_closed(s->ctx);
		hand_off(s, j, s->win);
	}
	s->cur ^= 1;
	/* With no later flow held, the hour the clock is in (less the grace)
	 * becomes current, so flows of hours already judged are late and
	 * judged together with it: a window begun at each such flow's own hour
	 * was judged at once, one flow an hour (a Zeek conn.log's long session,
	 * whose end moves the clock hours ahead of the lines after it, had the
	 * dns.log read next judged a question at a time). */
	s->win = s->job[s->cur] ? floor(s->next_min / HOUR) * HOUR
				: fmax(s->win + HOUR, floor((s->clock - s->grace) / HOUR) * HOUR);
}

static int add(struct traffic_stream *s, const struct obs_flow *f, struct dm_err *e)
{
	int r;
	if (!s->win) s->win = floor(f->start / HOUR) * HOUR;
	int i = s->cur;
	if (f->start >= s->win + HOUR) {
		i ^= 1;
		if (!s->job[i] || f->start < s->next_min) s->next_min = f->start;
	} else if (f->start < s->win) {
		s->late++; /* its hour was judged: judged with this one */
	}
	if ((r = job_open(s, i, e)) < 0) return r;
	struct obs_flow copy = *f;
	traffic_job_flow(s->job[i], &copy);
	s->flows++;
	if (f->end > s->clock) s->clock = f->end;
	if (s->on_early && traffic_early_candidate(s->job[i], &copy)) early(s, i, &copy);
	while (s->win && s->clock >= s->win + HOUR + s->grace) judge(s);
	return 0;
}

void traffic_stream_flow(void *ctx, const struct obs_flow *f)
{
	struct traffic_stream *s = ctx;
	struct dm_err e = { "" };
	int r = add(s, f, &e);
	if (r < 0) failed(s, r, &e);
}

void traffic_stream_wait(struct traffic_stream *s)
{
	if (!s->threaded) return;
	pthread_mutex_lock(&s->lock);
	while (s->queued) pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

int traffic_stream_flush(struct traffic_stream *s, struct dm_err *e)
{
	for (int k = 0; k < 2; k++)
		if (s->job[s->cur] || s->job[s->cur ^ 1]) judge(s);
	traffic_stream_wait(s);
	if (s->threaded) pthread_mutex_lock(&s->lock);
	int r = s->err;
	if (r < 0) *e = s->e;
	if (s->threaded) pthread_mutex_unlock(&s->lock);
	return r < 0 ? r : 0;
}

void traffic_stream_release(struct traffic_stream *s)
{
	if (s->threaded) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->judge, NULL);
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		s->threaded = false;
	}
	for (int i = 0; i < 2; i++) {
		traffic_early_reset(&s->early[i]);
		if (!s->job[i]) continue;
		traffic_job_release(s->job[i]);
		free(s->job[i]);
		s->job[i] = NULL;
	}
	traffic_state_free(s->state);
	s->state = NULL;
}
