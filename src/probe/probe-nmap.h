/* nmap's service probes inside dormant's connection engine (probe-nmap.c):
 * the protocols made from a loaded nmap-service-probes, the matching of
 * what dormant's own probes heard, and a port's plan of nmap probes. */
#pragma once
#include "probe/services.h"

struct nmap_db;
struct nmap_probe;

/* One probe's wait at most, seconds (nmap's totalwaitms when shorter). */
#define NMAP_PROBE_TIMEOUT 2.5
/* A port's nmap probing ends this long after its first nmap probe. */
#define NMAP_PORT_BUDGET 8.0
/* A port one of dormant's protocols recognised gets this long of nmap's probes. */
#define NMAP_KNOWN_BUDGET 3.0
/* The probes listing an unknown port start this long after the banner wait. */
#define NMAP_LISTED_DELAY 0.5
/* nmap probes in flight or queued for one port at once. */
#define NMAP_PER_PORT 3

struct nmap_ops;
struct nmap_ops *nmap_ops_new(const struct nmap_db *db);
void nmap_ops_free(struct nmap_ops *s);
/* The protocol that sends probe p (inside TLS when tls). */
const struct proto_ops *nmap_ops_for(const struct nmap_ops *s, const struct nmap_probe *p, bool tls);
/* Whether ops is one of set's (a struct nmap_ops); the shape of conn_engine_cancel_if's predicate. */
bool nmap_ops_is(const struct proto_ops *ops, const void *set);

/* Matches the banner dormant heard against nmap's NULL probe and its HTTP
 * response against GetRequest, without a new connection. */
void svc_nmap_passive(struct svc *s, const struct nmap_db *db);
/* Fills s->nplan with the port's nmap probes (nmap_db_plan without the
 * NULL probe, which dormant's banner wait stands for); *ret_listed is how
 * many leading ones list the port in ports (sslports when ssl). */
size_t svc_nmap_plan(struct svc *s, const struct nmap_db *db, unsigned intensity, bool ssl,
		     size_t *ret_listed);
