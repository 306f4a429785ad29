/* Findings with a life: a run's findings into the store's records and
 * outbox (pipeline/lifecycle.h). The transitions are model/finding-life.c;
 * the transaction is the store's. */
#include "pipeline/lifecycle.h"

int lifecycle_apply(struct store *st, int64_t run, const struct findings *fs, const struct site_config *site,
		    const struct lifecycle_scope *scope, double now, struct life_apply_out *ret,
		    struct dm_err *e)
{
	struct lifecycle_scope none = { 0 };
	if (!scope) scope = &none;
	struct life_apply_in in = {
		.run = run,
		.site = site && *site->name ? site->name : "default",
		.fs = fs,
		.all_rules = scope->all_rules,
		.rules = scope->rules,
		.cov = scope->cov,
		.alerts = site ? &site->alerts : NULL,
		.now = now,
	};
	return store_life_apply(st, &in, ret, e);
}
