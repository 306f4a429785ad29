/* edge_read() (edge.h): UPnP, NAT-PMP then PCP, and the checks both share on
 * where a gateway may be. */
#include "exposure/edge.h"
#include "base/log.h"
#include "base/timeutil.h"
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int edge_url_addr(const char *url, struct ipaddr *ret)
{
	if (!url || strncmp(url, "http://", 7)) return DM_EINPUT;
	const char *h = url + 7, *end;
	char host[IPADDR_STRLEN];
	if (*h == '[') {
		end = strchr(++h, ']');
	} else {
		end = h + strcspn(h, ":/?#");
	}
	if (!end || end == h || (size_t)(end - h) >= sizeof(host)) return DM_EINPUT;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = 0;
	return ipaddr_parse(host, ret) < 0 ? DM_EINPUT : 0;
}

uint16_t edge_closed_udp_port(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	uint16_t port = 0;
	if (s < 0) return 0;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(s, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(s);
	return port;
}

bool edge_addr_allowed(const struct edge_opts *o, const struct ipaddr *a)
{
	if (a->family == AF_INET) {
		for (size_t i = 0; i < ipv4_never_count; i++)
			if (a->v4 >= ipv4_never[i][0] && a->v4 <= ipv4_never[i][1]) return false;
		return o->allow_public || !ipv4_is_public(a->v4);
	}
	if (ipv6_is_never(&a->v6)) return false;
	return o->allow_public || !ipv6_is_public(&a->v6);
}

int edge_read(const struct edge_opts *o, struct edge_set *out, struct dm_err *e)
{
	int r = 0;
	out->read_at = now_real();
	if (o->upnp) r = edge_read_upnp(o, out, e);
	if (r == 0 && o->natpmp) r = edge_read_natpmp(o, out, e);
	if (r == 0 && o->pcp) r = edge_read_pcp(o, out, e);
	size_t n = out->n_maps;
	log_info("edge: %zu gateway%s answered, %zu port mapping%s", out->n_gws, out->n_gws == 1 ? "" : "s",
		 n, n == 1 ? "" : "s");
	return r;
}
