/* A file judged hour by hour on the watcher's stream (traffic-batch.h). */
#include "pipeline/traffic-batch.h"
#include "analyze/traffic-state.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "flow/table.h"
#include "flow/zeek.h"
#include <string.h>

/* The watcher's grace: a larger one (an hour) let an hour's job take
 * flows of the hour after it, which broke long sessions (held-out set D's
 * planted overnight shell was not found). */
#define BATCH_GRACE 300.0
#define SEED_CHUNK 65536 /* flows annotated at a time in the first reading */
/* How long the hours' summaries are held in one transaction before it is
 * committed: another writer of the store (a watcher on the same store)
 * waits that long at most, and stays inside its busy wait (10 s). */
#define BATCH_HOLD_SECONDS 5.0

/* Before an hour is judged: its summaries into the held transaction. A
 * busy store is tried again at the next hour (that hour saves on its own,
 * as the watcher's do). */
static void hold(void *ctx)
{
	struct traffic_batch *b = ctx;
	if (b->held || b->hold_never || b->hold_err) return;
	struct dm_err e = { "" };
	int r = store_flow_hold_begin(b->job->writer, &e);
	if (r == 0) b->hold_never = true; /* each save is its own (PostgreSQL) */
	if (r < 0) log_debug("flows: the summaries are saved an hour at a time for now: %s", e.msg);
	if (r != 1) return;
	b->held = b->job->hold = true; /* from here the hours read and save on the writer */
	b->held_since = now_mono();
}

/* Commits what is held; after an hour's error, undoes it (the run fails;
 * a failed save may have left part of its hour). */
static int unhold(struct traffic_batch *b, struct dm_err *e)
{
	if (!b->held) return 0;
	b->held = false;
	bool ok = !b->stream.err;
	b->hold_commits += ok;
	return store_flow_hold_end(b->job->writer, ok, e);
}

static void on_judged(void *ctx, struct traffic_job *j, double from, double to)
{
	struct traffic_batch *b = ctx;
	(void)from, (void)to;
	b->known |= j->known;
	for (size_t i = 0; i < j->flows.n; i++) {
		const struct flowrec *r = &j->flows.v[i];
		if (r->where) continue;
		if (!b->set_aside++ || r->start < b->aside_first) b->aside_first = r->start;
		if (r->end > b->aside_last) b->aside_last = r->end;
	}
	episodes_acc_add(&b->acc, &j->found);
	if (b->held && now_mono() - b->held_since >= BATCH_HOLD_SECONDS) {
		struct dm_err e = { "" };
		int r = unhold(b, &e);
		if (r < 0 && !b->hold_err) b->hold_err = r, b->hold_e = e; /* the run's error, at the end */
	}
}

void traffic_batch_init(struct traffic_batch *b, struct traffic_job *job)
{
	*b = (struct traffic_batch){ .job = job, .args = *job->args };
	b->args.store = job->store;
	b->args.run = job->run;
	b->args.parent = job;
	b->args.explain.family = 0;
	episodes_acc_init(&b->acc, job->cfg.name);
	traffic_stream_init(&b->stream, &b->args, "flows", "hour", BATCH_GRACE, false, on_judged, b);
	b->stream.on_closed = hold;
}

struct seeder {
	struct traffic_batch *b;
	struct flowset chunk;
};

static void seed_chunk(struct seeder *s)
{
	if (!s->chunk.n) return;
	struct traffic_input in = { &s->b->job->cfg, &s->chunk, NULL };
	traffic_state_seed_flows(s->b->stream.state, &in);
	flowset_release(&s->chunk);
	flowset_init(&s->chunk);
}

static void seed_flow(void *ctx, const struct obs_flow *f)
{
	struct seeder *s = ctx;
	struct flowrec *r = flowset_add(&s->chunk, f);
	flowrec_annotate(r, &s->b->job->cfg, NULL, NULL); /* the sides; no country needed */
	if (s->chunk.n >= SEED_CHUNK) seed_chunk(s);
}

int traffic_batch_seed(struct traffic_batch *b, char *const *files, size_t n, const struct capture_config *cc,
		       const struct flow_table_config *ftc, struct dm_err *e)
{
	if (b->args.no_analyze) return 0; /* no rule asks */
	struct seeder s = { b };
	flowset_init(&s.chunk);
	struct flow_sink sink = { &s, seed_flow, NULL };
	struct flow_table *ft = flow_table_new(ftc, &sink);
	struct capture_config quiet = { .filter = cc ? cc->filter : NULL };
	struct capture_stats st = { 0 };
	struct zeek_stats zs = { 0 };
	enum log_level was = log_level;
	log_level = LOG_QUIET; /* damage is said by the reading that keeps the flows */
	int r = 0;
	double t0 = now_mono();
	for (size_t i = 0; i < n && r == 0; i++)
		r = traffic_file_is_zeek_software(files[i]) ? 0
		    : traffic_file_is_zeek(files[i])        ? zeek_read_file(files[i], &sink, &zs, NULL, e)
							    : capture_file(files[i], &quiet, ft, &st, e);
	flow_table_flush(ft);
	log_level = was;
	flow_table_free(ft);
	seed_chunk(&s);
	flowset_release(&s.chunk);
	traffic_state_seed_end(b->stream.state);
	log_debug("traffic: the input's destinations read first: %zu pairs in %.2f s",
		  traffic_state_pairs(b->stream.state), now_mono() - t0);
	return r;
}

void traffic_batch_keep(void *ctx, struct obs_flow *f)
{
	struct traffic_batch *b = ctx;
	traffic_stream_flow(&b->stream, f);
	b->flows++;
	/* -oJ's record names the country, as the run's job would */
	const struct site_config *cfg = &b->job->cfg;
	bool si = site_is_internal(cfg, &f->src), di = site_is_internal(cfg, &f->dst);
	const struct ipaddr *ext = !di ? &f->dst : !si ? &f->src : NULL;
	f->country = ext && b->job->geo && geo_country(b->job->geo, ext, b->cc) ? b->cc : NULL;
	if (b->profile && !f->detail)
		profile_add(b->profile, cfg, f->start, f->bytes_out + f->bytes_in, f->country);
}

void traffic_batch_flow(void *ctx, const struct obs_flow *f)
{
	struct obs_flow copy = *f;
	traffic_batch_keep(ctx, &copy);
}

int traffic_batch_finish(struct traffic_batch *b, struct dm_err *e)
{
	int r = traffic_stream_flush(&b->stream, e);
	struct dm_err he = { "" };
	int rh = unhold(b, &he);
	if (rh < 0 && !b->hold_err) b->hold_err = rh, b->hold_e = he;
	if (r == 0 && b->hold_err) r = b->hold_err, *e = b->hold_e;
	episodes_acc_take(&b->acc, &b->job->found);
	findings_sort(&b->job->found);
	if (b->set_aside) {
		char x[40], y[40];
		fmt_rfc3339(b->aside_first, x, sizeof(x));
		fmt_rfc3339(b->aside_last, y, sizeof(y));
		log_warn("%llu of %llu flows (%s to %s) have no internal side and were set aside (not "
			 "summarised, not judged): if those addresses are the site's, name them in `internal "
			 "=`, a [segment], the asset register or the audit's targets",
			 (unsigned long long)b->set_aside, (unsigned long long)b->flows, x, y);
	}
	if (b->known)
		log_info(
		    "these flows were summarised in the store before; their hours are not counted twice");
	log_debug("traffic: %llu flows judged in %llu hours (%llu late: judged with a later hour), %zu "
		  "findings; %llu commits of held summaries",
		  (unsigned long long)b->stream.flows, (unsigned long long)b->stream.windows,
		  (unsigned long long)b->stream.late, b->job->found.n, (unsigned long long)b->hold_commits);
	return r;
}

void traffic_batch_release(struct traffic_batch *b)
{
	traffic_stream_release(&b->stream);
	struct dm_err e = { "" };
	if (unhold(b, &e) < 0) log_warn("%s", e.msg); /* an error's way out: what was judged is kept */
	episodes_acc_release(&b->acc);
}
