/* `dormant import`: other scanners' result files (src/import/) stored as
 * runs, one per file, through the audit's own stages: the services named
 * from their banners by the fingerprint databases (identify), MAC vendors
 * and order (enrich), the vulnerability matcher (vulns), the store (save)
 * and the outputs (report). The run's kind is the scanner (nmap, masscan,
 * zmap), its times the file's. */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "model/finding.h"
#include "pipeline/pipeline.h"

struct import_config {
	const char *db;   /* NULL: store_default_path() */
	const char *site; /* --site: the site the files observed; NULL: default */
	char *const *files;
	size_t n_files;
	struct output_paths out; /* one file at a time when any is wanted */
	bool table;              /* the text table per run, unless an output writes to stdout */
	enum confidence min_conf;
	const char *fpdir;          /* more Recog-format databases */
	const char *service_probes; /* nmap's product names; NULL: the installed file */
	int redact;
};

/* Imports every file; stops at the first that fails (its run is not
 * stored). *ret_findings: the findings of all runs. */
int import_files(const struct import_config *c, size_t *ret_findings, struct dm_err *e);
