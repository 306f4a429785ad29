/* `dormant fingerprint stats` and `dormant fingerprint match nmap:PROBE TEXT`:
 * what nmap's service probe database holds and what it says of a response. */
#pragma once
#include "base/err.h"
#include "probe/nmap-probes.h"

/* The default place of Debian's nmap-common data. */
#define NMAP_SERVICE_PROBES_PATH NMAP_SERVICE_PROBES_DEFAULT

/* Prints the database's file, version line and counts (and those of the
 * nmap-payloads file beside it) on stdout; returns an exit code. */
int fingerprint_nmap_stats(const char *path, struct dm_err *e);
/* Matches text (nmap's escapes decoded: "\r\n", "\x00") as the response to
 * probe (NULL, GetRequest ...; "UDP:" before the name for a UDP probe);
 * prints the result; returns an exit code (1: no match). */
int fingerprint_nmap_match(const char *path, const char *probe, const char *text, struct dm_err *e);
