/* `dormant scan` as a source: host discovery, then the port scan, over one
 * target set. scan_prepare() opens the raw sockets (the command drops
 * privileges after it has opened the store and the outputs, base/privsep.h);
 * scan_execute() runs the phases and reports every observation to the
 * sink. Without CAP_NET_RAW (or with --connect) it uses connect() instead;
 * IPv6 targets always go through connect(). */
#pragma once
#include "model/obs.h"
#include "net/ports.h"
#include "net/targets.h"
#include "scan/engine.h"
#include "scan/netio.h"
#include "scan/resume.h"

enum scan_mode { SCAN_AUTO, SCAN_SYN, SCAN_CONNECT };

struct scan_config {
	struct targets *targets; /* finalized */
	struct portlist *ports;
	enum scan_mode mode;
	bool skip_discovery; /* -Pn */
	bool discovery_only; /* -sn */
	bool udp_silent;     /* silent UDP ports are reported open|filtered (-sV on U: ports named) */
	double rate;         /* packets per second */
	unsigned retries;
	double quiet, max_wait; /* cooldown: seconds of silence that end it; its cap */
	double connect_timeout;
	unsigned max_inflight;
	uint64_t seed;
	bool seed_given;
	uint64_t shard, shards;
	const char *iface;      /* -e */
	const char *source;     /* -S */
	const char *router_mac; /* --router-mac */
	const char *resume_path;
	void (*progress)(void *ctx, const struct engine_progress *p);
	void *progress_ctx;
};

struct scan_summary {
	enum scan_mode mode;
	char iface[IF_NAMESIZE];
	uint32_t src;
	uint64_t probes, replies, drops, unreachable;
	double seconds, send_seconds, final_rate;
};

/* Forwards observations to the next sink and remembers which hosts are up. */
struct tee {
	const struct obs_sink *next;
	struct rangeset up;
	struct mactable macs;
};

struct scan {
	struct tee tee;
	const struct scan_config *cfg;
	enum scan_mode mode;
	struct netio io;
	bool io_open;
	bool want_raw; /* planned SYN, raw I/O not open yet (scan_open_io) */
	struct resume resume;
	bool have_resume;
	uint64_t seed;
	uint64_t scan_id;
};

/* Opens raw I/O (when allowed); needs the privileges the caller drops after it. */
int scan_prepare(struct scan *s, const struct scan_config *cfg, struct dm_err *e);
/* scan_prepare in two steps: plan decides the mode (SYN needs CAP_NET_RAW);
 * open_io opens the raw socket and the capture (its 128 MB ring) and may
 * fall back to connect() on loopback. The audit opens them after its flows
 * were judged and freed, so the ring and the flows never share the peak. */
int scan_plan(struct scan *s, const struct scan_config *cfg, struct dm_err *e);
int scan_open_io(struct scan *s, struct dm_err *e);
/* Opens the resume file (if any): replays its results into replay and
 * returns the store run id it recorded in *ret_run (0 if none). */
int scan_open_resume(struct scan *s, const struct obs_sink *replay, int64_t *ret_run, struct dm_err *e);
void scan_set_run(struct scan *s, int64_t run_id);
int scan_execute(struct scan *s, const struct obs_sink *sink, struct scan_summary *ret, struct dm_err *e);
void scan_release(struct scan *s);
uint64_t scan_identity(const struct scan_config *cfg);
const char *scan_mode_name(enum scan_mode m);
