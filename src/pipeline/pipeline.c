/* pipeline_run(): the selected stages in order, each stage's input built
 * from the outputs of the stages before it, each timed on the stage clock.
 * The only state shared between stages is what their input structs name. */
#include "pipeline/pipeline.h"
#include "pipeline/stages.h"
#include "pipeline/run-caveats.h"
#include "pipeline/passive-services.h"
#include "pipeline/stage-edge.h"
#include "pipeline/stage-external.h"
#include "analyze/edge.h"
#include "base/log.h"
#include "base/timeutil.h"
#include <malloc.h>

static const char *const stage_names[STAGE_COUNT] = {
	"prepare", "traffic",     "discover", "scan", "identify", "enrich",
	"vulns",   "credentials", "join",     "save", "report",
};

const char *pipeline_stage_name(enum pipeline_stage s) { return s < STAGE_COUNT ? stage_names[s] : "done"; }

/* One run: the configuration, the result it fills, and each stage's output. */
struct pipeline {
	const struct pipeline_config *cfg;
	struct pipeline_result *res;
	double start;
	struct prepared prep;
	struct scan_out scan;
	bool scanned;
	struct identify_out identify;
	struct enrich_out enrich;
	struct vulns_out vulns;
	struct cred_stage_out creds;
	bool creds_ran;
	struct traffic_out traffic;
	struct join_out join;
	struct edge_set edge; /* the gateways read at the join, when asked */
	bool edge_ran;
	struct external_out ext; /* audit --external: the outside joined with the inside */
	struct save_out save;
	bool saved;
	bool caveats_done; /* res->caveats computed (before the save, else before the report) */
	bool dropped;      /* stage_drop ran: privileges are gone for this process */
};

static bool selected(const struct pipeline *p, enum pipeline_stage s)
{
	return p->cfg->stages & STAGE_BIT(s);
}

static int run_scanner(struct pipeline *p, struct dm_err *e)
{
	const char *kind = p->cfg->kind;
	struct scan_in in = { &p->prep.sc, p->prep.identify ? &p->prep.fps : NULL, &p->res->rs };
	int r = stage_scan(&in, &p->scan, e);
	p->scanned = true;
	p->res->sum = p->scan.sum;
	const struct scan_summary *sum = &p->scan.sum;
	if (p->cfg->progress_end) p->cfg->progress_end(p->cfg->scan.progress_ctx);
	if (r < 0) return r;
	if (sum->drops)
		log_warn("%s: the kernel dropped %llu captured packets; the rate was lowered to %.0f pps",
			 kind, (unsigned long long)sum->drops, sum->final_rate);
	if (sum->unreachable)
		log_info("%s: %llu probes skipped: on-link targets that did not answer ARP cannot be reached",
			 kind, (unsigned long long)sum->unreachable);
	log_debug("%s: %s scan on %s, %llu probes in %.2f s (sending %.2f s)", kind,
		  scan_mode_name(sum->mode), sum->iface, (unsigned long long)sum->probes, sum->seconds,
		  sum->send_seconds);
	return 0;
}

/* The traffic findings join the run's list after the scan's and before
 * the join rules' (the order the ranking and the reports have always had). */
static void take_traffic_findings(struct pipeline *p)
{
	struct findings *found = &p->traffic.found;
	for (size_t i = 0; i < found->n; i++) {
		findings_add(&p->res->fs, &found->v[i]);
		found->v[i].evidence = found->v[i].remediation = found->v[i].path = NULL;
	}
	if (found->n) p->res->analysed = true;
	findings_release(found);
}

/* The edge's gateways and mappings (--upnp or [site] edge = on): their
 * findings, and every finding so far on a forwarded asset raised. */
static int run_edge(struct pipeline *p, struct dm_err *e)
{
	struct edge_opts o = p->cfg->edge;
	if (!o.upnp && !o.natpmp && !p->prep.ji.cfg.edge) return 0;
	if (!o.upnp && !o.natpmp) o.upnp = o.natpmp = o.pcp = true;
	struct edge_stage_in in = { &o, p->prep.st, &p->res->rs, &p->res->fs };
	int r = stage_edge(&in, &p->edge, e);
	p->edge_ran = r == 0;
	if (r == 0) edge_raise(&p->edge, &p->res->fs, 0);
	return r;
}

/* audit --external: no inside rules on outside addresses, only the join
 * of what answered with the inside (stage-external.h). */
static int run_external(struct pipeline *p, struct dm_err *e)
{
	struct external_in in = { .st = p->prep.st,
				  .inv = &p->prep.ji.inv,
				  .al = p->prep.aliases_loaded ? &p->prep.al : NULL,
				  .rs = &p->res->rs,
				  .run = p->prep.run,
				  .fs = &p->res->fs };
	return stage_external(&in, &p->ext, e);
}

static void run_coverage(const struct pipeline *p, struct coverage *ret);

static int run_join(struct pipeline *p, struct dm_err *e)
{
	if (p->cfg->external) return run_external(p, e);
	take_traffic_findings(p);
	int r = run_edge(p, e);
	if (r < 0) return r;
	size_t before = p->res->fs.n;
	struct coverage cov;
	run_coverage(p, &cov);
	struct join_in in = { .st = p->prep.st,
			      .inputs = &p->prep.ji,
			      .rs = &p->res->rs,
			      .targets = p->cfg->targets,
			      .vantage = scan_vantage(&p->scan.sum, p->cfg->targets),
			      .fs = &p->res->fs,
			      .run = p->prep.run,
			      .kind = p->cfg->kind,
			      .cov = &cov,
			      .fps = p->prep.identify ? &p->prep.fps : NULL,
			      .al = p->prep.aliases_loaded && selected(p, STAGE_VULNS) ? &p->prep.al : NULL,
			      .min_conf = (int)p->cfg->min_conf };
	r = stage_join(&in, &p->join, e);
	coverage_release(&cov);
	/* the join's own findings on a forwarded asset */
	if (r == 0 && p->edge_ran) edge_raise(&p->edge, &p->res->fs, before);
	return r;
}

/* What the run could not judge, once every analysis has run. */
static void compute_caveats(struct pipeline *p)
{
	if (p->caveats_done) return;
	p->caveats_done = true;
	const struct pipeline_config *c = p->cfg;
	struct caveats_in in = { .stages = c->stages,
				 .identify = p->prep.identify,
				 .creds = p->creds_ran,
				 .ports_scanned = (c->stages & STAGE_BIT(STAGE_SCAN)) &&
						  !c->scan.discovery_only,
				 .ports = c->ports,
				 .st = p->prep.st,
				 .vuln_max_age = c->vuln_max_age,
				 .register_rows = p->prep.ji.inv.n,
				 .traffic_judged = p->join.exposure.judged,
				 .now = now_real() };
	run_caveats(&in, &p->res->caveats);
}

static int run_report(struct pipeline *p, struct dm_err *e)
{
	const struct pipeline_config *c = p->cfg;
	struct pipeline_result *res = p->res;
	rundiff_name_hosts(&p->save.changes, &p->prep.ji.inv);
	struct report_meta m = {
		.command = c->kind,
		.args = c->cmdline,
		.scan_type = scan_mode_name(res->sum.mode),
		.ports = c->ports,
		.start = p->scanned ? p->scan.start : p->start,
		.end = now_real(),
		.targets = targets_count(c->targets),
		.run_id = res->run,
		.probes = res->sum.probes,
		.send_seconds = res->sum.send_seconds,
		.only_open = c->only_open,
		.findings = res->analysed ? &res->fs : NULL,
		.assets = p->join.assets,
		.n_assets = p->join.n_assets,
		.inv = &p->prep.ji.inv,
		.exposure = p->join.exposure.v,
		.n_exposure = p->join.exposure.n,
		.exposure_judged = p->join.exposure.judged,
		.traffic = p->traffic.profile.present ? &p->traffic.profile : NULL,
		.changes = p->save.changes_from ? &p->save.changes : NULL,
		.changes_from = p->save.changes_from,
		.caveats = &res->caveats,
		.edge = p->edge_ran ? &p->edge : NULL,
		.outside = c->external ? &p->ext.rows : NULL,
	};
	struct report_in in = { .outs = &p->prep.outs,
				.rs = &res->rs,
				.meta = &m,
				.table = c->table,
				.creds = p->creds_ran ? &p->creds : NULL,
				.cred_opts = &c->cred,
				.html = c->out.html,
				.changes = c->changes,
				.redact = c->redact,
				.rs_mut = &res->rs,
				.fs_mut = &res->fs,
				.changes_mut = &p->save.changes,
				.creds_mut = p->creds_ran ? &p->creds : NULL,
				.outside = c->external ? &p->ext.rows : NULL };
	return stage_report(&in, e);
}

/* What the run covered, stored with it so that a later comparison states
 * changes only where both runs looked (model/coverage.h). */
static void run_coverage(const struct pipeline *p, struct coverage *ret)
{
	const struct pipeline_config *c = p->cfg;
	unsigned k = 0;
	/* one shard of several probed a part of targets x ports that is not a
	 * range: no host or port of it is claimed gone or closed */
	bool whole = c->scan.shards <= 1;
	if (whole && p->scanned && !p->prep.scfg.skip_discovery) k |= CHECK_DISCOVER;
	if (whole && p->scanned && !p->prep.scfg.discovery_only) k |= CHECK_PORTS;
	if (p->prep.identify && selected(p, STAGE_IDENTIFY)) k |= CHECK_SERVICES;
	/* without vulnerability data nothing was matched: a finding is not resolved by that */
	if ((k & CHECK_SERVICES) && selected(p, STAGE_VULNS) && store_vuln_any(p->prep.st, NULL) == 1)
		k |= CHECK_VULNS;
	if (p->creds_ran) k |= CHECK_CREDS;
	if (selected(p, STAGE_TRAFFIC) && c->join.n_flows) k |= CHECK_TRAFFIC;
	if (selected(p, STAGE_JOIN) && p->prep.ji.inv.n) k |= CHECK_REGISTER;
	if (selected(p, STAGE_JOIN) && p->join.exposure.judged) k |= CHECK_USE;
	coverage_set(ret, &c->targets->v4, c->targets->v6, c->targets->n_v6,
		     (k & CHECK_PORTS) ? c->ports : NULL, k);
}

/* Runs stage s (selected); the scanner's one pass covers discover and scan. */
static int run_stage(struct pipeline *p, enum pipeline_stage s, struct dm_err *e)
{
	const struct pipeline_config *c = p->cfg;
	struct pipeline_result *res = p->res;
	switch (s) {
	case STAGE_PREPARE: {
		struct prepare_in in = { c, &res->rs };
		int r = stage_prepare(&in, &p->prep, e);
		res->run = p->prep.run;
		return r;
	}
	case STAGE_DISCOVER:
	case STAGE_SCAN: return p->scanned ? 0 : run_scanner(p, e);
	case STAGE_IDENTIFY: {
		if (!p->prep.identify) return 0;
		struct identify_in in = { .fps = &p->prep.fps,
					  .nmap = p->prep.nmap_loaded ? &p->prep.nmap : NULL,
					  .payloads = &p->prep.payloads,
					  .intensity = c->intensity_given ? c->intensity : 7,
					  .per_host = c->per_host,
					  .kind = c->kind,
					  .rs = &res->rs,
					  .wa = &p->prep.wa };
		stage_identify(&in, &p->identify);
		/* versions seen in traffic join the identified services (passive) */
		passive_services_merge(p->traffic.passive, p->traffic.n_passive, &p->prep.fps, &res->rs);
		return 0;
	}
	case STAGE_ENRICH: {
		struct enrich_in in = { c->kind, &res->rs };
		stage_enrich(&in, &p->enrich);
		return 0;
	}
	case STAGE_VULNS: {
		if (!p->prep.identify) return 0;
		struct vulns_in in = {
			p->prep.st, &p->prep.al, &res->rs, c->min_conf, !selected(p, STAGE_JOIN), &res->fs
		};
		res->analysed = true;
		return stage_vulns(&in, &p->vulns, e);
	}
	case STAGE_CREDENTIALS: {
		if (!p->prep.creds) return 0;
		struct cred_stage_in in = { &p->prep.cdb, &c->cred, &res->rs, &res->fs };
		stage_credentials(&in, &p->creds);
		p->creds_ran = res->analysed = true;
		return 0;
	}
	case STAGE_TRAFFIC: {
		struct traffic_in in = { p->prep.st, p->prep.dbpath, res->run, &c->join, c->targets };
		return stage_traffic(&in, &p->traffic, e);
	}
	case STAGE_JOIN: res->analysed = true; return run_join(p, e);
	case STAGE_SAVE: {
		take_traffic_findings(p); /* when no join ran */
		struct coverage cov;
		run_coverage(p, &cov);
		compute_caveats(p);
		struct save_in in = { .st = p->prep.st,
				      .dbpath = p->prep.dbpath,
				      .kind = c->kind,
				      .run = res->run,
				      .rs = &res->rs,
				      .fs = res->analysed ? &res->fs : NULL,
				      .changes = c->changes,
				      .cov = &cov,
				      .caveats = &res->caveats,
				      .site = p->prep.join ? &p->prep.ji.cfg : NULL };
		int r = stage_save(&in, &p->save, e);
		if (r == 0 && p->edge_ran) r = store_edge_save(p->prep.st, res->run, &p->edge, e);
		coverage_release(&cov);
		p->saved = r == 0;
		return r;
	}
	case STAGE_REPORT: compute_caveats(p); return run_report(p, e);
	case STAGE_COUNT: break;
	}
	return 0;
}

/* The name a stage is timed under: the scanner's pass under the last stage it covers. */
static bool timed(const struct pipeline *p, enum pipeline_stage s)
{
	if (s == STAGE_DISCOVER) return !selected(p, STAGE_SCAN);
	return (s != STAGE_IDENTIFY && s != STAGE_VULNS) || p->prep.identify;
}

int pipeline_run(const struct pipeline_config *cfg, struct pipeline_result *ret, struct dm_err *e)
{
	struct pipeline p = { .cfg = cfg, .res = ret, .start = now_real() };
	int r = 0;
	*ret = (struct pipeline_result){ 0 };
	stage_start(&ret->clock);
	for (enum pipeline_stage s = STAGE_PREPARE; s < STAGE_COUNT && r == 0; s++) {
		if (s != STAGE_PREPARE && !selected(&p, s)) continue;
		if (cfg->on_stage) cfg->on_stage(cfg->on_stage_ctx, s, ret->run);
		/* The drop comes after the traffic stage read its flow files (as the
		 * caller, who may read them) and before the first packet or probe;
		 * the scanner's raw I/O (a 128 MB capture ring) is opened just
		 * before it, once the flows are freed: the two never share the peak. */
		if (s > STAGE_TRAFFIC && !p.dropped) {
			p.dropped = true;
			if ((r = stage_open_io(&p.prep, e)) < 0 ||
			    (r = stage_drop(&p.prep, cfg->kind, e)) < 0)
				break;
		}
		r = run_stage(&p, s, e);
		/* What a stage freed (the flows, the probes' many small buffers) goes
		 * back to the kernel before the next one, which a service running
		 * stage after stage for days needs as much as the audit's peak. */
		malloc_trim(0);
		if (timed(&p, s) && (s != STAGE_CREDENTIALS || p.creds_ran))
			stage_mark(&ret->clock, pipeline_stage_name(s));
	}
	if (r < 0 && ret->run && !p.saved) store_run_finish(p.prep.st, ret->run, "failed", now_real(), NULL);
	if (r == 0 && cfg->on_stage) cfg->on_stage(cfg->on_stage_ctx, STAGE_COUNT, ret->run);
	char stages[512];
	stage_format(&ret->clock, stages, sizeof(stages));
	if (r == 0) log_debug("%s: stages (wall, peak memory so far): %s", cfg->kind, stages);
	rundiff_release(&p.save.changes);
	findings_release(&p.traffic.found);
	free(p.traffic.passive);
	join_out_release(&p.join);
	edge_set_release(&p.edge);
	external_out_release(&p.ext);
	cred_stage_release(&p.creds);
	prepared_release(&p.prep);
	return r;
}

void pipeline_result_release(struct pipeline_result *r)
{
	resultset_release(&r->rs);
	findings_release(&r->fs);
	*r = (struct pipeline_result){ 0 };
}
