/* The traffic stage of an audit: the flow files read into a traffic job
 * inside the audit's run (summarised into the store, the traffic rules
 * run); its findings and the profile for the HTML report are kept, the
 * flows themselves are freed before the scanner starts. */
#include "pipeline/stages.h"
#include "pipeline/traffic-job.h"
#include "pipeline/passive-services.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"

static void take_passive(struct traffic_job *job, struct traffic_out *out)
{
	out->passive = passive_services_internal(job->sniff, &job->cfg, &out->n_passive);
	if (out->n_passive)
		log_info("audit: %zu service%s of internal hosts seen in the traffic", out->n_passive,
			 out->n_passive == 1 ? "" : "s");
}

int stage_traffic(const struct traffic_in *in, struct traffic_out *out, struct dm_err *e)
{
	const struct join_files *f = in->files;
	*out = (struct traffic_out){ 0 };
	if (!f->n_flows) return 0;
	struct traffic_args targs = { .config = f->config,
				      .geoip = f->geoip,
				      .db = in->dbpath,
				      .fail_on = -1,
				      .store = in->st,
				      .run = in->run,
				      .targets = in->targets };
	struct traffic_job job;
	double t0 = now_mono();
	int r = traffic_job_init(&job, &targs, "audit", f->flows[0], e);
	if (r == 0) r = traffic_job_read_files(&job, f->flows, f->n_flows, &out->damaged, e);
	if (r == 0 && out->damaged)
		log_warn("audit: %llu damaged records in the flow files were skipped",
			 (unsigned long long)out->damaged);
	if (r == 0) r = traffic_job_finish(&job, e);
	if (r == 0) {
		out->flows = job.flows.n;
		log_info("audit: %zu flows from %zu file%s summarised, %zu traffic findings (%.2f s)",
			 job.flows.n, f->n_flows, f->n_flows == 1 ? "" : "s", job.found.n, now_mono() - t0);
		out->found = job.found; /* the findings move out of the job */
		job.found = (struct findings){ 0 };
		flowset_profile(&job.flows, &job.cfg, &out->profile);
		take_passive(&job, out);
	}
	traffic_job_release(&job);
	return r;
}
