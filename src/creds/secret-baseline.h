/* The items an operator has accepted (`dormant secrets --baseline FILE`):
 * the fingerprints of an earlier -oJ output, or of a hand-written list. */
#pragma once
#include <stdbool.h>
#include "base/buf.h"
#include "base/err.h"

/* Adds every 16-hex-digit fingerprint in the file at path to set. */
int secret_baseline_load(const char *path, struct buf *set, struct dm_err *e);
/* Whether fp (16 hex digits) is in set. */
bool secret_baseline_has(const struct buf *set, const char *fp);
