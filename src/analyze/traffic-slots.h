/* The rules' own state in the traffic state's slots (traffic-state.h,
 * traffic_state_slot), shared by each rule with the state's save and
 * restore (traffic-state-save.c): a member added here is saved there too,
 * or the restored state differs from the one saved. */
#pragma once
#include "analyze/traffic-state.h"
#include "base/strpool.h"

/* long-connection (TRAFFIC_SLOT_LONG) */
struct open_sess {
	struct ipaddr host, peer;
	uint16_t port, sport;
	uint8_t proto;
	bool used; /* continued (or closed) in this hour */
	uint32_t key;
	double s, e;
	uint64_t up, down;
};
struct pair_time {
	struct ipaddr host, peer;
	uint16_t port;
	uint8_t proto;
	uint32_t key; /* peer_key, in long_state.keys */
	unsigned sessions, long_sessions;
	double total, longest, first, last, off_hours;
	uint64_t up, down;
	int32_t days[16]; /* days (since the epoch) with a long session */
	unsigned n_days;
};
struct long_state {
	struct open_sess *open;
	size_t n_open;
	struct pair_time *pairs; /* by (host, peer, port, proto) */
	size_t n_pairs, cap_pairs;
	struct strpool keys;
};
void long_state_free(void *p);

/* scheduled-transfer (TRAFFIC_SLOT_SCHED) */
struct sched_day {
	struct ipaddr host, net; /* net zero when named */
	uint32_t name;           /* in sched_state.names */
	uint16_t dport;
	int64_t day;
	int minute;
	bool listed; /* the series was reported (on its latest day's record) */
	uint32_t flows;
	double up, down, first, last;
	char cc_first[3], cc_last[3];
};
struct seen_day {
	struct ipaddr host;
	int64_t day;
};
struct sched_state {
	struct sched_day *v;
	size_t n, cap;
	struct seen_day *h;
	size_t nh, caph;
	struct strpool names;
};
void sched_state_free(void *p);

/* rotating-destinations (TRAFFIC_SLOT_ROT) */
struct rot_state {
	struct flowrec *v;
	uint8_t *told; /* per session: in a finding already (1) */
	size_t n, cap;
};
void rot_state_free(void *p);
