/* The outside joined with the inside: each service a mapping platform
 * indexed on a public address, the register's asset behind that address
 * (its public_ip column), what the latest run identified on that asset and
 * port, and the vulnerabilities its external banner or CPE matches. A
 * service that nothing in the register explains, or that the inside does
 * not see open, is an external-only finding; what dormant itself reached
 * from outside (EXT_DORMANT) on an inside service no mapping forwards is
 * internet-exposed. */
#pragma once
#include "analyze/vuln-match.h"
#include "model/edge.h"
#include "model/external.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "model/resultset.h"

struct exposure_input {
	const struct ext_set *ext;
	const struct inventory *inv;
	struct resultset *rs; /* the latest run's results, NULL when there is none */
	int64_t run;
	struct vuln_matcher *m; /* NULL: no vulnerability data */
	const struct aliases *al;
	const struct edge_set *edge; /* the latest gateways' mappings; NULL: none read */
};

/* One row per (platform, address, port, transport), its latest
 * observation; rows sorted by address, port, platform. Findings are added
 * to fs. A store error of the matcher: its code, the sentence in e. */
int exposure_join(const struct exposure_input *in, struct exposure_rows *out, struct findings *fs,
		  struct dm_err *e);
