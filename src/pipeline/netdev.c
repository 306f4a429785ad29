/* The walk of the configured network devices (pipeline/netdev.h): the
 * safety rules on their addresses, then probe/netdev-snmp.c per device. */
#include "pipeline/netdev.h"
#include "analyze/assets.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "analyze/vulnerable.h"
#include "model/resultset.h"
#include "probe/netdev-snmp.h"
#include "probe/services.h"
#include "analyze/credentials.h"
#include "base/datadir.h"
#include "base/redact.h"
#include "creds/cred-db.h"
#include "vuln/aliases.h"
#include "vuln/nmap-names.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_public(const struct ipaddr *a)
{
	return a->family == AF_INET ? ipv4_is_public(a->v4) : ipv6_is_public(&a->v6);
}

int netdev_collect(const struct netdev_confs *c, const char *only, bool allow_public,
		   struct netdev_result **ret, size_t *ret_n, struct dm_err *e)
{
	*ret = NULL;
	*ret_n = 0;
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (only && strcmp(c->v[i].name, only)) continue;
		n++;
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&c->v[i].addr, ip, sizeof(ip));
		if (is_public(&c->v[i].addr) && !allow_public)
			return dm_fail(e, DM_EINPUT, "[netdev %s]: %s is a public address (--allow-public)",
				       c->v[i].name, ip);
	}
	if (only && !n) return dm_fail(e, DM_EINPUT, "--device %s: no [netdev %s] section", only, only);
	if (!n) return 0;
	struct netdev_result *rs = xcalloc(n, sizeof(*rs));
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (only && strcmp(c->v[i].name, only)) continue;
		struct netdev_result *r = &rs[k++];
		netdev_walk(&c->v[i], r);
		if (!r->ok)
			log_warn("netdev: %s", r->error);
		else
			log_info("netdev: %s: %zu interfaces, %zu ARP, %zu FDB, %zu LLDP rows in %.1f s",
				 c->v[i].name, r->n_ifs, r->n_arp, r->n_fdb, r->n_lldp, r->ts - r->started);
	}
	*ret = rs;
	*ret_n = n;
	return 0;
}

void netdev_results_free(struct netdev_result *rs, size_t n)
{
	for (size_t i = 0; i < n; i++) netdev_result_release(&rs[i]);
	free(rs);
}

int netdev_judge(struct store *st, const struct site_config *cfg, const struct netdev_result *rs, size_t n,
		 struct findings *out, struct dm_err *e)
{
	struct inventory inv = { 0 };
	struct resultset none = { 0 };
	int r;
	if ((r = store_inventory_load(st, &inv, e)) < 0) return r;
	if (!inv.n)
		log_info("netdev: no asset register ('dormant inventory import'): unregistered devices are "
			 "not judged");
	struct netdev_rules_input ni = {
		.cfg = cfg, .nv = { rs, n }, .inv = &inv, .store = st, .now = now_real()
	};
	if ((r = store_read_begin(st, e)) < 0) goto out;
	r = analyze_netdev(&ni, out, e);
	store_read_end(st, NULL);
	if (r < 0) goto out;
	/* no scan and no traffic here: the hosts are those of the ARP tables */
	struct asset_input ai = { .cfg = cfg, .scan = &none, .inv = &inv, .now = ni.now, .netdev = { rs, n } };
	r = analyze_assets(&ai, "unregistered-host,decommissioned-alive,expired-test-device", out, NULL, e);
	if (r < 0) goto out;
	if ((r = netdev_default_communities(rs, n, out, e)) < 0) goto out;
	/* the devices' own firmware, when the store has vulnerability data */
	struct aliases al = { 0 };
	if ((r = store_vuln_any(st, e)) > 0 && (r = aliases_load(&al, ALIASES_DEFAULT_PATH, e)) == 0 &&
	    (r = aliases_load_nmap_opt(&al, NULL, e)) >= 0)
		r = netdev_vulns(st, &al, rs, n, CONF_NONE, out, e);
	aliases_release(&al);
	if (r > 0) r = 0;
out:
	inventory_release(&inv);
	resultset_release(&none);
	return r;
}

int netdev_run_save(struct store *st, const char *args, double started, const struct netdev_result *rs,
		    size_t n, struct findings *fs, int64_t *ret_run, struct dm_err *e)
{
	int64_t run = 0;
	int r;
	if ((r = store_run_begin(st, "netdev", args, started, &run, e)) < 0) return r;
	if ((r = store_netdev_save(st, run, rs, n, e)) < 0 || (r = store_save_findings(st, run, fs, e)) < 0 ||
	    (r = store_run_finish(st, run, "done", now_real(), e)) < 0)
		return r;
	*ret_run = run;
	return 0;
}

void netdev_service(const struct netdev_result *r, struct obs_service *o)
{
	*o = (struct obs_service){
		.ip = r->conf->addr, .port = r->conf->port, .proto = PROTO_UDP, .ts = r->ts
	};
	snprintf(o->name, sizeof(o->name), "snmp");
	snprintf(o->vendor, sizeof(o->vendor), "%s", r->id.vendor);
	snprintf(o->product, sizeof(o->product), "%s", r->id.product);
	snprintf(o->version, sizeof(o->version), "%s", r->id.version);
	snprintf(o->cpe, sizeof(o->cpe), "%s", r->id.cpe);
	snprintf(o->source, sizeof(o->source), "%s", r->id.source);
	snprintf(o->banner, sizeof(o->banner), "%s", r->sys_descr);
	snprintf(o->info, sizeof(o->info), "network device %s%s%s", r->conf->name, r->id.model[0] ? ", " : "",
		 r->id.model);
}

int netdev_identify_data(struct netdev_result *rs, size_t n, struct dm_err *e)
{
	struct fp_set fps = { 0 };
	int r = fp_set_load_dir(&fps, dm_data("fingerprints"), e);
	if (r == 0) netdev_identify(&fps, rs, n);
	fp_set_release(&fps);
	return r;
}

void netdev_identify(const struct fp_set *fps, struct netdev_result *rs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct netdev_result *r = &rs[i];
		struct netdev_ident *id = &r->id;
		struct obs_service o = { .ip = r->conf->addr, .port = r->conf->port, .proto = PROTO_UDP };
		if (fps && (r->sys_descr[0] || r->sys_object_id[0]))
			services_identify_snmp_system(fps, r->sys_descr, r->sys_object_id, &o);
		/* ENTITY-MIB: the chassis' maker when no database named one, its
		 * software revision when they named the product only */
		if (!o.vendor[0]) snprintf(o.vendor, sizeof(o.vendor), "%s", id->ent_mfg);
		if (o.product[0] && !o.version[0] && id->ent_sw[0]) {
			snprintf(o.version, sizeof(o.version), "%.31s", id->ent_sw);
			o.cpe[0] = 0; /* the CPE the databases wrote had no version */
		}
		snprintf(id->vendor, sizeof(id->vendor), "%s", o.vendor);
		snprintf(id->product, sizeof(id->product), "%s", o.product);
		snprintf(id->version, sizeof(id->version), "%s", o.version);
		snprintf(id->cpe, sizeof(id->cpe), "%s", o.cpe);
		snprintf(id->source, sizeof(id->source), "%s", o.source);
		struct fp_result fr;
		const char *hw = NULL;
		if (fps && r->sys_descr[0] &&
		    fp_set_match(fps, "snmp.sys_description", r->sys_descr, strlen(r->sys_descr), &fr))
			hw = fp_result_get(&fr, "hw.product");
		snprintf(id->model, sizeof(id->model), "%s", id->ent_model[0] ? id->ent_model : hw ? hw : "");
	}
}

int netdev_vulns(struct store *st, const struct aliases *al, const struct netdev_result *rs, size_t n,
		 int min, struct findings *out, struct dm_err *e)
{
	int r = store_vuln_any(st, e);
	if (r <= 0) return r;
	struct resultset devs = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (!rs[i].id.product[0] && !rs[i].id.cpe[0]) continue;
		struct obs_service o;
		netdev_service(&rs[i], &o);
		resultset_add_service(&devs, &o);
	}
	if (devs.n_hosts) {
		struct vuln_matcher m;
		vuln_matcher_init(&m, st, al);
		r = analyze_vulnerable(&m, &devs, (enum confidence)min, out, e);
		vuln_matcher_release(&m);
	}
	resultset_release(&devs);
	return r < 0 ? r : 0;
}

int netdev_default_communities(const struct netdev_result *rs, size_t n, struct findings *out,
			       struct dm_err *e)
{
	struct cred_db db = { 0 };
	int r = cred_db_load(&db, dm_data("credentials.csv"), e);
	struct cred_results crs = { 0 };
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct netdev_result *d = &rs[i];
		const struct netdev_conf *c = d->conf;
		/* the device answered the community: its agent takes it */
		if (c->version != 2 || !(d->sys_descr[0] || d->sys_name[0] || d->n_ifs)) continue;
		const struct cred_entry *ce[64];
		size_t k = cred_db_pick(&db, "snmp", d->sys_descr, ce, ARRAY_SIZE(ce));
		for (size_t j = 0; j < k; j++) {
			if (strcmp(ce[j]->pass, c->community)) continue;
			struct cred_result cr = { .ip = c->addr,
						  .port = c->port,
						  .proto = PROTO_UDP,
						  .outcome = CRED_DEFAULT,
						  .attempts = 1,
						  .entries_tried = 1,
						  .db_line = ce[j]->line,
						  .configured = true };
			snprintf(cr.service, sizeof(cr.service), "snmp");
			snprintf(cr.check, sizeof(cr.check), "snmp");
			snprintf(cr.method, sizeof(cr.method), "community");
			snprintf(cr.vendor, sizeof(cr.vendor), "%s", ce[j]->vendor);
			snprintf(cr.source, sizeof(cr.source), "%s", ce[j]->source);
			snprintf(cr.db, sizeof(cr.db), "%s", db.path);
			redact_fmt(c->community, strlen(c->community), cr.pass_shown, sizeof(cr.pass_shown));
			snprintf(cr.identity, sizeof(cr.identity), "%.60s %.60s %.30s", c->name,
				 d->id.product, d->id.version);
			snprintf(cr.detail, sizeof(cr.detail), "[netdev %.60s] walks with it", c->name);
			crs.v = xrealloc(crs.v, (crs.n + 1) * sizeof(*crs.v));
			crs.v[crs.n++] = cr;
			break;
		}
	}
	if (r == 0) credential_findings(&crs, now_real(), out);
	free(crs.v);
	cred_db_release(&db);
	return r;
}
