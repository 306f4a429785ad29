/* Paces a sender at a packets-per-second rate, in batches, without drift:
 * it counts what should have been sent since the start (or the last rate
 * change) and allows the difference. rate 0 means unlimited. */
#pragma once
#include <stdint.h>

struct ratelimit {
	double rate;       /* packets per second */
	double base_time;  /* monotonic seconds when rate took effect */
	uint64_t base_sent;
	uint64_t sent;     /* total packets sent */
};

void ratelimit_init(struct ratelimit *rl, double rate);
/* Blocks until at least one packet is due; returns how many (<= max) may go now. */
unsigned ratelimit_acquire(struct ratelimit *rl, unsigned max);
void ratelimit_sent(struct ratelimit *rl, unsigned n);
void ratelimit_set_rate(struct ratelimit *rl, double rate);
