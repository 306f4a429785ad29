/* The privilege drop of a receiving loop (`flows --iface`, `collect`):
 * once the capture handle or the bound socket, the store and -oJ are open,
 * the loop only receives, parses, computes and writes to what is open.
 * docs/SECURITY.md has the model and the allow-list. */
#pragma once
#include "base/err.h"
#include "base/privmon.h"
#include "base/privsep.h"
#include "base/safe-write.h"

/* -oJ's temporary file (when one was opened) renamed by the monitor after
 * the drop; the safe writer's hooks point at the monitor. Before the drop. */
void receiver_outputs(struct privmon *mon, const struct out_file *oj);
/* The drop: the monitor when the user changes, the plan applied, then the
 * parse allow-list with recv_fd receive-only (-1: none). */
int receiver_drop(const struct privsep_plan *plan, struct privmon *mon, int recv_fd, const char *kind,
		  struct dm_err *e);
