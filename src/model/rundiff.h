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
/* Fills each change's name from the asset register (inv may be NULL). */
void rundiff_name_hosts(struct rundiff *d, const struct inventory *inv);
void rundiff_release(struct rundiff *d);
const char *change_kind_name(enum change_kind k);
