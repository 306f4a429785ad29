/* Findings with a life: a run's findings into the store's records and
 * outbox (pipeline/lifecycle.h). The transitions are model/finding-life.c;
 * the transaction is the store's. */
#include "pipeline/lifecycle.h"
#include "analyze/allow-apply.h"
#include "analyze/traffic.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>

static const struct {
	unsigned check;
	const char *rules;
} judged_by[] = {
	{ CHECK_USE, "idle-host,unused-port" },
	{ CHECK_REGISTER, "unregistered-host,decommissioned-alive,expired-test-device,unexpected-service" },
	{ CHECK_SERVICES, "weak-tls,unexpected-service" },
	{ CHECK_VULNS, "vulnerable-service,known-exploited" },
	{ CHECK_CREDS, "default-credentials,anonymous-access" },
};

void lifecycle_rules_for_checks(unsigned checks, struct buf *out)
{
	for (size_t i = 0; i < sizeof(judged_by) / sizeof(judged_by[0]); i++)
		if (checks & judged_by[i].check)
			buf_printf(out, "%s%s", out->len ? "," : "", judged_by[i].rules);
	for (size_t i = 0; (checks & CHECK_TRAFFIC) && i < traffic_rules_count; i++)
		buf_printf(out, "%s%s", out->len ? "," : "", traffic_rules[i].id);
}

int lifecycle_apply(struct store *st, int64_t run, const struct findings *fs, const struct site_config *site,
		    const struct lifecycle_scope *scope, double now, struct life_apply_out *ret,
		    struct dm_err *e)
{
	struct lifecycle_scope none = { 0 };
	if (!scope) scope = &none;
	struct life_apply_in in = {
		.run = run,
		.site = store_site(st)        ? store_site(st)
			: site && *site->name ? site->name
					      : "default",
		.fs = fs,
		.all_rules = scope->all_rules,
		.rules = scope->rules,
		.cov = scope->cov,
		.paths = scope->paths,
		.n_paths = scope->n_paths,
		.unread = scope->unread,
		.n_unread = scope->n_unread,
		.alerts = site ? &site->alerts : NULL,
		.config = site && *site->path ? site->path : NULL,
		.now = now,
		.ret_quiet = scope->ret_quiet,
	};
	/* the allowlist's entries as suppressions, one origin per entry */
	const struct allowlist *l = site ? &site->allow : NULL;
	char(*by)[320] = NULL;
	struct life_allow *allow = NULL;
	if (l && l->n && fs && fs->n) {
		by = xcalloc(l->n, sizeof(*by));
		for (size_t i = 0; i < l->n; i++)
			snprintf(by[i], sizeof(by[i]), LIFE_CONFIG_ORIGIN "%.120s [allow %.63s]: %.100s",
				 *site->path ? site->path : "-", l->v[i].name, l->v[i].reason);
		allow = xcalloc(fs->n, sizeof(*allow));
		for (size_t i = 0; i < fs->n; i++) {
			const struct allow_entry *a = allow_finding_entry(l, &fs->v[i], now);
			if (a) allow[i] = (struct life_allow){ by[a - l->v], a->expires };
		}
		in.allow = allow;
	}
	int r = store_life_apply(st, &in, ret, e);
	free(allow);
	free(by);
	return r;
}
