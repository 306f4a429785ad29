/* nmap's service probes as protocols of dormant's connection engine: one
 * proto_ops per nmap Probe (plain and inside TLS), made at run time from
 * the loaded database, so that nmap's probes run in the same epoll loop,
 * across hosts and ports at once, as dormant's own. A connection sends the
 * probe's payload, matches what comes back after every read and ends at the
 * first hard match; the plan, the per-port deadline and the precedence of
 * the result are services.c's and identify.c's. */
#include "probe/probe-nmap.h"
#include "probe/nmap-probes.h"
#include "base/util.h"
#include <stddef.h>
#include <string.h>

struct nmap_op {
	struct proto_ops ops; /* first: a pconn's ops pointer is the nmap_op's */
	const struct nmap_db *db;
	const struct nmap_probe *probe;
};

struct nmap_ops {
	const struct nmap_db *db;
	struct nmap_op *v; /* n_probes plain, then n_probes inside TLS */
	size_t n;
};

static const struct nmap_op *op_of(const struct pconn *c) { return (const struct nmap_op *)c->ops; }

static void nmap_start(struct pconn *c)
{
	const struct nmap_probe *p = op_of(c)->probe;
	if (p->payload_len) pconn_send(c, p->payload, p->payload_len);
}

/* c->step: 1 once a hard match was applied (finish has nothing to add). */
static int nmap_on_data(struct pconn *c)
{
	const struct nmap_op *o = op_of(c);
	struct nmap_result res;
	if (!nmap_db_match(o->db, o->probe, c->rbuf, c->rlen, &res) || res.soft) return PR_MORE;
	svc_nmap_result(c->svc, &res);
	c->step = 1;
	return PR_DONE;
}

static void nmap_finish(struct pconn *c, bool ok)
{
	const struct nmap_op *o = op_of(c);
	(void)ok;
	if (c->step || !c->rlen) return;
	struct nmap_result res;
	if (nmap_db_match(o->db, o->probe, c->rbuf, c->rlen, &res)) svc_nmap_result(c->svc, &res);
}

/* nmap's own wait for a probe (totalwaitms, else 5 s) is meant for the
 * internet; dormant stops at NMAP_PROBE_TIMEOUT, the per-port deadline
 * bounding the rest. */
static double probe_timeout(const struct nmap_probe *p)
{
	double t = p->totalwaitms ? p->totalwaitms / 1000.0 : 5.0;
	return t < NMAP_PROBE_TIMEOUT ? t : NMAP_PROBE_TIMEOUT;
}

struct nmap_ops *nmap_ops_new(const struct nmap_db *db)
{
	struct nmap_ops *s = xcalloc(1, sizeof(*s));
	s->db = db;
	s->n = db->n_probes;
	s->v = xcalloc(2 * s->n + 1, sizeof(*s->v));
	for (size_t k = 0; k < 2 * s->n; k++) {
		const struct nmap_probe *p = &db->probes[k % s->n];
		s->v[k] = (struct nmap_op){ .db = db, .probe = p };
		s->v[k].ops = (struct proto_ops){ .name = p->name,
						  .tls = k >= s->n,
						  .cap = SVC_RAW_MAX,
						  .timeout = probe_timeout(p),
						  .start = nmap_start,
						  .on_data = nmap_on_data,
						  .finish = nmap_finish };
	}
	return s;
}

void nmap_ops_free(struct nmap_ops *s)
{
	if (!s) return;
	free(s->v);
	free(s);
}

const struct proto_ops *nmap_ops_for(const struct nmap_ops *s, const struct nmap_probe *p, bool tls)
{
	size_t i = (size_t)(p - s->db->probes);
	return &s->v[i + (tls ? s->n : 0)].ops;
}

bool nmap_ops_is(const struct proto_ops *ops, const void *set)
{
	const struct nmap_ops *s = set;
	const struct nmap_op *o = (const struct nmap_op *)ops;
	return s && o >= s->v && o < s->v + 2 * s->n;
}

void svc_nmap_passive(struct svc *s, const struct nmap_db *db)
{
	struct nmap_result res;
	/* the banner wait is nmap's NULL probe; dormant's GET is nmap's GetRequest */
	if (s->banner_raw && db->null_probe &&
	    nmap_db_match(db, db->null_probe, s->banner_raw, s->banner_len, &res))
		svc_nmap_result(s, &res);
	const struct nmap_probe *get = nmap_db_probe(db, PROTO_TCP, "GetRequest");
	if (s->http_raw && get && nmap_db_match(db, get, s->http_raw, s->http_len, &res)) {
		/* an https port's match names "http" as nmap would under its ssl/ tunnel */
		svc_nmap_result(s, &res);
	}
}

size_t svc_nmap_plan(struct svc *s, const struct nmap_db *db, unsigned intensity, bool ssl,
		     size_t *ret_listed)
{
	const struct nmap_probe *all[SVC_NMAP_PLAN_MAX + 1];
	size_t n = nmap_db_plan(db, PROTO_TCP, s->out.port, ssl, intensity, NULL, all, ARRAY_SIZE(all));
	size_t k = 0, listed = 0;
	for (size_t i = 0; i < n && k < SVC_NMAP_PLAN_MAX; i++) {
		/* dormant's banner wait was the NULL probe; inside TLS nothing
		 * listened without speaking first, so there it stays */
		if (all[i] == db->null_probe && !ssl) continue;
		if (nmap_probe_has_port(all[i], s->out.port, ssl)) listed = k + 1;
		s->nplan[k++] = all[i];
	}
	s->n_nplan = (unsigned)k;
	s->nnext = 0;
	*ret_listed = listed;
	return k;
}
