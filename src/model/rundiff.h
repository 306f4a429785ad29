/* What changed between two runs: hosts that appeared or stopped
 * answering, ports newly open or no longer open, findings new and
 * resolved, and hosts whose traffic stopped (went silent: a new idle-host)
 * or started again (woke: idle-host resolved while the host still answers).
 * A change is stated only inside the overlap of the two runs' coverage
 * (model/coverage.h): targets, ports and checks both made. */
#pragma once
#include "model/coverage.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "model/resultset.h"

enum change_kind {
	CHANGE_HOST_NEW,
	CHANGE_HOST_GONE,
	CHANGE_PORT_OPENED,
	CHANGE_PORT_CLOSED,
	CHANGE_FINDING_NEW,
	CHANGE_FINDING_RESOLVED,
	CHANGE_HOST_SILENT,
	CHANGE_HOST_WOKE,
	/* network devices' tables (rundiff_netdev): ip is the device's address,
	 * or the ARP entry's */
	CHANGE_MAC_MOVED, /* learned on another access port than before */
	CHANGE_PORT_UP,   /* ifOperStatus down, now up */
	CHANGE_PORT_DOWN, /* up, now down */
	CHANGE_ARP_NEW,   /* an address/MAC pair new in a device's ARP table */
	CHANGE_KINDS
};

struct change {
	enum change_kind kind;
	struct ipaddr ip;
	enum proto proto;
	uint16_t port;
	/* findings only */
	char rule[32];
	enum severity severity;
	char title[256];
	char name[64]; /* the register's hostname for ip (rundiff_name_hosts); empty: none known */
	/* network device changes only: where, and where before (mac-moved) */
	char device[64], iface[64], alias[128], mac[18];
	char was_device[64], was_iface[64], was_alias[128];
	uint16_t vlan;
};

/* What was compared: the overlap's size and what lay outside it. */
struct rundiff_scope {
	bool known;            /* both runs' coverage was stored; else all was compared */
	bool a_known, b_known; /* which one was */
	uint64_t addrs;        /* addresses both runs scanned */
	size_t tcp, udp;       /* ports both scanned */
	unsigned checks;       /* checks both made (enum coverage_check) */
	uint64_t addrs_only_a, addrs_only_b;
	size_t ports_only_a, ports_only_b;
	unsigned checks_only_a, checks_only_b;
	size_t outside; /* differences outside the overlap: not stated as changes */
};

struct rundiff {
	struct change *v;
	size_t n, cap;
	size_t counts[CHANGE_KINDS];
	struct rundiff_scope scope;
};

/* Compares a (older) with b (newer) inside ov (NULL or !ov->known: all
 * of both, as stored). */
void rundiff_compute(const struct resultset *a, const struct resultset *b, const struct coverage_overlap *ov,
		     struct rundiff *ret);
/* Adds the findings' changes (a older, b newer) inside ov, as above;
 * b_scan tells which hosts still answer in the newer run. */
void rundiff_findings(const struct findings *a, const struct findings *b, const struct resultset *b_scan,
		      const struct coverage_overlap *ov, struct rundiff *d);
/* One device seen at old_ip in a and at new_ip in b (model/identity.h):
 * when old_ip no longer answers and new_ip did not before, their host-gone,
 * host-new and port changes become the device's own port changes, stated
 * at new_ip. Call after rundiff_compute, before rundiff_findings; false
 * (nothing changed) when the pair is not one address gone and one new. */
bool rundiff_moved(struct rundiff *d, const struct resultset *a, const struct resultset *b,
		   const struct coverage_overlap *ov, const struct ipaddr *old_ip,
		   const struct ipaddr *new_ip);
/* After rundiff_findings, for a pair rundiff_moved took: a finding resolved
 * at old_ip and the same (rule, port) new at new_ip is the device's one
 * finding that moved with it, no change. */
void rundiff_moved_findings(struct rundiff *d, const struct ipaddr *old_ip, const struct ipaddr *new_ip);
struct netdev_rows;
/* Adds the changes of the network devices' tables from a (older) to b:
 * only devices whose walk was complete in both runs are compared. */
void rundiff_netdev(const struct netdev_rows *a, const struct netdev_rows *b, struct rundiff *d);
/* Fills each change's name from the asset register (inv may be NULL). */
void rundiff_name_hosts(struct rundiff *d, const struct inventory *inv);
void rundiff_release(struct rundiff *d);
/* A change of kind k about ip appended to d (the other fields zero); valid
 * until the next append. */
struct change *rundiff_add(struct rundiff *d, enum change_kind k, const struct ipaddr *ip);
const char *change_kind_name(enum change_kind k);
