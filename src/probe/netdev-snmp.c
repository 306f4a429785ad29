/* The SNMP walk of one network device (probe/netdev-snmp.h) with Net-SNMP's
 * single-session API. Every table is walked column by column with GetBulk
 * from the column's OID until the agent leaves the column; the row cap and
 * the device's deadline are checked before every request, and a request
 * that times out ends the device's walk (it stopped answering) with what
 * was read kept. Net-SNMP's headers are included here only: they define
 * macros (max_repetitions, LOG_*) that clash with the rest of dormant. */
#include "probe/netdev-snmp.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns walked, in order: ifTable first (the others refer to it). */
enum col {
	C_IFDESCR,
	C_IFTYPE,
	C_IFSPEED,
	C_IFADMIN,
	C_IFOPER,
	C_IFLAST,
	C_IFIN,
	C_IFINPKT,
	C_IFOUT,
	C_IFOUTPKT,
	C_IFNAME,
	C_IFHCIN,
	C_IFHCINPKT,
	C_IFHCOUT,
	C_IFHCOUTPKT,
	C_IFHIGHSPEED,
	C_IFALIAS,
	C_ARPM_MAC,
	C_ARPM_TYPE,
	C_ARPP_MAC,
	C_ARPP_TYPE,
	C_BASEPORT,
	C_PVID,
	C_FDB_PORT,
	C_FDB_STATUS,
	C_QFDB_PORT,
	C_QFDB_STATUS,
	C_LLDP_CHASSIS,
	C_LLDP_PORTID,
	C_LLDP_PORTDESC,
	C_LLDP_SYSNAME,
	C_CDP_ADDRTYPE,
	C_CDP_ADDR,
	C_CDP_DEVID,
	C_CDP_PORT,
	C_CDP_PLATFORM,
	C_ENT_CLASS,
	C_ENT_SW,
	C_ENT_MFG,
	C_ENT_MODEL,
};

struct column {
	enum col col;
	const char *table;
	oid id[16];
	size_t len;
};

#define MIB2 1, 3, 6, 1, 2, 1
#define CDP 1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1 /* cdpCacheEntry */
static const struct column columns[] = {
	{ C_IFDESCR, "ifTable", { MIB2, 2, 2, 1, 2 }, 10 },
	{ C_IFTYPE, "ifTable", { MIB2, 2, 2, 1, 3 }, 10 },
	{ C_IFSPEED, "ifTable", { MIB2, 2, 2, 1, 5 }, 10 },
	{ C_IFADMIN, "ifTable", { MIB2, 2, 2, 1, 7 }, 10 },
	{ C_IFOPER, "ifTable", { MIB2, 2, 2, 1, 8 }, 10 },
	{ C_IFLAST, "ifTable", { MIB2, 2, 2, 1, 9 }, 10 },
	{ C_IFIN, "ifTable", { MIB2, 2, 2, 1, 10 }, 10 },
	{ C_IFINPKT, "ifTable", { MIB2, 2, 2, 1, 11 }, 10 },
	{ C_IFOUT, "ifTable", { MIB2, 2, 2, 1, 16 }, 10 },
	{ C_IFOUTPKT, "ifTable", { MIB2, 2, 2, 1, 17 }, 10 },
	{ C_IFNAME, "ifXTable", { MIB2, 31, 1, 1, 1, 1 }, 11 },
	{ C_IFHCIN, "ifXTable", { MIB2, 31, 1, 1, 1, 6 }, 11 },
	{ C_IFHCINPKT, "ifXTable", { MIB2, 31, 1, 1, 1, 7 }, 11 },
	{ C_IFHCOUT, "ifXTable", { MIB2, 31, 1, 1, 1, 10 }, 11 },
	{ C_IFHCOUTPKT, "ifXTable", { MIB2, 31, 1, 1, 1, 11 }, 11 },
	{ C_IFHIGHSPEED, "ifXTable", { MIB2, 31, 1, 1, 1, 15 }, 11 },
	{ C_IFALIAS, "ifXTable", { MIB2, 31, 1, 1, 1, 18 }, 11 },
	{ C_ARPM_MAC, "ipNetToMediaTable", { MIB2, 4, 22, 1, 2 }, 10 },
	{ C_ARPM_TYPE, "ipNetToMediaTable", { MIB2, 4, 22, 1, 4 }, 10 },
	{ C_ARPP_MAC, "ipNetToPhysicalTable", { MIB2, 4, 35, 1, 4 }, 10 },
	{ C_ARPP_TYPE, "ipNetToPhysicalTable", { MIB2, 4, 35, 1, 6 }, 10 },
	{ C_BASEPORT, "dot1dBasePortTable", { MIB2, 17, 1, 4, 1, 2 }, 11 },
	{ C_PVID, "dot1qPortVlanTable", { MIB2, 17, 7, 1, 4, 5, 1, 1 }, 13 },
	{ C_FDB_PORT, "dot1dTpFdbTable", { MIB2, 17, 4, 3, 1, 2 }, 11 },
	{ C_FDB_STATUS, "dot1dTpFdbTable", { MIB2, 17, 4, 3, 1, 3 }, 11 },
	{ C_QFDB_PORT, "dot1qTpFdbTable", { MIB2, 17, 7, 1, 2, 2, 1, 2 }, 13 },
	{ C_QFDB_STATUS, "dot1qTpFdbTable", { MIB2, 17, 7, 1, 2, 2, 1, 3 }, 13 },
	{ C_LLDP_CHASSIS, "lldpRemTable", { 1, 0, 8802, 1, 1, 2, 1, 4, 1, 1, 5 }, 11 },
	{ C_LLDP_PORTID, "lldpRemTable", { 1, 0, 8802, 1, 1, 2, 1, 4, 1, 1, 7 }, 11 },
	{ C_LLDP_PORTDESC, "lldpRemTable", { 1, 0, 8802, 1, 1, 2, 1, 4, 1, 1, 8 }, 11 },
	{ C_LLDP_SYSNAME, "lldpRemTable", { 1, 0, 8802, 1, 1, 2, 1, 4, 1, 1, 9 }, 11 },
	{ C_CDP_ADDRTYPE, "cdpCacheTable", { CDP, 3 }, 14 },
	{ C_CDP_ADDR, "cdpCacheTable", { CDP, 4 }, 14 },
	{ C_CDP_DEVID, "cdpCacheTable", { CDP, 6 }, 14 },
	{ C_CDP_PORT, "cdpCacheTable", { CDP, 7 }, 14 },
	{ C_CDP_PLATFORM, "cdpCacheTable", { CDP, 8 }, 14 },
	{ C_ENT_CLASS, "entPhysicalTable", { MIB2, 47, 1, 1, 1, 1, 5 }, 12 },
	{ C_ENT_SW, "entPhysicalTable", { MIB2, 47, 1, 1, 1, 1, 10 }, 12 },
	{ C_ENT_MFG, "entPhysicalTable", { MIB2, 47, 1, 1, 1, 1, 12 }, 12 },
	{ C_ENT_MODEL, "entPhysicalTable", { MIB2, 47, 1, 1, 1, 1, 13 }, 12 },
};

struct bport {
	uint32_t port, ifindex;
};

/* An entPhysicalTable row: only the chassis (class 3) is kept in the end. */
struct entity {
	uint32_t index;
	int class_;
	char sw[64], mfg[64], model[64];
};

struct walk {
	const struct netdev_conf *c;
	struct netdev_result *r;
	void *sess;
	double deadline; /* monotonic */
	size_t hint;     /* where the previous column's row of the same index was */
	struct bport *bp;
	size_t n_bp;
	uint32_t *lldp_idx; /* (local port, remote index) per lldp row */
	uint32_t *cdp_idx;  /* (cdpCacheDeviceIndex, cdpCacheAddressType) per cdp row */
	struct entity *ent;
	size_t n_ent;
	char who[128];
};

static void fail(struct walk *w, const char *table, const char *fmt, const char *detail)
{
	if (w->r->error[0]) return;
	char what[160];
	snprintf(what, sizeof(what), fmt, detail);
	snprintf(w->r->error, sizeof(w->r->error), "%.90s: %.30s%s%.120s", w->who, table ? table : "",
		 table ? ": " : "", what);
}

static void copy_str(char *dst, size_t n, const netsnmp_variable_list *v)
{
	size_t len = v->type == ASN_OCTET_STR ? v->val_len : 0;
	if (len > n - 1) len = n - 1;
	if (len) memcpy(dst, v->val.string, len);
	for (size_t i = 0; i < len; i++)
		if (!dst[i]) dst[i] = '.'; /* a NUL would cut what follows */
	dst[len] = 0;
}

/* An LLDP id: text when printable, else the bytes in hex with colons (a MAC
 * address chassis id). */
static void copy_id(char *dst, size_t n, const netsnmp_variable_list *v)
{
	size_t len = v->type == ASN_OCTET_STR ? v->val_len : 0;
	bool text = len > 0;
	for (size_t i = 0; i < len; i++)
		if (v->val.string[i] < 0x20 || v->val.string[i] > 0x7e) text = false;
	if (text) {
		copy_str(dst, n, v);
		return;
	}
	size_t o = 0;
	dst[0] = 0;
	for (size_t i = 0; i < len && o + 4 <= n; i++)
		o += (size_t)snprintf(dst + o, n - o, "%s%02x", i ? ":" : "", v->val.string[i]);
}

static uint64_t num(const netsnmp_variable_list *v)
{
	if (v->type == ASN_COUNTER64 && v->val.counter64)
		return (uint64_t)v->val.counter64->high << 32 | v->val.counter64->low;
	if (v->val.integer && v->val_len >= sizeof(long)) return (uint64_t)(unsigned long)*v->val.integer;
	return 0;
}

static bool mac_of(const netsnmp_variable_list *v, uint8_t mac[6])
{
	if (v->type != ASN_OCTET_STR || v->val_len != 6) return false;
	memcpy(mac, v->val.string, 6);
	return true;
}

/* The row of the table whose key matches, found near the previous hit
 * first: the columns of one table come in the same order. */
#define FIND_ROW(w, arr, n, match)                          \
	({                                                  \
		size_t found_ = (size_t)-1;                 \
		for (size_t k_ = 0; k_ < (n); k_++) {       \
			size_t i_ = ((w)->hint + k_) % (n); \
			if (match(&(arr)[i_])) {            \
				found_ = i_;                \
				break;                      \
			}                                   \
		}                                           \
		found_;                                     \
	})

static struct netdev_arp *arp_row(struct walk *w, uint32_t ifindex, const struct ipaddr *ip)
{
	struct netdev_result *r = w->r;
#define ARP_MATCH(a) ((a)->ifindex == ifindex && !ipaddr_cmp(&(a)->ip, ip))
	size_t i = r->n_arp ? FIND_ROW(w, r->arp, r->n_arp, ARP_MATCH) : (size_t)-1;
	if (i == (size_t)-1) {
		r->arp = xrealloc(r->arp, (r->n_arp + 1) * sizeof(*r->arp));
		i = r->n_arp++;
		r->arp[i] = (struct netdev_arp){ .ifindex = ifindex, .ip = *ip };
	}
	w->hint = i + 1;
	return &r->arp[i];
}

static struct netdev_fdb *fdb_row(struct walk *w, uint16_t vlan, const uint8_t mac[6])
{
	struct netdev_result *r = w->r;
#define FDB_MATCH(f) ((f)->vlan == vlan && !memcmp((f)->mac, mac, 6))
	size_t i = r->n_fdb ? FIND_ROW(w, r->fdb, r->n_fdb, FDB_MATCH) : (size_t)-1;
	if (i == (size_t)-1) {
		r->fdb = xrealloc(r->fdb, (r->n_fdb + 1) * sizeof(*r->fdb));
		i = r->n_fdb++;
		r->fdb[i] = (struct netdev_fdb){ .vlan = vlan };
		memcpy(r->fdb[i].mac, mac, 6);
	}
	w->hint = i + 1;
	return &r->fdb[i];
}

static struct netdev_lldp *lldp_row(struct walk *w, uint32_t port, uint32_t idx)
{
	struct netdev_result *r = w->r;
	for (size_t i = 0; i < r->n_lldp; i++)
		if (r->lldp[i].local_port == port && w->lldp_idx[i] == idx) return &r->lldp[i];
	r->lldp = xrealloc(r->lldp, (r->n_lldp + 1) * sizeof(*r->lldp));
	w->lldp_idx = xrealloc(w->lldp_idx, (r->n_lldp + 1) * sizeof(*w->lldp_idx));
	w->lldp_idx[r->n_lldp] = idx;
	r->lldp[r->n_lldp] = (struct netdev_lldp){ .local_port = port };
	return &r->lldp[r->n_lldp++];
}

static struct netdev_cdp *cdp_row(struct walk *w, uint32_t ifindex, uint32_t idx)
{
	struct netdev_result *r = w->r;
	for (size_t i = 0; i < r->n_cdp; i++)
		if (r->cdp[i].ifindex == ifindex && w->cdp_idx[2 * i] == idx) return &r->cdp[i];
	r->cdp = xrealloc(r->cdp, (r->n_cdp + 1) * sizeof(*r->cdp));
	w->cdp_idx = xrealloc(w->cdp_idx, 2 * (r->n_cdp + 1) * sizeof(*w->cdp_idx));
	w->cdp_idx[2 * r->n_cdp] = idx;
	w->cdp_idx[2 * r->n_cdp + 1] = 0;
	r->cdp[r->n_cdp] = (struct netdev_cdp){ .ifindex = ifindex };
	return &r->cdp[r->n_cdp++];
}

static struct entity *ent_row(struct walk *w, uint32_t index)
{
	for (size_t i = 0; i < w->n_ent; i++)
		if (w->ent[i].index == index) return &w->ent[i];
	w->ent = xrealloc(w->ent, (w->n_ent + 1) * sizeof(*w->ent));
	w->ent[w->n_ent] = (struct entity){ .index = index };
	return &w->ent[w->n_ent++];
}

/* Sub-identifiers as bytes (a MAC or an address in an index); false when
 * one is over 255. */
static bool oid_bytes(const oid *o, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (o[i] > 255) return false;
		out[i] = (uint8_t)o[i];
	}
	return true;
}

/* ipNetToPhysicalTable's index: ifIndex, addressType, length, address. */
static bool phys_index(const oid *x, size_t n, uint32_t *ifindex, struct ipaddr *ip)
{
	uint8_t b[16];
	if (n < 3) return false;
	*ifindex = (uint32_t)x[0];
	if (x[1] == 1 && x[2] == 4 && n == 7 && oid_bytes(x + 3, 4, b)) {
		*ip = ipaddr_v4((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
		return true;
	}
	if (x[1] == 2 && x[2] == 16 && n == 19 && oid_bytes(x + 3, 16, b)) {
		*ip = (struct ipaddr){ .family = AF_INET6 };
		memcpy(ip->v6.s6_addr, b, 16);
		return true;
	}
	return false;
}

/* One row of one column; false when its index is not what the MIB says
 * (the row is skipped). */
static bool take(struct walk *w, enum col col, const oid *x, size_t n, const netsnmp_variable_list *v)
{
	struct netdev_result *r = w->r;
	uint8_t b[6];
	uint32_t ifindex;
	struct ipaddr ip;
	if (col <= C_IFALIAS) {
		if (n != 1) return false;
		struct netdev_if *f = netdev_if_get(r, (uint32_t)x[0]);
		switch (col) {
		case C_IFDESCR:
			if (!f->name[0]) copy_str(f->name, sizeof(f->name), v);
			break;
		case C_IFNAME:
			if (v->val_len) copy_str(f->name, sizeof(f->name), v);
			break;
		case C_IFALIAS: copy_str(f->alias, sizeof(f->alias), v); break;
		case C_IFTYPE: f->type = (uint32_t)num(v); break;
		case C_IFSPEED: f->speed = num(v); break;
		case C_IFHIGHSPEED:
			if (num(v) * 1000000 > f->speed) f->speed = num(v) * 1000000;
			break;
		case C_IFADMIN: f->admin = (int)num(v); break;
		case C_IFOPER: f->oper = (int)num(v); break;
		case C_IFLAST: f->last_change = (uint32_t)num(v); break;
		case C_IFIN: f->in_octets = num(v); break;
		case C_IFINPKT: f->in_pkts = num(v); break;
		case C_IFOUT: f->out_octets = num(v); break;
		case C_IFOUTPKT: f->out_pkts = num(v); break;
		case C_IFHCIN: f->in_octets = num(v); break;
		case C_IFHCINPKT: f->in_pkts = num(v); break;
		case C_IFHCOUT: f->out_octets = num(v); break;
		case C_IFHCOUTPKT: f->out_pkts = num(v); break;
		default: break;
		}
		return true;
	}
	switch (col) {
	case C_ARPM_MAC:
	case C_ARPM_TYPE:
		if (n != 5 || !oid_bytes(x + 1, 4, b)) return false;
		ip = ipaddr_v4((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
		if (col == C_ARPM_MAC) {
			uint8_t mac[6];
			if (!mac_of(v, mac)) return false;
			memcpy(arp_row(w, (uint32_t)x[0], &ip)->mac, mac, 6);
		} else {
			arp_row(w, (uint32_t)x[0], &ip)->type = (int)num(v);
		}
		return true;
	case C_ARPP_MAC:
	case C_ARPP_TYPE:
		if (!phys_index(x, n, &ifindex, &ip)) return false;
		if (col == C_ARPP_MAC) {
			uint8_t mac[6];
			if (!mac_of(v, mac)) return false;
			memcpy(arp_row(w, ifindex, &ip)->mac, mac, 6);
		} else {
			arp_row(w, ifindex, &ip)->type = (int)num(v);
		}
		return true;
	case C_BASEPORT:
		if (n != 1) return false;
		w->bp = xrealloc(w->bp, (w->n_bp + 1) * sizeof(*w->bp));
		w->bp[w->n_bp++] = (struct bport){ (uint32_t)x[0], (uint32_t)num(v) };
		return true;
	case C_PVID:
		if (n != 1) return false;
		for (size_t i = 0; i < w->n_bp; i++)
			if (w->bp[i].port == x[0]) {
				struct netdev_if *f = netdev_if_get(r, w->bp[i].ifindex);
				f->pvid = (uint16_t)num(v);
			}
		return true;
	case C_FDB_PORT:
	case C_FDB_STATUS:
		if (n != 6 || !oid_bytes(x, 6, b)) return false;
		if (col == C_FDB_PORT)
			fdb_row(w, 0, b)->bridge_port = (uint32_t)num(v);
		else
			fdb_row(w, 0, b)->status = (int)num(v);
		return true;
	case C_QFDB_PORT:
	case C_QFDB_STATUS:
		/* dot1qFdbId: the VLAN on switches with one FDB per VLAN (IVL), which
		 * is what dot1qVlanFdbId maps on nearly all of them */
		if (n != 7 || x[0] > 4095 || !oid_bytes(x + 1, 6, b)) return false;
		if (col == C_QFDB_PORT)
			fdb_row(w, (uint16_t)x[0], b)->bridge_port = (uint32_t)num(v);
		else
			fdb_row(w, (uint16_t)x[0], b)->status = (int)num(v);
		return true;
	case C_LLDP_CHASSIS:
	case C_LLDP_PORTID:
	case C_LLDP_PORTDESC:
	case C_LLDP_SYSNAME: {
		if (n != 3) return false;
		struct netdev_lldp *l = lldp_row(w, (uint32_t)x[1], (uint32_t)x[2]);
		if (col == C_LLDP_CHASSIS) copy_id(l->chassis, sizeof(l->chassis), v);
		if (col == C_LLDP_PORTID) copy_id(l->port_id, sizeof(l->port_id), v);
		if (col == C_LLDP_PORTDESC) copy_str(l->port_desc, sizeof(l->port_desc), v);
		if (col == C_LLDP_SYSNAME) copy_str(l->sys_name, sizeof(l->sys_name), v);
		return true;
	}
	case C_CDP_ADDRTYPE:
	case C_CDP_ADDR:
	case C_CDP_DEVID:
	case C_CDP_PORT:
	case C_CDP_PLATFORM: {
		if (n != 2) return false;
		struct netdev_cdp *d = cdp_row(w, (uint32_t)x[0], (uint32_t)x[1]);
		size_t k = (size_t)(d - r->cdp);
		if (col == C_CDP_ADDRTYPE) w->cdp_idx[2 * k + 1] = (uint32_t)num(v);
		/* cdpCacheAddressType ip(1): four bytes; the others are not IP */
		if (col == C_CDP_ADDR && w->cdp_idx[2 * k + 1] == 1 && v->type == ASN_OCTET_STR &&
		    v->val_len == 4) {
			const uint8_t *a = v->val.string;
			d->addr = ipaddr_v4((uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
					    (uint32_t)a[2] << 8 | a[3]);
		}
		if (col == C_CDP_DEVID) copy_id(d->device_id, sizeof(d->device_id), v);
		if (col == C_CDP_PORT) copy_str(d->port_id, sizeof(d->port_id), v);
		if (col == C_CDP_PLATFORM) copy_str(d->platform, sizeof(d->platform), v);
		return true;
	}
	case C_ENT_CLASS:
	case C_ENT_SW:
	case C_ENT_MFG:
	case C_ENT_MODEL: {
		if (n != 1) return false;
		struct entity *t = ent_row(w, (uint32_t)x[0]);
		if (col == C_ENT_CLASS) t->class_ = (int)num(v);
		if (col == C_ENT_SW) copy_str(t->sw, sizeof(t->sw), v);
		if (col == C_ENT_MFG) copy_str(t->mfg, sizeof(t->mfg), v);
		if (col == C_ENT_MODEL) copy_str(t->model, sizeof(t->model), v);
		return true;
	}
	default: return false;
	}
}

/* The chassis of entPhysicalTable (class 3, the first one of a stack),
 * else the first row that names a model. */
static void take_chassis(struct walk *w)
{
	const struct entity *c = NULL;
	for (size_t i = 0; i < w->n_ent && !c; i++)
		if (w->ent[i].class_ == 3) c = &w->ent[i];
	for (size_t i = 0; i < w->n_ent && !c; i++)
		if (w->ent[i].model[0]) c = &w->ent[i];
	if (!c) return;
	struct netdev_ident *id = &w->r->id;
	snprintf(id->ent_mfg, sizeof(id->ent_mfg), "%s", c->mfg);
	snprintf(id->ent_model, sizeof(id->ent_model), "%s", c->model);
	snprintf(id->ent_sw, sizeof(id->ent_sw), "%s", c->sw);
}

/* After the last column: FDB rows and interfaces get their bridge ports,
 * the chassis its entity row. */
static void finish(struct walk *w)
{
	struct netdev_result *r = w->r;
	for (size_t i = 0; i < r->n_fdb; i++) /* bridge port -> ifIndex */
		for (size_t k = 0; k < w->n_bp; k++)
			if (w->bp[k].port == r->fdb[i].bridge_port) r->fdb[i].ifindex = w->bp[k].ifindex;
	for (size_t k = 0; k < w->n_bp; k++) {
		struct netdev_if *f = (struct netdev_if *)netdev_if_find(r, w->bp[k].ifindex);
		if (f) f->bridge_port = w->bp[k].port;
	}
	take_chassis(w);
}

static void walk_release(struct walk *w)
{
	free(w->bp);
	free(w->lldp_idx);
	free(w->cdp_idx);
	free(w->ent);
}

void netdev_take_bytes(const uint8_t *p, size_t len, struct netdev_result *r)
{
	static const u_char types[] = { ASN_OCTET_STR, ASN_INTEGER, ASN_COUNTER64,
					ASN_OBJECT_ID, ASN_GAUGE,   ASN_TIMETICKS };
	struct walk w = { .r = r };
	size_t k = 0;
	while (k + 2 <= len) {
		const struct column *c = &columns[p[k] % ARRAY_SIZE(columns)];
		size_t n = p[k + 1] % 24;
		k += 2;
		if (k + 2 * n + 2 > len) break;
		oid x[24];
		for (size_t i = 0; i < n; i++, k += 2) x[i] = (oid)(p[k] << 8 | p[k + 1]);
		u_char type = types[p[k] % ARRAY_SIZE(types)];
		size_t vl = p[k + 1];
		k += 2;
		if (vl > len - k) vl = len - k;
		netsnmp_variable_list v = { 0 };
		int set;
		if (type == ASN_OCTET_STR) {
			set = snmp_set_var_typed_value(&v, type, p + k, vl);
		} else if (type == ASN_OBJECT_ID) {
			oid o[32];
			size_t no = vl / 2 < 32 ? vl / 2 : 32;
			for (size_t i = 0; i < no; i++) o[i] = (oid)(p[k + 2 * i] << 8 | p[k + 2 * i + 1]);
			set = snmp_set_var_typed_value(&v, type, o, no * sizeof(oid));
		} else if (type == ASN_COUNTER64) {
			uint64_t u = 0;
			for (size_t i = 0; i < vl && i < 8; i++) u = u << 8 | p[k + i];
			struct counter64 c64 = { .high = (u_long)(u >> 32),
						 .low = (u_long)(u & 0xffffffffu) };
			set = snmp_set_var_typed_value(&v, type, &c64, sizeof(c64));
		} else {
			long l = 0;
			for (size_t i = 0; i < vl && i < 4; i++) l = l << 8 | p[k + i];
			set = snmp_set_var_typed_value(&v, type, &l, sizeof(l));
		}
		if (set == 0 && take(&w, c->col, x, n, &v)) r->rows++;
		snmp_free_var_internals(&v);
		k += vl;
	}
	finish(&w);
	walk_release(&w);
}

/* Sends pdu within the device's deadline; 0, or -1 with the error set. */
static int ask(struct walk *w, const char *table, netsnmp_pdu *pdu, netsnmp_pdu **resp, size_t rows)
{
	double left = w->deadline - now_mono();
	if (left <= 0) {
		snmp_free_pdu(pdu);
		char d[64];
		snprintf(d, sizeof(d), "%g s", w->c->deadline);
		fail(w, table, "the device's deadline (%s) passed; partial data kept", d);
		return -1;
	}
	netsnmp_session *s = snmp_sess_session(w->sess);
	double t = w->c->timeout < left / 2 ? w->c->timeout : left / 2;
	s->timeout = (long)(t * 1e6) + 1;
	int st = snmp_sess_synch_response(w->sess, pdu, resp);
	if (st == STAT_SUCCESS) return 0;
	int liberr = 0, snmperr = 0;
	char *msg = NULL;
	snmp_sess_error(w->sess, &liberr, &snmperr, &msg);
	if (st == STAT_TIMEOUT || snmperr == SNMPERR_TIMEOUT) { /* the v3 engine probe too */
		free(msg);
		char d[96];
		if (rows)
			snprintf(d, sizeof(d), "no answer after %zu rows (the device stopped answering)",
				 rows);
		else
			snprintf(d, sizeof(d),
				 "no answer within %g s (address, port, community or "
				 "access list?)",
				 t * 2);
		fail(w, table, "%s", d);
		return -1;
	}
	if (snmperr == SNMPERR_AUTHENTICATION_FAILURE || snmperr == SNMPERR_UNKNOWN_USER_NAME ||
	    snmperr == SNMPERR_DECRYPTION_ERR || snmperr == SNMPERR_UNSUPPORTED_SEC_LEVEL)
		fail(w, table, "refused our SNMPv3 credentials: %s", msg ? msg : "?");
	else
		fail(w, table, "%s", msg ? msg : "SNMP error");
	free(msg);
	return -1;
}

/* Walks one column; 0 at its end, 1 when the walk of the device must stop
 * (no answer, deadline, row cap), with the error set. */
static int walk_column(struct walk *w, const struct column *c)
{
	oid cur[MAX_OID_LEN];
	size_t cur_len = c->len, rows = 0;
	memcpy(cur, c->id, c->len * sizeof(oid));
	w->hint = 0;
	for (;;) {
		if (w->r->rows >= w->c->max_rows) {
			char d[32];
			snprintf(d, sizeof(d), "%u", w->c->max_rows);
			fail(w, c->table, "row cap (%s rows) reached; partial data kept", d);
			return 1;
		}
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETBULK), *resp = NULL;
		pdu->non_repeaters = 0;
		pdu->max_repetitions = (long)w->c->bulk;
		snmp_add_null_var(pdu, cur, cur_len);
		if (ask(w, c->table, pdu, &resp, w->r->rows) < 0) return 1;
		if (resp->errstat != SNMP_ERR_NOERROR) {
			fail(w, c->table, "the agent answered %s", snmp_errstring((int)resp->errstat));
			snmp_free_pdu(resp);
			return 1;
		}
		bool end = !resp->variables;
		for (netsnmp_variable_list *v = resp->variables; v && !end; v = v->next_variable) {
			if (v->type == SNMP_ENDOFMIBVIEW || v->type == SNMP_NOSUCHOBJECT ||
			    v->type == SNMP_NOSUCHINSTANCE || v->name_length <= c->len ||
			    snmp_oid_ncompare(v->name, v->name_length, c->id, c->len, c->len)) {
				end = true;
				break;
			}
			if (snmp_oid_compare(v->name, v->name_length, cur, cur_len) <= 0) {
				fail(w, c->table, "%s", "the agent's OIDs do not increase; walk stopped");
				snmp_free_pdu(resp);
				return 1;
			}
			if (take(w, c->col, v->name + c->len, v->name_length - c->len, v))
				w->r->rows++, rows++;
			memcpy(cur, v->name, v->name_length * sizeof(oid));
			cur_len = v->name_length;
			if (w->r->rows >= w->c->max_rows) break;
		}
		snmp_free_pdu(resp);
		if (end) return 0;
	}
}

/* sysDescr, sysObjectID, sysUpTime, sysName in one Get. */
static int get_system(struct walk *w)
{
	static const oid sys[] = { 1, 3, 6, 1, 2, 1, 1 };
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp = NULL;
	oid o[9];
	memcpy(o, sys, sizeof(sys));
	o[8] = 0;
	static const int cols[] = { 1, 2, 3, 5 };
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		o[7] = (oid)cols[i];
		snmp_add_null_var(pdu, o, 9);
	}
	if (ask(w, "system", pdu, &resp, 0) < 0) return -1;
	for (netsnmp_variable_list *v = resp->variables; v; v = v->next_variable) {
		if (v->name_length != 9 || v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE)
			continue;
		struct netdev_result *r = w->r;
		switch (v->name[7]) {
		case 1: copy_str(r->sys_descr, sizeof(r->sys_descr), v); break;
		case 3: r->uptime = (uint32_t)num(v); break;
		case 5: copy_str(r->sys_name, sizeof(r->sys_name), v); break;
		case 2:
			if (v->type == ASN_OBJECT_ID) {
				size_t at = 0, n = v->val_len / sizeof(oid);
				for (size_t k = 0; k < n && at + 12 < sizeof(r->sys_object_id); k++)
					at += (size_t)snprintf(r->sys_object_id + at,
							       sizeof(r->sys_object_id) - at, "%s%lu",
							       k ? "." : "", (unsigned long)v->val.objid[k]);
			}
			break;
		}
	}
	snmp_free_pdu(resp);
	return 0;
}

static void lib_init(void)
{
	static bool done;
	if (done) return;
	done = true;
	/* no snmp.conf, no persistent engine state under /var/lib/snmp, no MIB
	 * files: dormant names every OID itself, and the library says nothing on
	 * stderr (errors come back through the session) */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/nonexistent", 1);
	snmp_disable_log();
	init_snmp("dormant");
}

static int session_open(struct walk *w)
{
	const struct netdev_conf *c = w->c;
	netsnmp_session s;
	char peer[96], ip[IPADDR_STRLEN];
	snmp_sess_init(&s);
	ipaddr_fmt(&c->addr, ip, sizeof(ip));
	if (c->addr.family == AF_INET6)
		snprintf(peer, sizeof(peer), "udp6:[%s]:%u", ip, c->port);
	else
		snprintf(peer, sizeof(peer), "udp:%s:%u", ip, c->port);
	s.peername = peer;
	s.retries = 1;
	s.timeout = (long)(c->timeout * 1e6);
	if (c->version == 2) {
		s.version = SNMP_VERSION_2c;
		s.community = (u_char *)c->community;
		s.community_len = strlen(c->community);
	} else {
		s.version = SNMP_VERSION_3;
		s.securityName = (char *)c->user;
		s.securityNameLen = strlen(c->user);
		s.contextName = (char *)c->context;
		s.contextNameLen = strlen(c->context);
		s.securityLevel = c->priv   ? SNMP_SEC_LEVEL_AUTHPRIV
				  : c->auth ? SNMP_SEC_LEVEL_AUTHNOPRIV
					    : SNMP_SEC_LEVEL_NOAUTH;
		if (c->auth) {
			s.securityAuthProto = c->auth == NETDEV_AUTH_MD5      ? usmHMACMD5AuthProtocol
					      : c->auth == NETDEV_AUTH_SHA256 ? usmHMAC192SHA256AuthProtocol
									      : usmHMACSHA1AuthProtocol;
			s.securityAuthProtoLen = 10;
			s.securityAuthKeyLen = USM_AUTH_KU_LEN;
			if (generate_Ku(s.securityAuthProto, (u_int)s.securityAuthProtoLen,
					(const u_char *)c->auth_pass, strlen(c->auth_pass), s.securityAuthKey,
					&s.securityAuthKeyLen) != SNMPERR_SUCCESS) {
				fail(w, NULL, "%s", "could not make the authentication key");
				return -1;
			}
		}
		if (c->priv) {
			s.securityPrivProto = c->priv == NETDEV_PRIV_DES ? usmDESPrivProtocol
									 : usmAESPrivProtocol;
			s.securityPrivProtoLen = 10;
			s.securityPrivKeyLen = USM_PRIV_KU_LEN;
			if (generate_Ku(s.securityAuthProto, (u_int)s.securityAuthProtoLen,
					(const u_char *)c->priv_pass, strlen(c->priv_pass), s.securityPrivKey,
					&s.securityPrivKeyLen) != SNMPERR_SUCCESS) {
				fail(w, NULL, "%s", "could not make the privacy key");
				return -1;
			}
		}
	}
	w->sess = snmp_sess_open(&s);
	explicit_bzero(s.securityAuthKey, sizeof(s.securityAuthKey));
	explicit_bzero(s.securityPrivKey, sizeof(s.securityPrivKey));
	if (!w->sess) {
		fail(w, NULL, "could not open an SNMP session: %s", snmp_api_errstring(snmp_errno));
		return -1;
	}
	return 0;
}

/* Net-SNMP keeps the USM users of every session in one process-wide list,
 * and a later session of the same user and engine would reuse those keys
 * instead of its own: a wrong pass phrase would then seem to work. Each
 * walk forgets its user when it ends. */
static void usm_forget(const char *user)
{
	struct usmUser *u = usm_get_userList(), *next;
	for (; u; u = next) {
		next = u->next;
		if (u->secName && !strcmp(u->secName, user)) {
			usm_remove_user(u); /* returns the list's head, not u */
			usm_free_user(u);
		}
	}
}

int netdev_walk(const struct netdev_conf *c, struct netdev_result *r)
{
	lib_init();
	*r = (struct netdev_result){ .conf = c, .started = now_real() };
	struct walk w = { .c = c, .r = r, .deadline = now_mono() + c->deadline };
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(&c->addr, ip, sizeof(ip));
	snprintf(w.who, sizeof(w.who), "%s (%s)", c->name, ip);
	int ret = 0;
	if (session_open(&w) < 0) {
		ret = -1;
		goto out;
	}
	if (get_system(&w) < 0) {
		ret = -1;
		goto out;
	}
	bool stop = false;
	for (size_t i = 0; i < ARRAY_SIZE(columns) && !stop; i++) stop = walk_column(&w, &columns[i]) != 0;
	finish(&w);
	r->ok = !stop;
out:
	if (w.sess) snmp_sess_close(w.sess);
	if (c->version == 3) usm_forget(c->user);
	walk_release(&w);
	r->ts = now_real();
	return ret;
}
