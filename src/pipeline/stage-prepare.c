/* The prepare stage: everything a run needs opened or loaded before the
 * first packet, in the order privilege separation needs. Data files first
 * (a bad row rejects the run before anything is created), then what needs
 * the caller's privileges (the store, the output files, raw sockets and
 * pcap), then the privilege drop inside scan_prepare(), then the run. */
#include "pipeline/stages.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <string.h>

static bool runs(const struct pipeline_config *c, enum pipeline_stage s) { return c->stages & STAGE_BIT(s); }

/* The data files: fingerprints, the credential database, the register,
 * the leases and the site config. */
static int load_data(const struct pipeline_config *c, struct prepared *p, struct dm_err *e)
{
	int r;
	if (runs(c, STAGE_JOIN) || runs(c, STAGE_TRAFFIC)) {
		p->join = true;
		if ((r = join_inputs_load(&c->join, &p->ji, e)) < 0) return r;
	}
	if (runs(c, STAGE_CREDENTIALS) && runs(c, STAGE_IDENTIFY)) {
		p->creds = true;
		if ((r = cred_stage_prepare(c->cred_db, &p->cdb, e)) < 0) return r;
	}
	if (runs(c, STAGE_IDENTIFY)) {
		p->identify = true;
		if ((r = fp_set_load_dir(&p->fps, DORMANT_DATADIR "/fingerprints", e)) < 0) return r;
		if (c->fpdir && (r = fp_set_load_dir(&p->fps, c->fpdir, e)) < 0) return r;
	}
	return 0;
}

/* A run continued from a --resume log whose run the store has not finished,
 * else a new run. */
static int begin_run(const struct pipeline_config *c, struct prepared *p, int64_t resumed, struct dm_err *e)
{
	struct run_info ri;
	int r;
	if (resumed && store_run_get(p->st, resumed, &ri) == 0 && strcmp(ri.status, "done")) {
		p->run = resumed;
		if ((r = store_run_resume(p->st, p->run)) < 0)
			return dm_fail(e, r, "--db %s: %s", p->dbpath, store_errmsg(p->st));
		log_info("%s: continuing run %lld from %s (%llu results logged)", c->kind, (long long)p->run,
			 c->scan.resume_path, (unsigned long long)p->sc.resume.replayed);
		return 0;
	}
	if ((r = store_run_begin(p->st, c->kind, c->cmdline, now_real(), &p->run)) < 0)
		return dm_fail(e, r, "%s", store_errmsg(p->st));
	return 0;
}

int stage_prepare(const struct prepare_in *in, struct prepared *out, struct dm_err *e)
{
	const struct pipeline_config *c = in->cfg;
	int r;
	if ((r = load_data(c, out, e)) < 0) return r;

	/* Opened with the caller's privileges: the store and the output files. */
	out->dbpath = c->db ? xstrdup(c->db) : store_default_path();
	if ((r = store_open(out->dbpath, &out->st, e)) < 0) return r;
	if ((r = outputs_open(&c->out, &out->outs, e)) < 0) return r;

	/* Raw sockets and pcap, then THE PRIVILEGE DROP: scan_prepare() drops
	 * every privilege once its sockets are open. Whatever needs privileges
	 * must be opened above this line. */
	bool discover = runs(c, STAGE_DISCOVER), scan = runs(c, STAGE_SCAN);
	out->scfg = c->scan;
	out->scfg.targets = c->targets;
	out->scfg.ports = c->ports;
	out->scfg.skip_discovery = c->scan.skip_discovery || !discover;
	out->scfg.discovery_only = c->scan.discovery_only || !scan;
	int64_t resumed = 0;
	if (discover || scan) {
		if ((r = scan_prepare(&out->sc, &out->scfg, e)) < 0) return r;
		out->scan_ready = true;
		struct collect col = { in->rs, out->identify ? &out->fps : NULL };
		struct obs_sink sink;
		collect_sink(&col, &sink);
		if ((r = scan_open_resume(&out->sc, &sink, &resumed, e)) < 0) return r;
	}
	if ((r = begin_run(c, out, resumed, e)) < 0) return r;
	if (out->scan_ready) scan_set_run(&out->sc, out->run);
	if (out->join && (r = join_inventory_sync(&c->join, &out->ji, out->st, out->dbpath, e)) < 0) return r;
	return 0;
}

void prepared_release(struct prepared *p)
{
	if (p->scan_ready) scan_release(&p->sc);
	join_inputs_release(&p->ji);
	cred_db_release(&p->cdb);
	fp_set_release(&p->fps);
	struct dm_err e = { "" };
	outputs_close(&p->outs, false, &e); /* still open: the report stage did not run or failed */
	store_close(p->st);
	free(p->dbpath);
	*p = (struct prepared){ 0 };
}
