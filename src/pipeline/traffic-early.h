/* Rules whose decision needs only the flow, judged as it arrives rather
 * than with its hour (traffic-stream.c), their window the flow itself:
 * intel-match, and offhours-foreign-encrypted when one session uploads
 * enough alone (1 MB; its hour may add sessions, and severity). The reader
 * looks each flow up in the hour's intelligence set (a set lookup per
 * field) and tests its size, country and local time; a candidate is judged
 * alone at once, and what it shows that this hour has not said yet is
 * handed on for the findings' life and its outbox. The hour's own judgement
 * finds the same (same identity: the life merges them, so no second alert).
 *
 * Threads: the reader's (the job is the reader's until its hand-off). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "model/finding.h"
#include "pipeline/traffic-job.h"

/* What one hour's job has said early: each finding's identity and
 * severity, so a repeated hit costs no store write. */
struct traffic_said {
	char *key; /* life_key: rule, site, asset, port, the rule's key */
	enum severity severity;
};
struct traffic_early {
	struct traffic_said *said;
	size_t n, cap;
};

/* Whether the flow touches an indicator of j's lists on any field it has
 * (address either side, SNI, DNS name or question, JA3, JA4, certificate),
 * or uploads 1 MB to a foreign country outside business hours. */
bool traffic_early_candidate(struct traffic_job *j, const struct obs_flow *f);
/* Judges the flow alone by the early rules (those j's --rules allow) and
 * adds to out the findings t has not said at this severity or higher. */
int traffic_early_judge(struct traffic_early *t, struct traffic_job *j, const struct obs_flow *f,
			struct findings *out);
/* The hour was handed on: nothing said. */
void traffic_early_reset(struct traffic_early *t);
