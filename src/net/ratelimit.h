/* Paces a sender at a packets-per-second rate, in batches, without drift:
 * it counts what should have been sent since the pacing origin and allows
 * the difference. Only the recent window counts (as masscan's throttler
 * measures only its last batches): after a stall (Ctrl-Z, a descheduled
 * process) the credit is at most RATELIMIT_WINDOW seconds' worth, so the
 * rate resumes instead of bursting to catch up the backlog. rate 0 means
 * unlimited. Not thread-safe: one sender per limiter. */
#pragma once
#include <stdint.h>

#define RATELIMIT_WINDOW 0.01 /* seconds of credit kept at most */

struct ratelimit {
	double rate;      /* packets per second; 0: unlimited */
	double base_time; /* clock seconds of the pacing origin */
	uint64_t base_sent;
	uint64_t sent;         /* total packets sent */
	double (*clock)(void); /* monotonic seconds: now_mono, or a test's own */
};

void ratelimit_init(struct ratelimit *rl, double rate);
/* The same with another clock (tests simulate time with it). */
void ratelimit_init_clock(struct ratelimit *rl, double rate, double (*clock)(void));
/* Never blocks: how many (<= max) may go now, possibly 0. For event loops,
 * which wait ratelimit_poll_ms() in their poll instead of sleeping here. */
unsigned ratelimit_try(struct ratelimit *rl, unsigned max);
/* Blocks until at least one packet is due; returns how many (1..max) may
 * go now. For senders with nothing else to do (the raw engine, udpscan). */
unsigned ratelimit_wait(struct ratelimit *rl, unsigned max);
/* Milliseconds until the next packet is due, rounded up; 0 when one is due
 * now or the rate is unlimited; at most 1000. */
int ratelimit_poll_ms(struct ratelimit *rl);
void ratelimit_sent(struct ratelimit *rl, unsigned n);
void ratelimit_set_rate(struct ratelimit *rl, double rate);
