/* The join stage: the register, the leases and the site config read before
 * the run, then the asset rules over the scan and the store's traffic. */
#include "pipeline/stage-join.h"
#include "analyze/assets.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <string.h>
#include <unistd.h>
#include "base/datadir.h"
#include "pipeline/netdev.h"
#include "pipeline/run-changes.h"
#include "analyze/readdressed.h"
#include "probe/names.h"

#define ROLES_DEFAULT_PATH dm_data("roles.conf")

int join_inputs_load(const struct join_files *f, struct join_inputs *out, struct dm_err *e)
{
	int r;
	site_config_defaults(&out->cfg);
	if (access(ROLES_DEFAULT_PATH, R_OK) == 0 &&
	    (r = site_config_load(&out->cfg, ROLES_DEFAULT_PATH, e)) < 0)
		return r;
	if (f->config && (r = site_config_load(&out->cfg, f->config, e)) < 0) return r;
	if (f->inventory && (r = inventory_load_file(f->inventory, &out->inv, e)) < 0) return r;
	for (size_t i = 0; i < f->n_lease_files; i++)
		if ((r = leases_load_file(&out->leases, f->lease_files[i], e)) < 0) return r;
	if (f->n_lease_files)
		log_info("audit: %zu DHCP leases from %zu file%s", out->leases.n, f->n_lease_files,
			 f->n_lease_files == 1 ? "" : "s");
	return 0;
}

int join_inventory_sync(const struct join_files *f, struct join_inputs *in, struct store *st,
			struct dm_err *e)
{
	int r;
	if (f->inventory) {
		if ((r = store_inventory_replace(st, &in->inv, f->inventory, now_real(), e)) < 0) return r;
		log_info("audit: asset register: %zu entries from %s", in->inv.n, f->inventory);
	} else if ((r = store_inventory_load(st, &in->inv, e)) < 0) {
		return r;
	} else if (!in->inv.n) {
		log_info("audit: no asset register ('--inventory FILE' or 'dormant inventory import'): "
			 "unregistered, decommissioned and expired devices are not judged");
	}
	return 0;
}

/* The [netdev NAME] devices of the site policy, asked before the join: a
 * public device address must be one of the audit's targets (which
 * --allow-public admitted). A device that fails is a warning, not the
 * audit's end. */
static int netdev_ask(const struct join_in *in, struct join_out *out, struct dm_err *e)
{
	const struct netdev_confs *c = &in->inputs->cfg.netdevs;
	bool pub_ok = true;
	for (size_t i = 0; i < c->n; i++) {
		const struct ipaddr *a = &c->v[i].addr;
		bool pub = a->family == AF_INET ? ipv4_is_public(a->v4) : ipv6_is_public(&a->v6);
		if (pub && !(in->targets && targets_contains(in->targets, a))) pub_ok = false;
	}
	return c->n ? netdev_collect(c, NULL, pub_ok, &out->netdev, &out->n_netdev, e) : 0;
}

/* The names the network gives the run's hosts (probe/names.h): PTR names
 * from the site's DNS server when [site] dns names one, and the name each
 * host on the scan's link (its MAC from the scan's ARP) answers to a
 * unicast mDNS query unless [site] mdns = off. Failure is no names. */
static void ask_names(const struct site_config *cfg, struct ident_set *cur)
{
	struct ipaddr server = cfg->dns;
	struct dm_err e = { "" };
	if (cfg->dns_from == SITE_DNS_RESOLV && names_resolv_server("/etc/resolv.conf", &server, &e) < 0) {
		log_warn("audit: no PTR names: %s", e.msg);
		return;
	}
	bool *mdns = xcalloc(cur->n + 1, sizeof(bool)), any = false;
	struct ipaddr *ip = xcalloc(cur->n + 1, sizeof(*ip));
	for (size_t i = 0; i < cur->n; i++) {
		ip[i] = cur->v[i].ip;
		mdns[i] = !cfg->mdns_off && cur->v[i].has_mac && !strcmp(cur->v[i].mac_from, "scan");
		any = any || mdns[i];
	}
	struct names_ask a = { .ip = ip,
			       .n = cur->n,
			       .server = cfg->dns_from != SITE_DNS_OFF ? &server : NULL,
			       .server_port = cfg->dns_port,
			       .mdns = mdns };
	char(*ptr)[DNS_NAME_MAX] = xcalloc(cur->n + 1, DNS_NAME_MAX),
	(*md)[DNS_NAME_MAX] = xcalloc(cur->n + 1, DNS_NAME_MAX);
	struct names_got got;
	if ((a.server || any) && cur->n) {
		if (names_lookup(&a, ptr, md, &got, &e) < 0)
			log_warn("audit: no host names: %s", e.msg);
		else
			log_info(
			    "audit: host names: %zu by reverse DNS, %zu by mDNS (%zu queries, %zu answers"
			    " malformed)",
			    got.ptr, got.mdns, got.sent, got.malformed);
		for (size_t i = 0; i < cur->n; i++) ident_obs_set_names(&cur->v[i], md[i], ptr[i]);
	}
	free(ptr);
	free(md);
	free(mdns);
	free(ip);
}

/* The identities this run saw, stored with it, and the devices followed
 * from the previous comparable run to a new address (asset-readdressed). */
static int follow_identities(const struct join_in *in, const struct asset_input *ai, struct dm_err *e)
{
	struct ident_set cur = { 0 }, prev = { 0 };
	double lease_from = ai->now - ai->cfg->window_days * 86400;
	readdressed_observe(in->rs, ai->leases, lease_from, ai->now, &ai->netdev, &cur);
	ask_names(ai->cfg, &cur);
	int r = store_idents_save(in->st, in->run, &cur, e);
	struct coverage none = { 0 };
	int64_t before = r == 0 ? run_comparable_to(in->st, in->run, in->kind, in->cov ? in->cov : &none, e)
				: 0;
	if (before < 0) r = (int)before;
	if (r == 0 && before > 0) r = store_idents_load(in->st, before, &prev, e);
	if (r == 0 && before > 0) {
		struct readdressed_input ri = { .st = in->st,
						.run = in->run,
						.prev_run = before,
						.prev = &prev,
						.cur = &cur,
						.inv = ai->inv };
		r = analyze_readdressed(&ri, in->fs, e);
	}
	ident_set_release(&cur);
	ident_set_release(&prev);
	return r;
}

int stage_join(const struct join_in *in, struct join_out *out, struct dm_err *e)
{
	const struct join_inputs *ji = in->inputs;
	struct asset_input ai = { .cfg = &ji->cfg,
				  .scan = in->rs,
				  .inv = &ji->inv,
				  .store = in->st,
				  .now = now_real(),
				  .leases = &ji->leases,
				  .targets = in->targets,
				  .vantage = in->vantage };
	int r;
	if ((r = netdev_ask(in, out, e)) < 0) return r;
	if (out->n_netdev && in->fps)
		netdev_identify(in->fps, out->netdev, out->n_netdev);
	else if (out->n_netdev && (r = netdev_identify_data(out->netdev, out->n_netdev, e)) < 0)
		return r;
	ai.netdev = (struct netdev_view){ out->netdev, out->n_netdev };
	struct netdev_rules_input ni = {
		.cfg = &ji->cfg, .nv = ai.netdev, .inv = &ji->inv, .store = in->st, .now = ai.now
	};
	if ((r = store_read_begin(in->st, e)) < 0) return r;
	r = analyze_assets(&ai, NULL, in->fs, &out->exposure, e);
	if (r == 0 && out->n_netdev) r = analyze_netdev(&ni, in->fs, e);
	store_read_end(in->st, NULL);
	if (r < 0) return r;
	/* the devices' own firmware, as the vulns stage matched the services */
	if (out->n_netdev && in->al &&
	    (r = netdev_vulns(in->st, in->al, out->netdev, out->n_netdev, in->min_conf, in->fs, e)) < 0)
		return r;
	/* the devices' communities, as `dormant netdev` judges them */
	if (out->n_netdev && (r = netdev_default_communities(out->netdev, out->n_netdev, in->fs, e)) < 0)
		return r;
	if (out->n_netdev && (r = store_netdev_save(in->st, in->run, out->netdev, out->n_netdev, e)) < 0)
		return r;
	if (in->run && (r = follow_identities(in, &ai, e)) < 0) return r;
	out->n_assets = assets_rank(in->rs, in->fs, &out->assets);
	return 0;
}

void join_out_release(struct join_out *out)
{
	free(out->exposure.v);
	free(out->assets);
	netdev_results_free(out->netdev, out->n_netdev);
	*out = (struct join_out){ 0 };
}

void join_inputs_release(struct join_inputs *in)
{
	inventory_release(&in->inv);
	leases_release(&in->leases);
	site_config_release(&in->cfg);
}
