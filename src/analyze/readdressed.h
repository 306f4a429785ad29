/* Rule asset-readdressed: a device followed by its identity (a globally
 * administered MAC, else its host name; model/identity.h) from one address
 * in the previous comparable run to another in this one. It is one device
 * that moved, not one host gone and one new: the change list drops that
 * pair (pipeline/run-changes.c) and this finding says the move instead. */
#pragma once
#include "analyze/netdev-rules.h"
#include "model/finding.h"
#include "model/identity.h"
#include "model/inventory.h"
#include "model/leases.h"
#include "model/resultset.h"
#include "store/store.h"

/* What this run saw of its live hosts (up in rs): the MAC from the scan,
 * else a router's ARP row, else the host's DHCP lease held since
 * lease_from (which also gives the name). Added to out. */
void readdressed_observe(const struct resultset *rs, const struct leases *ls, double lease_from, double now,
			 const struct netdev_view *nv, struct ident_set *out);

struct readdressed_input {
	struct store *st;                   /* the key's address history */
	int64_t run, prev_run;              /* this run and the one compared with */
	const struct ident_set *prev, *cur; /* what each saw */
	const struct inventory *inv;        /* NULL: no register row in the evidence */
};
/* One info finding per link, on the new address. */
int analyze_readdressed(const struct readdressed_input *in, struct findings *out, struct dm_err *e);
