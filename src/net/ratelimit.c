/* Drift-free pacing with a capped catch-up: ratelimit_wait sleeps for long
 * gaps and spins for the last few microseconds; ratelimit_try only looks. */
#include "net/ratelimit.h"
#include "base/timeutil.h"
#include <math.h>
#include <sched.h>

void ratelimit_init_clock(struct ratelimit *rl, double rate, double (*clock)(void))
{
	*rl = (struct ratelimit){ .rate = rate, .clock = clock };
	rl->base_time = clock();
}

void ratelimit_init(struct ratelimit *rl, double rate) { ratelimit_init_clock(rl, rate, now_mono); }

void ratelimit_set_rate(struct ratelimit *rl, double rate)
{
	rl->rate = rate;
	rl->base_time = rl->clock();
	rl->base_sent = rl->sent;
}

/* Packets due at now (fractional). More than the window's worth means the
 * sender stalled: the origin moves up so that the backlog is forgotten. */
static double due_at(struct ratelimit *rl, double now)
{
	double due = (now - rl->base_time) * rl->rate - (double)(rl->sent - rl->base_sent);
	double cap = fmax(1.0, rl->rate * RATELIMIT_WINDOW);
	if (due > cap) {
		rl->base_time = now - cap / rl->rate;
		rl->base_sent = rl->sent;
		due = cap;
	}
	return due;
}

unsigned ratelimit_try(struct ratelimit *rl, unsigned max)
{
	if (rl->rate <= 0) return max;
	double due = due_at(rl, rl->clock());
	if (due < 1.0) return 0;
	return due >= max ? max : (unsigned)due;
}

unsigned ratelimit_wait(struct ratelimit *rl, unsigned max)
{
	if (rl->rate <= 0 || max == 0) return max;
	for (;;) {
		double now = rl->clock();
		double due = due_at(rl, now);
		if (due >= 1.0) return due >= max ? max : (unsigned)due;
		double wait = (1.0 - due) / rl->rate;
		if (wait > 200e-6)
			sleep_until_mono(now_mono() + wait - 100e-6);
		else
			sched_yield();
	}
}

int ratelimit_poll_ms(struct ratelimit *rl)
{
	if (rl->rate <= 0) return 0;
	double due = due_at(rl, rl->clock());
	if (due >= 1.0) return 0;
	return (int)fmin(1000.0,
			 ceil((1.0 - due) / rl->rate * 1000.0)); /* a poll wakes at least each second */
}

void ratelimit_sent(struct ratelimit *rl, unsigned n) { rl->sent += n; }
