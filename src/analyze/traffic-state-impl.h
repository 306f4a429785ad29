/* The traffic state's members (traffic-state.h), for traffic-state.c and
 * its save and restore (traffic-state-save.c) only. */
#pragma once
#include "analyze/traffic-state.h"
#include "base/strpool.h"

struct pair {
	uint32_t name; /* in s->names; 0: dst names the destination */
	struct ipaddr dst, src;
	double last; /* latest start of its flows */
};

struct traffic_state {
	double window;
	struct pair *v; /* v[0, n_pairs_sorted) sorted (0 on a state read back) */
	size_t n, cap, n_pairs_sorted;
	struct strpool names;
	/* exfil-volume's days: v[0, n_sorted) by (host, day), then added ones */
	struct traffic_host_day *days;
	size_t n_days, cap_days, n_sorted;
	int64_t first_day;
	bool have_first;
	bool seeded; /* from the store, or past the first window judged */
	/* beacon's connections: beats[0, n_beats_sorted) by series then time */
	struct sbeat {
		struct ipaddr src, dst; /* dst zero when named */
		uint32_t name;
		uint16_t dport;
		double t, up;
	} * beats;
	size_t n_beats, cap_beats, n_beats_sorted;
	/* chatter per host and day: chat[0, n_chat_sorted) by (host, day) */
	struct chat {
		struct ipaddr host;
		int64_t day;
		double min, max;
	} * chat;
	size_t n_chat, cap_chat, n_chat_sorted;
	double chat_since; /* the first hour judged's start; INFINITY before */
	void *slot[TRAFFIC_SLOTS];
	void (*slot_free[TRAFFIC_SLOTS])(void *);
};
