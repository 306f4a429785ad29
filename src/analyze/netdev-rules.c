/* The network devices in the join (analyze/netdev-rules.h): evidence of
 * where a host is plugged and which router saw it, and the switch-port
 * rules idle-switch-port and unknown-device-on-port. */
#include "analyze/netdev-rules.h"
#include "analyze/evidence.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "net/route.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct netdev_arp *netdev_seen(const struct netdev_view *nv, const struct ipaddr *ip,
				     const struct netdev_result **ret_dev)
{
	for (size_t d = 0; d < nv->n; d++)
		for (size_t i = 0; i < nv->rs[d].n_arp; i++)
			if (nv->rs[d].arp[i].type != 2 && !ipaddr_cmp(&nv->rs[d].arp[i].ip, ip)) {
				if (ret_dev) *ret_dev = &nv->rs[d];
				return &nv->rs[d].arp[i];
			}
	return NULL;
}

const struct netdev_if *netdev_plugged(const struct netdev_view *nv, const uint8_t mac[6],
				       const struct netdev_result **ret_dev,
				       const struct netdev_fdb **ret_fdb)
{
	for (size_t d = 0; d < nv->n; d++) {
		const struct netdev_result *r = &nv->rs[d];
		for (size_t i = 0; i < r->n_fdb; i++) {
			if (r->fdb[i].status != 3 || memcmp(r->fdb[i].mac, mac, 6)) continue;
			const struct netdev_if *f = netdev_if_find(r, r->fdb[i].ifindex);
			if (!f || !netdev_is_access_port(r, f)) continue;
			if (ret_dev) *ret_dev = r;
			if (ret_fdb) *ret_fdb = &r->fdb[i];
			return f;
		}
	}
	return NULL;
}

static const char *table_of(const struct netdev_result *r)
{
	(void)r;
	return "ARP"; /* ipNetToPhysicalTable and ipNetToMediaTable are read as one */
}

void fmt_netdev_seen(const struct netdev_result *dev, char *out, size_t n)
{
	char when[40];
	fmt_rfc3339(dev->ts, when, sizeof(when));
	when[16] = 0; /* to the minute */
	when[10] = ' ';
	snprintf(out, n, "in %.60s's %s table at %s UTC", dev->conf->name, table_of(dev), when);
}

static void ev_port(struct buf *b, const char *key, const struct netdev_result *dev,
		    const struct netdev_if *f, uint16_t vlan)
{
	struct buf a = BUF_INIT;
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(&dev->conf->addr, ip, sizeof(ip));
	buf_putc(&a, '{');
	ev_str(&a, "device", dev->conf->name);
	ev_str(&a, "device_address", ip);
	ev_str(&a, "interface", f->name);
	ev_num(&a, "ifindex", f->index);
	if (f->alias[0]) ev_str(&a, "alias", f->alias);
	if (vlan || f->pvid) ev_num(&a, "vlan", vlan ? vlan : f->pvid);
	buf_putc(&a, '}');
	ev_raw(b, key, a.data);
	buf_release(&a);
}

void ev_netdev(struct buf *b, const struct netdev_view *nv, const struct ipaddr *ip, const uint8_t *mac)
{
	if (!nv || !nv->n) return;
	const struct netdev_result *dev = NULL;
	const struct netdev_arp *a = netdev_seen(nv, ip, &dev);
	if (a) {
		struct buf s = BUF_INIT;
		char dip[IPADDR_STRLEN], m[18];
		ipaddr_fmt(&dev->conf->addr, dip, sizeof(dip));
		mac_fmt(a->mac, m, sizeof(m));
		buf_putc(&s, '{');
		ev_str(&s, "device", dev->conf->name);
		ev_str(&s, "device_address", dip);
		ev_str(&s, "table", table_of(dev));
		ev_str(&s, "mac", m);
		ev_time(&s, "at", dev->ts);
		buf_putc(&s, '}');
		ev_raw(b, "seen_by", s.data);
		buf_release(&s);
		if (!mac) mac = a->mac;
	}
	const struct netdev_fdb *fdb = NULL;
	const struct netdev_if *f = mac ? netdev_plugged(nv, mac, &dev, &fdb) : NULL;
	if (f) ev_port(b, "plugged", dev, f, fdb->vlan);
}

/* The register knows the device behind mac: by its MAC, or by an address
 * some ARP table gives that MAC. */
static bool registered_mac(const struct netdev_rules_input *in, const uint8_t mac[6], struct ipaddr *ret_ip)
{
	char m[18];
	mac_fmt(mac, m, sizeof(m));
	for (size_t i = 0; i < in->inv->n; i++)
		if (!strcasecmp(in->inv->v[i].mac, m)) return true;
	ret_ip->family = 0;
	for (size_t d = 0; d < in->nv.n; d++)
		for (size_t i = 0; i < in->nv.rs[d].n_arp; i++)
			if (!memcmp(in->nv.rs[d].arp[i].mac, mac, 6)) {
				*ret_ip = in->nv.rs[d].arp[i].ip;
				if (inventory_find(in->inv, ret_ip)) return true;
			}
	return false;
}

static void unknown_on_port(const struct netdev_rules_input *in, const struct netdev_result *r,
			    struct findings *out)
{
	for (size_t i = 0; i < r->n_fdb; i++) {
		const struct netdev_fdb *d = &r->fdb[i];
		const struct netdev_if *f = netdev_if_find(r, d->ifindex);
		struct ipaddr ip;
		if (d->status != 3 || !f || !netdev_is_access_port(r, f) || registered_mac(in, d->mac, &ip))
			continue;
		char m[18], title[400], rem[400], where[200];
		mac_fmt(d->mac, m, sizeof(m));
		snprintf(where, sizeof(where), "%.60s port %.60s%s%.60s%s", r->conf->name, f->name,
			 f->alias[0] ? " (" : "", f->alias, f->alias[0] ? ")" : "");
		snprintf(title, sizeof(title), "A device in no register (%s) is plugged into %s, VLAN %u", m,
			 where, d->vlan ? d->vlan : f->pvid);
		snprintf(
		    rem, sizeof(rem),
		    "Find who plugged %s into %s and register it, or shut the port (and use port security "
		    "or 802.1X so that only known devices get a link).",
		    m, where);
		struct buf b = BUF_INIT;
		buf_putc(&b, '{');
		ev_str(&b, "mac", m);
		ev_port(&b, "plugged", r, f, d->vlan);
		if (ip.family) ev_addr(&b, "arp_address", &ip);
		ev_num(&b, "register_entries", (double)in->inv->n);
		ev_time(&b, "walked", r->ts);
		const struct ipaddr *at = ip.family ? &ip : &r->conf->addr;
		add_host_finding(out, "unknown-device-on-port", SEV_MEDIUM, 1, at, title, &b, rem, r->ts,
				 r->ts);
	}
}

/* The counters of the newest earlier complete walk of this device, to
 * tell a port that moved no byte from one that did. */
struct prev {
	struct netdev_if *ifs;
	size_t n;
	double ts;
};

static const struct netdev_if *prev_port(const struct prev *p, uint32_t ifindex)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->ifs[i].index == ifindex) return &p->ifs[i];
	return NULL;
}

static void idle_ports(const struct netdev_rules_input *in, const struct netdev_result *r,
		       const struct prev *p, struct findings *out)
{
	double window = in->cfg->window_days;
	for (size_t i = 0; i < r->n_ifs; i++) {
		const struct netdev_if *f = &r->ifs[i];
		if (f->admin != 1 || !netdev_is_access_port(r, f) || netdev_port_macs(r, f->index)) continue;
		double days = netdev_if_idle_days(r, f);
		if (days <= window) continue;
		const struct netdev_if *old = prev_port(p, f->index);
		bool no_link = f->oper != 1;
		bool still = old && old->in_octets == f->in_octets && old->out_octets == f->out_octets;
		if (!no_link && !still)
			continue; /* up with a link: only counters that stood still say idle */
		char where[200], title[400], rem[400];
		snprintf(where, sizeof(where), "%.60s port %.60s%s%.60s%s", r->conf->name, f->name,
			 f->alias[0] ? " (" : "", f->alias, f->alias[0] ? ")" : "");
		snprintf(title, sizeof(title), "Switch port %s is enabled but unused for %.0f days (%s)",
			 where, days, no_link ? "no link" : "counters unchanged");
		snprintf(
		    rem, sizeof(rem),
		    "Shut %s (or move it to an unused VLAN) until somebody needs it: an enabled, forgotten "
		    "port is where an intruder plugs in.",
		    where);
		struct buf b = BUF_INIT;
		buf_putc(&b, '{');
		ev_port(&b, "port", r, f, 0);
		ev_str(&b, "admin", "up");
		ev_str(&b, "oper", no_link ? "down" : "up");
		ev_num(&b, "days_idle", (double)(int64_t)(days * 10 + 0.5) / 10);
		ev_num(&b, "window_days", window);
		ev_num(&b, "in_octets", (double)f->in_octets);
		ev_num(&b, "out_octets", (double)f->out_octets);
		if (old) ev_time(&b, "counters_unchanged_since", p->ts);
		ev_time(&b, "walked", r->ts);
		double first = r->ts - days * 86400;
		add_host_finding(out, "idle-switch-port", SEV_LOW, days / 365, &r->conf->addr, title, &b, rem,
				 first, r->ts);
	}
}

static void where(char *out, size_t n, const char *dev, const char *name, const char *alias)
{
	snprintf(out, n, "%.60s port %.60s%s%.60s%s", dev, name, alias[0] ? " (" : "", alias,
		 alias[0] ? ")" : "");
}

/* The earlier place of a MAC as evidence. */
static void ev_was(struct buf *b, const struct netdev_result *r, const struct netdev_prev_mac *pm, double ts)
{
	struct buf a = BUF_INIT;
	buf_putc(&a, '{');
	ev_str(&a, "device", r->conf->name);
	ev_str(&a, "interface", pm->name);
	ev_num(&a, "ifindex", pm->ifindex);
	if (pm->alias[0]) ev_str(&a, "alias", pm->alias);
	if (pm->vlan) ev_num(&a, "vlan", pm->vlan);
	ev_time(&a, "walked", ts);
	buf_putc(&a, '}');
	ev_raw(b, "was", a.data);
	buf_release(&a);
}

/* device-moved: a MAC the previous complete walk of r saw on one of its
 * access ports is now on another access port (of any device asked).
 * device-swapped: it is nowhere now, and its old port holds another MAC. */
static void moved_swapped(const struct netdev_rules_input *in, const struct netdev_result *r,
			  const struct netdev_prev_mac *pm, size_t n, double ts, struct findings *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct netdev_result *dev = NULL;
		const struct netdev_fdb *fdb = NULL;
		const struct netdev_if *now = netdev_plugged(&in->nv, pm[i].mac, &dev, &fdb);
		char m[18], was[200], is[200], title[480], rem[400];
		mac_fmt(pm[i].mac, m, sizeof(m));
		where(was, sizeof(was), r->conf->name, pm[i].name, pm[i].alias);
		struct buf b = BUF_INIT;
		if (now && (dev != r || now->index != pm[i].ifindex)) {
			where(is, sizeof(is), dev->conf->name, now->name, now->alias);
			snprintf(title, sizeof(title), "Device %s moved from %s to %s", m, was, is);
			snprintf(rem, sizeof(rem),
				 "Check that the move of %s to %s was wanted (and update the register's "
				 "location); "
				 "an unexplained move can be a device taken elsewhere or a spoofed MAC.",
				 m, is);
			buf_putc(&b, '{');
			ev_str(&b, "mac", m);
			ev_was(&b, r, &pm[i], ts);
			ev_port(&b, "plugged", dev, now, fdb->vlan);
			ev_time(&b, "walked", dev->ts);
			add_host_finding(out, "device-moved", SEV_LOW, 1, &dev->conf->addr, title, &b, rem,
					 ts, dev->ts);
			continue;
		}
		if (now) {
			buf_release(&b);
			continue; /* still where it was */
		}
		/* gone: who is on its old port now */
		const struct netdev_fdb *other = NULL;
		const struct netdev_if *f = netdev_if_find(r, pm[i].ifindex);
		for (size_t k = 0; f && k < r->n_fdb && !other; k++)
			if (r->fdb[k].status == 3 && r->fdb[k].ifindex == pm[i].ifindex) other = &r->fdb[k];
		if (!other || !netdev_is_access_port(r, f)) {
			buf_release(&b);
			continue;
		}
		char nm[18];
		mac_fmt(other->mac, nm, sizeof(nm));
		snprintf(title, sizeof(title), "On %s, device %s was replaced by %s since the last walk", was,
			 m, nm);
		snprintf(rem, sizeof(rem),
			 "Find out why %s took the place of %s on %s: a swapped device should be registered "
			 "(and the old one's entry retired); an unknown one should not have the port.",
			 nm, m, was);
		buf_putc(&b, '{');
		ev_str(&b, "mac", nm);
		ev_str(&b, "replaced_mac", m);
		ev_was(&b, r, &pm[i], ts);
		ev_port(&b, "plugged", r, f, other->vlan);
		ev_time(&b, "walked", r->ts);
		add_host_finding(out, "device-swapped", SEV_MEDIUM, 1, &r->conf->addr, title, &b, rem, ts,
				 r->ts);
	}
}

int analyze_netdev(const struct netdev_rules_input *in, struct findings *out, struct dm_err *e)
{
	for (size_t d = 0; d < in->nv.n; d++) {
		const struct netdev_result *r = &in->nv.rs[d];
		if (!r->ok) continue; /* a partial table proves no absence */
		struct prev p = { 0 };
		if (in->store &&
		    store_netdev_prev(in->store, r->conf->name, r->started, &p.ifs, &p.n, &p.ts, e) < 0)
			return DM_ESTORE;
		idle_ports(in, r, &p, out);
		free(p.ifs);
		struct netdev_prev_mac *pm = NULL;
		size_t npm = 0;
		double pts = 0;
		if (in->store &&
		    store_netdev_prev_macs(in->store, r->conf->name, r->started, &pm, &npm, &pts, e) < 0)
			return DM_ESTORE;
		moved_swapped(in, r, pm, npm, pts, out);
		free(pm);
		if (in->inv && in->inv->n) unknown_on_port(in, r, out);
	}
	return 0;
}
