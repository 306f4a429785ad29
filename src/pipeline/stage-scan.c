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
#include "probe/ssh-hostkey.h"
#include "base/datadir.h"
#include "probe/pcre-util.h"
#include <pthread.h>
#include <string.h>

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

/* A port may answer several of the scan's requests (SNMP v2c, v1 and the
 * v3 discovery): an SNMPv3 Report names no more than the agent's engine ID,
 * which joins what an earlier reply named rather than replacing it. */
static void c_udp(void *ctx, const struct ipaddr *ip, uint16_t port, const uint8_t *data, size_t len)
{
	struct collect *c = ctx;
	struct obs_service sv;
	if (!c->fps || !services_identify_udp(c->fps, ip, port, data, len, &sv)) return;
	struct host_entry *he = resultset_host(c->rs, ip, false);
	struct obs_service *was = he ? (struct obs_service *)host_service(he, PROTO_UDP, port) : NULL;
	if (was && sv.snmp_engine[0] && !sv.banner[0] && was->banner[0])
		memcpy(was->snmp_engine, sv.snmp_engine, sizeof(sv.snmp_engine));
	else if (!was || sv.banner[0] || !was->banner[0])
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

/* The UDP ports open or open|filtered, with what the scan's replies said
 * of each (port 0: nothing). */
static struct service_target *udp_ports(const struct resultset *rs, struct obs_service **ret_known,
					size_t *ret_n)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++)
			n += rs->hosts[i].ports[j].proto == PROTO_UDP;
	struct service_target *t = xcalloc(n ? n : 1, sizeof(*t));
	struct obs_service *known = xcalloc(n ? n : 1, sizeof(*known));
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++) {
			const struct port_entry *p = &rs->hosts[i].ports[j];
			if (p->proto != PROTO_UDP) continue;
			const struct obs_service *sv = host_service(&rs->hosts[i], PROTO_UDP, p->port);
			if (sv) known[k] = *sv;
			t[k++] = (struct service_target){ rs->hosts[i].h.ip, p->port };
		}
	*ret_known = known;
	*ret_n = n;
	return t;
}

/* An open|filtered UDP port that answered nmap's probe is open. */
static void udp_answered(struct resultset *rs)
{
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++) {
			struct port_entry *p = &rs->hosts[i].ports[j];
			const struct obs_service *sv = host_service(&rs->hosts[i], PROTO_UDP, p->port);
			if (p->proto != PROTO_UDP || p->state != PORT_OPEN_FILTERED || !sv || !sv->source[0])
				continue;
			p->state = PORT_OPEN;
			p->reason = "udp-response";
		}
}

/* nmap's UDP probes on a thread of their own, beside the TCP probing: their
 * replies wait out seconds of their own, which would otherwise follow the
 * TCP identification's. The thread touches no result set: what it names
 * is kept here and added after the join. */
struct udp_job {
	struct services_config svc;
	struct obs_sink sink;
	struct service_target *t;
	struct obs_service *known, *found;
	size_t n, n_found;
};

static void udp_keep(void *ctx, const struct obs_service *s)
{
	struct udp_job *j = ctx;
	if (j->n_found < j->n) j->found[j->n_found++] = *s;
}

static void *udp_run(void *arg)
{
	struct udp_job *j = arg;
	services_probe_udp_nmap(&j->svc, j->known, j->t, j->n);
	pcre_util_thread_end();
	return NULL;
}

/* The host key of every SSH server identified (a key exchange each, no
 * login): identity that follows the machine to another address. */
static size_t ssh_keys(struct resultset *rs)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_svcs; j++)
			n += rs->hosts[i].svcs[j].proto == PROTO_TCP &&
			     !strcmp(rs->hosts[i].svcs[j].name, "ssh");
	if (!n) return 0;
	struct service_target *t = xcalloc(n, sizeof(*t));
	char(*fp)[SSH_KEY_FP_MAX] = xcalloc(n, sizeof(*fp));
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_svcs; j++) {
			const struct obs_service *s = &rs->hosts[i].svcs[j];
			if (s->proto == PROTO_TCP && !strcmp(s->name, "ssh"))
				t[k++] = (struct service_target){ s->ip, s->port };
		}
	ssh_host_keys(t, n, 3, 16, fp);
	k = 0;
	size_t got = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_svcs; j++) {
			struct obs_service *s = &rs->hosts[i].svcs[j];
			if (s->proto != PROTO_TCP || strcmp(s->name, "ssh")) continue;
			got += fp[k][0] != 0;
			memcpy(s->ssh_key, fp[k++], sizeof(s->ssh_key));
		}
	free(t);
	free(fp);
	return got;
}

void stage_identify(const struct identify_in *in, struct identify_out *out)
{
	struct collect col = { in->rs, in->fps };
	struct obs_sink sink;
	collect_sink(&col, &sink);
	struct service_target *tg = open_tcp(in->rs, &out->probed);
	struct services_config svc = { .fps = in->fps,
				       .wa = in->wa,
				       .own_dir = dm_data("fingerprints"),
				       .nmap = in->nmap,
				       .payloads = in->payloads,
				       .intensity = in->intensity,
				       .per_host = in->per_host ? in->per_host : 4,
				       .max_inflight = 2048,
				       .sink = &sink };
	double t0 = now_mono();
	/* UDP: nmap's probes to the ports the scan saw open or open|filtered */
	struct udp_job uj = { .svc = svc };
	pthread_t udp_thread;
	bool udp_threaded = false;
	if (in->nmap) {
		uj.t = udp_ports(in->rs, &uj.known, &uj.n);
		uj.found = xcalloc(uj.n ? uj.n : 1, sizeof(*uj.found));
		uj.sink = (struct obs_sink){ .ctx = &uj, .service = udp_keep };
		uj.svc.sink = &uj.sink;
		udp_threaded = uj.n && pthread_create(&udp_thread, NULL, udp_run, &uj) == 0;
	}
	services_probe_tcp(&svc, tg, out->probed);
	if (in->nmap) {
		if (udp_threaded)
			pthread_join(udp_thread, NULL);
		else
			services_probe_udp_nmap(&uj.svc, uj.known, uj.t, uj.n);
		for (size_t k = 0; k < uj.n_found; k++) resultset_add_service(in->rs, &uj.found[k]);
		udp_answered(in->rs);
		log_debug("%s: sent nmap's UDP probes to %zu ports", in->kind, uj.n);
		free(uj.t);
		free(uj.known);
		free(uj.found);
	}
	size_t keys = ssh_keys(in->rs);
	out->seconds = now_mono() - t0;
	log_debug("%s: identified %zu TCP services in %.2f s (%zu SSH host keys)", in->kind, out->probed,
		  out->seconds, keys);
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
