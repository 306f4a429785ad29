/* The traffic state (traffic-state.h) as bytes and back, so a watcher
 * started again goes on with what the hours before it showed: the pairs,
 * the host-days, the beats, the chatter and the rules' slots, names kept
 * with the ids they had (the order of what is held depends on them).
 * Little-endian, versioned by TRAFFIC_STATE_FORMAT; any change to what is
 * written is a new format (an older saved state is then started over, not
 * misread). The decoder reads untrusted bytes (a store on disk): every
 * count and id is checked against what is left and what is held. */
#pragma once
#include <stddef.h>
#include "analyze/traffic-state.h"
#include "base/buf.h"

#define TRAFFIC_STATE_FORMAT 4
/* The largest state saved or read: far above the 1000-host week's. */
#define TRAFFIC_STATE_SAVE_MAX ((size_t)512 << 20)

/* The state appended to b (whose max is raised to the bound); 0 or the
 * buffer's error (a state past the bound). */
int traffic_state_encode(const struct traffic_state *s, struct buf *b);
/* The format of the n bytes at p (0: not a saved state). */
int traffic_state_format(const void *p, size_t n);
/* A state made from the n bytes at p, or DM_EINPUT with what is wrong and
 * at which byte in e (*ret NULL). */
int traffic_state_decode(const void *p, size_t n, struct traffic_state **ret, struct dm_err *e);
