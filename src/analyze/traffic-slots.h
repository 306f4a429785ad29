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
/* a conversation of a file's first reading (long_seed_flows) */
struct seed_seg {
	struct ipaddr host, peer;
	uint16_t port, sport;
	uint8_t proto;
	uint32_t key; /* its name's ("n:"), 0 when it has none yet */
	double s, e;
};
struct long_state {
	struct open_sess *open;
	size_t n_open;
	struct pair_time *pairs; /* by (host, peer, port, proto) */
	size_t n_pairs, cap_pairs;
	struct strpool keys;
	/* a file's first reading (no live feed): per pair the long sessions of
	 * the whole input, by (host, peer, port, proto), so a peer routine by
	 * its days or its hosts is so from the first hour, as in one judgement
	 * of the file; dropped as they leave the window */
	struct pair_time *seed;
	size_t n_seed;
	/* during that reading only (empty, and not saved, from the first hour
	 * on): the conversations that may go on in the next part */
	struct seed_seg *reading;
	size_t n_reading;
	double reading_clock;
};
void long_state_free(void *p);
/* The long sessions of a part of a file's first reading to the seed, and
 * after the last part, the conversations left (traffic_state_seed_flows). */
void long_seed_flows(struct traffic_state *s, const struct traffic_input *in);
void long_seed_end(struct traffic_state *s);

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
	/* v[0, n_sorted), h[0, nh_sorted), seed[0, n_seed_sorted): sorted by
	 * the settle before (0 on a state read back: sorted whole once) */
	struct sched_day *v;
	size_t n, cap, n_sorted;
	struct seen_day *h;
	size_t nh, caph, nh_sorted;
	struct strpool names;
	/* a file's first reading: per series and local day its upload (up,
	 * flows) in the whole input, sorted as v, kept for the series' weekdays
	 * with two runs or more, so a weekly job's first run is measured
	 * against its other runs of that weekday, as one judgement of a file
	 * ending on a later one would; dropped as they leave the window */
	struct sched_day *seed;
	size_t n_seed, cap_seed, n_seed_sorted;
};
void sched_state_free(void *p);
void sched_seed_flows(struct traffic_state *s, const struct traffic_input *in);
void sched_seed_end(struct traffic_state *s);

/* rotating-destinations (TRAFFIC_SLOT_ROT) */
struct rot_state {
	struct flowrec *v;
	uint8_t *told; /* per session: in a finding already (1) */
	size_t n, cap;
	/* a file's first reading (no live feed): the (host, address) pairs the
	 * whole input reaches more than twice, sorted, so a session to one is
	 * not one-off on the stream either (what the whole input judges) */
	struct rot_pair *seed;
	size_t n_seed, cap_seed;
};
struct rot_pair {
	struct ipaddr host, addr;
	uint32_t n;  /* candidate sessions; while seeding, then more than twice */
	double last; /* the latest's start: out of the window after it */
};
void rot_state_free(void *p);
int rot_pair_cmp(const struct rot_pair *a, const struct rot_pair *b); /* host, then address */
/* The candidate sessions of a part of a file's first reading counted per
 * pair, and after the last part, the pairs reached more than twice kept
 * (traffic_state_seed_flows). */
void rot_seed_flows(struct traffic_state *s, const struct traffic_input *in);
void rot_seed_end(struct traffic_state *s);
