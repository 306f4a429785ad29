/* UPnP IGDs (edge.h): SSDP search through libminiupnpc (or the root
 * description named by --gateway), each IGD's WANIPConnection or
 * WANPPPConnection services (v1 and v2), their external address, and the
 * mapping table read entry by entry (GetGenericPortMappingEntry) until the
 * gateway says the index is past the end, or EDGE_MAX_MAPS. */
#include "exposure/edge.h"
#include "base/log.h"
#include "base/util.h"
#include <arpa/inet.h>
#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* "urn:schemas-upnp-org:service:WANIPConnection:2" -> "WANIPConnection:2" */
static const char *short_type(const char *t)
{
	const char *p = strstr(t, ":service:");
	return p ? p + 9 : t;
}

static void read_table(struct edge_set *out, size_t gi, const char *ctl, const char *type)
{
	struct edge_gateway *g = &out->gws[gi];
	char bad[160] = "";
	size_t skipped = 0;
	for (unsigned i = 0;; i++) {
		if (i >= EDGE_MAX_MAPS) {
			out->gws[gi].truncated = true;
			log_warn("edge: %s: more than %d mappings; the rest is not read", g->url,
				 EDGE_MAX_MAPS);
			break;
		}
		char idx[16], ext[8] = "", client[16] = "", iport[8] = "", proto[4] = "", desc[80] = "",
			      en[4] = "", rhost[64] = "", dur[16] = "";
		snprintf(idx, sizeof(idx), "%u", i);
		int r = UPNP_GetGenericPortMappingEntry(ctl, type, idx, ext, client, iport, proto, desc, en,
							rhost, dur);
		if (r != UPNPCOMMAND_SUCCESS) break; /* 713: past the end (or the gateway gave up) */
		struct edge_map m;
		char why[96];
		if (edge_map_from_strings(ext, client, iport, proto, desc, en, rhost, dur, &m, why,
					  sizeof(why)) < 0) {
			if (!skipped++) snprintf(bad, sizeof(bad), "entry %u: %s", i, why);
			continue;
		}
		m.gw = gi;
		edge_set_add_map(out, &m);
		out->gws[gi].n_maps++;
	}
	if (skipped)
		log_warn("edge: %s: %zu entr%s skipped (%s)", out->gws[gi].url, skipped,
			 skipped == 1 ? "y" : "ies", bad);
}

/* A closed TCP port of ours on the LAN address: bound, then closed. */
static uint16_t closed_port(const char *lanaddr)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	uint16_t port = 0;
	if (s < 0) return 0;
	if (inet_pton(AF_INET, lanaddr, &sa.sin_addr) == 1 &&
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(s, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static bool ext_port_taken(const struct edge_set *out, size_t gi, uint16_t port)
{
	for (size_t i = 0; i < out->n_maps; i++)
		if (out->maps[i].gw == gi && out->maps[i].ext_port == port && out->maps[i].proto == PROTO_TCP)
			return true;
	return false;
}

/* Adds a 60-second mapping of a closed port of ours and deletes it at once. */
static void test_mapping(struct edge_set *out, size_t gi, const char *ctl, const char *type,
			 const char *lanaddr)
{
	struct edge_gateway *g = &out->gws[gi];
	uint16_t in = closed_port(lanaddr), ext = (uint16_t)(49152 + (in % 16000));
	while (ext_port_taken(out, gi, ext)) ext++;
	if (!in) {
		snprintf(g->open_detail, sizeof(g->open_detail), "no closed port of %s to map", lanaddr);
		return;
	}
	char es[8], is[8];
	snprintf(es, sizeof(es), "%u", ext);
	snprintf(is, sizeof(is), "%u", in);
	const char *lease = "60";
	int r = UPNP_AddPortMapping(ctl, type, es, is, lanaddr, "dormant mapping test", "TCP", NULL, lease);
	if (r == 725) { /* OnlyPermanentLeasesSupported: asked again, and deleted as fast */
		lease = "0";
		r = UPNP_AddPortMapping(ctl, type, es, is, lanaddr, "dormant mapping test", "TCP", NULL,
					lease);
	}
	if (r != UPNPCOMMAND_SUCCESS) {
		g->open = EDGE_OPEN_REFUSED;
		snprintf(g->open_detail, sizeof(g->open_detail),
			 "AddPortMapping %s/TCP -> %s:%s refused: %d %s", es, lanaddr, is, r,
			 strupnperror(r) ? strupnperror(r) : "");
		return;
	}
	g->open = EDGE_OPEN_ACCEPTED;
	int d = UPNP_DeletePortMapping(ctl, type, es, "TCP", NULL);
	snprintf(g->open_detail, sizeof(g->open_detail),
		 "AddPortMapping %s/TCP -> %s:%s (lease %s s) accepted without authentication; %s", es,
		 lanaddr, is, lease, d == UPNPCOMMAND_SUCCESS ? "deleted" : "NOT deleted");
	if (d != UPNPCOMMAND_SUCCESS)
		log_warn("edge: %s: the test mapping %s/TCP could not be deleted (%d): it expires in %s s",
			 g->url, es, d, lease);
}

/* One IGD's connection service: its gateway row, address and table. */
static void read_service(const struct edge_opts *o, struct edge_set *out, const char *ctl, const char *type,
			 const char *lanaddr, const struct ipaddr *addr)
{
	struct edge_gateway g = { .method = EDGE_UPNP, .addr = *addr };
	char ext[16] = "";
	snprintf(g.url, sizeof(g.url), "%s", ctl);
	snprintf(g.service, sizeof(g.service), "%s", short_type(type));
	if (UPNP_GetExternalIPAddress(ctl, type, ext) == UPNPCOMMAND_SUCCESS &&
	    ipaddr_parse(ext, &g.public_ip) == 0)
		g.has_public = true;
	size_t gi = edge_set_add_gateway(out, &g);
	read_table(out, gi, ctl, type);
	if (o->test_mapping) test_mapping(out, gi, ctl, type, lanaddr);
}

/* "http://a:p/x" + "/ctl" -> "http://a:p/ctl" (a service's relative control URL). */
static void absolute(const char *base, const char *path, char *out, size_t n)
{
	if (!strncmp(path, "http://", 7)) {
		snprintf(out, n, "%s", path);
		return;
	}
	const char *host = base + 7, *slash = strchr(host, '/');
	int hl = slash ? (int)(slash - base) : (int)strlen(base);
	snprintf(out, n, "%.*s%s%s", hl, base, *path == '/' ? "" : "/", path);
}

/* One IGD by its root description URL. */
static int read_igd(const struct edge_opts *o, struct edge_set *out, const char *desc_url, bool named,
		    struct dm_err *e)
{
	struct ipaddr a, c;
	if (edge_url_addr(desc_url, &a) < 0 || !edge_addr_allowed(o, &a)) {
		if (named)
			return dm_fail(e, DM_EINPUT,
				       "--gateway %s: expected http://ADDRESS[:PORT]/PATH with a LAN address "
				       "(public ones need --allow-public)",
				       desc_url);
		log_warn("edge: an SSDP answer names %s: not a LAN address, not asked", desc_url);
		return 0;
	}
	struct UPNPUrls urls = { 0 };
	struct IGDdatas data;
	char lanaddr[64] = "";
	memset(&data, 0, sizeof(data));
	if (!UPNP_GetIGDFromUrl(desc_url, &urls, &data, lanaddr, sizeof(lanaddr)) || !urls.controlURL) {
		log_warn("edge: %s: no internet gateway description there", desc_url);
		FreeUPNPUrls(&urls);
		return 0;
	}
	/* the control URL comes from the device: it must be on the same address */
	if (edge_url_addr(urls.controlURL, &c) < 0 || ipaddr_cmp(&a, &c)) {
		log_warn("edge: %s: its control URL points elsewhere; not asked", desc_url);
		FreeUPNPUrls(&urls);
		return 0;
	}
	if (data.first.servicetype[0])
		read_service(o, out, urls.controlURL, data.first.servicetype, lanaddr, &a);
	if (data.second.servicetype[0] && data.second.controlurl[0]) {
		char ctl2[MINIUPNPC_URL_MAXSIZE + 64];
		absolute(urls.controlURL, data.second.controlurl, ctl2, sizeof(ctl2));
		if (edge_url_addr(ctl2, &c) == 0 && !ipaddr_cmp(&a, &c))
			read_service(o, out, ctl2, data.second.servicetype, lanaddr, &a);
	}
	FreeUPNPUrls(&urls);
	return 0;
}

int edge_read_upnp(const struct edge_opts *o, struct edge_set *out, struct dm_err *e)
{
	if (o->gateway_url) return read_igd(o, out, o->gateway_url, true, e);
	int err = 0;
	/* SSDP's M-SEARCH goes to the link's multicast group (TTL 2): the one
	 * multicast dormant sends, asked for by --upnp */
	struct UPNPDev *devs = upnpDiscover(o->discover_ms > 0 ? o->discover_ms : 2000, o->iface, NULL,
					    UPNP_LOCAL_PORT_ANY, 0, 2, &err);
	if (!devs) log_info("edge: no UPnP device answered the SSDP search (%d)", err);
	int r = 0;
	char **seen = NULL;
	size_t n_seen = 0;
	for (struct UPNPDev *d = devs; d && r == 0; d = d->pNext) {
		if (!d->descURL || (d->st && !strstr(d->st, "InternetGatewayDevice") &&
				    !strstr(d->st, "WANIP") && !strstr(d->st, "WANPPP")))
			continue;
		bool dup = false;
		for (size_t i = 0; i < n_seen; i++) dup |= !strcmp(seen[i], d->descURL);
		if (dup || n_seen >= 16) continue;
		seen = xrealloc(seen, (n_seen + 1) * sizeof(*seen));
		seen[n_seen++] = d->descURL;
		r = read_igd(o, out, d->descURL, false, e);
	}
	free(seen);
	freeUPNPDevlist(devs);
	return r;
}
