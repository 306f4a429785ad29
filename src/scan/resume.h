/* The --resume file: an append-only log of a scan's progress, so that a
 * scan killed at any moment (kill -9 included) continues where it stopped.
 * It records the scan's identity (a hash of targets, ports and options and
 * the seed), every result, and checkpoints: "every probe of this phase
 * before (pass, position) was sent long enough ago that its reply has
 * been logged". A resumed scan replays the logged results, skips finished
 * phases and restarts the current one at its last checkpoint; results are
 * de-duplicated, so the output holds each one once. A torn last line is
 * ignored; any other damage is an error naming the line. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "base/err.h"
#include "model/obs.h"

struct resume {
	char *path;
	FILE *log;
	uint64_t scan_id;
	uint64_t seed;
	int64_t run_id;     /* store run this scan writes to; 0 when unknown */
	unsigned done_mask; /* bit per phase number */
	bool have_ckpt;
	unsigned ckpt_phase, ckpt_pass;
	uint64_t ckpt_pos;
	bool resumed;      /* the file existed */
	uint64_t replayed; /* results replayed from the file */
};

enum scan_phase { PHASE_ARP = 0, PHASE_PING, PHASE_SYN, PHASE_CONNECT, PHASE_UDP, PHASE_COUNT };
const char *phase_name(unsigned phase);

/* Opens or creates path. For an existing file the scan_id must match;
 * *seed is taken from the file (pass seed_given to check a --seed). */
int resume_open(struct resume *rs, const char *path, uint64_t scan_id, uint64_t *seed, bool seed_given,
		const struct obs_sink *replay, struct dm_err *e);
void resume_set_run(struct resume *rs, int64_t run_id);
void resume_log_host(struct resume *rs, const struct obs_host *h);
void resume_log_port(struct resume *rs, const struct obs_port *p);
/* Flushes the results, saves the answered bitmap (may be NULL), then the checkpoint. */
int resume_checkpoint(struct resume *rs, unsigned phase, unsigned pass, uint64_t pos, const uint8_t *map,
		      uint64_t map_bytes);
int resume_phase_done(struct resume *rs, unsigned phase);
bool resume_is_done(const struct resume *rs, unsigned phase);
/* Loads the saved bitmap of the checkpointed phase if it has map_bytes bytes. */
bool resume_load_map(const struct resume *rs, uint8_t *map, uint64_t map_bytes);
void resume_close(struct resume *rs);
