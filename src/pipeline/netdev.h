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

struct store;
struct site_config;
struct findings;
struct fp_set;
struct aliases;
struct obs_service;
/* What each device is (r->id): sysDescr and sysObjectID through the
 * fingerprint databases (probe/services.h, as a scan's SNMP reply), the
 * ENTITY-MIB chassis filling the model, and the version when the
 * databases named the product but not its version. */
void netdev_identify(const struct fp_set *fps, struct netdev_result *rs, size_t n);
/* default-credentials for every v2c device that answered a community of
 * the credential database's snmp entries (data/credentials.csv): the
 * community the operator configured is a published default. */
int netdev_default_communities(const struct netdev_result *rs, size_t n, struct findings *out,
			       struct dm_err *e);
/* netdev_identify with dormant's own databases (`dormant netdev`). */
int netdev_identify_data(struct netdev_result *rs, size_t n, struct dm_err *e);
/* The device's agent as a service (udp/port) carrying r->id. */
void netdev_service(const struct netdev_result *r, struct obs_service *ret);
/* vulnerable-service and known-exploited for the devices themselves
 * (their firmware matched like any service's version); nothing when the
 * store holds no vulnerability data. min is an enum confidence. */
int netdev_vulns(struct store *st, const struct aliases *al, const struct netdev_result *rs, size_t n,
		 int min, struct findings *out, struct dm_err *e);
/* The join of what the devices said with the register of the store: the
 * switch-port rules (earlier walks' counters from the store), and the
 * ownership rules (unregistered-host, decommissioned-alive,
 * expired-test-device) over the hosts of the ARP tables, appended to out. */
int netdev_judge(struct store *st, const struct site_config *cfg, const struct netdev_result *rs, size_t n,
		 struct findings *out, struct dm_err *e);
/* `dormant netdev` with a store: a run of kind "netdev" holding the walks
 * and the findings; *ret_run its id. */
int netdev_run_save(struct store *st, const char *args, double started, const struct netdev_result *rs,
		    size_t n, struct findings *fs, int64_t *ret_run, struct dm_err *e);
