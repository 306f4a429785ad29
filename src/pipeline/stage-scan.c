/* The observing stages: discover and scan (one pass of the scanner),
 * identify (service probes on the open TCP ports) and enrich (MAC vendors,
 * order). Each adds to the one result set the run reports and saves. */
#include "pipeline/stages.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/oui.h"
#include "net/route.h"
#include "probe/services.h"

static void c_host(void *ctx, const struct obs_host *h)
{
	resultset_add_host(((struct collect *)ctx)->rs, h);
}
static void c_port(void *ctx, const struct obs_port *p)
{
	resultset_add_port(((struct collect *)ctx)->rs, p);
}
static void c_service(void *ctx, const struct obs_service *s)
{
	resultset_add_service(((struct collect *)ctx)->rs, s);
}

static void c_udp(void *ctx, const struct ipaddr *ip, uint16_t port, const uint8_t *data, size_t len)
{
	struct collect *c = ctx;
	struct obs_service sv;
	if (c->fps && services_identify_udp(c->fps, ip, port, data, len, &sv))
		resultset_add_service(c->rs, &sv);
}

void collect_sink(struct collect *c, struct obs_sink *ret)
{
	*ret = (struct obs_sink){ c, c_host, c_port, c_service, c_udp };
}

int stage_scan(const struct scan_in *in, struct scan_out *out, struct dm_err *e)
{
	struct collect col = { in->rs, in->fps };
	struct obs_sink sink;
	collect_sink(&col, &sink);
	out->start = now_real();
	return scan_execute(in->sc, &sink, &out->sum, e);
}

/* Every open TCP port of the result set, for the service probes. */
static struct service_target *open_tcp(const struct resultset *rs, size_t *ret_n)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++)
			n += rs->hosts[i].ports[j].proto == PROTO_TCP &&
			     rs->hosts[i].ports[j].state == PORT_OPEN;
	struct service_target *t = xcalloc(n ? n : 1, sizeof(*t));
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++)
			if (rs->hosts[i].ports[j].proto == PROTO_TCP &&
			    rs->hosts[i].ports[j].state == PORT_OPEN)
				t[k++] =
				    (struct service_target){ rs->hosts[i].h.ip, rs->hosts[i].ports[j].port };
	*ret_n = n;
	return t;
}

void stage_identify(const struct identify_in *in, struct identify_out *out)
{
	struct collect col = { in->rs, in->fps };
	struct obs_sink sink;
	collect_sink(&col, &sink);
	struct service_target *tg = open_tcp(in->rs, &out->probed);
	struct services_config svc = { .fps = in->fps,
				       .wa = in->wa,
				       .per_host = in->per_host ? in->per_host : 4,
				       .max_inflight = 2048,
				       .sink = &sink };
	double t0 = now_mono();
	services_probe_tcp(&svc, tg, out->probed);
	out->seconds = now_mono() - t0;
	log_debug("%s: identified %zu TCP services in %.2f s", in->kind, out->probed, out->seconds);
	free(tg);
}

void stage_enrich(const struct enrich_in *in, struct enrich_out *out)
{
	struct resultset *rs = in->rs;
	struct oui_db oui;
	struct dm_err oe = { "" };
	out->vendors = 0;
	if (oui_load(&oui, OUI_DEFAULT_PATH, &oe) == 0) {
		for (size_t i = 0; i < rs->n_hosts; i++) {
			const char *v = rs->hosts[i].h.has_mac ? oui_vendor(&oui, rs->hosts[i].h.mac) : NULL;
			if (!v) continue;
			snprintf(rs->hosts[i].vendor, sizeof(rs->hosts[i].vendor), "%s", v);
			out->vendors++;
		}
		oui_release(&oui);
	} else {
		log_debug("%s: no MAC vendors: %s", in->kind, oe.msg);
	}
	resultset_sort(rs);
}

struct ipaddr scan_vantage(const struct scan_summary *sum, const struct targets *t)
{
	struct ipaddr a = { 0 };
	struct route_info rt;
	struct dm_err e = { "" };
	uint32_t src = sum->src;
	if (!src && t->v4.n && route_lookup_v4(t->v4.r[0].lo, &rt, &e) == 0) src = rt.src;
	if (src) a = (struct ipaddr){ .family = AF_INET, .v4 = src };
	return a;
}
