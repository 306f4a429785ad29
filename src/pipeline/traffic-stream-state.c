/* The stream's state saved with each judged hour and read back at a start
 * (traffic-stream-state.h). */
#include "pipeline/traffic-stream-state.h"
#include "analyze/traffic-state-save.h"
#include "base/log.h"
#include "base/timeutil.h"
#include <math.h>
#include <stdlib.h>

/* Why the saved state is not used, or NULL with *ret the state read. */
static const char *restore_from(struct traffic_stream *s, struct traffic_job *j,
				const struct stream_state_row *row, struct traffic_state **ret, char *why,
				size_t n)
{
	char t[40];
	if (row->format != TRAFFIC_STATE_FORMAT) {
		if (!row->format) return "none was saved (it was past its bound)";
		snprintf(why, n, "it is of format %d, this dormant reads %d", row->format,
			 TRAFFIC_STATE_FORMAT);
		return why;
	}
	if (row->clock < j->flows.first - TRAFFIC_STATE_WINDOW) {
		fmt_rfc3339(row->clock, t, sizeof(t));
		snprintf(why, n, "it ends %s, more than its window (%.0f days) before these flows", t,
			 TRAFFIC_STATE_WINDOW / 86400);
		return why;
	}
	struct dm_err e = { "" };
	if (traffic_state_decode(row->data, row->n, ret, &e) < 0) {
		snprintf(why, n, "it is unreadable: %s", e.msg);
		return why;
	}
	(void)s;
	return NULL;
}

void traffic_stream_restore(struct traffic_stream *s, struct traffic_job *j)
{
	s->restored = true;
	struct stream_state_row row;
	struct dm_err e = { "" };
	int r = store_stream_state_load(j->store, s->what, &row, &e);
	if (r < 0) {
		log_warn("%s: the state of the hours before is not read (%s): starting empty", s->what,
			 e.msg);
		return;
	}
	if (r == 0) return; /* a source's first start */
	struct traffic_state *st = NULL;
	char why[600];
	const char *no = restore_from(s, j, &row, &st, why, sizeof(why));
	if (no) {
		log_warn("%s: the saved state of the hours before is not used: %s: starting empty", s->what,
			 no);
	} else {
		char t[40];
		fmt_rfc3339(row.clock, t, sizeof(t));
		log_info("%s: the state of the hours before (to %s, %zu bytes) read back", s->what, t, row.n);
		traffic_state_free(s->state);
		s->state = st;
		s->state_clock = row.clock;
	}
	free(row.data);
}

int traffic_stream_save_hour(struct traffic_job *j, void *ctx, struct dm_err *e)
{
	struct traffic_stream *s = ctx;
	double t0 = now_mono(), c0 = now_thread_cpu();
	if (j->flows.n && j->flows.last > s->state_clock) s->state_clock = j->flows.last;
	struct buf b = BUF_INIT;
	struct stream_state_row row = { TRAFFIC_STATE_FORMAT, s->state_clock, j->run, NULL, 0 };
	if (traffic_state_encode(s->state, &b) < 0) {
		/* saved as none: a start after this begins empty, not from an older hour */
		log_warn("%s: the stream's state is past %zu bytes: not saved", s->what,
			 TRAFFIC_STATE_SAVE_MAX);
		row.format = 0;
	} else {
		row.data = b.data, row.n = b.len;
	}
	int r = store_stream_hour_save(j->store, j->run, &j->found, s->what, &row, now_real(), e);
	buf_release(&b);
	s->state_bytes = row.n;
	s->state_saves++;
	s->state_save_seconds += now_mono() - t0;
	s->state_save_cpu += now_thread_cpu() - c0;
	log_debug("%s: the hour's findings and state (%zu bytes) saved in %.3f s", s->what, row.n,
		  now_mono() - t0);
	return r;
}
