/* Traffic rules: beacon, offhours-foreign-encrypted, rotating-destinations,
 * exfil-volume, idle-device-active, lateral-from-idle, scheduled-transfer,
 * long-connection, dns-tunnel, intel-match. Each lives in its own
 * file and registers in traffic_rules[] (rules.c). They read the flows of
 * one analysis and, when a store is given, the hourly history before it. */
#pragma once
#include <stddef.h>
#include "model/finding.h"
#include "model/flowset.h"
#include "model/intel.h"
#include "model/site-config.h"
#include "store/store.h"

struct traffic_state;

struct traffic_input {
	const struct site_config *cfg;
	const struct flowset *flows; /* annotated: internal sides and countries */
	struct store *store;         /* NULL: no history beyond these flows */
	struct intel_set *intel;     /* threat-intelligence indicators; NULL or empty: none */
	/* what several rules compute from the same flows, computed once
	 * (traffic-util.c); NULL: each computes its own */
	struct traffic_memo *memo;
	/* judged an hour at a time: what earlier hours left (traffic-state.h);
	 * NULL: these flows are the whole input */
	struct traffic_state *state;
};

struct traffic_rule {
	const char *id;
	const char *description;
	enum severity severity; /* default; a finding may rank higher or lower */
	int (*run)(const struct traffic_input *in, struct findings *out);
};

extern const struct traffic_rule traffic_rules[];
extern const size_t traffic_rules_count;

/* Runs every rule (or those named in the comma-separated list only). */
int analyze_traffic(const struct traffic_input *in, const char *only, struct findings *out);

int rule_beacon(const struct traffic_input *in, struct findings *out);
int rule_offhours_foreign(const struct traffic_input *in, struct findings *out);
/* offhours-foreign-encrypted: one session that uploads this much is enough */
#define OFFHOURS_SESSION_UPLOAD 1048576ull
int rule_rotating_destinations(const struct traffic_input *in, struct findings *out);
int rule_exfil_volume(const struct traffic_input *in, struct findings *out);
int rule_idle_device_active(const struct traffic_input *in, struct findings *out);
int rule_lateral_from_idle(const struct traffic_input *in, struct findings *out);
int rule_scheduled_transfer(const struct traffic_input *in, struct findings *out);
int rule_long_connection(const struct traffic_input *in, struct findings *out);
int rule_dns_tunnel(const struct traffic_input *in, struct findings *out);
int rule_intel_match(const struct traffic_input *in, struct findings *out);
