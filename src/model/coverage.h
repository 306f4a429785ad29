/* What a run covered: its targets, its ports per protocol and the checks
 * that ran. Two runs are compared only where both looked (model/rundiff.c):
 * a host not scanned the second time is not "gone", a port not scanned is
 * not "closed", a credential finding is not "resolved" by a run that did
 * not check credentials. Stored with each run as three lines of text
 * (coverage_format / coverage_parse). Not thread-safe. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "net/addr.h"
#include "net/ports.h"
#include "net/rangeset.h"

/* The checks a run made: bits of struct coverage.checks. */
enum coverage_check {
	CHECK_DISCOVER = 1u << 0, /* host discovery: whether a host answers was judged */
	CHECK_PORTS = 1u << 1,    /* the port scan */
	CHECK_SERVICES = 1u << 2, /* service identification */
	CHECK_VULNS = 1u << 3,    /* vulnerability matching */
	CHECK_CREDS = 1u << 4,    /* default and anonymous logins */
	CHECK_TRAFFIC = 1u << 5,  /* flow files read in the run: the traffic rules */
	CHECK_REGISTER = 1u << 6, /* the asset register joined: registered, decommissioned, roles */
	CHECK_USE = 1u << 7,      /* stored traffic covered the hosts: idle and unused were judged */
	CHECK_ALL = (1u << 8) - 1
};

struct coverage {
	bool known;            /* false: a run stored before coverage was (compared as stored) */
	struct rangeset v4;    /* normalized */
	struct in6_addr *v6;   /* sorted, unique */
	size_t n_v6;           /* IPv6 targets */
	struct portlist ports; /* empty without CHECK_PORTS */
	unsigned checks;       /* enum coverage_check bits */
};

/* Takes copies: v4 normalized ranges, v6 sorted unique addresses, ports
 * sorted unique. */
void coverage_set(struct coverage *c, const struct rangeset *v4, const struct in6_addr *v6, size_t n_v6,
		  const struct portlist *ports, unsigned checks);
void coverage_release(struct coverage *c);
uint64_t coverage_addrs(const struct coverage *c);
bool coverage_has_addr(const struct coverage *c, const struct ipaddr *ip);
bool coverage_has_port(const struct coverage *c, enum proto p, uint16_t port);

/* The stored form, one string each: targets "127.0.0.1-127.0.0.3,::1",
 * ports "T:22,80,8000-8100,U:53" (empty: none), checks "discover,ports". */
void coverage_format(const struct coverage *c, struct buf *targets, struct buf *ports, struct buf *checks);
/* 0, or DM_EINPUT with c left unknown (a damaged row compares as stored). */
int coverage_parse(struct coverage *c, const char *targets, const char *ports, const char *checks);
/* "discover, ports, credentials": the checks' names, joined by sep. */
void coverage_checks_names(unsigned checks, const char *sep, struct buf *out);

/* Where two runs can be compared, and how much of each lies outside. */
struct coverage_overlap {
	bool known;            /* both runs' coverage is known; else everything is compared */
	bool a_known, b_known; /* which one is */
	struct coverage both;  /* the intersection */
	uint64_t addrs_only_a, addrs_only_b;
	size_t ports_only_a, ports_only_b; /* (protocol, port) pairs */
	unsigned checks_a, checks_b;
};
void coverage_intersect(const struct coverage *a, const struct coverage *b, struct coverage_overlap *ret);
void coverage_overlap_release(struct coverage_overlap *o);
/* Whether two runs have anything to compare: a common address (or either
 * coverage unknown). */
bool coverage_overlaps(const struct coverage *a, const struct coverage *b);
/* The checks a finding of rule needs in both runs to be new or resolved;
 * an unknown rule needs every check either run made. */
unsigned coverage_rule_checks(const char *rule);
/* Whether rule's findings are about scanned targets (their address and
 * port must lie in the overlap) rather than traffic seen in flows. */
bool coverage_rule_scoped(const char *rule);
