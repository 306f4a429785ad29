/* epoll connect scan. Attempts start in permutation order and share one
 * timeout, so a FIFO of slots holds them oldest first: its head is both
 * the next to time out and the resume checkpoint. */
#include "scan/connscan.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/permute.h"
#include "net/ratelimit.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

struct slot {
	int fd;
	bool busy;
	uint32_t gen; /* bumped at each start: FIFO entries of earlier uses are stale */
	uint64_t idx, pos;
	double deadline;
};

struct cs {
	const struct connscan_config *c;
	struct slot *slots;
	struct entry {
		uint32_t slot, gen;
	} * fifo; /* attempts in start order; grows */
	size_t head, count, fifo_cap;
	unsigned cap;
	unsigned *freelist;
	unsigned nfree;
	uint8_t *done_target; /* ping: hosts already known up */
	struct connscan_stats *st;
};

static struct ipaddr target_of(const struct connscan_config *c, uint64_t t)
{
	if (t < c->v4->count) return ipaddr_v4(rangeset_select(c->v4, t));
	return (struct ipaddr){ .family = AF_INET6, .v6 = c->v6[t - c->v4->count] };
}

static void report(struct cs *s, struct slot *sl, int err)
{
	const struct connscan_config *c = s->c;
	uint64_t t = sl->idx / c->nports;
	struct ipaddr ip = target_of(c, t);
	double now = now_real();
	enum port_state st;
	const char *reason;
	/* A reset after the handshake (a tcpwrapped service, a rate limiter)
	 * reaches us as ECONNRESET when it beats our look at the socket: the
	 * port accepted, so it is open. A refused SYN is ECONNREFUSED. */
	if (err == 0 || err == ECONNRESET || err == EPIPE)
		st = PORT_OPEN, reason = err ? "conn-reset" : "syn-ack", s->st->open++;
	else if (err == ECONNREFUSED)
		st = PORT_CLOSED, reason = "conn-refused", s->st->closed++;
	else {
		st = PORT_FILTERED, s->st->filtered++;
		reason = err == EHOSTUNREACH  ? "host-unreach"
			 : err == ENETUNREACH ? "net-unreach"
					      : "no-response";
	}
	if (c->ping) {
		if (st == PORT_FILTERED || s->done_target[t]) return;
		s->done_target[t] = 1;
		struct obs_host h = { .ip = ip, .how = HOW_CONNECT, .reason = reason, .ts = now };
		c->sink->host(c->sink->ctx, &h);
		if (c->resume) resume_log_host(c->resume, &h);
		return;
	}
	if (st == PORT_FILTERED && err != EHOSTUNREACH && err != ENETUNREACH) reason = "no-response";
	struct obs_port p = { .ip = ip,
			      .port = c->ports[sl->idx % c->nports],
			      .proto = PROTO_TCP,
			      .state = st,
			      .reason = reason,
			      .ts = now };
	c->sink->port(c->sink->ctx, &p);
	if (c->resume) resume_log_port(c->resume, &p);
}

static void finish(struct cs *s, unsigned n, int err, int ep)
{
	struct slot *sl = &s->slots[n];
	report(s, sl, err);
	epoll_ctl(ep, EPOLL_CTL_DEL, sl->fd, NULL);
	if (err == 0) { /* close with RST: no TIME_WAIT left behind on either side */
		struct linger lg = { 1, 0 };
		setsockopt(sl->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(sl->fd);
	sl->fd = -1;
	sl->busy = false;
	s->freelist[s->nfree++] = n;
}

static int start(struct cs *s, uint64_t idx, uint64_t pos, int ep, double now)
{
	const struct connscan_config *c = s->c;
	struct ipaddr ip = target_of(c, idx / c->nports);
	uint16_t port = c->ports[idx % c->nports];
	struct sockaddr_storage ss;
	socklen_t sl = ipaddr_to_sockaddr(&ip, port, &ss);
	int fd = socket(ip.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) return -errno;
	unsigned n = s->freelist[--s->nfree];
	struct slot *slot = &s->slots[n];
	*slot = (struct slot){ .fd = fd,
			       .busy = true,
			       .gen = slot->gen + 1,
			       .idx = idx,
			       .pos = pos,
			       .deadline = now + c->timeout };
	if (s->count == s->fifo_cap) { /* grow the ring, keeping order */
		size_t nc = s->fifo_cap * 2;
		struct entry *nf = xmalloc(nc * sizeof(*nf));
		for (size_t i = 0; i < s->count; i++) nf[i] = s->fifo[(s->head + i) % s->fifo_cap];
		free(s->fifo);
		s->fifo = nf;
		s->fifo_cap = nc;
		s->head = 0;
	}
	s->fifo[(s->head + s->count++) % s->fifo_cap] = (struct entry){ n, slot->gen };
	int r = connect(fd, (struct sockaddr *)&ss, sl);
	if (r == 0 || errno != EINPROGRESS) {
		finish(s, n, r == 0 ? 0 : errno, ep);
		return 0;
	}
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = n };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

int connscan_run(const struct connscan_config *c, struct connscan_stats *st, struct dm_err *e)
{
	memset(st, 0, sizeof(*st));
	if (!c->ping && c->resume && resume_is_done(c->resume, PHASE_CONNECT)) return 0;
	uint64_t ntargets = c->v4->count + c->n_v6, space = ntargets * c->nports;
	if (space == 0) return 0;
	unsigned cap = fd_budget(c->max_inflight ? c->max_inflight : 1024);
	struct cs s = { .c = c, .cap = cap, .st = st };
	s.slots = xcalloc(cap, sizeof(*s.slots));
	s.fifo_cap = (size_t)cap * 2;
	s.fifo = xcalloc(s.fifo_cap, sizeof(*s.fifo));
	s.freelist = xcalloc(cap, sizeof(*s.freelist));
	for (unsigned i = 0; i < cap; i++) s.freelist[s.nfree++] = cap - 1 - i, s.slots[i].fd = -1;
	if (c->ping) s.done_target = xcalloc(ntargets, 1);
	int ep = epoll_create1(EPOLL_CLOEXEC), r = 0;
	struct permutation pm;
	if ((r = permutation_init(&pm, space, c->seed ^ 0x636f6e6eULL ^ c->ping, c->shard, c->shards)) < 0) {
		r = dm_fail(e, r, "connect scan: index space too large");
		goto out;
	}
	uint64_t first = 0;
	if (!c->ping && c->resume && c->resume->have_ckpt && c->resume->ckpt_phase == PHASE_CONNECT)
		first = c->resume->ckpt_pos;
	struct perm_iter it;
	perm_iter_init(&it, &pm, first);
	struct ratelimit pace;
	ratelimit_init(&pace, c->rate);
	double t0 = now_mono(), next_ckpt = t0 + 0.25, next_progress = t0 + 1;
	bool more = true;
	while (more || s.count) { /* head entries are live or get popped below */
		double now = now_mono();
		while (more && s.nfree) {
			if (c->rate > 0 && ratelimit_try(&pace, 1) == 0) break;
			uint64_t pos = it.pos, idx;
			if (!perm_iter_next(&it, &idx)) {
				more = false;
				break;
			}
			if (c->ping && s.done_target[idx / c->nports]) continue;
			if ((r = start(&s, idx, pos, ep, now)) < 0) {
				r = dm_fail(e, r, "connect scan: socket: %s", strerror(-r));
				goto out;
			}
			st->attempts++;
			ratelimit_sent(&pace, 1);
			if (c->rate > 0 && c->rate < 1e5) break; /* keep pacing fine-grained */
		}
		struct epoll_event evs[256];
		/* paced: sleep in the poll until the next connection is due */
		int n = epoll_wait(ep, evs, 256,
				   !more || !s.nfree ? 10
				   : c->rate > 0     ? MIN(10, ratelimit_poll_ms(&pace))
						     : 0);
		for (int i = 0; i < n; i++) {
			unsigned k = evs[i].data.u32;
			int err = 0;
			socklen_t len = sizeof(err);
			getsockopt(s.slots[k].fd, SOL_SOCKET, SO_ERROR, &err, &len);
			finish(&s, k, err, ep);
		}
		now = now_mono();
		while (s.count) {
			struct entry en = s.fifo[s.head];
			bool live = s.slots[en.slot].busy && s.slots[en.slot].gen == en.gen;
			if (live && s.slots[en.slot].deadline > now) break;
			if (live) finish(&s, en.slot, ETIMEDOUT, ep);
			s.head = (s.head + 1) % s.fifo_cap;
			s.count--;
		}
		if (c->resume && !c->ping && now >= next_ckpt) {
			uint64_t ck = s.count ? s.slots[s.fifo[s.head].slot].pos : it.pos;
			resume_checkpoint(c->resume, PHASE_CONNECT, 0, ck, NULL, 0);
			next_ckpt = now + 0.25;
		}
		if (c->progress && now >= next_progress) {
			struct engine_progress pr = { .phase = c->ping ? "connect-ping" : "connect",
						      .sent = st->attempts,
						      .total = space,
						      .rate = (double)st->attempts / (now - t0),
						      .replies = st->open + st->closed,
						      .open = st->open,
						      .elapsed = now - t0 };
			c->progress(c->progress_ctx, &pr);
			next_progress = now + 1;
		}
	}
	if (c->resume && !c->ping) resume_phase_done(c->resume, PHASE_CONNECT);
	st->seconds = now_mono() - t0;
out:
	for (unsigned i = 0; i < cap; i++)
		if (s.slots[i].fd >= 0) close(s.slots[i].fd);
	close(ep);
	free(s.slots);
	free(s.fifo);
	free(s.freelist);
	free(s.done_target);
	return r;
}
