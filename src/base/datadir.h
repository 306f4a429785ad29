/* Where dormant's data files (fingerprints, credentials, roles, aliases...)
 * are read from at run time: an installed binary reads the installed copy,
 * a binary in its own build tree reads the source tree's data/. */
#pragma once

/* The data directory: $DORMANT_DATADIR if set; the source tree's data/ when
 * the running binary sits under the build tree it was built in; else the
 * installed prefix/share/dormant. Never NULL; no trailing slash. */
const char *dm_datadir(void);

/* dm_datadir() joined with REL ("fingerprints", "vuln/aliases.csv").
 * The result lives until exit (a small interned table); never NULL. */
const char *dm_data(const char *rel);
