/* What the network's own devices add to the join (model/netdev.h): where
 * a host is plugged (switch, port, VLAN) and which router saw it, for the
 * evidence of every host finding; hosts seen only in an ARP table as
 * stand-ins for the ownership rules; and the switch-port rules
 * idle-switch-port and unknown-device-on-port. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/buf.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "model/netdev.h"
#include "model/site-config.h"
#include "store/store.h"

struct netdev_view {
	const struct netdev_result *rs;
	size_t n;
};

/* The first ARP row of any device for ip (and its device), or NULL. */
const struct netdev_arp *netdev_seen(const struct netdev_view *nv, const struct ipaddr *ip,
				     const struct netdev_result **ret_dev);
/* The access port where mac was learned (and its device and FDB row), or
 * NULL. An uplink never counts: every MAC is behind it. */
const struct netdev_if *netdev_plugged(const struct netdev_view *nv, const uint8_t mac[6],
				       const struct netdev_result **ret_dev,
				       const struct netdev_fdb **ret_fdb);
/* Adds "seen_by" (device, address, table, at) and "plugged" (device,
 * interface, alias, vlan) to an evidence object, when the devices know the
 * host (by address; by its MAC, from the scan or the ARP row). */
void ev_netdev(struct buf *b, const struct netdev_view *nv, const struct ipaddr *ip, const uint8_t *mac);
/* "in rtr1's ARP table at 2026-12-06 19:40 UTC" */
void fmt_netdev_seen(const struct netdev_result *dev, char *out, size_t n);

struct netdev_rules_input {
	const struct site_config *cfg; /* window_days */
	struct netdev_view nv;
	const struct inventory *inv; /* NULL or empty: no unknown-device-on-port */
	struct store *store;         /* earlier walks' counters; NULL: none */
	double now;
};

/* idle-switch-port: an access port administratively up whose state has
 * not changed for longer than the usage window and whose counters cannot
 * have moved (no link) or did not move since an earlier walk.
 * unknown-device-on-port: a MAC learned on an access port that the
 * register knows neither by MAC nor by the address ARP gives it. */
/* device-moved: a MAC on another access port than at the device's previous
 * complete walk. device-swapped: a MAC of that walk gone, and another one
 * on its access port. */
int analyze_netdev(const struct netdev_rules_input *in, struct findings *out, struct dm_err *e);
