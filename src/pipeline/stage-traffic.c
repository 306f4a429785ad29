/* The traffic stage of an audit: the flow files read into a traffic job
 * inside the audit's run (summarised into the store, the traffic rules
 * run); its findings and the profile for the HTML report are kept, the
 * flows themselves are freed before the scanner starts. The files are
 * judged hour by hour (traffic-batch.h: the findings merged per episode),
 * no flow held past its hour; --flows-at-once holds them all and judges
 * them at once. */
#include "pipeline/stages.h"
#include "pipeline/traffic-job.h"
#include "pipeline/traffic-batch.h"
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

/* The files judged at once: every flow held until the rules ran. */
static int judge_whole(const struct traffic_in *in, const struct traffic_args *targs, struct traffic_out *out,
		       struct dm_err *e)
{
	const struct join_files *f = in->files;
	struct traffic_job job;
	double t0 = now_mono();
	int r = traffic_job_init(&job, targs, "audit", f->flows[0], e);
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
	if (f->flows_at_once) return judge_whole(in, &targs, out, e);
	struct traffic_job job;
	struct traffic_batch b;
	struct profile_acc prof;
	double t0 = now_mono();
	int r = traffic_job_init(&job, &targs, "audit", f->flows[0], e);
	bool batched = r == 0;
	if (batched) {
		traffic_batch_init(&b, &job);
		profile_begin(&prof, &job.cfg);
		b.profile = &prof;
		struct flow_table_config ftc = { 0 };
		r = traffic_batch_seed(&b, f->flows, f->n_flows, NULL, &ftc, e);
	}
	struct flow_sink sink = { &b, traffic_batch_flow, NULL };
	if (r == 0) r = traffic_job_read_files_into(&job, f->flows, f->n_flows, &sink, &out->damaged, e);
	if (r == 0 && out->damaged)
		log_warn("audit: %llu damaged records in the flow files were skipped",
			 (unsigned long long)out->damaged);
	if (r == 0) r = traffic_batch_finish(&b, e);
	if (r == 0) r = traffic_job_finish(&job, e); /* no flow of its own: the versions seen */
	if (r == 0) {
		out->flows = b.flows;
		log_info("audit: %llu flows from %zu file%s summarised, %zu traffic findings (%.2f s)",
			 (unsigned long long)b.flows, f->n_flows, f->n_flows == 1 ? "" : "s", job.found.n,
			 now_mono() - t0);
		out->found = job.found; /* the findings move out of the job */
		job.found = (struct findings){ 0 };
		take_passive(&job, out);
	}
	if (batched) {
		profile_end(&prof, &job.cfg, &out->profile);
		traffic_batch_release(&b); /* its hours use the job's store */
	}
	traffic_job_release(&job);
	return r;
}
