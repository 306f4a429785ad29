/* NAT-PMP on the default gateway (edge.h) through libnatpmp: its public
 * address, and with test_mapping one short-lived mapping of a closed port,
 * deleted at once (NAT-PMP has no way to list the mappings others made).
 * libnatpmp retries for up to a minute; each request here waits natpmp_ms
 * at most. */
#include "exposure/edge.h"
#include "base/log.h"
#include "base/timeutil.h"
#include <arpa/inet.h>
#include <natpmp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The answer to the request just sent, or a libnatpmp error (timeout: NATPMP_TRYAGAIN). */
static int answer(natpmp_t *np, int wait_ms, natpmpresp_t *resp)
{
	double until = now_mono() + wait_ms / 1000.0;
	for (;;) {
		int r = readnatpmpresponseorretry(np, resp);
		if (r != NATPMP_TRYAGAIN) return r;
		double left = until - now_mono();
		if (left <= 0) return NATPMP_TRYAGAIN;
		struct timeval tv;
		int ms = (int)(left * 1000) + 1;
		if (getnatpmprequesttimeout(np, &tv) == 0) {
			long t = tv.tv_sec * 1000 + tv.tv_usec / 1000 + 1;
			if (t < ms) ms = (int)t;
		}
		struct pollfd p = { .fd = np->s, .events = POLLIN };
		poll(&p, 1, ms);
	}
}

static void test_mapping(natpmp_t *np, int wait_ms, struct edge_gateway *g)
{
	natpmpresp_t resp;
	uint16_t in = edge_closed_udp_port();
	if (!in) {
		snprintf(g->open_detail, sizeof(g->open_detail), "no closed port to map");
		return;
	}
	int r = sendnewportmappingrequest(np, NATPMP_PROTOCOL_UDP, in, in, 60);
	if (r >= 0) r = answer(np, wait_ms, &resp);
	if (r == NATPMP_TRYAGAIN) {
		snprintf(g->open_detail, sizeof(g->open_detail), "no answer to a mapping request for %u/UDP",
			 in);
		return;
	}
	if (r < 0) {
		g->open = EDGE_OPEN_REFUSED;
		snprintf(g->open_detail, sizeof(g->open_detail), "mapping request for %u/UDP refused (%d)",
			 in, r);
		return;
	}
	g->open = EDGE_OPEN_ACCEPTED;
	unsigned pub = resp.pnu.newportmapping.mappedpublicport, life = resp.pnu.newportmapping.lifetime;
	/* deletion: lifetime 0 for our private port (RFC 6886 3.4) */
	r = sendnewportmappingrequest(np, NATPMP_PROTOCOL_UDP, in, 0, 0);
	if (r >= 0) r = answer(np, wait_ms, &resp);
	snprintf(g->open_detail, sizeof(g->open_detail),
		 "mapping %u/UDP -> our port %u (lifetime %u s) granted without authentication; %s", pub, in,
		 life, r == 0 ? "deleted" : "NOT deleted");
	if (r != 0)
		log_warn("edge: NAT-PMP: the test mapping %u/UDP could not be deleted: it expires in %u s",
			 pub, life);
}

int edge_read_natpmp(const struct edge_opts *o, struct edge_set *out, struct dm_err *e)
{
	(void)e;
	natpmp_t np;
	natpmpresp_t resp;
	int wait_ms = o->natpmp_ms > 0 ? o->natpmp_ms : 2000;
	/* --gateway names the gateway: NAT-PMP asks that address, not the default route's */
	struct ipaddr named;
	bool forced = o->gateway_url && edge_url_addr(o->gateway_url, &named) == 0 && named.family == AF_INET;
	if (o->gateway_url && !forced) return 0;
	if (initnatpmp(&np, forced, forced ? htonl(named.v4) : 0) < 0) {
		log_info("edge: NAT-PMP: no default gateway to ask");
		return 0;
	}
	struct edge_gateway g = { .method = EDGE_NATPMP, .addr = ipaddr_v4(ntohl(np.gateway)) };
	if (!edge_addr_allowed(o, &g.addr)) {
		char a[IPADDR_STRLEN];
		ipaddr_fmt(&g.addr, a, sizeof(a));
		log_warn(
		    "edge: NAT-PMP: the default gateway %s is not a LAN address; not asked (--allow-public)",
		    a);
		closenatpmp(&np);
		return 0;
	}
	int r = sendpublicaddressrequest(&np);
	if (r >= 0) r = answer(&np, wait_ms, &resp);
	if (r == 0 && resp.type == NATPMP_RESPTYPE_PUBLICADDRESS) {
		g.has_public = true;
		g.public_ip = ipaddr_v4(ntohl(resp.pnu.publicaddress.addr.s_addr));
		if (o->test_mapping) test_mapping(&np, wait_ms, &g);
		edge_set_add_gateway(out, &g);
	} else {
		char a[IPADDR_STRLEN];
		ipaddr_fmt(&g.addr, a, sizeof(a));
		log_info("edge: NAT-PMP: %s did not answer (%d)", a, r);
	}
	closenatpmp(&np);
	return 0;
}
