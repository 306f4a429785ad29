/* The join rules: what the scan found alive and open, against the asset
 * register (who owns it, what it is for) and the stored flow summaries
 * (whether anybody uses it). unregistered-host, decommissioned-alive,
 * expired-test-device, idle-host, unused-port, unexpected-service: one
 * file each, registered in asset_rules[] (asset-rules.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/buf.h"
#include "analyze/netdev-rules.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "model/leases.h"
#include "net/targets.h"
#include "model/resultset.h"
#include "model/risk.h"
#include "model/site-config.h"
#include "store/store.h"

struct asset_input {
	const struct site_config *cfg; /* role baselines, usage window, internal ranges */
	const struct resultset *scan;  /* sorted */
	const struct inventory *inv;   /* NULL or empty: no register, no ownership rules */
	struct store *store;           /* flow history; NULL: no use rules */
	double now;                    /* the audit's time: expiry dates are judged against it */
	const struct leases *leases;   /* NULL or empty: no DHCP evidence */
	const struct targets *targets; /* what was scanned: a lease elsewhere is not this audit's; NULL: any */
	struct ipaddr vantage;         /* the scanner's own address; family 0: not known */
	/* what routers and switches said (may be empty): ARP rows make stand-ins
	 * of hosts that answered no probe, and every host's evidence says
	 * where it is plugged */
	struct netdev_view netdev;
	/* true: the use of the scan's live hosts only is read from the store,
	 * not every stored host's (a report's exposure view: no rule runs, so
	 * no stand-in is made of the other hosts with traffic) */
	bool use_of_scan;
};

/* What every rule reads, built once: the register by address and MAC, and
 * the use of each host and port in the usage window. */
struct asset_view {
	const struct asset_input *in;
	struct dm_err *e;                /* where a store error's sentence goes (may be NULL) */
	size_t n_inv;                    /* register entries; 0: no ownership rules */
	const struct inv_entry **by_mac; /* those with a MAC, by MAC */
	size_t n_mac;
	bool have_flows;                /* the store has traffic that covers the scanned hosts */
	double win_from, win_to;        /* the usage window: the last window_days of the records */
	double covered_days;            /* how much of the window the records cover */
	struct flow_use *hosts, *ports; /* sorted by host (then proto, port) */
	size_t n_hosts, n_ports;
	double lease_from; /* a lease held since then is presence: now - window_days */
	/* Who is on the network: the scan's live hosts, and stand-ins (up false,
	 * no ports) for scanned addresses that answered no probe but held a
	 * DHCP lease in the window. By address. */
	const struct host_entry **present;
	size_t n_present;
	struct host_entry *absent;
	size_t n_absent;
	/* stand-ins for internal addresses that talk in the stored traffic of
	 * the window but answered no probe (a device that drops every probe) */
	struct host_entry *talkers;
	size_t n_talkers;
	/* stand-ins for addresses in a router's ARP table that answered no
	 * probe (reason "netdev-arp") */
	struct host_entry *arp_only;
	size_t n_arp_only;
};

struct asset_rule {
	const char *id;
	const char *description;
	enum severity severity; /* default; a finding may rank higher or lower */
	int (*run)(const struct asset_view *v, struct findings *out);
};

extern const struct asset_rule asset_rules[];
extern const size_t asset_rules_count;

/* Open ports per (proto, port) and how many of them were used, most open
 * first; judged: there was traffic to judge use by. */
struct exposure {
	struct port_exposure *v;
	size_t n;
	bool judged;
};

/* Runs every rule (or those in the comma-separated list), then drops what
 * a stronger finding about the same host or port already says: a
 * decommissioned, expired, unregistered or idle host's unused ports, and an
 * unexpected service's unused port. ex (may be NULL) gets the exposure
 * against use per port, from the same reading of the store. */
int analyze_assets(const struct asset_input *in, const char *only, struct findings *out, struct exposure *ex,
		   struct dm_err *e);

/* The register's row for the host: by address, else by MAC (*by_mac set),
 * the MAC from the scan or else from the address's DHCP lease. */
const struct inv_entry *asset_registered(const struct asset_view *v, const struct host_entry *h,
					 bool *by_mac);
/* Whether the host is the site's own, to be judged for its use: internal
 * by the site policy, else (without `internal =`) one of the audit's
 * targets or a row of the register, whatever its numbering. (weak-tls
 * asks another question: whether the address is public.) */
bool asset_is_ours(const struct asset_view *v, const struct host_entry *h);
/* Use in the window, NULL when none (or no flow history). */
const struct flow_use *asset_host_use(const struct asset_view *v, const struct ipaddr *ip);
const struct flow_use *asset_port_use(const struct asset_view *v, const struct ipaddr *ip, enum proto proto,
				      uint16_t port);
/* The newest DHCP lease of the address held in the window (infinite ones
 * too), or NULL. */
const struct lease *asset_lease(const struct asset_view *v, const struct ipaddr *ip);
void ev_lease(struct buf *b, const struct lease *l);
/* "still answers", or for a stand-in "still holds a DHCP lease". */
const char *asset_alive_verb(const struct host_entry *h);
/* The host's open ports (proto, port, service name), for evidence and titles. */
size_t asset_open_ports(const struct host_entry *h);
void ev_open_ports(struct buf *b, const struct host_entry *h);
void ev_register_row(struct buf *b, const struct inv_entry *r);
void ev_seen(struct buf *b, const struct host_entry *h);
/* Opens the evidence object with how the host is known to be there: when
 * the scan saw it, its open ports, and its DHCP lease if any. */
void ev_presence(struct buf *b, const struct asset_view *v, const struct host_entry *h);
void ev_use(struct buf *b, const struct asset_view *v, const struct flow_use *u);
/* "80/tcp http, 554/tcp rtsp" (at most max ports, then "and N more"). */
void fmt_open_ports(const struct host_entry *h, size_t max, char *out, size_t n);
/* The open ports, or for a stand-in what its lease says ("answers no
 * probe; DHCP lease of aa:.. (name) renewed 2026-11-20 10:00 UTC"). */
void fmt_presence(const struct asset_view *v, const struct host_entry *h, char *out, size_t n);

int rule_unregistered_host(const struct asset_view *v, struct findings *out);
int rule_decommissioned_alive(const struct asset_view *v, struct findings *out);
int rule_expired_test_device(const struct asset_view *v, struct findings *out);
int rule_idle_host(const struct asset_view *v, struct findings *out);
int rule_unused_port(const struct asset_view *v, struct findings *out);
int rule_unexpected_service(const struct asset_view *v, struct findings *out);
int rule_weak_tls(const struct asset_view *v, struct findings *out);
