/* Risk per asset, to rank what to fix first: exposure (open ports) x
 * weakness (vulnerable, unowned, forgotten, misplaced services) x
 * exploitation (known-exploited vulnerabilities, default credentials) x
 * suspicious traffic (the traffic rules). Each factor is 1 when nothing
 * speaks to it, so one strong factor alone still ranks. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "model/finding.h"
#include "model/resultset.h"

struct asset_risk {
	struct ipaddr ip;
	double risk; /* the product, rounded to one decimal */
	double exposure, weakness, exploitation, traffic;
	size_t findings;
	enum severity worst;
	size_t top; /* index of its first finding in the ranked list */
};

/* Exposure against use, per port: on how many live hosts it is open, and
 * on how many of those somebody used it in the usage window. */
struct port_exposure {
	uint16_t port;
	uint8_t proto;
	uint32_t open, used;
};

/* Ranks the assets that have findings (highest risk first) and reorders
 * fs: severity first, then the asset's risk, then the finding's score. */
size_t assets_rank(const struct resultset *rs, struct findings *fs, struct asset_risk **ret);
/* Which factor a rule feeds: 'w'eakness, 'x' exploitation, 't'raffic. */
char risk_factor_of(const char *rule);
