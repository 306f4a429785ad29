/* The site policy's allowlist applied to findings made or stored (by rule,
 * host and what their evidence names), and explained for one host
 * (`dormant flows --explain HOST`). The traffic rules judge every flow: an
 * entry covers the findings, which the findings' life keeps as suppressions
 * with the entry as their origin (pipeline/lifecycle.c). */
#pragma once
#include <stdio.h>
#include "analyze/traffic.h"

/* Drops the findings fs->v[from..] an entry hides (entries that name a
 * destination, name, country or port are matched against the finding's
 * evidence: dst, addresses, name, names, country, countries, dport).
 * Returns how many were dropped. */
size_t allow_findings(const struct allowlist *l, struct findings *fs, size_t from, double now);
/* The live entry that hides f, matched as allow_findings does, or NULL. */
const struct allow_entry *allow_finding_entry(const struct allowlist *l, const struct finding *f, double now);

/* For one internal host: per traffic rule, the flows judged and those each
 * allowlist entry matches, then the findings about it and the entry that
 * suppresses each. */
void allow_explain(const struct traffic_input *in, const struct ipaddr *host, const struct findings *found,
		   double now, FILE *out);
