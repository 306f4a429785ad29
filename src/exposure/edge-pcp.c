/* PCP (RFC 6887) on the default gateway (edge.h), by dormant's own client:
 * Debian packages no PCP library, and the two messages needed are small
 * (pcp.h). ANNOUNCE finds out whether a PCP server answers; with
 * test_mapping one MAP of a closed UDP port of ours for 60 s, deleted at
 * once with the same nonce: a server that grants it lets any LAN host open
 * the network to the internet without authentication. The default gateway
 * is the one libnatpmp finds (or the address of --gateway). */
#include "exposure/edge.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "exposure/pcp.h"
#include <arpa/inet.h>
#include <errno.h>
#include <natpmp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sends q and waits up to wait_ms for the reply to its opcode (sent again
 * once halfway: UDP). Returns 0 with the reply, 1 on no answer, <0 on a
 * socket error; a malformed datagram is logged and skipped, the first
 * one's reason kept in bad (may be NULL) so that a server that answers
 * only garbage is told from one that is silent. */
static int exchange(int s, const struct pcp_request *q, int wait_ms, struct pcp_reply *ret, char *bad,
		    size_t bad_len)
{
	uint8_t req[PCP_HEADER + PCP_MAP_PAYLOAD], buf[PCP_MAX_MSG + 4];
	size_t len = pcp_request_build(q, req);
	double start = now_mono(), until = start + wait_ms / 1000.0;
	bool resent = false;
	if (send(s, req, len, 0) < 0) return -1;
	for (;;) {
		double left = until - now_mono();
		if (left <= 0) return 1;
		if (!resent && now_mono() - start > wait_ms / 2000.0) {
			resent = true;
			if (send(s, req, len, 0) < 0) return -1;
		}
		struct pollfd p = { .fd = s, .events = POLLIN };
		int ms = (int)(left * 1000) + 1;
		if (!resent && ms > wait_ms / 2) ms = wait_ms / 2 + 1;
		if (poll(&p, 1, ms) <= 0) continue;
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		if (n < 0) continue; /* ICMP port unreachable: keep waiting for the deadline */
		char why[160];
		if (pcp_reply_parse(buf, (size_t)n, ret, why, sizeof(why)) < 0) {
			log_info("edge: PCP: a malformed reply skipped: %s", why);
			if (bad && !bad[0]) snprintf(bad, bad_len, "%.90s", why);
			continue;
		}
		if (ret->version == 0 || ret->opcode == (uint8_t)q->opcode) return 0;
	}
}

static void test_mapping(int s, const struct ipaddr *client, int wait_ms, struct edge_gateway *g)
{
	struct pcp_request q = { .opcode = PCP_MAP, .lifetime = 60, .client = *client, .proto = IPPROTO_UDP };
	struct pcp_reply r;
	char rb[24], bad[96] = "";
	q.int_port = q.ext_port = edge_closed_udp_port();
	if (!q.int_port || getrandom(q.nonce, sizeof(q.nonce), 0) != (ssize_t)sizeof(q.nonce)) {
		snprintf(g->open_detail, sizeof(g->open_detail), "no closed port to map");
		return;
	}
	int k = exchange(s, &q, wait_ms, &r, bad, sizeof(bad));
	if (k != 0 && bad[0]) {
		snprintf(g->open_detail, sizeof(g->open_detail),
			 "no valid answer to a MAP request for %u/UDP (malformed: %.60s)", q.int_port, bad);
		return;
	}
	if (k != 0) {
		snprintf(g->open_detail, sizeof(g->open_detail), "no answer to a MAP request for %u/UDP",
			 q.int_port);
		return;
	}
	if (r.result != PCP_SUCCESS || !r.has_map || memcmp(r.nonce, q.nonce, 12)) {
		g->open = EDGE_OPEN_REFUSED;
		snprintf(
		    g->open_detail, sizeof(g->open_detail), "MAP request for %u/UDP refused (%s)", q.int_port,
		    r.result != PCP_SUCCESS ? pcp_result_name(r.result, rb, sizeof(rb)) : "another nonce");
		return;
	}
	g->open = EDGE_OPEN_ACCEPTED;
	g->has_public = true;
	g->public_ip = r.ext_ip;
	unsigned pub = r.ext_port, life = r.lifetime;
	/* deletion: the same nonce, internal port and protocol, lifetime 0 (RFC 6887 15) */
	q.lifetime = 0;
	k = exchange(s, &q, wait_ms, &r, NULL, 0);
	bool deleted = k == 0 && r.result == PCP_SUCCESS;
	snprintf(g->open_detail, sizeof(g->open_detail),
		 "PCP MAP %u/UDP -> our port %u (lifetime %u s) granted without authentication; %s", pub,
		 q.int_port, life, deleted ? "deleted" : "NOT deleted");
	if (!deleted)
		log_warn("edge: PCP: the test mapping %u/UDP could not be deleted: it expires in %u s", pub,
			 life);
}

/* The gateway to ask: --gateway's address, else the default route's next hop. */
static int gateway(const struct edge_opts *o, struct ipaddr *ret)
{
	if (o->gateway_url) return edge_url_addr(o->gateway_url, ret) == 0 && ret->family == AF_INET ? 0 : -1;
	natpmp_t np;
	if (initnatpmp(&np, 0, 0) < 0) return -1;
	*ret = ipaddr_v4(ntohl(np.gateway));
	closenatpmp(&np);
	return 0;
}

int edge_read_pcp(const struct edge_opts *o, struct edge_set *out, struct dm_err *e)
{
	(void)e;
	int wait_ms = o->natpmp_ms > 0 ? o->natpmp_ms : 2000;
	struct edge_gateway g = { .method = EDGE_PCP };
	char a[IPADDR_STRLEN];
	if (gateway(o, &g.addr) < 0) {
		if (!o->gateway_url) log_info("edge: PCP: no default gateway to ask");
		return 0;
	}
	ipaddr_fmt(&g.addr, a, sizeof(a));
	if (!edge_addr_allowed(o, &g.addr)) {
		log_warn("edge: PCP: the default gateway %s is not a LAN address; not asked (--allow-public)",
			 a);
		return 0;
	}
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(PCP_PORT),
				  .sin_addr.s_addr = htonl(g.addr.v4) };
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s, (struct sockaddr *)&me, &ml) < 0) {
		log_info("edge: PCP: %s cannot be asked: %s", a, strerror(errno));
		if (s >= 0) close(s);
		return 0;
	}
	struct ipaddr client = ipaddr_v4(ntohl(me.sin_addr.s_addr));
	struct pcp_request q = { .opcode = PCP_ANNOUNCE, .client = client };
	struct pcp_reply r;
	int k = exchange(s, &q, wait_ms, &r, NULL, 0);
	if (k != 0 || r.version != PCP_VERSION) {
		log_info("edge: PCP: %s %s", a,
			 k != 0           ? "did not answer"
			 : r.version == 0 ? "answers NAT-PMP only"
					  : "answers another PCP version");
		close(s);
		return 0;
	}
	char rb[24];
	snprintf(g.open_detail, sizeof(g.open_detail), "ANNOUNCE answered %s (epoch %u s)",
		 pcp_result_name(r.result, rb, sizeof(rb)), r.epoch);
	if (o->test_mapping) test_mapping(s, &client, wait_ms, &g);
	close(s);
	edge_set_add_gateway(out, &g);
	return 0;
}
