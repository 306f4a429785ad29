/* The caveats of a run (model/caveat.h), computed once by the pipeline from
 * what ran and what the store holds, before the run is saved: the save
 * stage stores them, the report stage gives them to every reporter. */
#pragma once
#include "model/caveat.h"
#include "net/ports.h"
#include "store/store.h"

/* Vulnerability data whose newest record is older than this many days is
 * named in the caveats (pipeline_config.vuln_max_age, 0: this). */
#define VULN_MAX_AGE_DEFAULT 30

struct caveats_in {
	unsigned stages;    /* STAGE_BIT()s that ran (pipeline_config.stages) */
	bool identify;      /* services were identified (fingerprints loaded) */
	bool creds;         /* credentials were checked */
	bool ports_scanned; /* a port scan ran (not -sn) */
	const struct portlist *ports;
	struct store *st;      /* asked for its vulnerability data when the vulns stage ran */
	unsigned vuln_max_age; /* days; 0: VULN_MAX_AGE_DEFAULT */
	size_t register_rows;  /* the asset register's rows (the join's) */
	bool traffic_judged;   /* traffic covered the live hosts (the join's) */
	double now;            /* seconds since the epoch: the age of the data */
};
/* Fills *ret; an error reading the store is logged and named as a caveat
 * (the vulnerability data could not be read), never fatal. */
void run_caveats(const struct caveats_in *in, struct caveats *ret);
