/* What `dormant audit` adds to the scan: the asset register, the site
 * config with the role baselines, the DHCP leases, and the join rules over
 * all of it and the traffic (exposure x use x ownership, risk per asset). */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "analyze/assets.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "model/leases.h"
#include "model/resultset.h"
#include "model/risk.h"
#include "model/site-config.h"
#include "store/store.h"

struct fp_set;
struct aliases;

/* The files the audit judges by (the caller's strings). */
struct join_files {
	char **flows; /* --flows FILE, any number */
	size_t n_flows;
	char **lease_files; /* --leases FILE, any number */
	size_t n_lease_files;
	const char *inventory, *config, *geoip;
	bool flows_at_once; /* --flows-at-once: judged at once, else hour by hour (pipeline/traffic-batch.h) */
};

/* What the prepare stage reads for the join, before a packet is sent. */
struct join_inputs {
	struct leases leases;
	struct site_config cfg; /* data/roles.conf, then --config */
	struct inventory inv;   /* --inventory, else the stored register */
};

/* Reads what can be checked before anything runs: the config, the
 * register file and the lease files (a bad row rejects the audit before a
 * packet is sent). */
int join_inputs_load(const struct join_files *f, struct join_inputs *out, struct dm_err *e);
/* Inside the audit's run: replaces the stored register when a file was
 * given, else loads the stored one into in->inv. */
int join_inventory_sync(const struct join_files *f, struct join_inputs *in, struct store *st,
			struct dm_err *e);
void join_inputs_release(struct join_inputs *in);

struct join_in {
	struct store *st;
	const struct join_inputs *inputs;
	const struct resultset *rs;    /* sorted */
	const struct targets *targets; /* what the audit scanned */
	struct ipaddr vantage;         /* the scanner's address (family 0: not known) */
	struct findings *fs;           /* the join rules' findings are added to it */
	int64_t run;                   /* the network devices' walks are stored with it */
	const char *kind;              /* the run's kind: identities are followed from its last run */
	const struct coverage *cov;    /* what the run covers: that last run must overlap it */
	const struct fp_set *fps;      /* the run's databases; NULL: dormant's own are read */
	const struct aliases *al;      /* NULL: the devices' firmware is not matched */
	int min_conf;                  /* enum confidence of the vulnerabilities reported */
};
struct join_out {
	struct exposure exposure;  /* exposure against use per port */
	struct asset_risk *assets; /* ranked, riskiest first */
	size_t n_assets;
	struct netdev_result *netdev; /* the [netdev NAME] devices asked, in order */
	size_t n_netdev;
};

/* The join rules' findings into in->fs, the exposure and the ranked assets. */
int stage_join(const struct join_in *in, struct join_out *out, struct dm_err *e);
void join_out_release(struct join_out *out);
