/* The names the network gives hosts (probe/names.h): PTR queries to a DNS
 * server and to each host's mDNS responder, up to 256 in flight, matched
 * to their answers by ID and by the address the answer names. */
#include "probe/names.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#define WINDOW 256
#define TRIES 2
#define MDNS_PORT 5353

struct slot {
	bool busy;
	size_t target;
	unsigned tries;
	double deadline;
};

/* One kind of question (DNS server or the hosts' responders) for every
 * address that wants it. */
struct ask {
	const struct names_ask *a;
	bool mdns;
	char (*out)[DNS_NAME_MAX];
	struct names_got *got;
	int fd4, fd6;
	uint16_t base; /* the IDs of the window's slots are base + slot */
	struct slot slot[WINDOW];
};

static bool wanted(const struct ask *k, size_t i)
{
	return k->mdns ? k->a->mdns && k->a->mdns[i] : k->a->server != NULL;
}

static const struct ipaddr *dest(const struct ask *k, size_t i, uint16_t *port)
{
	*port = k->mdns ? MDNS_PORT : k->a->server_port ? k->a->server_port : 53;
	return k->mdns ? &k->a->ip[i] : k->a->server;
}

static void send_one(struct ask *k, size_t s, double now)
{
	struct slot *sl = &k->slot[s];
	uint8_t q[512];
	uint16_t port;
	const struct ipaddr *to = dest(k, sl->target, &port);
	size_t len = dns_ptr_query(q, sizeof(q), (uint16_t)(k->base + s), &k->a->ip[sl->target], k->mdns);
	struct sockaddr_storage ss;
	unsigned sl_len = ipaddr_to_sockaddr(to, port, &ss);
	int fd = to->family == AF_INET ? k->fd4 : k->fd6;
	if (fd >= 0 && sendto(fd, q, len, 0, (struct sockaddr *)&ss, sl_len) == (ssize_t)len) k->got->sent++;
	sl->tries++;
	sl->deadline = now + (k->a->timeout > 0 ? k->a->timeout : 0.5);
}

static void take_answer(struct ask *k, const uint8_t *m, size_t len, const struct sockaddr_storage *from)
{
	size_t s = (uint16_t)(dns_msg_id(m, len) - k->base);
	if (s >= WINDOW || !k->slot[s].busy) return;
	struct slot *sl = &k->slot[s];
	struct ipaddr src;
	uint16_t port,
	    sport = ntohs(from->ss_family == AF_INET ? ((const struct sockaddr_in *)from)->sin_port
						     : ((const struct sockaddr_in6 *)from)->sin6_port);
	const struct ipaddr *want = dest(k, sl->target, &port);
	ipaddr_from_sockaddr(from, &src);
	if (ipaddr_cmp(&src, want) || sport != port) return; /* not whom it asked */
	char why[160];
	int r = dns_ptr_parse(m, len, (uint16_t)(k->base + s), &k->a->ip[sl->target], k->out[sl->target], why,
			      sizeof(why));
	if (r < 0) {
		k->got->malformed++;
		log_debug("names: %s", why); /* numbers only, no bytes of the answer */
	}
	if (r == 1) k->mdns ? k->got->mdns++ : k->got->ptr++;
	sl->busy = false;
}

static void drain(struct ask *k, int fd)
{
	uint8_t m[1500];
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, m, sizeof(m), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0) return;
		take_answer(k, m, (size_t)n, &from);
	}
}

static void run(struct ask *k)
{
	size_t next = 0, busy = 0;
	for (;;) {
		double now = now_mono();
		for (size_t s = 0; s < WINDOW; s++) { /* fill free slots, resend the late */
			struct slot *sl = &k->slot[s];
			if (sl->busy && now >= sl->deadline) {
				if (sl->tries < TRIES)
					send_one(k, s, now);
				else
					sl->busy = false, busy--;
			}
			while (!sl->busy && next < k->a->n && !wanted(k, next)) next++;
			if (!sl->busy && next < k->a->n) {
				*sl = (struct slot){ .busy = true, .target = next++ };
				busy++;
				send_one(k, s, now);
			}
		}
		if (!busy) return;
		struct pollfd p[2] = { { .fd = k->fd4, .events = POLLIN },
				       { .fd = k->fd6, .events = POLLIN } };
		if (poll(p, 2, 20) < 0 && errno != EINTR) return;
		for (int i = 0; i < 2; i++)
			if (p[i].fd >= 0 && p[i].revents & POLLIN) drain(k, p[i].fd);
		busy = 0;
		for (size_t s = 0; s < WINDOW; s++) busy += k->slot[s].busy;
	}
}

int names_lookup(const struct names_ask *a, char (*ptr)[DNS_NAME_MAX], char (*mdns)[DNS_NAME_MAX],
		 struct names_got *got, struct dm_err *e)
{
	*got = (struct names_got){ 0 };
	for (size_t i = 0; i < a->n; i++) ptr[i][0] = mdns[i][0] = '\0';
	int fd4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0),
	    fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd4 < 0 && fd6 < 0) return dm_fail(e, DM_ENOROUTE, "names: no UDP socket: %s", strerror(errno));
	uint8_t r[2] = { 0x5a, 0x17 };
	if (getrandom(r, sizeof(r), 0) != sizeof(r)) log_debug("names: no random query IDs");
	for (int m = 0; m < 2; m++) {
		struct ask *k = xcalloc(1, sizeof(*k));
		*k = (struct ask){
			.a = a, .mdns = m, .out = m ? mdns : ptr, .got = got, .fd4 = fd4, .fd6 = fd6
		};
		k->base = (uint16_t)((r[0] << 8 | r[1]) + m * 0x8000);
		run(k);
		free(k);
	}
	if (fd4 >= 0) close(fd4);
	if (fd6 >= 0) close(fd6);
	return 0;
}

int names_resolv_server(const char *path, struct ipaddr *out, struct dm_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
	char line[512], word[64];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, " nameserver %63s", word) == 1 && ipaddr_parse(word, out) == 0;
	fclose(f);
	return found ? 0 : dm_fail(e, DM_EINPUT, "%s: no nameserver line with an address", path);
}
