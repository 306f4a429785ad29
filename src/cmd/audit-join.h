/* What `dormant audit` adds to the scan: the asset register, the site
 * config with the role baselines, the traffic (flow files summarised into
 * the store, the traffic rules), and the join rules over all of it. */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "analyze/assets.h"
#include "cmd/traffic-job.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "model/leases.h"
#include "model/resultset.h"
#include "model/site-config.h"
#include "store/store.h"

struct audit_join {
	char **flows;             /* --flows FILE, any number */
	size_t n_flows;
	char **lease_files;       /* --leases FILE, any number */
	size_t n_lease_files;
	struct leases leases;
	const struct targets *targets; /* what the audit scans (set before analyze) */
	struct ipaddr vantage;    /* the scanner's address (set before analyze; family 0: not known) */
	const char *inventory, *config, *geoip, *db;
	struct site_config cfg;   /* data/roles.conf, then --config */
	struct inventory inv;     /* --inventory, else the stored register */
	bool have_inventory_file;
	struct traffic_args targs;
	struct traffic_job job;
	bool job_started;
	uint64_t damaged;         /* records skipped in the flow files */
};

/* Reads what can be checked before anything runs: the config, the
 * register file and the lease files (a bad row rejects the audit before a
 * packet is sent). */
int audit_join_prepare(struct audit_join *aj, struct dm_err *e);
/* Inside the audit's run: replaces the register when a file was given,
 * else loads the stored one; reads the flow files, summarises them into
 * the store and runs the traffic rules. */
int audit_join_ingest(struct audit_join *aj, struct store *st, const char *dbpath, int64_t run, struct dm_err *e);
/* After the scan: the traffic findings and the join rules' into out, and
 * the exposure against use per port into ex. */
int audit_join_analyze(struct audit_join *aj, struct store *st, const struct resultset *rs, struct findings *out,
		       struct exposure *ex, struct dm_err *e);
void audit_join_release(struct audit_join *aj);
