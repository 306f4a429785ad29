/* The traffic rules, in one table: id, what it finds, default severity. */
#include "analyze/traffic.h"
#include "analyze/episodes.h"
#include "analyze/traffic-util.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <string.h>

const struct traffic_rule traffic_rules[] = {
	{ "beacon",
	  "periodic connections to one destination (name or address), robust to jitter and missed beats",
	  SEV_HIGH, rule_beacon },
	{ "offhours-foreign-encrypted", "encrypted uploads to foreign countries outside business hours",
	  SEV_HIGH, rule_offhours_foreign },
	{ "rotating-destinations", "same-shaped sessions to a different external address each time",
	  SEV_MEDIUM, rule_rotating_destinations },
	{ "exfil-volume", "hourly upload far above the host's own baseline", SEV_HIGH, rule_exfil_volume },
	{ "idle-device-active", "a host silent for the usage window that starts opening connections",
	  SEV_MEDIUM, rule_idle_device_active },
	{ "lateral-from-idle", "a woken idle host connecting into a protected segment", SEV_CRITICAL,
	  rule_lateral_from_idle },
	{ "scheduled-transfer",
	  "a daily job at its own hour (updates, signatures, backups): listed at info, medium when abnormal",
	  SEV_INFO, rule_scheduled_transfer },
	{ "long-connection",
	  "hours-long sessions to an external peer, and the total time a pair stays connected", SEV_MEDIUM,
	  rule_long_connection },
	{ "dns-tunnel",
	  "many unique long random subdomains under one parent domain, or TXT/NULL queries in bulk", SEV_HIGH,
	  rule_dns_tunnel },
	{ "intel-match",
	  "traffic touching an address, name, JA3/JA4 or certificate hash of a threat-intelligence list",
	  SEV_HIGH, rule_intel_match },
};
const size_t traffic_rules_count = ARRAY_SIZE(traffic_rules);

int analyze_traffic(const struct traffic_input *in, const char *only, struct findings *out)
{
	size_t from = out->n;
	struct traffic_memo *memo = traffic_memo_new();
	for (size_t i = 0; i < traffic_rules_count; i++) {
		if (only && !list_has(only, traffic_rules[i].id)) continue;
		double t = now_mono();
		size_t before = out->n;
		/* every flow, allowed or not: an allowlist entry suppresses the
		 * finding it covers (pipeline/lifecycle.c), it hides no traffic;
		 * so every rule shares what one of them computed (the memo) */
		struct traffic_input rin = *in;
		rin.memo = memo;
		int r = traffic_rules[i].run(&rin, out);
		if (r < 0) {
			traffic_memo_free(memo);
			return r;
		}
		log_debug("rule %s: %zu findings in %.3f s", traffic_rules[i].id, out->n - before,
			  now_mono() - t);
	}
	traffic_memo_free(memo);
	findings_episodes(out, from);
	return 0;
}
