#include "cmd/audit-join.h"
#include "analyze/assets.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <string.h>
#include <unistd.h>

#define ROLES_DEFAULT_PATH DORMANT_DATADIR "/roles.conf"

int audit_join_prepare(struct audit_join *aj, struct dm_err *e)
{
	int r;
	site_config_defaults(&aj->cfg);
	if (access(ROLES_DEFAULT_PATH, R_OK) == 0 && (r = site_config_load(&aj->cfg, ROLES_DEFAULT_PATH, e)) < 0) return r;
	if (aj->config && (r = site_config_load(&aj->cfg, aj->config, e)) < 0) return r;
	if (aj->inventory) {
		if ((r = inventory_load_file(aj->inventory, &aj->inv, e)) < 0) return r;
		aj->have_inventory_file = true;
	}
	for (size_t i = 0; i < aj->n_lease_files; i++)
		if ((r = leases_load_file(&aj->leases, aj->lease_files[i], e)) < 0) return r;
	if (aj->n_lease_files)
		log_info("audit: %zu DHCP leases from %zu file%s", aj->leases.n, aj->n_lease_files,
			 aj->n_lease_files == 1 ? "" : "s");
	return 0;
}

int audit_join_ingest(struct audit_join *aj, struct store *st, const char *dbpath, int64_t run, struct dm_err *e)
{
	int r;
	if (aj->have_inventory_file) {
		if ((r = store_inventory_replace(st, &aj->inv, aj->inventory, now_real(), e)) < 0) return r;
		log_info("audit: asset register: %zu entries from %s", aj->inv.n, aj->inventory);
	} else if ((r = store_inventory_load(st, &aj->inv, e)) < 0) {
		return r;
	} else if (!aj->inv.n) {
		log_info("audit: no asset register ('--inventory FILE' or 'dormant inventory import'): "
			 "unregistered, decommissioned and expired devices are not judged");
	}
	if (!aj->n_flows) return 0;
	aj->targs = (struct traffic_args){ .config = aj->config, .geoip = aj->geoip, .db = dbpath, .fail_on = -1,
					   .store = st, .run = run };
	if ((r = traffic_job_init(&aj->job, &aj->targs, "audit", aj->flows[0], e)) < 0) return r;
	aj->job_started = true;
	double t0 = now_mono();
	if ((r = traffic_job_read_files(&aj->job, aj->flows, aj->n_flows, &aj->damaged, e)) < 0) return r;
	if (aj->damaged) log_warn("audit: %llu damaged records in the flow files were skipped",
				  (unsigned long long)aj->damaged);
	if ((r = traffic_job_finish(&aj->job, e)) < 0) return r;
	log_info("audit: %zu flows from %zu file%s summarised, %zu traffic findings (%.2f s)", aj->job.flows.n, aj->n_flows,
		 aj->n_flows == 1 ? "" : "s", aj->job.found.n, now_mono() - t0);
	return 0;
}

int audit_join_analyze(struct audit_join *aj, struct store *st, const struct resultset *rs, struct findings *out,
		       struct exposure *ex, struct dm_err *e)
{
	if (aj->job_started) /* the traffic findings join the audit's list */
		for (size_t i = 0; i < aj->job.found.n; i++) {
			findings_add(out, &aj->job.found.v[i]);
			aj->job.found.v[i].evidence = aj->job.found.v[i].remediation = NULL;
		}
	struct asset_input in = { .cfg = &aj->cfg, .scan = rs, .inv = &aj->inv, .store = st, .now = now_real(),
				  .leases = &aj->leases, .targets = aj->targets, .vantage = aj->vantage };
	int r;
	if ((r = store_read_begin(st, e)) < 0) return r;
	r = analyze_assets(&in, NULL, out, ex, e);
	store_read_end(st, NULL);
	return r < 0 ? r : 0;
}

void audit_join_release(struct audit_join *aj)
{
	if (aj->job_started) traffic_job_release(&aj->job);
	inventory_release(&aj->inv);
	leases_release(&aj->leases);
	site_config_release(&aj->cfg);
	free(aj->flows);
	free(aj->lease_files);
}
