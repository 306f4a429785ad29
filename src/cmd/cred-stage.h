/* The credential checks as a stage of scan/audit/creds: the identified
 * services of a result set, the credential database, findings out. */
#pragma once
#include "base/err.h"
#include "creds/checker.h"
#include "model/finding.h"
#include "model/resultset.h"

struct cred_stage {
	bool on;
	const char *db;                 /* NULL: data/credentials.csv */
	struct cred_check_opts o;
	struct cred_results results;
};

/* Loads the database (a bad row fails before any packet when called early). */
int cred_stage_prepare(struct cred_stage *cs, struct cred_db *db, struct dm_err *e);
void cred_stage_run(struct cred_stage *cs, const struct cred_db *db, const struct resultset *rs, struct findings *fs);
/* The per-service outcomes for the terminal. */
void cred_stage_print(const struct cred_stage *cs, FILE *f);
void cred_stage_release(struct cred_stage *cs);
