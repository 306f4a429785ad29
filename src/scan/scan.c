/* Orchestration of the scan phases: ARP and ping discovery, SYN or connect
 * port scan, UDP probes. Discovered hosts are collected through a tee sink
 * that also passes everything on (and fills the ARP MAC table). */
#include "scan/scan.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/route.h"
#include "scan/connscan.h"
#include "scan/privdrop.h"
#include "scan/udpscan.h"
#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/random.h>

extern const unsigned ping_subs;

const char *scan_mode_name(enum scan_mode m)
{
	return m == SCAN_SYN ? "syn" : m == SCAN_CONNECT ? "connect" : "auto";
}

uint64_t scan_identity(const struct scan_config *c)
{
	struct buf b = BUF_INIT;
	b.max = 1u << 30;
	const struct targets *t = c->targets;
	for (size_t i = 0; i < t->v4.n; i++) buf_printf(&b, "%x-%x,", t->v4.r[i].lo, t->v4.r[i].hi);
	buf_append(&b, t->v6, t->n_v6 * sizeof(*t->v6));
	buf_puts(&b, "|T");
	buf_append(&b, c->ports->tcp, c->ports->n_tcp * 2);
	buf_puts(&b, "|U");
	buf_append(&b, c->ports->udp, c->ports->n_udp * 2);
	buf_printf(&b, "|%d|%d|%d|%llu/%llu|%u", c->mode, c->skip_discovery, c->discovery_only,
		   (unsigned long long)c->shard, (unsigned long long)c->shards, c->retries);
	struct sipkey k = { 0x7363616e2d696421ULL, 1 };
	uint64_t h = siphash24(&k, b.data, b.len);
	buf_release(&b);
	return h;
}

int scan_prepare(struct scan *s, const struct scan_config *c, struct dm_err *e)
{
	int r = scan_plan(s, c, e);
	return r < 0 ? r : scan_open_io(s, e);
}

int scan_plan(struct scan *s, const struct scan_config *c, struct dm_err *e)
{
	memset(s, 0, sizeof(*s));
	s->cfg = c;
	s->io.fd = -1;
	s->seed = c->seed;
	if (!c->seed_given && getrandom(&s->seed, sizeof(s->seed), 0) != sizeof(s->seed))
		s->seed = (uint64_t)now_real();
	s->scan_id = scan_identity(c);
	bool want_raw = c->targets->v4.count > 0 && c->mode != SCAN_CONNECT;
	if (want_raw && !can_open_raw()) {
		if (c->mode == SCAN_SYN)
			return dm_fail(e, -EPERM,
				       "SYN scan needs CAP_NET_RAW (run as root or use --connect)");
		log_info("no CAP_NET_RAW: using the connect() scan");
		want_raw = false;
	}
	s->mode = want_raw ? SCAN_SYN : SCAN_CONNECT;
	s->want_raw = want_raw;
	return 0;
}

int scan_open_io(struct scan *s, struct dm_err *e)
{
	const struct scan_config *c = s->cfg;
	if (s->want_raw && !s->io_open) {
		s->want_raw = false;
		char ifname[IF_NAMESIZE];
		if (c->iface) {
			snprintf(ifname, sizeof(ifname), "%s", c->iface);
		} else {
			struct route_info ri;
			int r = route_lookup_v4(c->targets->v4.r[0].lo, &ri, e);
			if (r < 0) return r;
			snprintf(ifname, sizeof(ifname), "%s", ri.ifname);
		}
		int r = netio_open(&s->io, ifname, e);
		if (r < 0) return r;
		s->io_open = true;
		/* Frames injected on the loopback device get no answer from the
		 * kernel: loopback targets are scanned with connect() instead. */
		if (s->io.ri.loopback) {
			if (c->mode == SCAN_SYN)
				return dm_fail(e, DM_EINPUT,
					       "-sS cannot scan through the loopback device; use -sT");
			netio_close(&s->io);
			s->io_open = false;
			s->mode = SCAN_CONNECT;
		}
	}
	return 0;
}

static void tee_host(void *ctx, const struct obs_host *h)
{
	struct tee *t = ctx;
	if (h->ip.family == AF_INET) {
		rangeset_add(&t->up, h->ip.v4, h->ip.v4);
		if (h->has_mac) mactable_put(&t->macs, h->ip.v4, h->mac);
	}
	t->next->host(t->next->ctx, h);
}

static void tee_port(void *ctx, const struct obs_port *p)
{
	struct tee *t = ctx;
	t->next->port(t->next->ctx, p);
}

static void tee_service(void *ctx, const struct obs_service *s)
{
	struct tee *t = ctx;
	if (t->next->service) t->next->service(t->next->ctx, s);
}

static void tee_udp(void *ctx, const struct ipaddr *ip, uint16_t port, const uint8_t *data, size_t len)
{
	struct tee *t = ctx;
	if (t->next->udp_reply) t->next->udp_reply(t->next->ctx, ip, port, data, len);
}

int scan_open_resume(struct scan *s, const struct obs_sink *replay, int64_t *ret_run, struct dm_err *e)
{
	*ret_run = 0;
	if (!s->cfg->resume_path) return 0;
	/* Replayed hosts pass through the tee so discovery knows them too. */
	s->tee.next = replay;
	struct obs_sink tsink = { &s->tee, tee_host, tee_port, tee_service, tee_udp };
	int r =
	    resume_open(&s->resume, s->cfg->resume_path, s->scan_id, &s->seed, s->cfg->seed_given, &tsink, e);
	if (r < 0) return r;
	s->have_resume = true;
	*ret_run = s->resume.run_id;
	return 0;
}

void scan_set_run(struct scan *s, int64_t run_id)
{
	if (s->have_resume) resume_set_run(&s->resume, run_id);
}

struct arp_wait {
	int linktype;
	uint32_t ip;
	uint8_t *mac;
	bool found;
};

static void on_arp(void *ctx, const uint8_t *p, size_t len)
{
	struct arp_wait *w = ctx;
	struct pkt d;
	if (pkt_decode(w->linktype, p, len, &d, NULL) == 0 && d.arp_op == ARPOP_REPLY && d.arp.spa == w->ip) {
		memcpy(w->mac, d.arp.sha, 6);
		w->found = true;
	}
}

/* The gateway's MAC: from the kernel's neighbour table, else by asking. */
static int resolve_gateway(struct scan *s, uint32_t gw, uint32_t src, uint8_t mac[6], struct dm_err *e)
{
	if (neigh_lookup_v4(s->io.ri.ifname, gw, mac) == 0) return 0;
	char gs[16];
	ipv4_fmt(gw, gs, sizeof(gs));
	int r = netio_set_filter(&s->io, "arp and arp[6:2] = 2", e);
	if (r < 0) return r;
	struct arp_wait w = { s->io.linktype, gw, mac, false };
	for (int attempt = 0; attempt < 3 && !w.found; attempt++) {
		netio_queue(&s->io, (unsigned)frame_arp_request(netio_frame(&s->io), s->io.ri.mac, src, gw));
		netio_flush(&s->io);
		double end = now_mono() + 0.5;
		while (!w.found && now_mono() < end) netio_poll(&s->io, 50, on_arp, &w);
	}
	if (w.found) return 0;
	return dm_fail(e, DM_ENOROUTE, "gateway %s does not answer ARP on %s (pass --router-mac)", gs,
		       s->io.ri.ifname);
}

/* What the port scan probes: every target with -Pn, else those discovery found up. */
static void live_targets(const struct scan_config *c, const struct tee *tee, struct rangeset *live)
{
	const struct rangeset *from = c->skip_discovery ? &c->targets->v4 : &tee->up;
	for (size_t i = 0; i < from->n; i++) rangeset_add(live, from->r[i].lo, from->r[i].hi);
	rangeset_index(live);
}

static void split_onlink(const struct rangeset *all, uint32_t net, uint32_t mask, struct rangeset *onlink,
			 struct rangeset *routed)
{
	for (size_t i = 0; i < all->n; i++) {
		rangeset_add(onlink, all->r[i].lo, all->r[i].hi);
		rangeset_add(routed, all->r[i].lo, all->r[i].hi);
	}
	rangeset_normalize(onlink);
	rangeset_normalize(routed);
	if (mask) {
		struct rangeset seg = { 0 };
		rangeset_add(&seg, net, net | ~mask);
		seg.normalized = true;
		rangeset_subtract(routed, &seg);
		struct rangeset rest = { 0 };
		if (net > 0) rangeset_add(&rest, 0, net - 1);
		if ((net | ~mask) < UINT32_MAX) rangeset_add(&rest, (net | ~mask) + 1, UINT32_MAX);
		rangeset_normalize(&rest);
		rangeset_subtract(onlink, &rest);
		/* the segment's own network and broadcast addresses are never probed */
		if (mask != UINT32_MAX && mask != 0xfffffffe) {
			rangeset_subtract_one(onlink, net | ~mask, net | ~mask);
		}
		rangeset_release(&seg);
		rangeset_release(&rest);
	} else {
		onlink->n = 0;
	}
	rangeset_index(onlink);
	rangeset_index(routed);
}

int scan_execute(struct scan *s, const struct obs_sink *sink, struct scan_summary *sum, struct dm_err *e)
{
	const struct scan_config *c = s->cfg;
	memset(sum, 0, sizeof(*sum));
	sum->mode = s->mode;
	double t0 = now_mono();
	struct tee *tee = &s->tee;
	tee->next = sink;
	struct obs_sink tsink = { tee, tee_host, tee_port, tee_service, tee_udp };
	struct resume *rs = s->have_resume ? &s->resume : NULL;
	struct rangeset onlink = { 0 }, routed = { 0 }, live = { 0 };
	int r = 0;

	if (s->mode == SCAN_SYN) {
		struct route_info *ri = &s->io.ri;
		snprintf(sum->iface, sizeof(sum->iface), "%s", ri->ifname);
		uint32_t src = ri->if_addr;
		if (c->source) {
			struct ipaddr a;
			if (ipaddr_parse(c->source, &a) < 0 || a.family != AF_INET)
				return dm_fail(e, DM_EINPUT, "-S \"%s\": not an IPv4 address", c->source);
			src = a.v4;
		} else if (!c->iface) {
			struct route_info rt;
			if (route_lookup_v4(c->targets->v4.r[0].lo, &rt, e) == 0 && rt.src) src = rt.src;
		}
		if (!src) return dm_fail(e, DM_EINPUT, "%s has no IPv4 address; pass -S", ri->ifname);
		ri->src = src;
		sum->src = src;
		uint32_t mask = 0, net = 0;
		if (!ri->loopback && ri->prefixlen > 0) {
			mask = ri->prefixlen >= 32 ? UINT32_MAX : ~(UINT32_MAX >> ri->prefixlen);
			net = ri->if_addr & mask;
		}
		split_onlink(&c->targets->v4, net, mask, &onlink, &routed);
		struct engine_config ec = {
			.io = &s->io,
			.rate = c->rate,
			.retries = c->retries,
			.quiet = c->quiet,
			.max_wait = c->max_wait,
			.seed = s->seed,
			.shard = c->shard,
			.shards = c->shards,
			.src = src,
			.onlink_net = net,
			.onlink_mask = mask,
			.macs = &tee->macs,
			.sink = &tsink,
			.resume = rs,
			.progress = c->progress,
			.progress_ctx = c->progress_ctx,
		};
		ec.key = (struct sipkey){ s->seed ^ 0x636f6f6b69650000ULL, s->scan_id };
		memcpy(ec.gateway.src, ri->mac, 6);
		if (routed.count) {
			if (c->router_mac) {
				if (mac_parse(c->router_mac, ec.gateway.dst) < 0)
					return dm_fail(e, DM_EINPUT, "--router-mac \"%s\": not a MAC address",
						       c->router_mac);
			} else if (!ri->loopback) {
				struct route_info rt;
				if ((r = route_lookup_v4(routed.r[0].lo, &rt, e)) < 0) goto out;
				if (rt.ifindex != ri->ifindex) {
					char a[16];
					ipv4_fmt(routed.r[0].lo, a, sizeof(a));
					r = dm_fail(e, DM_EINPUT,
						    "%s leaves through %s, not %s: scan the targets of each "
						    "interface "
						    "separately (or pass -e and --router-mac)",
						    a, rt.ifname, ri->ifname);
					goto out;
				}
				if (!rt.gateway) {
					char a[16];
					ipv4_fmt(routed.r[0].lo, a, sizeof(a));
					r = dm_fail(e, DM_ENOROUTE,
						    "%s is not on %s's segment and has no gateway", a,
						    ri->ifname);
					goto out;
				}
				if ((r = resolve_gateway(s, rt.gateway, src, ec.gateway.dst, e)) < 0)
					goto out;
			}
		}
		struct engine_stats es;
		/* ARP runs even with -Pn: on-link targets are reached by their own MAC. */
		if (onlink.count) {
			ec.mod = &probe_module_arp;
			ec.targets = &onlink;
			ec.subs = 1;
			if ((r = engine_run(&ec, &es, e)) < 0) goto out;
			sum->probes += es.sent, sum->drops += es.drops;
		}
		if (routed.count && !c->skip_discovery) {
			ec.mod = &probe_module_ping;
			ec.targets = &routed;
			ec.subs = ping_subs;
			if ((r = engine_run(&ec, &es, e)) < 0) goto out;
			sum->probes += es.sent, sum->drops += es.drops;
		}
		live_targets(c, tee, &live);
		if (!c->discovery_only && live.count && c->ports->n_tcp) {
			ec.mod = &probe_module_syn;
			ec.targets = &live;
			ec.subs = (unsigned)c->ports->n_tcp;
			ec.ports = c->ports->tcp;
			if ((r = engine_run(&ec, &es, e)) < 0) goto out;
			sum->probes += es.sent, sum->drops += es.drops, sum->unreachable += es.unreachable;
			sum->send_seconds = es.send_seconds;
			sum->final_rate = es.final_rate;
		}
	} else {
		/* connect() mode: discovery by connecting to a few common ports */
		static const uint16_t ping_ports[] = { 80, 443, 22, 445 };
		struct connscan_config cc = {
			.v4 = &c->targets->v4,
			.v6 = c->targets->v6,
			.n_v6 = c->targets->n_v6,
			.rate = c->rate,
			.max_inflight = c->max_inflight,
			.timeout = c->connect_timeout,
			.seed = s->seed,
			.shard = c->shard,
			.shards = c->shards,
			.sink = &tsink,
			.resume = rs,
			.progress = c->progress,
			.progress_ctx = c->progress_ctx,
		};
		struct connscan_stats cst;
		if (!c->skip_discovery && !(rs && resume_is_done(rs, PHASE_PING))) {
			cc.ping = true;
			cc.ports = ping_ports;
			cc.nports = ARRAY_SIZE(ping_ports);
			if ((r = connscan_run(&cc, &cst, e)) < 0) goto out;
			if (rs) resume_phase_done(rs, PHASE_PING);
			sum->probes += cst.attempts;
		}
		live_targets(c, tee, &live);
		cc.v4 = &live;
		if (!c->discovery_only && c->ports->n_tcp) {
			cc.ping = false;
			cc.ports = c->ports->tcp;
			cc.nports = (unsigned)c->ports->n_tcp;
			if ((r = connscan_run(&cc, &cst, e)) < 0) goto out;
			sum->probes += cst.attempts;
		}
	}
	/* IPv6 targets in SYN mode: connect() scan for them */
	if (s->mode == SCAN_SYN && c->targets->n_v6 && !c->discovery_only && c->ports->n_tcp) {
		struct rangeset none = { 0 };
		rangeset_index(&none);
		struct connscan_config cc = {
			.v4 = &none,
			.v6 = c->targets->v6,
			.n_v6 = c->targets->n_v6,
			.ports = c->ports->tcp,
			.nports = (unsigned)c->ports->n_tcp,
			.rate = c->rate,
			.max_inflight = c->max_inflight,
			.timeout = c->connect_timeout,
			.seed = s->seed,
			.shard = c->shard,
			.shards = c->shards,
			.sink = &tsink,
			.resume = rs,
			.progress = c->progress,
			.progress_ctx = c->progress_ctx,
		};
		struct connscan_stats cst;
		r = connscan_run(&cc, &cst, e);
		rangeset_release(&none);
		if (r < 0) goto out;
		sum->probes += cst.attempts;
	}
	if (!c->discovery_only && c->ports->n_udp && !(rs && resume_is_done(rs, PHASE_UDP))) {
		struct udpscan_config uc = {
			.v4 = &live,
			.v6 = c->targets->v6,
			.n_v6 = c->targets->n_v6,
			.ports = c->ports->udp,
			.nports = (unsigned)c->ports->n_udp,
			.rate = c->rate > 0 ? MIN(c->rate, 20000) : 20000,
			.retries = 1,
			.wait = MAX(c->quiet, 0.5),
			.seed = s->seed,
			.sink = &tsink,
			.report_silent = c->udp_silent,
		};
		struct udpscan_stats ust;
		if ((r = udpscan_run(&uc, &ust, e)) < 0) goto out;
		if (rs) {
			resume_phase_done(rs, PHASE_UDP);
		}
		sum->probes += ust.sent;
	}
out:
	sum->seconds = now_mono() - t0;
	rangeset_release(&onlink);
	rangeset_release(&routed);
	rangeset_release(&live);
	return r;
}

void scan_release(struct scan *s)
{
	if (s->io_open) netio_close(&s->io);
	if (s->have_resume) resume_close(&s->resume);
	s->io_open = s->have_resume = false;
	rangeset_release(&s->tee.up);
	mactable_release(&s->tee.macs);
}
