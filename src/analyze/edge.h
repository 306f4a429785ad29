/* The edge's port mappings judged (rules internet-exposed,
 * upnp-open-mapping, natpmp-open-mapping, pcp-open-mapping), and the raise they give every
 * other finding on a forwarded asset. */
#pragma once
#include "model/edge.h"
#include "model/finding.h"
#include "model/resultset.h"

/* One internet-exposed finding per inside service a mapping reaches (high
 * when the run saw that port open, medium when not, low when the mapping
 * is disabled), one upnp-/natpmp-/pcp-open-mapping finding per gateway that
 * accepted the test mapping. rs: the run's results (NULL: none). */
void edge_findings(const struct edge_set *es, struct resultset *rs, struct findings *fs, double now);
/* Every finding of another rule on an address an enabled mapping reaches
 * goes one severity up (a camera's default password, forwarded to the
 * internet, is critical), its evidence gaining "internet_exposed". Returns
 * how many were raised. Only fs->v[from...] are looked at. */
size_t edge_raise(const struct edge_set *es, struct findings *fs, size_t from);
