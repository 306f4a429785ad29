/* The stateless probing engine behind ARP discovery, ping discovery and the
 * SYN scan. A probe module (one file each, a const struct like ZMap's probe
 * modules) says how to build the probe for (target, sub-probe) and how to
 * recognise a valid reply; the engine walks the seeded permutation over
 * targets x sub-probes at a paced rate, receives on a second thread,
 * de-duplicates, retries the silent, checkpoints for --resume, and ends
 * its cooldown as soon as replies stop. */
#pragma once
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/siphash.h"
#include "model/obs.h"
#include "net/decode.h"
#include "net/frame.h"
#include "net/rangeset.h"
#include "scan/netio.h"
#include "scan/resume.h"

struct engine;

/* What a module recognised in one captured frame. */
struct reply {
	uint32_t target;
	unsigned sub;
	enum host_how how;
	const char *reason;
	bool has_mac;
	uint8_t mac[6];
	bool is_port; /* a port state (else only "host is up") */
	enum port_state state;
	uint8_t ttl;
};

struct probe_module {
	const char *name;
	enum scan_phase phase;  /* what --resume records (and the permutation's seed varies by) */
	const char *filter;     /* BPF, printf format: %s is the source address */
	bool answer_per_target; /* any reply settles every sub-probe of the target */
	/* Builds the probe into frame; 0 means skip (no way to reach it). */
	size_t (*make)(const struct engine *en, uint32_t dst, unsigned sub, uint8_t *frame);
	/* true when d (a whole, unfragmented packet) is a valid reply to one of our probes. */
	bool (*classify)(const struct engine *en, const struct pkt *d, struct reply *r);
};

extern const struct probe_module probe_module_arp;
extern const struct probe_module probe_module_ping;
extern const struct probe_module probe_module_syn;

/* IPv4 address -> MAC, filled by ARP discovery for on-link targets. */
struct mactable {
	uint32_t *ip;
	uint8_t (*mac)[6];
	size_t cap, n;
};
void mactable_put(struct mactable *t, uint32_t ip, const uint8_t mac[6]);
const uint8_t *mactable_get(const struct mactable *t, uint32_t ip);
void mactable_release(struct mactable *t);

struct engine_progress {
	const char *phase;
	unsigned pass;
	uint64_t sent, total; /* probes of the first pass */
	double rate;          /* packets per second over the last interval */
	uint64_t replies, open;
	double elapsed;
};

struct engine_config {
	const struct probe_module *mod;
	struct netio *io;
	const struct rangeset *targets; /* indexed (rangeset_index) */
	const uint16_t *ports;          /* sub-probe -> port, for the SYN module */
	unsigned subs;                  /* sub-probes per target */
	double rate;                    /* packets per second; 0 = as fast as possible */
	unsigned retries;               /* extra passes over the silent */
	double quiet;                   /* seconds without replies that end the cooldown */
	double max_wait;                /* cooldown never lasts longer (seconds) */
	uint64_t seed, shard, shards;
	struct sipkey key;                /* reply cookies */
	uint32_t src;                     /* our address, host order */
	struct l2 gateway;                /* for targets that are not on-link */
	uint32_t onlink_net, onlink_mask; /* mask 0: nothing is on-link */
	struct mactable *macs;
	const struct obs_sink *sink;
	struct resume *resume; /* NULL: no checkpoints */
	void (*progress)(void *ctx, const struct engine_progress *p);
	void *progress_ctx;
};

struct engine_stats {
	uint64_t sent, replies, duplicates, invalid, unreachable, drops;
	double send_seconds, wall_seconds, final_rate;
};

struct engine {
	const struct engine_config *cfg;
	int32_t port_index[65536];
	_Atomic uint8_t *answered; /* bitmap, NULL when the space is too large */
	uint64_t space;            /* size of the permutation index space */
	uint64_t bits;             /* bits in answered */
	uint8_t *dirty;            /* 4 KiB chunks of answered touched since the last checkpoint */
	_Atomic uint64_t pub_pos;  /* sender: next position of the current pass */
	_Atomic unsigned pub_pass;
	_Atomic int sending_done;
	_Atomic uint64_t rate_now; /* pps the sender should use */
	_Atomic uint64_t replies, duplicates, invalid, open;
	_Atomic double last_reply; /* monotonic */
	_Atomic double send_end;
	_Atomic uint64_t sent_pass0, sent; /* sender writes, receiver reads for progress */
	uint64_t unreachable, drops;
	_Atomic uint8_t *host_logged; /* targets whose "up" is already in the resume log */
};

static inline uint64_t engine_cookie(const struct engine *en, uint32_t dst, uint16_t port)
{
	uint64_t m = (uint64_t)dst << 16 | port;
	return siphash24(&en->cfg->key, &m, sizeof(m));
}
#define SPORT_BASE 61000u /* above Linux's ephemeral range: the kernel never owns these */
#define SPORT_SPAN 4536u
static inline uint16_t engine_sport(uint64_t cookie)
{
	return (uint16_t)(SPORT_BASE + (cookie >> 32) % SPORT_SPAN);
}
/* Destination MAC for dst: the gateway's, or its own from ARP; NULL if unknown. */
const uint8_t *engine_next_hop(const struct engine *en, uint32_t dst);
/* Ethernet addresses of a frame to dst; false when dst cannot be reached. */
bool engine_l2(const struct engine *en, uint32_t dst, struct l2 *ret);

int engine_run(const struct engine_config *cfg, struct engine_stats *ret_stats, struct dm_err *e);
