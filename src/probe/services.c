/* Probing orchestration: a plan of protocols per port (the likely one
 * first, then the others in turn, so that services on non-standard ports
 * are recognised by what they speak), follow-ups once a protocol is known
 * (favicon, TLS versions), and one obs_service per port at the end. */
#include "probe/services.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <string.h>

static const uint16_t tls_ports[] = { 443, 8443, 9443, 4443, 10443, 7443, 8843, 5986, 2083, 2087, 2096 };
static const uint16_t http_ports[] = { 80, 8080, 8000, 8008, 8081, 8082, 8088, 8888, 81,   82,   83,   84,
				       85, 88,   8180, 8280, 9000, 9080, 9090, 7001, 5000, 3000, 10000 };
static const uint16_t rtsp_ports[] = { 554, 8554, 10554, 5554 };

static bool in(const uint16_t *v, size_t n, uint16_t p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p) return true;
	return false;
}

static void plan(struct svc *s, uint16_t port)
{
	const struct proto_ops *const *p;
	static const struct proto_ops *const tls[] = { &proto_https, &proto_banner, &proto_http, NULL };
	static const struct proto_ops *const http[] = { &proto_http, &proto_https, &proto_banner, NULL };
	static const struct proto_ops *const rtsp[] = { &proto_rtsp, &proto_banner, &proto_http, NULL };
	static const struct proto_ops *const mqtt[] = { &proto_mqtt, &proto_banner, &proto_http, NULL };
	static const struct proto_ops *const redis[] = { &proto_redis, &proto_banner, &proto_http, NULL };
	static const struct proto_ops *const other[] = { &proto_banner, &proto_http,  &proto_https,
							 &proto_rtsp,   &proto_redis, &proto_mqtt,
							 NULL };
	if (in(tls_ports, ARRAY_SIZE(tls_ports), port))
		p = tls;
	else if (in(http_ports, ARRAY_SIZE(http_ports), port))
		p = http;
	else if (in(rtsp_ports, ARRAY_SIZE(rtsp_ports), port))
		p = rtsp;
	else if (port == 1883)
		p = mqtt;
	else if (port == 6379)
		p = redis;
	else
		p = other;
	for (; *p && s->n_plan < SVC_PLAN_MAX; p++) s->plan[s->n_plan++] = *p;
}

struct run {
	struct conn_engine *ce;
	const struct services_config *cfg;
	struct svc *svcs;
	unsigned *pending; /* probes in flight or queued per svc */
	size_t n;
	bool *favicon_done;
	bool *settled; /* identified: the remaining plan probes were dropped */
};

static void add(struct run *r, size_t i, const struct proto_ops *ops, double timeout)
{
	r->pending[i]++;
	conn_engine_add(r->ce, &r->svcs[i], &r->svcs[i].out.ip, r->svcs[i].out.port, ops, timeout);
}

/* After a silent banner wait, client-first probes get this long to be answered. */
#define FANOUT_TIMEOUT 3.0

static void emit(struct run *r, size_t i)
{
	struct svc *s = &r->svcs[i];
	if (!s->out.name[0]) snprintf(s->out.name, sizeof(s->out.name), "unknown");
	s->out.ts = now_real();
	if (r->cfg->sink->service) r->cfg->sink->service(r->cfg->sink->ctx, &s->out);
}

static void on_done(void *ctx, struct svc *s, const struct proto_ops *ops, bool ok)
{
	struct run *r = ctx;
	size_t i = (size_t)(s - r->svcs);
	r->pending[i]--;
	if (s->identified && !r->settled[i]) {
		/* the first protocol that recognised it wins: stop the other guesses */
		r->settled[i] = true;
		r->pending[i] -= conn_engine_cancel(r->ce, s, s->plan, s->n_plan);
	}
	if (s->identified) {
		bool https = !strcmp(s->out.name, "https");
		if ((ops == &proto_http || ops == &proto_https) && ok && !r->favicon_done[i] &&
		    (https || !strcmp(s->out.name, "http"))) {
			r->favicon_done[i] = true;
			add(r, i, https ? &proto_favicon_tls : &proto_favicon, 0);
		}
		if ((ops == &proto_http || ops == &proto_https) && ok && s->follow[0] && !s->follow_done) {
			s->follow_done = true;
			add(r, i, https ? &proto_page_tls : &proto_page, 0);
		}
		if (s->out.tls.present && !s->tls_done) {
			s->tls_done = true;
			add(r, i, &proto_sslv3, 0);
			add(r, i, &proto_tls10, 0);
			add(r, i, &proto_tls11, 0);
			add(r, i, &proto_tls12, 0);
			add(r, i, &proto_tls13, 0);
		}
	} else if (ops == &proto_banner && s->silent) {
		/* Nothing spoke first: a client-first protocol. Ask them all at once
		 * rather than wait out each one's deadline in turn. */
		while (s->next < s->n_plan) add(r, i, s->plan[s->next++], FANOUT_TIMEOUT);
	} else if (s->next < s->n_plan) {
		add(r, i, s->plan[s->next++], 0);
	}
	if (r->pending[i] == 0) emit(r, i);
}

int services_probe_tcp(const struct services_config *c, const struct service_target *t, size_t n)
{
	if (!n) return 0;
	struct conn_engine_config cc = { .max_inflight = c->max_inflight,
					 .per_host = c->per_host,
					 .rate = c->rate };
	struct run r = { .ce = conn_engine_new(&cc), .cfg = c, .n = n };
	if (!r.ce) return -errno;
	r.svcs = xcalloc(n, sizeof(*r.svcs));
	r.pending = xcalloc(n, sizeof(*r.pending));
	r.favicon_done = xcalloc(n, sizeof(*r.favicon_done));
	r.settled = xcalloc(n, sizeof(*r.settled));
	for (size_t i = 0; i < n; i++) {
		struct svc *s = &r.svcs[i];
		s->fps = c->fps;
		s->wa = c->wa;
		s->out.ip = t[i].ip;
		s->out.port = t[i].port;
		s->out.proto = PROTO_TCP;
		if (c->web_path) {
			s->plan[s->n_plan++] = c->web_tls ? &proto_https : &proto_http;
			if (strcmp(c->web_path, "/"))
				snprintf(s->follow, sizeof(s->follow), "%s", c->web_path);
		} else {
			plan(s, t[i].port);
		}
		add(&r, i, s->plan[s->next++], 0);
	}
	conn_engine_run(r.ce, on_done, &r);
	struct conn_engine_stats cs;
	conn_engine_get_stats(r.ce, &cs);
	if (cs.socket_failed)
		log_warn("service probing: %llu probes failed, no socket: %s",
			 (unsigned long long)cs.socket_failed, strerror(cs.last_errno));
	conn_engine_free(r.ce);
	free(r.svcs);
	free(r.pending);
	free(r.favicon_done);
	free(r.settled);
	return 0;
}
