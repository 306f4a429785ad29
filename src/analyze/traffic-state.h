/* What the traffic rules carry from one judged window to the next when
 * traffic is judged an hour at a time (pipeline/traffic-stream.c): which
 * internal hosts reached each external destination (its name, else its
 * address) within the last `window` seconds, so a destination's prevalence
 * (prevalence_build) is the window's, not one hour's. Its size is the
 * (destination, host) pairs seen in the window, not the flows. One thread
 * at a time (the stream's judge). */
#pragma once
#include <stddef.h>
#include "analyze/traffic.h"

/* 14 days: as long as the routine sets a batch run judges whole */
#define TRAFFIC_STATE_WINDOW (14 * 86400.0)

/* A pool of names is made anew when it holds this many and most have left
 * the window (the state's pairs and beats, the rules' slots). */
#ifndef NAMES_COMPACT_MIN
#define NAMES_COMPACT_MIN 1024
#endif

struct traffic_state;
struct traffic_state *traffic_state_new(double window);
void traffic_state_free(struct traffic_state *s);
/* After in's rules ran: its outbound pairs are added (or their time
 * moved on), and pairs last seen a window before in's end dropped. */
void traffic_state_update(struct traffic_state *s, const struct traffic_input *in);
/* Before the first window is judged: the pairs of the store's hourly
 * summaries of the window before `before` (each name of a row, else its
 * peer's address), so a watcher started again without its saved state
 * (traffic-state-save.h) keeps what the hours before it showed. Once; later
 * calls do nothing, nor any on a state read back. */
int traffic_state_seed(struct traffic_state *s, struct store *st, double before, struct dm_err *e);
/* A file judged an hour at a time (pipeline/traffic-batch.c) is no live
 * feed: before its first hour, the pairs of the whole input, a part at a
 * time, so prevalence counts the hosts of the whole file as one judgement
 * of it does; the store is then not read (traffic_state_seed does nothing).
 * So do long-connection's days and hosts with long sessions per peer, and
 * scheduled-transfer's runs per series and weekday (traffic-slots.h);
 * traffic_state_seed_end after the last part. */
void traffic_state_seed_flows(struct traffic_state *s, const struct traffic_input *in);
void traffic_state_seed_end(struct traffic_state *s);

/* exfil-volume's suspect upload of a host on a local day, so a slow upload
 * is judged on its day, not on each hour of it */
struct traffic_host_day {
	struct ipaddr host;
	int64_t day; /* site_local_day */
	double up, first, last;
	bool high; /* reported as a high day */
};
/* The host's days held, in day order (*ret points into the state until
 * the next update). */
size_t traffic_state_host_days(const struct traffic_state *s, const struct ipaddr *host,
			       const struct traffic_host_day **ret);
/* Adds d's upload (and high, first, last) to the host's day; a host's
 * days are added once per judged window, after its own lookups. */
void traffic_state_day_add(struct traffic_state *s, const struct traffic_host_day *d);
/* The first local day judged (day, when none was before). */
int64_t traffic_state_first_day(struct traffic_state *s, int64_t day);
/* beacon's series (host, name else address, port): the starts and uploads
 * of its latest connections of the last 48 hours, at most this many, so
 * beats across hours make one series */
#define TRAFFIC_STATE_BEATS 64
#define TRAFFIC_STATE_BEAT_WINDOW (48 * 3600.0)
struct traffic_beat {
	double t, up;
};
/* The series' connections held, oldest first, into out (room for
 * TRAFFIC_STATE_BEATS); name NULL: the address names the destination. */
size_t traffic_state_beats(const struct traffic_state *s, const struct ipaddr *src, const char *name,
			   const struct ipaddr *dst, uint16_t dport, struct traffic_beat *out);
/* A connection of the series judged now (kept from the next update on). */
void traffic_state_beat_add(struct traffic_state *s, const struct ipaddr *src, const char *name,
			    const struct ipaddr *dst, uint16_t dport, double t, double up);
/* Whether the stream saw background chatter (DNS, NTP: flow_is_background)
 * of host in (after, before) in the hours judged before this one, for
 * idle-device-active's silences reaching back before the hour: idleness
 * only with chatter in it, as within one input. True when after is before
 * the first hour judged (unknown: the silence is taken as is). Kept per
 * host and day, for the hosts' silence window and a day. */
bool traffic_state_chatter(const struct traffic_state *s, const struct ipaddr *host, double after,
			   double before);
/* A rule's own state (long-connection's open sessions and pair times,
 * scheduled-transfer's runs per series and day, rotating-destinations'
 * candidate sessions of the last day),
 * kept by the rule in a slot: NULL until it puts one there; freed with the
 * state by the function it names. */
enum traffic_slot { TRAFFIC_SLOT_LONG, TRAFFIC_SLOT_SCHED, TRAFFIC_SLOT_ROT, TRAFFIC_SLOTS };
void **traffic_state_slot(struct traffic_state *s, enum traffic_slot k, void (*free_fn)(void *));
/* The pairs held (for the tests and the bound). */
size_t traffic_state_pairs(const struct traffic_state *s);

/* One pair as a window's flows name it: name an id in fs's pool (0: the
 * address names the destination; UINT32_MAX: a name fs does not hold, so
 * no flow of fs asks for it, but its host counts). */
struct traffic_state_pair {
	uint32_t name;
	struct ipaddr dst, src;
};
/* The pairs held, names mapped into fs's pool; *ret freed by the caller. */
size_t traffic_state_pairs_for(const struct traffic_state *s, const struct flowset *fs,
			       struct traffic_state_pair **ret);
