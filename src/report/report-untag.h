/* Shareable outputs (--redact full): the redaction tags taken out of a
 * run's results and findings while those outputs are written, and put back
 * afterwards for the outputs that keep them (base/redact.h). */
#pragma once
#include "model/finding.h"
#include "model/resultset.h"
#include "model/rundiff.h"

/* The strings changed, with their originals. */
struct untag_undo {
	char **at;
	char **was;
	size_t n, cap;
};

/* Strips the tags (redact_untag) from the services' details, the findings'
 * titles, evidence and remediation and the changes' titles; any argument may
 * be NULL. With u, report_untag_undo puts them back; without, for good. */
void report_untag(struct resultset *rs, struct findings *fs, struct rundiff *changes, struct untag_undo *u);
void report_untag_undo(struct untag_undo *u);
