/* The prepare stage: everything a run needs opened or loaded before the
 * first packet, in the order privilege separation needs. Who to become is
 * resolved first (NSS), then the data files (a bad row rejects the run
 * before anything is created), then what needs the caller's privileges
 * (the store, the output files, raw sockets and pcap, the resume log), then
 * the run. The drop itself (stage_drop) comes after the traffic stage has
 * read its flow files, before the first packet. */
#include "pipeline/stages.h"
#include "vuln/nmap-names.h"
#include "base/log.h"
#include "base/redact.h"
#include "base/sandbox.h"
#include <errno.h>
#include <unistd.h>
#include "base/timeutil.h"
#include "base/util.h"
#include <string.h>
#include "base/datadir.h"

static bool runs(const struct pipeline_config *c, enum pipeline_stage s) { return c->stages & STAGE_BIT(s); }

/* nmap's service probe database: the one named, else Debian's when nmap-common
 * is installed (its absence is said, not fatal); "none" turns it off. */
static int load_nmap(const struct pipeline_config *c, struct prepared *p, struct dm_err *e)
{
	const char *path = c->service_probes ? c->service_probes : NMAP_SERVICE_PROBES_DEFAULT;
	if (!strcmp(path, "none")) return 0;
	if (!c->service_probes && access(path, R_OK) < 0) {
		log_info("%s: no %s (Debian's nmap-common): nmap's probes are not used", c->kind, path);
		return 0;
	}
	int r = nmap_db_load(&p->nmap, path, e);
	if (r < 0) return r;
	p->nmap_loaded = true;
	/* its UDP payloads beside it (STUN, game servers ...): optional */
	char pp[4096];
	struct dm_err pe = { "" };
	nmap_payloads_path(path, pp, sizeof(pp));
	if (access(pp, R_OK) == 0 && nmap_payloads_load(&p->payloads, pp, &pe) < 0)
		log_warn("%s: nmap's UDP payloads not read: %s", c->kind, pe.msg);
	return 0;
}

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
		if ((r = fp_set_load_dir(&p->fps, dm_data("fingerprints"), e)) < 0) return r;
		if (c->fpdir && (r = fp_set_load_dir(&p->fps, c->fpdir, e)) < 0) return r;
		/* optional: without them, web applications are named by Recog only */
		struct dm_err we = { "" };
		if (access(WA_DEFAULT_DIR, R_OK) == 0 && wa_db_load(&p->wa, WA_DEFAULT_DIR, &we) < 0) {
			log_warn("%s: web application rules not read: %s", c->kind, we.msg);
			wa_db_release(&p->wa);
		}
		if ((r = load_nmap(c, p, e)) < 0) return r;
	}
	/* audit --external matches the banners it reached in its join */
	if (runs(c, STAGE_IDENTIFY) && (runs(c, STAGE_VULNS) || c->external)) {
		p->aliases_loaded = true;
		if ((r = aliases_load(&p->al, ALIASES_DEFAULT_PATH, e)) < 0 ||
		    (r = aliases_load_nmap_opt(&p->al, NULL, e)) < 0)
			return r;
	}
	return 0;
}

/* A run continued from a --resume log whose run the store has not finished,
 * else a new run. */
static int begin_run(const struct pipeline_config *c, struct prepared *p, int64_t resumed, struct dm_err *e)
{
	struct run_info ri;
	int r;
	if (resumed && store_run_get(p->st, resumed, &ri, NULL) == 0 && strcmp(ri.status, "done")) {
		p->run = resumed;
		if ((r = store_run_resume(p->st, p->run, e)) < 0) return r;
		log_info("%s: continuing run %lld from %s (%llu results logged)", c->kind, (long long)p->run,
			 c->scan.resume_path, (unsigned long long)p->sc.resume.replayed);
		return 0;
	}
	return store_run_begin(p->st, c->kind, c->cmdline, now_real(), &p->run, e);
}

int stage_prepare(const struct prepare_in *in, struct prepared *out, struct dm_err *e)
{
	const struct pipeline_config *c = in->cfg;
	int r;
	out->mon = (struct privmon){ .fd = -1 };
	if ((r = privsep_plan(&c->priv, &out->plan, e)) < 0) return r;
	if ((r = load_data(c, out, e)) < 0) return r;

	/* Opened with the caller's privileges: the store and the output files. */
	out->dbpath = c->db ? xstrdup(c->db) : store_default_path();
	if ((r = store_open(out->dbpath, &out->st, e)) < 0) return r;
	if (c->sensor && (r = store_set_sensor(out->st, c->sensor, e)) < 0) return r;
	/* the site: --site, else the config's [site] name; the findings' life follows it */
	if (c->site && out->join) snprintf(out->ji.cfg.name, sizeof(out->ji.cfg.name), "%s", c->site);
	const char *site = c->site ? c->site : out->join ? out->ji.cfg.name : NULL;
	if (site && (r = store_set_site(out->st, site, e)) < 0) return r;
	if (c->run_group && (r = store_set_run_group(out->st, c->run_group, (unsigned)c->scan.shard + 1,
						     (unsigned)c->scan.shards, e)) < 0)
		return r;
	redact_set_key(store_redact_key(out->st)); /* before anything is redacted: SNMP communities, logins */
	unsigned analyses = STAGE_BIT(STAGE_VULNS) | STAGE_BIT(STAGE_CREDENTIALS) | STAGE_BIT(STAGE_TRAFFIC) |
			    STAGE_BIT(STAGE_JOIN);
	if ((r = outputs_open(&c->out, !(c->stages & analyses), &out->outs, e)) < 0) return r;

	/* The scan's plan and the resume log; its raw socket and capture ring
	 * are opened by stage_open_io, after the traffic stage. Whatever needs
	 * privileges must be opened by then: stage_drop() follows. */
	bool discover = runs(c, STAGE_DISCOVER), scan = runs(c, STAGE_SCAN);
	out->scfg = c->scan;
	out->scfg.targets = c->targets;
	out->scfg.ports = c->ports;
	out->scfg.skip_discovery = c->scan.skip_discovery || !discover;
	out->scfg.discovery_only = c->scan.discovery_only || !scan;
	int64_t resumed = 0;
	if (discover || scan) {
		if ((r = scan_plan(&out->sc, &out->scfg, e)) < 0) return r;
		out->scan_ready = true;
		struct collect col = { in->rs, out->identify ? &out->fps : NULL };
		struct obs_sink sink;
		collect_sink(&col, &sink);
		if ((r = scan_open_resume(&out->sc, &sink, &resumed, e)) < 0) return r;
	}
	if ((r = begin_run(c, out, resumed, e)) < 0) return r;
	if (out->scan_ready) scan_set_run(&out->sc, out->run);
	if (out->join && (r = join_inventory_sync(&c->join, &out->ji, out->st, e)) < 0) return r;
	return 0;
}

int stage_open_io(struct prepared *p, struct dm_err *e)
{
	return p->scan_ready ? scan_open_io(&p->sc, e) : 0;
}

int stage_drop(struct prepared *p, const char *kind, struct dm_err *e)
{
	const struct privsep_plan *plan = &p->plan;
	if (!plan->drop) return 0;
	for (size_t i = 0; i < ARRAY_SIZE(p->outs.v); i++) {
		struct out_file *o = &p->outs.v[i].o;
		if (!o->tmp_path) continue; /* standard output, a device, or not wanted */
		/* run through sudo: the outputs are the invoking user's, as without sudo */
		if (plan->switch_user && plan->u.invoker &&
		    fchown(fileno(o->f), plan->u.uid, plan->u.gid) < 0)
			log_warn("%s %s: cannot give it to %s: %s", o->what, o->path, plan->u.name,
				 strerror(errno));
		privmon_allow(&p->mon, o->tmp_path, o->path);
	}
	out_set_hooks(&(struct out_hooks){ privmon_rename, privmon_unlink, &p->mon });
	int r;
	if ((plan->switch_user && (r = privmon_start(&p->mon, e)) < 0) || (r = privsep_apply(plan, e)) < 0 ||
	    (r = sandbox_apply(SANDBOX_DENY, SANDBOX_FDS_NONE, e)) < 0)
		return r;
	if (plan->switch_user)
		log_debug("%s: running as %s (uid %u, from %s)", kind, plan->u.name, (unsigned)plan->u.uid,
			  plan->u.why);
	return 0;
}

void prepared_release(struct prepared *p)
{
	if (p->scan_ready) scan_release(&p->sc);
	join_inputs_release(&p->ji);
	cred_db_release(&p->cdb);
	fp_set_release(&p->fps);
	wa_db_release(&p->wa);
	if (p->nmap_loaded) nmap_db_release(&p->nmap);
	nmap_payloads_release(&p->payloads);
	struct dm_err e = { "" };
	outputs_close(&p->outs, false, &e); /* still open: the report stage did not run or failed */
	privmon_stop(&p->mon);
	out_set_hooks(NULL);
	if (p->aliases_loaded) aliases_release(&p->al);
	store_close(p->st);
	free(p->dbpath);
	*p = (struct prepared){ 0 };
}
