/* Asking the network's own devices (docs/ARCHITECTURE.md, "Network
 * devices"): the configured devices walked one after another, and what an
 * audit or `dormant netdev` does with their tables. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "model/netdev.h"
#include "net/targets.h"

/* Walks every device of c (only the one named `only`, when set). A device
 * whose address is public needs allow_public. Returns the results (one per
 * device asked, in order; the caller releases each and frees the array) or
 * DM_EINPUT when `only` names none or an address is refused. Devices that
 * failed or stopped mid-walk are in the results with their error. */
int netdev_collect(const struct netdev_confs *c, const char *only, bool allow_public,
		   struct netdev_result **ret, size_t *ret_n, struct dm_err *e);
void netdev_results_free(struct netdev_result *rs, size_t n);
