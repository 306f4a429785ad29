/* Findings with a life, for the commands and the watcher: one call after a
 * run's findings are known gives them stable identities, moves their states
 * (new, open, acknowledged, resolved, reopened; escalated when severity
 * rises) and writes the alerts the changes make to the store's outbox, all
 * in one transaction (store_life_apply). Delivery is separate and may come
 * later or in another process: alerts_deliver_pending (alert/alert.h).
 *
 *   struct lifecycle_scope sc = { .all_rules = true };  // what the run judged
 *   lifecycle_apply(st, run, &findings, &site, &sc, now_real(), &out, &err);
 *   alerts_deliver_pending(st, &site.alerts, now_real(), &stats, &err);
 *
 * Not thread-safe (the store handle is not). */
#pragma once
#include <stdbool.h>
#include "base/buf.h"
#include "model/coverage.h"
#include "model/finding.h"
#include "model/site-config.h"
#include "store/store.h"

/* What the run judged: a record it did not see is resolved only inside.
 * all_rules, or rules (comma-separated ids); cov NULL: every address. */
struct lifecycle_scope {
	bool all_rules;
	const char *rules;
	const struct coverage *cov;
	/* n_paths > 0: the paths a secrets run read, and what under them it
	 * could not read whole; a record about a file elsewhere or unread is
	 * not resolved by it (cov is then NULL) */
	const char *const *paths;
	size_t n_paths;
	const char *const *unread;
	size_t n_unread;
	/* NULL, or one per finding of fs: whether its record is suppressed
	 * (by a person or the config's allowlist) or acknowledged once the run
	 * is applied, i.e. it alerts not and no --fail-on counts it */
	bool *ret_quiet;
};

/* The rules a run with these checks (model/coverage.h bits) judged, comma-
 * separated into out: traffic rules with CHECK_TRAFFIC, idle-host and
 * unused-port with CHECK_USE, the register's with CHECK_REGISTER, weak-tls
 * and unexpected-service with CHECK_SERVICES, the vulnerability rules with
 * CHECK_VULNS, the login rules with CHECK_CREDS. */
void lifecycle_rules_for_checks(unsigned checks, struct buf *out);

/* site: its name is part of each identity, its [alert NAME] channels get the
 * outbox rows (NULL: site "default", no alerts). ret may be NULL. */
int lifecycle_apply(struct store *st, int64_t run, const struct findings *fs, const struct site_config *site,
		    const struct lifecycle_scope *scope, double now, struct life_apply_out *ret,
		    struct dm_err *e);
