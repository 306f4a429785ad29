/* stage_external() (stage-external.h). */
#include "pipeline/stage-external.h"
#include "analyze/exposure.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "pipeline/exposure.h"
#include <stdio.h>

/* Every open port of the run as an observation of dormant's, named by the run. */
static void observations(const struct resultset *rs, const char *file, double now, struct ext_set *out)
{
	const char *f = ext_set_file(out, file);
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		for (size_t k = 0; he->up && k < he->n_ports; k++) {
			const struct port_entry *p = &he->ports[k];
			if (p->state != PORT_OPEN) continue;
			struct ext_obs o = { .platform = EXT_DORMANT,
					     .ip = he->h.ip,
					     .port = p->port,
					     .proto = p->proto,
					     .indexed = now,
					     .file = f };
			const struct obs_service *s =
			    host_service((struct host_entry *)he, p->proto, p->port);
			if (s) {
				snprintf(o.service, sizeof(o.service), "%s", s->name);
				snprintf(o.product, sizeof(o.product), "%s", s->product);
				snprintf(o.version, sizeof(o.version), "%s", s->version);
				snprintf(o.cpe, sizeof(o.cpe), "%s", s->cpe);
			}
			ext_set_add(out, &o);
		}
	}
}

int stage_external(const struct external_in *in, struct external_out *out, struct dm_err *e)
{
	struct ext_set obs = { 0 };
	struct resultset inside = { 0 };
	struct edge_set edge = { 0 };
	struct vuln_matcher m;
	bool have_m = false;
	int64_t edge_run = 0;
	char file[64];
	double now = now_real();
	snprintf(file, sizeof(file), "audit --external run %lld", (long long)in->run);
	observations(in->rs, file, now, &obs);
	int r = exposure_inside_run(in->st, &out->inside_run, e);
	if (r == 0 && out->inside_run) r = store_load_results(in->st, out->inside_run, &inside, e);
	if (r == 0) r = store_edge_load(in->st, 0, &edge, &edge_run, e);
	int any = r == 0 && in->al ? store_vuln_any(in->st, e) : 0;
	if (any < 0) r = any;
	if (r == 0 && any == 1) {
		vuln_matcher_init(&m, in->st, in->al);
		have_m = true;
	}
	if (r == 0 && !out->inside_run && !in->rebuild)
		log_warn("external: no inside run stored: what answers outside is compared with the register "
			 "and the mapping tables only (run dormant audit inside first)");
	struct exposure_input x = { .ext = &obs,
				    .inv = in->inv,
				    .rs = out->inside_run ? &inside : NULL,
				    .run = out->inside_run,
				    .m = have_m ? &m : NULL,
				    .al = in->al,
				    .edge = edge_run ? &edge : NULL };
	size_t before = in->fs->n;
	if (r == 0) r = exposure_join(&x, &out->rows, in->fs, e);
	size_t added = 0;
	if (r == 0 && !in->rebuild)
		r = store_exposure_save(in->st, file, ext_platform_name(EXT_DORMANT), now, obs.v, obs.n,
					&added, e);
	if (r == 0 && !in->rebuild)
		log_info(
		    "external: %zu service%s answered from outside, compared with run %lld: %zu finding%s",
		    obs.n, obs.n == 1 ? "" : "s", (long long)out->inside_run, in->fs->n - before,
		    in->fs->n - before == 1 ? "" : "s");
	if (have_m) vuln_matcher_release(&m);
	edge_set_release(&edge);
	resultset_release(&inside);
	ext_set_release(&obs);
	return r;
}

void external_out_release(struct external_out *o) { exposure_rows_release(&o->rows); }
