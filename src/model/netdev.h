/* Network devices asked over SNMP (docs/ARCHITECTURE.md, "Network devices"):
 * the `[netdev NAME]` sections of the site policy or of a `--netdev FILE`
 * (address, version, community or v3 user and keys; secrets), and what a
 * walk of one device gave: its system group, interfaces, ARP/neighbour
 * table, bridge forwarding table with VLANs and LLDP neighbours. The walker
 * is probe/netdev-snmp.c (Net-SNMP); the join is analyze/netdev-rules.c. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/err.h"
#include "net/addr.h"

enum netdev_auth { NETDEV_AUTH_NONE = 0, NETDEV_AUTH_MD5, NETDEV_AUTH_SHA, NETDEV_AUTH_SHA256 };
enum netdev_priv { NETDEV_PRIV_NONE = 0, NETDEV_PRIV_DES, NETDEV_PRIV_AES };

/* One device as configured. The secrets stay in memory only: every output
 * shows them through base/redact.h. */
struct netdev_conf {
	char name[64];
	struct ipaddr addr;
	uint16_t port; /* UDP, default 161 */
	int version;   /* 2 (v2c) or 3 */
	char community[128];
	char user[64];
	char context[64]; /* v3 contextName, usually empty */
	enum netdev_auth auth;
	char auth_pass[128];
	enum netdev_priv priv;
	char priv_pass[128];
	unsigned bulk;     /* max-repetitions of each GetBulk, default 25 */
	unsigned max_rows; /* rows kept per device over all tables, default 20000 */
	double deadline;   /* seconds for the whole device, default 30 */
	double timeout;    /* seconds a request waits, default 1 (one retry) */
};

struct netdev_confs {
	struct netdev_conf *v;
	size_t n;
	bool secrets; /* some section holds a community or a pass phrase */
};

/* One key of a [netdev NAME] section (a NULL key opens the section);
 * the sentence goes to e. */
int netdev_conf_set(struct netdev_confs *c, const char *name, const char *key, const char *value,
		    struct dm_err *e);
/* After the last key: every section complete (address; community for v2c;
 * user, and the pass phrases its levels need, for v3). */
int netdev_conf_check(const struct netdev_confs *c, struct dm_err *e);
/* A file of [netdev NAME] sections only (`--netdev FILE`). */
int netdev_conf_load(struct netdev_confs *c, const char *path, struct dm_err *e);
/* A file holding device secrets must not be readable by group or others
 * (nor be a symbolic link's target owned by another user). */
int netdev_conf_file_mode(const char *path, struct dm_err *e);
void netdev_confs_release(struct netdev_confs *c);
const char *netdev_auth_name(enum netdev_auth a);
const char *netdev_priv_name(enum netdev_priv p);

/* ifTable/ifXTable row. Counters are the 64-bit ones when the agent has
 * them (ifXTable), else the 32-bit ones. */
struct netdev_if {
	uint32_t index;
	char name[64];        /* ifName, else ifDescr */
	char alias[128];      /* ifAlias: the operator's label */
	uint32_t type;        /* IANAifType: 6 ethernetCsmacd */
	int admin, oper;      /* 1 up, 2 down, 3 testing ... */
	uint64_t speed;       /* bits per second (ifHighSpeed * 1e6 when larger) */
	uint32_t last_change; /* sysUpTime ticks (1/100 s) at the last state change */
	uint64_t in_octets, out_octets, in_pkts, out_pkts;
	uint32_t bridge_port; /* dot1dBasePort of this interface, 0: none */
	uint16_t pvid;        /* dot1qPvid, 0: unknown */
};

/* ipNetToPhysicalTable / ipNetToMediaTable row. */
struct netdev_arp {
	uint32_t ifindex;
	struct ipaddr ip;
	uint8_t mac[6];
	int type; /* 1 other, 2 invalid, 3 dynamic, 4 static (5 local in ipNetToPhysical) */
};

/* dot1dTpFdbTable / dot1qTpFdbTable row. */
struct netdev_fdb {
	uint8_t mac[6];
	uint16_t vlan;        /* 0: dot1d (no VLAN) */
	uint32_t bridge_port; /* dot1dTpFdbPort */
	uint32_t ifindex;     /* through dot1dBasePortIfIndex, 0: unknown */
	int status;           /* 3 learned, 4 self, 5 mgmt */
};

/* lldpRemTable row. */
struct netdev_lldp {
	uint32_t local_port; /* lldpLocPortNum, usually the ifIndex */
	char chassis[64], port_id[64], port_desc[128], sys_name[128];
};

/* cdpCacheTable row (CISCO-CDP-MIB): the neighbour a Cisco port hears. */
struct netdev_cdp {
	uint32_t ifindex;
	char device_id[128], port_id[64], platform[128];
	struct ipaddr addr; /* cdpCacheAddress when it is an IPv4 address; family 0: none */
};

/* What the device itself is: the system group's sysDescr and sysObjectID
 * through the fingerprint databases, the chassis row of ENTITY-MIB's
 * entPhysicalTable beside them (pipeline/netdev.c netdev_identify). */
struct netdev_ident {
	char vendor[64], product[64], version[32], cpe[160];
	char model[64];  /* hardware: the fingerprint's hw.product, else entPhysicalModelName */
	char source[96]; /* the database entry that named it */
	char ent_mfg[64], ent_model[64], ent_sw[64]; /* chassis: MfgName, ModelName, SoftwareRev */
};

struct netdev_result {
	const struct netdev_conf *conf;
	double started, ts; /* when the walk began and ended */
	char sys_descr[256], sys_object_id[128], sys_name[128];
	uint32_t uptime; /* sysUpTime, ticks */
	struct netdev_ident id;
	struct netdev_if *ifs;
	size_t n_ifs;
	struct netdev_arp *arp;
	size_t n_arp;
	struct netdev_fdb *fdb;
	size_t n_fdb;
	struct netdev_lldp *lldp;
	size_t n_lldp;
	struct netdev_cdp *cdp;
	size_t n_cdp;
	size_t rows;     /* over all tables */
	bool ok;         /* every table walked to its end */
	char error[256]; /* why not: the device, the table and the reason; partial data kept */
};

/* Where a MAC sat at an earlier walk: a learned FDB row on an access port. */
struct netdev_prev_mac {
	uint8_t mac[6];
	uint32_t ifindex;
	uint16_t vlan;
	char name[64], alias[128];
};

/* A stored walk's rows as `dormant diff` compares them (store_netdev_rows):
 * its ports, its learned forwarding entries and its ARP entries. */
enum netdev_row_kind { NETDEV_ROW_PORT = 0, NETDEV_ROW_FDB, NETDEV_ROW_ARP };
struct netdev_row {
	enum netdev_row_kind kind;
	char device[64];
	struct ipaddr device_addr;
	uint32_t ifindex;
	char name[64], alias[128]; /* the port's (FDB: the port the MAC was learned on) */
	int oper;                  /* ports: 1 up, 2 down */
	uint8_t mac[6];            /* FDB, ARP */
	uint16_t vlan;             /* FDB */
	uint32_t port_macs;        /* FDB: learned MACs on that port in the walk */
	struct ipaddr ip;          /* ARP */
};
struct netdev_rows {
	struct netdev_row *v;
	size_t n;
};
void netdev_rows_release(struct netdev_rows *r);

struct netdev_if *netdev_if_get(struct netdev_result *r, uint32_t index); /* added when missing */
const struct netdev_if *netdev_if_find(const struct netdev_result *r, uint32_t index);
void netdev_result_release(struct netdev_result *r);
/* "1d 2h", days as a double: how long since ifLastChange. */
double netdev_if_idle_days(const struct netdev_result *r, const struct netdev_if *i);
/* An access port: an Ethernet port with no LLDP or CDP neighbour and at most
 * four learned MACs (a trunk to another switch holds many). */
bool netdev_is_access_port(const struct netdev_result *r, const struct netdev_if *i);
size_t netdev_port_macs(const struct netdev_result *r, uint32_t ifindex);
