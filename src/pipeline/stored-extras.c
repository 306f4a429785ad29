/* What `dormant report` shows of a stored audit besides its results
 * (stored-extras.h): ranked assets, the register's names, the changes
 * since the comparable run before, exposure against use, the edge's port
 * mappings. */
#include "pipeline/stored-extras.h"
#include "pipeline/run-changes.h"
#include "analyze/assets.h"
#include "analyze/allow-apply.h"
#include "base/log.h"
#include "base/timeutil.h"
#include <stdlib.h>
#include <string.h>

int stored_extras_load(struct store *st, const struct run_info *ri, struct resultset *rs, struct findings *fs,
		       const char *config, struct stored_extras *x, struct report_meta *m, struct dm_err *e)
{
	int r;
	site_config_defaults(&x->cfg);
	if (config && (r = site_config_load(&x->cfg, config, e)) < 0) return r;
	if ((r = store_inventory_load(st, &x->inv, e)) < 0) return r;
	m->n_assets = assets_rank(rs, fs, &x->assets);
	m->assets = x->assets;
	m->inv = &x->inv;
	m->changes_from = run_changes(st, ri->id, ri->kind, rs, fs, &x->changes);
	rundiff_name_hosts(&x->changes, &x->inv);
	m->changes = m->changes_from ? &x->changes : NULL;
	/* exposure against use: no rule runs (""), only the view of the stored traffic */
	struct asset_input in = {
		.cfg = &x->cfg,
		.scan = rs,
		.store = st,
		.now = ri->finished ? ri->finished : ri->started,
		.use_of_scan = true, /* no rule runs: the live hosts' use is all the view shows */
	};
	struct findings none = { 0 };
	if ((r = store_read_begin(st, e)) < 0) return r;
	r = analyze_assets(&in, "", &none, &x->exposure, e);
	store_read_end(st, NULL);
	findings_release(&none);
	if (r < 0) return r;
	m->exposure = x->exposure.v;
	m->n_exposure = x->exposure.n;
	m->exposure_judged = x->exposure.judged;
	/* the gateways this run read (--upnp), for the exposure section */
	int64_t edge_run = 0;
	if ((r = store_edge_load(st, ri->id, &x->edge, &edge_run, e)) < 0) return r;
	m->edge = edge_run ? &x->edge : NULL;
	/* an audit --external: its section, the run's open ports joined with the inside again
	 * (the findings shown are the stored ones) */
	if (!strcmp(ri->kind, "external")) {
		struct findings scratch = { 0 };
		struct external_in ein = {
			.st = st, .inv = &x->inv, .rs = rs, .run = ri->id, .fs = &scratch, .rebuild = true
		};
		r = stage_external(&ein, &x->outside, e);
		findings_release(&scratch);
		if (r < 0) return r;
		m->outside = &x->outside.rows;
	}
	return 0;
}

int stored_findings_allow(const char *config, struct findings *fs, struct dm_err *e)
{
	if (!config || !fs->n) return 0;
	struct site_config cfg;
	site_config_defaults(&cfg);
	int r = site_config_load(&cfg, config, e);
	if (r == 0) {
		size_t n = allow_findings(&cfg.allow, fs, 0, now_real());
		if (n) log_info("report: %zu stored findings hidden by the allowlist of %s", n, config);
	}
	site_config_release(&cfg);
	return r;
}

void stored_extras_release(struct stored_extras *x)
{
	free(x->assets);
	inventory_release(&x->inv);
	rundiff_release(&x->changes);
	free(x->exposure.v);
	edge_set_release(&x->edge);
	external_out_release(&x->outside);
	site_config_release(&x->cfg);
}
