/* Sender loop (calling thread) and receiver thread of the probing engine. */
#include "scan/engine.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/permute.h"
#include "net/ratelimit.h"
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#define MAX_BITMAP_BITS (1ULL << 31) /* 256 MiB; larger spaces retry blindly */
#define CHUNK 4096

void mactable_put(struct mactable *t, uint32_t ip, const uint8_t mac[6])
{
	if ((t->n + 1) * 2 > t->cap) {
		struct mactable old = *t;
		t->cap = old.cap ? old.cap * 2 : 256;
		t->ip = xcalloc(t->cap, sizeof(*t->ip));
		t->mac = xcalloc(t->cap, sizeof(*t->mac));
		t->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.ip[i]) mactable_put(t, old.ip[i], old.mac[i]);
		free(old.ip);
		free(old.mac);
	}
	size_t s = (ip * 2654435761u) & (t->cap - 1);
	while (t->ip[s] && t->ip[s] != ip) s = (s + 1) & (t->cap - 1);
	if (!t->ip[s]) t->n++;
	t->ip[s] = ip;
	memcpy(t->mac[s], mac, 6);
}

const uint8_t *mactable_get(const struct mactable *t, uint32_t ip)
{
	if (!t || !t->cap) return NULL;
	size_t s = (ip * 2654435761u) & (t->cap - 1);
	while (t->ip[s]) {
		if (t->ip[s] == ip) return t->mac[s];
		s = (s + 1) & (t->cap - 1);
	}
	return NULL;
}

void mactable_release(struct mactable *t)
{
	free(t->ip);
	free(t->mac);
	memset(t, 0, sizeof(*t));
}

const uint8_t *engine_next_hop(const struct engine *en, uint32_t dst)
{
	const struct engine_config *c = en->cfg;
	if (c->onlink_mask && (dst & c->onlink_mask) == c->onlink_net) return mactable_get(c->macs, dst);
	return c->gateway.dst;
}

bool engine_l2(const struct engine *en, uint32_t dst, struct l2 *l2)
{
	const uint8_t *mac = engine_next_hop(en, dst);
	if (!mac) return false;
	memcpy(l2->dst, mac, 6);
	memcpy(l2->src, en->cfg->io->ri.mac, 6);
	return true;
}

static uint64_t bit_index(const struct engine *en, uint64_t target_idx, unsigned sub)
{
	return en->cfg->mod->answer_per_target ? target_idx : target_idx * en->cfg->subs + sub;
}

static bool is_answered(const struct engine *en, uint64_t bit)
{
	return atomic_load_explicit(&en->answered[bit >> 3], memory_order_relaxed) & (1u << (bit & 7));
}

/* Receiver side ------------------------------------------------------- */

static void on_frame(void *ctx, const uint8_t *p, size_t len)
{
	struct engine *en = ctx;
	const struct engine_config *c = en->cfg;
	struct pkt d;
	struct reply r = { 0 };
	if (pkt_decode(c->io->linktype, p, len, &d, NULL) < 0 || d.fragment ||
	    !c->mod->classify(en, &d, &r)) {
		atomic_fetch_add_explicit(&en->invalid, 1, memory_order_relaxed);
		return;
	}
	uint64_t tidx;
	if (!rangeset_rank(c->targets, r.target, &tidx) || r.sub >= c->subs) {
		atomic_fetch_add_explicit(&en->invalid, 1, memory_order_relaxed);
		return;
	}
	if (en->answered) {
		uint64_t bit = bit_index(en, tidx, r.sub);
		uint8_t old = atomic_fetch_or_explicit(&en->answered[bit >> 3], (uint8_t)(1u << (bit & 7)),
						       memory_order_relaxed);
		if (old & (1u << (bit & 7))) {
			atomic_fetch_add_explicit(&en->duplicates, 1, memory_order_relaxed);
			return;
		}
		en->dirty[(bit >> 3) / CHUNK] = 1;
	}
	double now = now_real();
	atomic_store_explicit(&en->last_reply, now_mono(), memory_order_relaxed);
	atomic_fetch_add_explicit(&en->replies, 1, memory_order_relaxed);
	if (r.has_mac && c->macs) mactable_put(c->macs, r.target, r.mac);
	if (r.is_port) {
		struct obs_port op = { .ip = ipaddr_v4(r.target),
				       .port = c->ports[r.sub],
				       .proto = PROTO_TCP,
				       .state = r.state,
				       .reason = r.reason,
				       .ttl = r.ttl,
				       .ts = now };
		if (r.state == PORT_OPEN) atomic_fetch_add_explicit(&en->open, 1, memory_order_relaxed);
		c->sink->port(c->sink->ctx, &op);
		if (c->resume && r.state != PORT_CLOSED)
			resume_log_port(c->resume, &op);
		else if (c->resume && en->host_logged && !(en->host_logged[tidx >> 3] & (1u << (tidx & 7)))) {
			/* A closed port is logged as "this host answers", once per host:
			 * a -p- scan must not write a line per closed port. */
			en->host_logged[tidx >> 3] |= (uint8_t)(1u << (tidx & 7));
			struct obs_host oh = {
				.ip = op.ip, .how = HOW_TCP, .reason = r.reason, .ttl = r.ttl, .ts = now
			};
			resume_log_host(c->resume, &oh);
		}
	} else {
		struct obs_host oh = { .ip = ipaddr_v4(r.target),
				       .has_mac = r.has_mac,
				       .how = r.how,
				       .reason = r.reason,
				       .ttl = r.ttl,
				       .ts = now };
		memcpy(oh.mac, r.mac, 6);
		c->sink->host(c->sink->ctx, &oh);
		if (c->resume) resume_log_host(c->resume, &oh);
	}
}

struct sample {
	double t;
	unsigned pass;
	uint64_t pos;
};

static void checkpoint(struct engine *en, unsigned phase, const struct sample *s)
{
	const struct engine_config *c = en->cfg;
	uint64_t bytes = en->answered ? (en->bits + 7) / 8 : 0;
	/* Whole map when small; otherwise only when something changed. */
	bool dirty = false;
	for (uint64_t i = 0; en->answered && i < (bytes + CHUNK - 1) / CHUNK; i++)
		if (en->dirty[i]) dirty = true, en->dirty[i] = 0;
	resume_checkpoint(c->resume, phase, s->pass, s->pos,
			  dirty || bytes <= (1 << 16) ? (const uint8_t *)en->answered : NULL, bytes);
}

static void *receiver(void *arg)
{
	struct engine *en = arg;
	const struct engine_config *c = en->cfg;
	struct sample ring[64];
	unsigned ring_n = 0;
	double start = now_mono(), next_sample = start, next_ckpt = start + 0.25, next_drop = start + 0.1;
	double next_progress = start + 1.0, last_progress_t = start, last_raise = start;
	uint64_t last_progress_sent = 0, drops0 = netio_drops(c->io);
	double lag = MAX(1.0, c->quiet * 2); /* replies to probes older than this have arrived */
	enum scan_phase phase = c->mod->phase;
	for (;;) {
		netio_poll(c->io, 10, on_frame, en);
		double now = now_mono();
		if (now >= next_sample) {
			struct sample s = { now, atomic_load(&en->pub_pass), atomic_load(&en->pub_pos) };
			if (ring_n == ARRAY_SIZE(ring)) memmove(ring, ring + 1, sizeof(ring[0]) * --ring_n);
			ring[ring_n++] = s;
			next_sample = now + 0.05;
		}
		if (c->resume && now >= next_ckpt) {
			int k = -1;
			for (unsigned i = 0; i < ring_n; i++)
				if (ring[i].t <= now - lag) k = (int)i;
			if (k >= 0) checkpoint(en, phase, &ring[k]);
			next_ckpt = now + 0.25;
		}
		if (now >= next_drop) {
			uint64_t d = netio_drops(c->io) - drops0;
			uint64_t rate = atomic_load(&en->rate_now);
			if (d > en->drops && rate > 1000) {
				atomic_store(&en->rate_now, rate * 4 / 5);
				log_warn("%s: the kernel dropped %llu captured packets; lowering the rate to "
					 "%llu pps",
					 c->mod->name, (unsigned long long)(d - en->drops),
					 (unsigned long long)(rate * 4 / 5));
				last_raise = now;
			} else if (rate && rate < (uint64_t)c->rate && now - last_raise > 2.0) {
				atomic_store(&en->rate_now, MIN((uint64_t)c->rate, rate * 21 / 20));
				last_raise = now;
			}
			en->drops = d;
			next_drop = now + 0.1;
		}
		if (c->progress && now >= next_progress) {
			uint64_t sent = atomic_load_explicit(&en->sent, memory_order_relaxed);
			struct engine_progress pr = {
				.phase = c->mod->name,
				.pass = atomic_load(&en->pub_pass),
				.sent = MIN(atomic_load_explicit(&en->sent_pass0, memory_order_relaxed),
					    en->space),
				.total = en->space,
				.rate = (double)(sent - last_progress_sent) / (now - last_progress_t),
				.replies = atomic_load(&en->replies),
				.open = atomic_load(&en->open),
				.elapsed = now - start,
			};
			c->progress(c->progress_ctx, &pr);
			last_progress_sent = sent;
			last_progress_t = now;
			next_progress = now + 1.0;
		}
		if (atomic_load(&en->sending_done)) {
			double end = atomic_load(&en->send_end);
			double last = MAX(end, atomic_load(&en->last_reply));
			if (now - last >= c->quiet || now - end >= c->max_wait) break;
		}
	}
	return NULL;
}

/* Sender side --------------------------------------------------------- */

static int send_pass(struct engine *en, const struct permutation *pm, unsigned pass, uint64_t start_pos,
		     struct ratelimit *rl)
{
	const struct engine_config *c = en->cfg;
	struct netio *io = c->io;
	struct perm_iter it;
	perm_iter_init(&it, pm, start_pos);
	uint64_t idx, rate = (uint64_t)c->rate;
	uint64_t pass0 = atomic_load(&en->sent_pass0); /* published once per batch, not per probe */
	atomic_store(&en->pub_pass, pass);
	atomic_store(&en->pub_pos, it.pos);
	bool more = true;
	while (more) {
		uint64_t want = atomic_load_explicit(&en->rate_now, memory_order_relaxed);
		if (want != rate) {
			ratelimit_set_rate(rl, (double)want);
			rate = want;
		}
		unsigned allowed = ratelimit_wait(rl, NETIO_BATCH);
		while (io->n < allowed) {
			if (!perm_iter_next(&it, &idx)) {
				more = false;
				break;
			}
			uint64_t tidx = idx / c->subs;
			unsigned sub = (unsigned)(idx % c->subs);
			if (pass == 0) pass0++;
			if (en->answered && is_answered(en, bit_index(en, tidx, sub))) continue;
			uint32_t dst = rangeset_select(c->targets, tidx);
			size_t len = c->mod->make(en, dst, sub, netio_frame(io));
			if (!len) {
				if (pass == 0) en->unreachable++;
				continue;
			}
			netio_queue(io, (unsigned)len);
		}
		unsigned n = io->n;
		if (n) {
			int r = netio_flush(io);
			if (r < 0) return r;
			ratelimit_sent(rl, n);
			atomic_store_explicit(&en->sent, io->sent, memory_order_relaxed);
		}
		atomic_store_explicit(&en->pub_pos, it.pos, memory_order_relaxed);
		atomic_store_explicit(&en->sent_pass0, pass0, memory_order_relaxed);
	}
	return 0;
}

/* Waits until replies to the last pass have stopped arriving. */
static void settle(struct engine *en)
{
	const struct engine_config *c = en->cfg;
	double end = now_mono();
	for (;;) {
		double now = now_mono(), last = MAX(end, atomic_load(&en->last_reply));
		if (now - last >= c->quiet / 2 || now - end >= c->max_wait) return;
		sleep_until_mono(now + 0.01);
	}
}

int engine_run(const struct engine_config *c, struct engine_stats *st, struct dm_err *e)
{
	memset(st, 0, sizeof(*st));
	enum scan_phase phase = c->mod->phase;
	if (c->resume && resume_is_done(c->resume, phase)) {
		return 0; /* finished before the interruption */
	}
	struct engine *en = xcalloc(1, sizeof(*en));
	en->cfg = c;
	memset(en->port_index, 0xff, sizeof(en->port_index));
	for (unsigned i = 0; c->ports && i < c->subs; i++) en->port_index[c->ports[i]] = (int32_t)i;
	en->space = c->targets->count * c->subs;
	en->bits = c->mod->answer_per_target ? c->targets->count : en->space;
	if (en->bits <= MAX_BITMAP_BITS) {
		uint64_t bytes = (en->bits + 7) / 8;
		en->answered = xcalloc(bytes, 1);
		en->dirty = xcalloc((bytes + CHUNK - 1) / CHUNK + 1, 1);
	}
	if (c->resume && c->targets->count <= MAX_BITMAP_BITS)
		en->host_logged = xcalloc((c->targets->count + 7) / 8, 1);
	atomic_store(&en->rate_now, (uint64_t)c->rate);
	int r = 0;
	char filter[512], src[16];
	ipv4_fmt(c->src, src, sizeof(src));
	snprintf(filter, sizeof(filter), c->mod->filter, src); /* may name %1$s twice */
	struct permutation pm;
	pthread_t th;
	if ((r = netio_set_filter(c->io, filter, e)) < 0) goto out;
	if ((r = permutation_init(&pm, en->space, c->seed ^ phase, c->shard, c->shards)) < 0) {
		r = dm_fail(e, r, "%s: index space of %llu probes is too large", c->mod->name,
			    (unsigned long long)en->space);
		goto out;
	}
	unsigned first_pass = 0;
	uint64_t first_pos = 0;
	if (c->resume && c->resume->have_ckpt && c->resume->ckpt_phase == phase) {
		first_pass = c->resume->ckpt_pass;
		first_pos = c->resume->ckpt_pos;
		if (en->answered) resume_load_map(c->resume, (uint8_t *)en->answered, (en->bits + 7) / 8);
		log_info("%s: resuming at pass %u, position %llu", c->mod->name, first_pass,
			 (unsigned long long)first_pos);
	}
	/* Drain what the capture buffer holds from before this phase. */
	while (netio_poll(c->io, 0, on_frame, en) > 0) {
	}
	atomic_store(&en->replies, 0);
	atomic_store(&en->invalid, 0);
	atomic_store(&en->last_reply, 0.0);
	if (pthread_create(&th, NULL, receiver, en) != 0) {
		r = dm_fail(e, -EAGAIN, "cannot start the receive thread");
		goto out;
	}
	struct ratelimit rl;
	ratelimit_init(&rl, c->rate);
	double t0 = now_mono();
	for (unsigned pass = first_pass; pass <= c->retries && r == 0; pass++) {
		if (pass > first_pass) settle(en);
		r = send_pass(en, &pm, pass, pass == first_pass ? first_pos : 0, &rl);
	}
	st->send_seconds = now_mono() - t0;
	atomic_store(&en->send_end, now_mono());
	atomic_store(&en->sending_done, 1);
	pthread_join(th, NULL);
	if (r < 0) {
		r = dm_fail(e, r, "%s: sending on %s: %s", c->mod->name, c->io->ri.ifname, dm_strerror(r));
		goto out;
	}
	if (c->resume) resume_phase_done(c->resume, phase);
	st->wall_seconds = now_mono() - t0;
	st->sent = rl.sent;
	st->replies = atomic_load(&en->replies);
	st->duplicates = atomic_load(&en->duplicates);
	st->invalid = atomic_load(&en->invalid);
	st->unreachable = en->unreachable;
	st->drops = en->drops;
	st->final_rate = (double)atomic_load(&en->rate_now);
out:
	free((void *)en->answered);
	free((void *)en->host_logged);
	free(en->dirty);
	free(en);
	return r;
}
