/* Drift-free pacing: sleeps for long gaps, spins for the last few microseconds. */
#include "net/ratelimit.h"
#include "base/timeutil.h"
#include <sched.h>

void ratelimit_init(struct ratelimit *rl, double rate)
{
	*rl = (struct ratelimit){ .rate = rate, .base_time = now_mono() };
}

void ratelimit_set_rate(struct ratelimit *rl, double rate)
{
	rl->rate = rate;
	rl->base_time = now_mono();
	rl->base_sent = rl->sent;
}

unsigned ratelimit_acquire(struct ratelimit *rl, unsigned max)
{
	if (rl->rate <= 0) return max;
	for (;;) {
		double now = now_mono();
		double due = (now - rl->base_time) * rl->rate - (double)(rl->sent - rl->base_sent);
		if (due >= 1.0) return due >= max ? max : (unsigned)due;
		double wait = (1.0 - due) / rl->rate;
		if (wait > 200e-6) sleep_until_mono(now + wait - 100e-6);
		else sched_yield();
	}
}

void ratelimit_sent(struct ratelimit *rl, unsigned n) { rl->sent += n; }
