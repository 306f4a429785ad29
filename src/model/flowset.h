/* The flows of one analysis, compact and in memory (96 bytes each, with
 * 8 bytes of packet counts beside; the fields few flows have are kept for
 * those only), with which side is internal and the country of the external
 * side. The traffic analyzers read it; the hourly summaries the store keeps
 * come from it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/strpool.h"
#include "model/flow.h"
#include "model/site-config.h"

enum flow_app { FAPP_NONE = 0, FAPP_TLS, FAPP_SSH, FAPP_DNS, FAPP_HTTP, FAPP_OTHER };

#define FREC_SRC_INTERNAL 1u
#define FREC_DST_INTERNAL 2u

/* flowrec.is: what the TCP flags, packet counts and payload entropy (not
 * kept) said, decided as the flow is added (flow_is_failed ...) */
#define FREC_FAILED 1u
#define FREC_CONTINUATION 2u
#define FREC_ENCRYPTED 4u
#define FREC_EXTRA 8u /* has a flow_extra */

struct flowrec {
	struct ipaddr src, dst; /* src opened the conversation */
	double start, end;
	uint64_t bytes_out, bytes_in;
	uint32_t name; /* SNI, else the DNS name of dst; id in the set's pool */
	uint16_t sport, dport;
	uint8_t proto, app;
	uint8_t where; /* FREC_SRC_INTERNAL, FREC_DST_INTERNAL */
	uint8_t is;    /* FREC_FAILED ... */
	char cc[3];    /* country of the external side; "" unknown */
};

/* Beside each record, at the same index (the summaries and one rule read
 * them). */
struct flow_pkts {
	uint32_t out, in; /* clamped at UINT32_MAX */
};

/* What only TLS and DNS flows have, kept for those only (FREC_EXTRA), in
 * the order of the flows. */
struct flow_extra {
	uint32_t flow;                  /* index of the record */
	uint32_t ja3, ja4, cert, query; /* pool ids: TLS fingerprints, certificate hash, DNS question */
	uint16_t qtype;                 /* the DNS question's type; 0 none */
};

/* The side arrays of v or of det. */
struct flow_sides {
	struct flow_pkts *pk; /* as many as the records (cap) */
	struct flow_extra *x;
	size_t n_x, cap_x;
};

struct flowset {
	struct flowrec *v;
	size_t n, cap;
	struct strpool names;
	double first, last; /* earliest start, latest end */
	/* Detail records (obs_flow.detail): names and hashes of conversations
	 * that v counts already; only the rules reading those look here. */
	struct flowrec *det;
	size_t n_det, cap_det;
	struct flow_sides side, side_det; /* of v, of det */
};

void flowset_init(struct flowset *s);
/* One-way records of the answering side (NetFlow) are turned round so the
 * opener is src, as in a conversation. */
struct flowrec *flowset_add(struct flowset *s, const struct obs_flow *f);
void flowset_release(struct flowset *s);
const char *flowset_name(const struct flowset *s, const struct flowrec *r);
/* A pooled string of r (r->ja3, r->query ...), NULL when none. */
const char *flowset_str(const struct flowset *s, uint32_t id);
/* The packet counts and the TLS and DNS fields of r, a record of s->v or
 * s->det; the extra's ids are 0 when r has none. */
struct flow_pkts flowset_pkts(const struct flowset *s, const struct flowrec *r);
const struct flow_extra *flowset_extra(const struct flowset *s, const struct flowrec *r);
const char *flow_app_name(enum flow_app a);

typedef bool (*country_fn)(void *ctx, const struct ipaddr *a, char cc[3]);
/* Marks internal sides and looks up the external side's country. */
void flowrec_annotate(struct flowrec *r, const struct site_config *cfg, country_fn country, void *ctx);
void flowset_annotate(struct flowset *s, const struct site_config *cfg, country_fn country, void *ctx);

/* Background chatter that does not make a host "used": DNS, NTP, DHCP,
 * mDNS, LLMNR, NetBIOS name/datagram, SSDP, ICMP. */
bool flow_is_background(const struct flowrec *r);
/* A later record of a TCP conversation that began in an earlier one: cut
 * by an idle or active timeout (pcap, NetFlow), so no SYN from the opener.
 * Records without flags (Zeek) are never continuations. */
bool flow_is_continuation(const struct flowrec *r);
/* TCP that never got an answer, or was refused at once. */
bool flow_is_failed(const struct flowrec *r);
/* TLS or SSH seen, or a high-entropy first payload, or (for records without
 * payload: NetFlow, conn.log without service) a port that only carries
 * encrypted protocols. */
bool flow_is_encrypted(const struct flowrec *r);

/* Per hour, internal host, peer, port and direction: what the store keeps
 * to tell later whether a host or port is used. */
struct flow_hour {
	int64_t hour; /* seconds since the epoch / 3600 */
	struct ipaddr host, peer;
	uint16_t port; /* the service port: dport of the flows */
	uint8_t proto;
	bool inbound; /* peer opened the flows to host's port */
	bool background;
	bool peer_internal;
	uint64_t flows, bytes_up, bytes_down, pkts_up, pkts_down; /* up: host -> peer */
	char names[256]; /* distinct TLS/DNS names, comma-separated, capped */
	char cc[3];      /* peer's country */
};

/* Summaries of s, sorted by host, hour, peer, port; the caller frees *ret. */
size_t flowset_hours(const struct flowset *s, struct flow_hour **ret);

/* The same rows a chunk at a time (a save of millions of flows holds one
 * chunk of rows, not all), in the same order: open cuts the hosts into
 * blocks of about 512k sides (at most 255 blocks); next sorts one block's
 * sides at a time (8 bytes each), fills up to cap rows of buf and returns
 * how many, 0 at the end (a flow_hour_next_fn with the cursor as ctx); rows
 * counts those made. The first next ranks the set's addresses and notes
 * each side's block (2 bytes a flow), once for all blocks, freed when the
 * last block is sorted (or by close). */
typedef size_t (*flow_hour_next_fn)(void *ctx, struct flow_hour *buf, size_t cap);
struct addr_ranks;
struct flow_hours_cursor {
	const struct flowset *s;
	struct ipaddr *splits; /* block b: splits[b - 1] <= host < splits[b] */
	size_t n_splits, b;
	uint8_t (*blk)[2];     /* per flow, the block of its src and dst side; 0xff none */
	size_t *count;         /* sides per block */
	struct addr_ranks *ar; /* NULL until the first block, or when an address has no order */
	bool ranked;           /* ranks tried */
	struct side_ref *sv;   /* the current block's sides */
	size_t n, k, cap, rows;
};
void flowset_hours_open(const struct flowset *s, struct flow_hours_cursor *c);
/* The same with about per_block sides a block (0: one block). */
void flowset_hours_open_blocks(const struct flowset *s, struct flow_hours_cursor *c, size_t per_block);
size_t flowset_hours_next(void *ctx, struct flow_hour *buf, size_t cap);
void flowset_hours_close(struct flow_hours_cursor *c);

/* The picture of the traffic for the report: bytes per local hour of day
 * (in the site's zone) with business hours marked, and bytes to each
 * country of the external peers, largest first. */
#define PROFILE_COUNTRIES 24
struct traffic_profile {
	bool present;
	uint64_t bytes_by_hour[24], flows_by_hour[24];
	bool business_hour[24]; /* on a business day */
	struct {
		char cc[3];
		uint64_t bytes, flows;
		bool home;
	} countries[PROFILE_COUNTRIES];
	size_t n_countries;
	uint64_t other_country_bytes; /* beyond the largest PROFILE_COUNTRIES */
};
void flowset_profile(const struct flowset *s, const struct site_config *cfg, struct traffic_profile *out);
/* The same a flow at a time (a file judged hour by hour keeps no flows):
 * begin, add each flow (its start, bytes both ways, external country or
 * NULL), end (frees what begin took). */
#define PROFILE_MAX_CC 1024
struct profile_acc {
	struct traffic_profile p;
	struct {
		char cc[3];
		uint64_t bytes, flows;
	} * cc;
	size_t n_cc;
};
void profile_begin(struct profile_acc *a, const struct site_config *cfg);
void profile_add(struct profile_acc *a, const struct site_config *cfg, double start, uint64_t bytes,
		 const char *cc);
void profile_end(struct profile_acc *a, const struct site_config *cfg, struct traffic_profile *out);
