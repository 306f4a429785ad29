/* Product names as nmap prints them ("Apache httpd", "Postfix smtpd",
 * "Microsoft IIS httpd") mapped to the CPE vendor:product NVD files them
 * under, built at run time from nmap's own service probe database: its
 * match lines pair a product (p/NAME/) with a CPE (cpe:/a:vendor:product/).
 * The pairs become name rules after those of data/vuln/aliases.csv, which
 * win where both name a product. */
#pragma once
#include <stddef.h>
#include "base/err.h"
#include "vuln/aliases.h"

#define NMAP_PROBES_DEFAULT_PATH "/usr/share/nmap/nmap-service-probes"

/* Adds a name rule per product name of the file at path (majority CPE when
 * its lines disagree) not already named in a. Returns the number of rules
 * added, or a negative error naming path. */
int aliases_load_nmap(struct aliases *a, const char *path, struct dm_err *e);
/* The same from a buffer (tests, fuzzing). */
int aliases_add_nmap_text(struct aliases *a, const char *text, size_t len);
/* The default file when present (0 rules when nmap is not installed), else
 * path; a path given and missing is an error. */
int aliases_load_nmap_opt(struct aliases *a, const char *path, struct dm_err *e);
