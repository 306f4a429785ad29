/* Rules vulnerable-service and known-exploited: every identified service
 * with a version is matched against the vulnerability data; one finding
 * per service lists its CVEs ranked, a second one names those in CISA's
 * KEV catalogue. */
#pragma once
#include "analyze/vuln-match.h"
#include "model/finding.h"
#include "model/resultset.h"

int analyze_vulnerable(struct vuln_matcher *m, const struct resultset *rs, enum confidence min,
		       struct findings *out, struct dm_err *e);
/* The JSON array of hits as findings and `vulndb match` write them. */
int vuln_hits_json(struct buf *b, const struct vuln_hit *h, size_t n, size_t max);
