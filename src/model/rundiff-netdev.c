/* What changed in the network devices' tables between two runs
 * (rundiff.h rundiff_netdev): a MAC learned on another access port, a
 * port whose link came up or went down, an entry new in an ARP table.
 * Only devices whose walk was complete in both runs are compared: a
 * partial table proves no absence. */
#include "model/netdev.h"
#include "model/rundiff.h"
#include "net/route.h"
#include <stdio.h>
#include <string.h>

/* A learned MAC is placed on a port that holds few MACs (an access port);
 * on an uplink it is seen everywhere and says nothing of where it sits. */
#define ACCESS_PORT_MACS 4

static bool walked(const struct netdev_rows *r, const char *device)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].kind == NETDEV_ROW_PORT && !strcmp(r->v[i].device, device)) return true;
	return false;
}

static const struct netdev_row *where(const struct netdev_rows *r, const uint8_t mac[6])
{
	for (size_t i = 0; i < r->n; i++) {
		const struct netdev_row *x = &r->v[i];
		if (x->kind == NETDEV_ROW_FDB && x->port_macs <= ACCESS_PORT_MACS && !memcmp(x->mac, mac, 6))
			return x;
	}
	return NULL;
}

static const struct netdev_row *find(const struct netdev_rows *r, const struct netdev_row *y)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct netdev_row *x = &r->v[i];
		if (x->kind != y->kind || strcmp(x->device, y->device)) continue;
		if (x->kind == NETDEV_ROW_PORT && x->ifindex == y->ifindex) return x;
		if (x->kind == NETDEV_ROW_ARP && !memcmp(x->mac, y->mac, 6) && !ipaddr_cmp(&x->ip, &y->ip))
			return x;
	}
	return NULL;
}

static struct change *add(struct rundiff *d, enum change_kind k, const struct netdev_row *x,
			  const struct ipaddr *ip)
{
	struct change *c = rundiff_add(d, k, ip);
	snprintf(c->device, sizeof(c->device), "%s", x->device);
	if (k != CHANGE_ARP_NEW) {
		snprintf(c->iface, sizeof(c->iface), "%s", x->name);
		snprintf(c->alias, sizeof(c->alias), "%s", x->alias);
	}
	if (k != CHANGE_PORT_UP && k != CHANGE_PORT_DOWN) mac_fmt(x->mac, c->mac, sizeof(c->mac));
	c->vlan = x->vlan;
	return c;
}

/* b's learned MACs placed on another access port than in a, once each */
static void moved(const struct netdev_rows *a, const struct netdev_rows *b, struct rundiff *d)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct netdev_row *y = &b->v[i];
		if (y->kind != NETDEV_ROW_FDB || y->port_macs > ACCESS_PORT_MACS || where(b, y->mac) != y)
			continue;
		const struct netdev_row *x = where(a, y->mac);
		if (!x || (!strcmp(x->device, y->device) && x->ifindex == y->ifindex)) continue;
		/* both devices asked completely both times: else it may only be unseen */
		if (!walked(a, y->device) || !walked(b, x->device)) continue;
		struct change *c = add(d, CHANGE_MAC_MOVED, y, &y->device_addr);
		snprintf(c->was_device, sizeof(c->was_device), "%s", x->device);
		snprintf(c->was_iface, sizeof(c->was_iface), "%s", x->name);
		snprintf(c->was_alias, sizeof(c->was_alias), "%s", x->alias);
	}
}

void rundiff_netdev(const struct netdev_rows *a, const struct netdev_rows *b, struct rundiff *d)
{
	moved(a, b, d);
	for (size_t i = 0; i < b->n; i++) {
		const struct netdev_row *y = &b->v[i];
		if (y->kind == NETDEV_ROW_FDB || !walked(a, y->device)) continue;
		const struct netdev_row *x = find(a, y);
		if (y->kind == NETDEV_ROW_ARP && !x) add(d, CHANGE_ARP_NEW, y, &y->ip);
		if (y->kind != NETDEV_ROW_PORT || !x || x->oper == y->oper) continue;
		if (y->oper == 1 && x->oper == 2) add(d, CHANGE_PORT_UP, y, &y->device_addr);
		if (y->oper == 2 && x->oper == 1) add(d, CHANGE_PORT_DOWN, y, &y->device_addr);
	}
}
