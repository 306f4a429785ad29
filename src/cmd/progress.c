/* One progress line on stderr while a phase runs: phase, done %, rate,
 * ETA, replies and open ports. Only on a terminal and without -q. */
#include "cmd/cmd.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "scan/engine.h"
#include <stdio.h>
#include <unistd.h>

static bool shown;

void progress_print(void *ctx, const struct engine_progress *p)
{
	(void)ctx;
	if (log_level < LOG_INFO || !isatty(STDERR_FILENO)) return;
	double pct = p->total ? 100.0 * (double)p->sent / (double)p->total : 100.0;
	char eta[32] = "-";
	if (p->sent && p->sent < p->total)
		fmt_duration(p->elapsed * (double)(p->total - p->sent) / (double)p->sent, eta, sizeof(eta));
	fprintf(stderr, "\r\033[K%s%s: %5.1f%%  %.0f pps  ETA %s  replies %llu  open %llu", p->phase,
		p->pass ? " (retry)" : "", pct, p->rate, eta, (unsigned long long)p->replies,
		(unsigned long long)p->open);
	shown = true;
}

void progress_done(void)
{
	if (shown) fprintf(stderr, "\r\033[K");
	shown = false;
}
