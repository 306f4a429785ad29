/* The join of `audit --external`: what dormant reached from a vantage
 * outside the perimeter (the run's open ports and services on the
 * organisation's public addresses) becomes external observations of
 * platform "dormant", stored beside the platforms' and joined with the
 * inside like them (analyze/exposure.h): the register's public_ip, the
 * latest edge mapping tables, the latest inside run. */
#pragma once
#include <stdbool.h>
#include "model/external.h"
#include "model/finding.h"
#include "model/inventory.h"
#include "model/resultset.h"
#include "store/store.h"
#include "vuln/aliases.h"

struct external_in {
	struct store *st;
	const struct inventory *inv; /* the register the audit loaded */
	const struct aliases *al;    /* for the banners' vulnerabilities; NULL: not matched */
	const struct resultset *rs;  /* the run's results: what answered from outside */
	int64_t run;                 /* this run, which names the observations' "file" */
	struct findings *fs;         /* external-only and internet-exposed findings are added */
	bool rebuild;                /* `dormant report` of a stored run: the rows only, nothing saved */
};
struct external_out {
	struct exposure_rows rows; /* each service seen, with the inside asset behind it */
	int64_t inside_run;        /* the inside run compared with; 0 none */
};
int stage_external(const struct external_in *in, struct external_out *out, struct dm_err *e);
void external_out_release(struct external_out *o);
