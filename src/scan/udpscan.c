/* UDP scan with IP_RECVERR for ICMP errors. */
#include "scan/udpscan.h"
#include "scan/udp-payloads.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/permute.h"
#include "net/ratelimit.h"
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_UDP_PROBES (1u << 24)

/* U_OPEN + k: open, k + 1 replies passed on (a port may answer each of
 * several requests: SNMP's v2c, v1 and v3 discovery) */
enum { U_NONE, U_CLOSED, U_FILTERED, U_OPEN };
#define MAX_REPLIES 4
static bool is_open(uint8_t st) { return st >= U_OPEN; }

struct us {
	const struct udpscan_config *c;
	uint8_t *state;
	uint64_t ntargets;
	struct udpscan_stats *st;
};

static bool index_of(const struct us *s, const struct sockaddr_storage *ss, uint64_t *ret)
{
	const struct udpscan_config *c = s->c;
	uint64_t t;
	uint16_t port;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		if (!rangeset_rank(c->v4, ntohl(a->sin_addr.s_addr), &t)) return false;
		port = ntohs(a->sin_port);
	} else {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		size_t i;
		for (i = 0; i < c->n_v6 && memcmp(&c->v6[i], &a->sin6_addr, 16); i++) {
		}
		if (i == c->n_v6) return false;
		t = c->v4->count + i;
		port = ntohs(a->sin6_port);
	}
	for (unsigned p = 0; p < c->nports; p++)
		if (c->ports[p] == port) {
			*ret = t * c->nports + p;
			return true;
		}
	return false;
}

static struct ipaddr addr_of(const struct us *s, uint64_t t)
{
	if (t < s->c->v4->count) return ipaddr_v4(rangeset_select(s->c->v4, t));
	return (struct ipaddr){ .family = AF_INET6, .v6 = s->c->v6[t - s->c->v4->count] };
}

static void emit(struct us *s, uint64_t idx, enum port_state st, const char *reason, uint8_t ttl)
{
	struct obs_port p = { .ip = addr_of(s, idx / s->c->nports),
			      .port = s->c->ports[idx % s->c->nports],
			      .proto = PROTO_UDP,
			      .state = st,
			      .reason = reason,
			      .ttl = ttl,
			      .ts = now_real() };
	s->c->sink->port(s->c->sink->ctx, &p);
}

static void drain(struct us *s, int fd)
{
	for (;;) {
		uint8_t data[4096], ctl[512];
		struct sockaddr_storage from;
		struct iovec iov = { data, sizeof(data) };
		struct msghdr m = {
			.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1
		};
		ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
		uint64_t idx;
		if (n >= 0) {
			if (index_of(s, &from, &idx) && s->state[idx] < U_OPEN + MAX_REPLIES - 1) {
				if (!is_open(s->state[idx])) {
					s->state[idx] = U_OPEN;
					s->st->open++;
					emit(s, idx, PORT_OPEN, "udp-response", 0);
				} else {
					s->state[idx]++;
				}
				if (s->c->sink->udp_reply) {
					struct ipaddr ip = addr_of(s, idx / s->c->nports);
					s->c->sink->udp_reply(s->c->sink->ctx, &ip,
							      s->c->ports[idx % s->c->nports], data,
							      (size_t)n);
				}
			}
			continue;
		}
		if (errno == EINTR) continue;
		/* ICMP errors wait in the error queue, addressed to what we sent. */
		m = (struct msghdr){ .msg_name = &from,
				     .msg_namelen = sizeof(from),
				     .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctl,
				     .msg_controllen = sizeof(ctl) };
		n = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0) return;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			if (!((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
			      (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
				continue;
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6) continue;
			if (!index_of(s, &from, &idx) || is_open(s->state[idx])) continue;
			bool closed = ee.ee_origin == SO_EE_ORIGIN_ICMP
					  ? ee.ee_type == ICMP_DEST_UNREACH && ee.ee_code == ICMP_PORT_UNREACH
					  : ee.ee_type == ICMP6_DST_UNREACH &&
						ee.ee_code == ICMP6_DST_UNREACH_NOPORT;
			uint8_t ns = closed ? U_CLOSED : U_FILTERED;
			if (s->state[idx] == ns) continue;
			s->state[idx] = ns;
			if (closed) s->st->closed++;
			emit(s, idx, closed ? PORT_CLOSED : PORT_FILTERED,
			     closed ? "port-unreach" : "host-unreach", 0);
		}
	}
}

static int make_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return -errno;
	int one = 1, buf = 4 << 20;
	if (family == AF_INET)
		setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	return fd;
}

int udpscan_run(const struct udpscan_config *c, struct udpscan_stats *st, struct dm_err *e)
{
	memset(st, 0, sizeof(*st));
	struct us s = { .c = c, .ntargets = c->v4->count + c->n_v6, .st = st };
	uint64_t space = s.ntargets * c->nports;
	if (space == 0) return 0;
	if (space > MAX_UDP_PROBES)
		return dm_fail(e, DM_ETOOBIG,
			       "UDP scan of %llu probes is too large; name fewer targets or UDP ports",
			       (unsigned long long)space);
	s.state = xcalloc(space, 1);
	int fd4 = make_socket(AF_INET), fd6 = c->n_v6 ? make_socket(AF_INET6) : -1, r = 0;
	if (fd4 < 0) {
		r = dm_fail(e, fd4, "UDP socket: %s", strerror(-fd4));
		goto out;
	}
	struct permutation pm;
	permutation_init(&pm, space, c->seed ^ 0x756470ULL, 0, 1);
	struct ratelimit rl;
	ratelimit_init(&rl, c->rate);
	for (unsigned pass = 0; pass <= c->retries; pass++) {
		struct perm_iter it;
		perm_iter_init(&it, &pm, 0);
		uint64_t idx;
		while (perm_iter_next(&it, &idx)) {
			if (s.state[idx] != U_NONE) continue;
			ratelimit_wait(&rl, 1);
			struct ipaddr ip = addr_of(&s, idx / c->nports);
			uint16_t port = c->ports[idx % c->nports];
			const struct udp_payload *pl = udp_payload_for(port);
			struct sockaddr_storage ss;
			socklen_t sl = ipaddr_to_sockaddr(&ip, port, &ss);
			int fd = ip.family == AF_INET ? fd4 : fd6;
			do {
				if (sendto(fd, pl ? pl->data : (const uint8_t *)"", pl ? pl->len : 0, 0,
					   (struct sockaddr *)&ss, sl) >= 0)
					st->sent++;
			} while (pl && (pl = udp_payload_next(pl)));
			ratelimit_sent(&rl, 1);
			drain(&s, fd4);
			if (fd6 >= 0) drain(&s, fd6);
		}
		double end = now_mono() + c->wait;
		while (now_mono() < end) {
			struct pollfd p[2] = { { fd4, POLLIN, 0 }, { fd6, POLLIN, 0 } };
			poll(p, fd6 >= 0 ? 2 : 1, 20);
			drain(&s, fd4);
			if (fd6 >= 0) drain(&s, fd6);
		}
	}
	for (uint64_t i = 0; i < space; i++)
		if (s.state[i] == U_NONE) {
			st->silent++;
			if (c->report_silent) emit(&s, i, PORT_OPEN_FILTERED, "no-response", 0);
		}
out:
	if (fd4 >= 0) close(fd4);
	if (fd6 >= 0) close(fd6);
	free(s.state);
	return r;
}
