/* Probing orchestration: a plan of protocols per port (the likely one
 * first, then the others in turn, so that services on non-standard ports
 * are recognised by what they speak), follow-ups once a protocol is known
 * (favicon, TLS versions), and one obs_service per port at the end. */
#include "probe/services.h"
#include "probe/nmap-probes.h"
#include "probe/probe-nmap.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
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
	s->generic_port = p == other;
	for (; *p && s->n_plan < SVC_PLAN_MAX; p++) s->plan[s->n_plan++] = *p;
}

struct run {
	struct conn_engine *ce;
	const struct services_config *cfg;
	struct svc *svcs;
	unsigned *pending; /* probes in flight or queued per svc */
	size_t n;
	bool *favicon_done;
	bool *settled;         /* identified: the remaining plan probes were dropped */
	struct nmap_ops *nops; /* NULL: no nmap database */
	double budget;         /* seconds of nmap probing per port */
};

static void add(struct run *r, size_t i, const struct proto_ops *ops, double timeout)
{
	r->pending[i]++;
	conn_engine_add(r->ce, &r->svcs[i], &r->svcs[i].out.ip, r->svcs[i].out.port, ops, timeout);
}

/* After a silent banner wait, client-first probes get this long to be answered. */
#define FANOUT_TIMEOUT 3.0
/* A probe unanswered this long stops counting against the host's limit (it
 * listens on to its deadline): silent ports no longer queue the host's others. */
#define PROBE_IDLE_AFTER 0.5

static void emit(struct run *r, size_t i)
{
	struct svc *s = &r->svcs[i];
	if (!s->out.name[0]) snprintf(s->out.name, sizeof(s->out.name), "unknown");
	s->out.ts = now_real();
	if (r->cfg->sink->service) r->cfg->sink->service(r->cfg->sink->ctx, &s->out);
}

/* Whether nmap's probes may still name something: no hard match yet and no
 * database of higher rank named the product. */
static bool nmap_wanted(const struct run *r, const struct svc *s)
{
	return r->nops && !s->nmap_hard && !s->wrapped &&
	       (s->rank < RANK_RECOG || (s->rank == RANK_NMAP && !s->out.version[0]));
}

/* A softmatch (or a match without version) named the service: the rest of
 * the plan becomes every probe that can name it, whatever its rarity, as
 * nmap does, less those already sent. */
static void narrow(struct run *r, struct svc *s)
{
	const struct nmap_probe *sent[SVC_NMAP_PLAN_MAX], *next[SVC_NMAP_PLAN_MAX];
	unsigned n_sent = s->nnext, k = 0;
	memcpy(sent, s->nplan, n_sent * sizeof(*sent));
	size_t n = nmap_db_plan(r->cfg->nmap, PROTO_TCP, s->out.port, s->nmap_ssl, r->cfg->intensity,
				s->nmap_soft, next, ARRAY_SIZE(next));
	for (size_t j = 0; j < n; j++) {
		bool dup = next[j] == r->cfg->nmap->null_probe;
		for (unsigned x = 0; x < n_sent && !dup; x++) dup = sent[x] == next[j];
		if (!dup) s->nplan[k++] = next[j];
	}
	s->n_nplan = s->n_nlisted = k;
	s->nnext = 0;
	s->nmap_narrowed = true;
}

/* Keeps NMAP_PER_PORT of the port's planned nmap probes in flight, in plan
 * order, until a hard match, the end of the plan or the port's deadline.
 * Before nmap_all only the probes that list the port go. */
static void nmap_pump(struct run *r, size_t i)
{
	struct svc *s = &r->svcs[i];
	if (!nmap_wanted(r, s)) return;
	if (s->nmap_soft[0] && !s->nmap_narrowed) narrow(r, s);
	unsigned lim = s->nmap_all ? s->n_nplan : s->n_nlisted;
	if (s->nnext >= lim) return;
	double now = now_mono();
	if (!s->nmap_started) {
		s->nmap_started = true;
		s->nmap_deadline = now + r->budget;
	}
	if (now >= s->nmap_deadline) return;
	while (s->ninflight < NMAP_PER_PORT && s->nnext < lim) {
		const struct nmap_probe *p = s->nplan[s->nnext++];
		/* after a softmatch, only probes that can name that service (nmap's rule) */
		if (s->nmap_soft[0] && r->cfg->intensity < 9 && !nmap_probe_can_name(p, s->nmap_soft))
			continue;
		s->ninflight++;
		r->pending[i]++;
		conn_engine_add_window(r->ce, s, &s->out.ip, s->out.port,
				       nmap_ops_for(r->nops, p, s->nmap_ssl), 0, s->nmap_after,
				       s->nmap_deadline);
	}
}

/* The port speaks TLS (an nmap match said "ssl", or dormant's TLS probe
 * got through): nmap's probes still planned in the clear stop, and the
 * plan for the port inside TLS (the NULL probe first: a server that speaks
 * first in the tunnel, IMAP behind stunnel) takes their place. */
static void nmap_to_tls(struct run *r, size_t i)
{
	struct svc *s = &r->svcs[i];
	size_t listed;
	unsigned d = conn_engine_cancel_if(r->ce, s, nmap_ops_is, r->nops);
	r->pending[i] -= d;
	s->ninflight -= d;
	s->nmap_ssl = true;
	svc_nmap_plan(s, r->cfg->nmap, r->cfg->intensity, true, &listed);
	s->n_nlisted = (unsigned)listed;
	if (!strcmp(s->nmap_soft, "ssl")) s->nmap_soft[0] = 0;
	s->nmap_narrowed = false;
	if (!s->identified || !strcmp(s->out.name, "ssl/unknown")) s->nmap_all = true;
	/* the tunnel's probes get a while of their own, not what the clear ones left */
	double end = now_mono() + NMAP_KNOWN_BUDGET;
	if (s->nmap_started && end > s->nmap_deadline) s->nmap_deadline = end;
}

/* Dormant's own probes are done and named no product: what they heard is
 * matched against nmap's database; a port no protocol of dormant's
 * recognised (or TLS with something unknown inside) then gets nmap's plan
 * for it, inside TLS when it spoke TLS. */
static void nmap_phase(struct run *r, size_t i)
{
	struct svc *s = &r->svcs[i];
	if (!r->nops) return;
	if (!s->nmap_all) svc_nmap_passive(s, r->cfg->nmap);
	if (!nmap_wanted(r, s)) return;
	/* a protocol of dormant's spoke with it (telnet, rtsp, imap without a
	 * product): only the probes that list the port, for a short while */
	if (s->identified && strcmp(s->out.name, "ssl/unknown") && !s->nmap_started) {
		s->nmap_started = true;
		s->nmap_deadline = now_mono() + NMAP_KNOWN_BUDGET;
	}
	if ((s->out.tls.present || s->nmap_said_ssl) && !s->nmap_ssl) nmap_to_tls(r, i);
	if (!s->identified || !strcmp(s->out.name, "ssl/unknown")) s->nmap_all = true;
	nmap_pump(r, i);
}

/* The port is named: the planned probes of other protocols stop (and the
 * banner wait too unless keep_banner); dormant's own probe of the named
 * protocol goes on. The port is settled. */
static void drop_other_guesses(struct run *r, size_t i, bool keep_banner)
{
	struct svc *s = &r->svcs[i];
	const struct proto_ops *drop[SVC_PLAN_MAX];
	size_t nd = 0;
	for (unsigned k = 0; k < s->n_plan; k++)
		if (strcmp(s->plan[k]->name, s->out.name) && !(keep_banner && s->plan[k] == &proto_banner))
			drop[nd++] = s->plan[k];
	r->settled[i] = true;
	r->pending[i] -= conn_engine_cancel(r->ce, s, drop, nd);
}

static void on_done(void *ctx, struct svc *s, const struct proto_ops *ops, bool ok)
{
	struct run *r = ctx;
	size_t i = (size_t)(s - r->svcs);
	r->pending[i]--;
	bool nmap_op = nmap_ops_is(ops, r->nops);
	if (nmap_op) s->ninflight--;
	if (s->nmap_hard && s->ninflight) {
		/* named: the port's other nmap probes stop */
		unsigned d = conn_engine_cancel_if(r->ce, s, nmap_ops_is, r->nops);
		r->pending[i] -= d;
		s->ninflight -= d;
	}
	if (ops == &proto_banner && s->wrapped && !s->identified) {
		/* accepted, then closed without a word (TCP wrappers, an address
		 * filter): nmap's tcpwrapped; no probe will be told more */
		snprintf(s->out.name, sizeof(s->out.name), "tcpwrapped");
		s->identified = true;
		unsigned d = conn_engine_cancel_if(r->ce, s, nmap_ops_is, r->nops);
		r->pending[i] -= d;
		s->ninflight -= d;
		s->next = s->n_plan;
	}
	if (ops == &proto_banner && s->identified && s->rank >= RANK_RECOG && s->ninflight &&
	    !s->nmap_payload_hit) {
		/* the banner named the product: nmap's probes still waiting for
		 * their start are not needed (and cost the server a connection) */
		unsigned d = conn_engine_cancel_if(r->ce, s, nmap_ops_is, r->nops);
		r->pending[i] -= d;
		s->ninflight -= d;
	}
	if (ops == &proto_banner && s->identified && s->generic_port && !s->silent)
		s->nmap_all = false; /* it greeted: only the probes listing the port go on */
	if (ops == &proto_banner && s->identified && s->nmap_started) {
		/* the banner named the protocol but no product: the probes listing
		 * the port get a short while more, not the whole budget (telnet) */
		double end = now_mono() + NMAP_KNOWN_BUDGET;
		if (end < s->nmap_deadline) s->nmap_deadline = end;
	}
	if (s->nmap_payload_hit && !r->settled[i]) {
		/* nmap's probe was answered in its protocol: the banner wait and
		 * dormant's other guesses have nothing to add, but dormant's own
		 * probe of the protocol nmap named goes on (on an odd port nmap's
		 * GetRequest can answer first; dormant's http probe still reads
		 * the page, its favicon and its web applications) */
		drop_other_guesses(r, i, false);
		/* not started yet (nmap's plan runs beside the banner wait): start it */
		for (unsigned k = s->next; k < s->n_plan; k++)
			if (!strcmp(s->plan[k]->name, s->out.name)) add(r, i, s->plan[k], FANOUT_TIMEOUT);
		s->next = s->n_plan;
	}
	if (s->identified && !r->settled[i]) {
		/* the first protocol that recognised it wins: stop the other guesses,
		 * but not dormant's own probe of that protocol, which may still be
		 * on its way to the product (nmap's mqtt match before $SYS answers),
		 * nor the banner wait: a greeting slower than nmap's first answer
		 * (sshd's, through a probe's NULL fallback) still meets dormant's
		 * own fingerprints, which rank above nmap's */
		drop_other_guesses(r, i, true);
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
			add(r, i, &proto_weak_null, 0);
			add(r, i, &proto_weak_anon, 0);
			add(r, i, &proto_weak_rc4, 0);
			add(r, i, &proto_weak_3des, 0);
			add(r, i, &proto_weak_export, 0);
		}
	} else if (ops == &proto_banner && s->silent) {
		/* Nothing spoke first: a client-first protocol. Ask them all at once
		 * rather than wait out each one's deadline in turn, nmap's too. */
		while (s->next < s->n_plan) add(r, i, s->plan[s->next++], FANOUT_TIMEOUT);
		s->nmap_all = true;
	} else if (s->next < s->n_plan && !nmap_op) {
		add(r, i, s->plan[s->next++], 0);
	}
	if (s->nmap_said_ssl && !s->nmap_ssl && nmap_wanted(r, s)) nmap_to_tls(r, i);
	if (s->nmap_started || s->nmap_all) nmap_pump(r, i);
	if (r->pending[i] == 0) nmap_phase(r, i);
	if (r->pending[i] == 0) emit(r, i);
}

int services_probe_tcp(const struct services_config *c, const struct service_target *t, size_t n)
{
	if (!n) return 0;
	struct conn_engine_config cc = { .max_inflight = c->max_inflight,
					 .per_host = c->per_host,
					 .rate = c->rate,
					 .idle_after = PROBE_IDLE_AFTER };
	struct run r = { .ce = conn_engine_new(&cc), .cfg = c, .n = n };
	if (!r.ce) return -errno;
	r.svcs = xcalloc(n, sizeof(*r.svcs));
	r.pending = xcalloc(n, sizeof(*r.pending));
	r.favicon_done = xcalloc(n, sizeof(*r.favicon_done));
	r.settled = xcalloc(n, sizeof(*r.settled));
	r.budget = c->nmap_port_budget > 0 ? c->nmap_port_budget : NMAP_PORT_BUDGET;
	if (c->nmap) r.nops = nmap_ops_new(c->nmap);
	for (size_t i = 0; i < n; i++) {
		struct svc *s = &r.svcs[i];
		s->fps = c->fps;
		s->wa = c->wa;
		s->own_dir = c->own_dir;
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
		if (!r.nops || nmap_db_excludes(c->nmap, PROTO_TCP, t[i].port)) continue;
		size_t listed;
		svc_nmap_plan(s, c->nmap, c->intensity, false, &listed);
		s->n_nlisted = (unsigned)listed;
		/* a port no protocol of dormant's expects: nmap's plan for it (the
		 * probes listing it first, DNS on 53, memcached on 11211, then by
		 * rarity) goes at once, beside the banner wait, which listens on:
		 * a silent port no longer waits out the banner before the rest */
		if (s->generic_port) {
			/* ... but not before the banner had time to come: a server that
			 * speaks first (FTP with a per-address limit) sees one client */
			s->nmap_after = now_mono() + NMAP_LISTED_DELAY;
			s->nmap_all = true;
			nmap_pump(&r, i);
		}
	}
	conn_engine_run(r.ce, on_done, &r);
	struct conn_engine_stats cs;
	conn_engine_get_stats(r.ce, &cs);
	if (cs.socket_failed)
		log_warn("service probing: %llu probes failed, no socket: %s",
			 (unsigned long long)cs.socket_failed, strerror(cs.last_errno));
	conn_engine_free(r.ce);
	nmap_ops_free(r.nops);
	for (size_t i = 0; i < n; i++) {
		free(r.svcs[i].banner_raw);
		free(r.svcs[i].http_raw);
	}
	free(r.svcs);
	free(r.pending);
	free(r.favicon_done);
	free(r.settled);
	return 0;
}
