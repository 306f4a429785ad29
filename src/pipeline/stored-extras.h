/* What the audit printed beside its findings, rebuilt from the store for
 * `dormant report` of a stored run. */
#pragma once
#include "model/finding.h"
#include "model/inventory.h"
#include "model/resultset.h"
#include "model/risk.h"
#include "model/rundiff.h"
#include "model/site-config.h"
#include "analyze/assets.h"
#include "report/report.h"
#include "store/store.h"
#include "pipeline/stage-external.h"

struct stored_extras {
	struct asset_risk *assets;
	struct inventory inv;
	struct rundiff changes;
	struct exposure exposure;
	struct site_config cfg;
	struct edge_set edge;        /* the gateways the run read, if it did */
	struct external_out outside; /* an audit --external run: what answered, joined again */
};

/* Fills x and the matching fields of m for the run ri (config: a site
 * config file, or NULL for the defaults). */
/* The allowlist of the site policy config (NULL: none) applied to stored
 * findings: what it hides is dropped from fs, at once, without a new import. */
int stored_findings_allow(const char *config, struct findings *fs, struct dm_err *e);
int stored_extras_load(struct store *st, const struct run_info *ri, struct resultset *rs, struct findings *fs,
		       const char *config, struct stored_extras *x, struct report_meta *m, struct dm_err *e);
void stored_extras_release(struct stored_extras *x);
