/* nmap's UDP probes (Probe UDP directives of nmap-service-probes) sent to
 * the UDP ports a scan found open or open|filtered: every planned probe of
 * every port goes out at once from its own connected socket (so a reply is
 * matched against the probe that asked), one epoll loop waits for them, and
 * a port is done at its first hard match or when its probes' wait is over.
 * DNS on an odd port, NTP, SNMP, TFTP-less silence: nmap's matches name
 * what answers. */
#include "probe/probe-nmap.h"
#include "probe/nmap-probes.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long a UDP probe waits for its answer. */
#define UDP_WAIT 2.0
/* Sockets open at once. */
#define UDP_MAX_OPEN 256
/* Probes per port at most (DNS, NTP, SNMP ... the listed ones come first). */
#define UDP_PLAN_MAX 24
/* nmap-payloads' requests per port at most. */
#define UDP_PAYLOADS_MAX 8

struct uprobe {
	size_t svc;
	const struct nmap_probe *probe; /* NULL: payload is one of nmap-payloads' */
	const struct nmap_payload *payload;
	int fd;
	double deadline;
};

struct urun {
	const struct services_config *cfg;
	struct svc *svcs;
	bool *done;
	struct uprobe *q;
	size_t n_q, next;
	int ep;
	unsigned open;
};

static void close_probe(struct urun *r, struct uprobe *u)
{
	if (u->fd < 0) return;
	epoll_ctl(r->ep, EPOLL_CTL_DEL, u->fd, NULL);
	close(u->fd);
	u->fd = -1;
	r->open--;
}

static void start_probe(struct urun *r, size_t k, double now)
{
	struct uprobe *u = &r->q[k];
	struct svc *s = &r->svcs[u->svc];
	u->fd = -1;
	if (r->done[u->svc]) return;
	struct sockaddr_storage ss;
	socklen_t sl = ipaddr_to_sockaddr(&s->out.ip, s->out.port, &ss);
	int fd = socket(s->out.ip.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) return;
	const uint8_t *data = u->probe ? u->probe->payload : u->payload->data;
	size_t len = u->probe ? u->probe->payload_len : u->payload->len;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 || send(fd, data, len, MSG_NOSIGNAL) < 0) {
		close(fd);
		return;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = k };
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return;
	}
	u->fd = fd;
	u->deadline = now + UDP_WAIT;
	r->open++;
}

static void on_reply(struct urun *r, struct uprobe *u)
{
	uint8_t buf[SVC_RAW_MAX];
	ssize_t n = recv(u->fd, buf, sizeof(buf), 0);
	close_probe(r, u);
	if (n <= 0) return; /* ICMP port unreachable (ECONNREFUSED) or nothing */
	struct svc *s = &r->svcs[u->svc];
	if (!u->probe) {
		/* nmap-payloads' request has no match lines: dormant's parsers read the reply */
		if (!svc_udp_payload_reply(s, buf, (size_t)n)) return;
		if (!s->out.source[0])
			snprintf(s->out.source, sizeof(s->out.source), "nmap-payloads:%u", u->payload->line);
		r->done[u->svc] = s->out.product[0] != 0;
		return;
	}
	struct nmap_result res;
	if (!nmap_db_match(r->cfg->nmap, u->probe, buf, (size_t)n, &res)) return;
	svc_nmap_result(s, &res);
	if (s->nmap_hard) r->done[u->svc] = true;
}

int services_probe_udp_nmap(const struct services_config *c, const struct obs_service *known,
			    const struct service_target *t, size_t n)
{
	if (!n || !c->nmap) return 0;
	struct urun r = { .cfg = c, .ep = epoll_create1(EPOLL_CLOEXEC) };
	if (r.ep < 0) return -errno;
	r.svcs = xcalloc(n, sizeof(*r.svcs));
	r.done = xcalloc(n, sizeof(*r.done));
	r.q = xcalloc(n * (UDP_PLAN_MAX + UDP_PAYLOADS_MAX) + 1, sizeof(*r.q));
	for (size_t i = 0; i < n; i++) {
		struct svc *s = &r.svcs[i];
		s->fps = c->fps;
		s->own_dir = c->own_dir;
		if (known && known[i].port) {
			s->out = known[i]; /* what the scanner's reply said: dormant's own, it ranks first */
			if (s->out.product[0]) s->rank = RANK_OWN;
			s->identified = strcmp(s->out.name, "unknown") != 0;
		}
		s->out.ip = t[i].ip;
		s->out.port = t[i].port;
		s->out.proto = PROTO_UDP;
		if (s->rank == RANK_OWN) continue; /* named by dormant already */
		/* the port's own request of nmap-payloads first (STUN on 3478) */
		unsigned k_pl = 0;
		for (const struct nmap_payload *pl = NULL;
		     c->payloads && (pl = nmap_payloads_next(c->payloads, t[i].port, pl));)
			if (k_pl++ < UDP_PAYLOADS_MAX) r.q[r.n_q++] = (struct uprobe){ i, NULL, pl, -1, 0 };
		const struct nmap_probe *plan[UDP_PLAN_MAX];
		size_t k = nmap_db_plan(c->nmap, PROTO_UDP, t[i].port, false, c->intensity, NULL, plan,
					UDP_PLAN_MAX);
		for (size_t j = 0; j < k; j++)
			if (plan[j]->payload_len) r.q[r.n_q++] = (struct uprobe){ i, plan[j], NULL, -1, 0 };
	}
	while (r.next < r.n_q || r.open) {
		double now = now_mono();
		while (r.next < r.n_q && r.open < UDP_MAX_OPEN) start_probe(&r, r.next++, now);
		struct epoll_event evs[64];
		int k = epoll_wait(r.ep, evs, 64, 20);
		for (int e = 0; e < k; e++) on_reply(&r, &r.q[evs[e].data.u64]);
		now = now_mono();
		for (size_t j = 0; j < r.next; j++) {
			struct uprobe *u = &r.q[j];
			if (u->fd >= 0 && (now >= u->deadline || r.done[u->svc])) close_probe(&r, u);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct svc *s = &r.svcs[i];
		if (!s->out.source[0] && !(known && known[i].port)) continue; /* nothing answered */
		s->out.ts = now_real();
		if (c->sink->service) c->sink->service(c->sink->ctx, &s->out);
	}
	close(r.ep);
	free(r.svcs);
	free(r.done);
	free(r.q);
	return 0;
}
