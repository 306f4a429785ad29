/* Allowlists of the site policy: [allow NAME] sections saying what a rule
 * should not report (a known backup, the monitoring server, a partner's
 * network), each with a reason and an optional expiry. An entry matches
 * when every field it sets matches; a field lists alternatives. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"
#include "net/cidr.h"

#define ALLOW_MAX_PORTS 16

struct allow_entry {
	char name[64];
	char rules[256];        /* comma-separated rule ids; empty: every rule */
	struct cidr_list hosts; /* the internal side; empty: any */
	struct cidr_list dsts;  /* the external (or other) side; empty: any */
	char names[512];        /* comma-separated globs on the TLS/DNS name; empty: any */
	char countries[128];    /* comma-separated ISO codes; empty: any */
	uint16_t ports[ALLOW_MAX_PORTS];
	size_t n_ports; /* 0: any */
	char reason[256];
	double expires; /* end of that day (UTC); 0: never */
};

struct allowlist {
	struct allow_entry *v;
	size_t n;
};

/* A key of [allow NAME]: rule(s), host, dst, name, country, port, reason,
 * expires. 0, or DM_EINPUT with the reason in e. */
int allowlist_set(struct allowlist *l, const char *entry, const char *key, const char *value,
		  struct dm_err *e);
/* Every entry complete (a reason); names the first that is not. */
int allowlist_check(const struct allowlist *l, struct dm_err *e);
void allowlist_release(struct allowlist *l);

/* What an entry is matched against: a flow, or a finding's evidence. */
struct allow_subject {
	const char *rule;
	const struct ipaddr *host; /* internal side */
	const struct ipaddr *dst;  /* NULL: unknown */
	const char *name;          /* NULL: unknown */
	const char *country;       /* NULL or "": unknown */
	uint16_t port;             /* 0: unknown */
};
/* Whether e applies at time now (not expired) to rule at all. */
bool allow_entry_live(const struct allow_entry *e, const char *rule, double now);
/* Whether e matches s (a field e sets and s does not know does not match). */
bool allow_entry_matches(const struct allow_entry *e, const struct allow_subject *s);
/* The first live entry matching s, or NULL. */
const struct allow_entry *allowlist_match(const struct allowlist *l, const struct allow_subject *s,
					  double now);
