/* `dormant fingerprint webapps URL|FILE` (fingerprint-webapps.c). */
#pragma once
#include "base/err.h"
#include "probe/fingerprint.h"

/* Prints the applications found, one a line (name, version, CPE, source);
 * returns an exit code (1: none found), or a negative error with e filled. */
int fingerprint_webapps(const char *target, const struct fp_set *fps, const char *wadir, struct dm_err *e);
