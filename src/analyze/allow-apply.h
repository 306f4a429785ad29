/* The site policy's allowlist applied: to the flows a traffic rule judges
 * (the flows an entry matches are set aside for that rule), to findings
 * already made or stored (by rule, host and what their evidence names),
 * and explained for one host (`dormant flows --explain HOST`). */
#pragma once
#include <stdio.h>
#include "analyze/traffic.h"

/* The flows of in that rule judges: *view is in->flows itself when no
 * entry applies to the rule (false returned), else a copy without the
 * flows an entry hides (true; release with allow_view_release). */
bool allow_view(const struct traffic_input *in, const char *rule, double now, struct flowset *view);
void allow_view_release(struct flowset *view);

/* Drops the findings fs->v[from..] an entry hides (entries that name a
 * destination, name, country or port are matched against the finding's
 * evidence: dst, addresses, name, names, country, countries, dport).
 * Returns how many were dropped. */
size_t allow_findings(const struct allowlist *l, struct findings *fs, size_t from, double now);
/* The live entry that hides f, matched as allow_findings does, or NULL. */
const struct allow_entry *allow_finding_entry(const struct allowlist *l, const struct finding *f, double now);

/* For one internal host: per traffic rule, the flows judged and those each
 * allowlist entry set aside, then the findings about it. */
void allow_explain(const struct traffic_input *in, const struct ipaddr *host, const struct findings *found,
		   double now, FILE *out);
