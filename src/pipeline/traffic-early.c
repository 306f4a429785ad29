/* The flow judged alone by the rules that need nothing else
 * (traffic-early.h): intel-match, and offhours-foreign-encrypted for a
 * session that uploads enough alone, as the hour's judgement runs them. */
#include "pipeline/traffic-early.h"
#include "analyze/traffic.h"
#include "base/util.h"
#include "model/finding-life.h"
#include <stdlib.h>
#include <string.h>

/* the rules a flow alone can decide (their finding for it is the one its
 * hour's judgement makes for the host) */
static const char *const early_rules[] = { "intel-match", "offhours-foreign-encrypted" };
#define SAID_MAX 4096 /* beyond: each hit goes to the life, which merges it */

static bool hits(struct intel_set *s, const struct obs_flow *f)
{
	return intel_match_addr(s, &f->src) || intel_match_addr(s, &f->dst) ||
	       (f->sni && intel_match_domain(s, f->sni)) || (f->name && intel_match_domain(s, f->name)) ||
	       (f->dns_query && intel_match_domain(s, f->dns_query)) ||
	       (f->ja3 && intel_match_hash(s, INTEL_JA3, f->ja3)) ||
	       (f->ja4 && intel_match_hash(s, INTEL_JA4, f->ja4)) ||
	       (f->cert_hash && intel_match_hash(s, INTEL_CERT, f->cert_hash));
}

static bool rule_on(const struct traffic_job *j, const char *id)
{
	return !j->args->no_analyze && (!j->args->rules || list_has(j->args->rules, id));
}

/* offhours-foreign-encrypted's own test of one session large enough alone
 * (outbound, encrypted and not failed are the rule's, on the copy) */
static bool offhours_alone(const struct traffic_job *j, const struct obs_flow *f)
{
	return j->cfg.n_home && f->country && f->bytes_out >= OFFHOURS_SESSION_UPLOAD &&
	       !site_is_home_country(&j->cfg, f->country) && !site_is_business_time(&j->cfg, f->start);
}

/* Asked of every flow the reader takes in: the flow's own tests first, the
 * rule list (a string search) only for a flow that passes them. */
bool traffic_early_candidate(struct traffic_job *j, const struct obs_flow *f)
{
	return (j->intel.n && hits(&j->intel, f) && rule_on(j, "intel-match")) ||
	       (offhours_alone(j, f) && rule_on(j, "offhours-foreign-encrypted"));
}

/* Whether t said this identity at sev or higher; else it is said now. */
static bool said_before(struct traffic_early *t, const char *key, enum severity sev)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->said[i].key, key)) continue;
		if (t->said[i].severity >= sev) return true;
		t->said[i].severity = sev;
		return false;
	}
	if (t->n == SAID_MAX) return false;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->said = xrealloc(t->said, t->cap * sizeof(*t->said));
	}
	t->said[t->n++] = (struct traffic_said){ xstrdup(key), sev };
	return false;
}

int traffic_early_judge(struct traffic_early *t, struct traffic_job *j, const struct obs_flow *f,
			struct findings *out)
{
	struct flowset one;
	flowset_init(&one);
	/* the job's annotation (internal sides, country) again, for this copy */
	struct flowrec *r = flowset_add(&one, f);
	flowrec_annotate(r, &j->cfg, NULL, NULL);
	if (f->country) memcpy(r->cc, f->country, sizeof(r->cc) - 1), r->cc[sizeof(r->cc) - 1] = 0;
	struct traffic_input in = { .cfg = &j->cfg, .flows = &one, .intel = &j->intel };
	struct findings all = { 0 };
	char rules[64] = "";
	for (size_t i = 0; i < ARRAY_SIZE(early_rules); i++)
		if (rule_on(j, early_rules[i]))
			snprintf(rules + strlen(rules), sizeof(rules) - strlen(rules), "%s%s",
				 *rules ? "," : "", early_rules[i]);
	int rc = analyze_traffic(&in, rules, &all);
	const char *site = *j->cfg.name ? j->cfg.name : "default";
	for (size_t i = 0; rc >= 0 && i < all.n; i++) {
		char key[LIFE_KEY_MAX];
		life_key(&all.v[i], site, key, sizeof(key));
		if (said_before(t, key, all.v[i].severity)) continue;
		findings_add(out, &all.v[i]); /* its strings are out's now */
		all.v[i].evidence = all.v[i].remediation = all.v[i].path = NULL;
	}
	findings_release(&all);
	flowset_release(&one);
	return rc;
}

void traffic_early_reset(struct traffic_early *t)
{
	for (size_t i = 0; i < t->n; i++) free(t->said[i].key);
	free(t->said);
	*t = (struct traffic_early){ 0 };
}
