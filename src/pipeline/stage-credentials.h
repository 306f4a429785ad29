/* The credential checks as a stage of scan/audit/creds: the identified
 * services of a result set, the credential database, findings out. */
#pragma once
#include "base/err.h"
#include "creds/checker.h"
#include "model/finding.h"
#include "model/resultset.h"

struct cred_stage_in {
	const struct cred_db *db; /* loaded by the prepare stage */
	const struct cred_check_opts *o;
	const struct resultset *rs; /* the identified services */
	struct findings *fs;        /* the credential findings are added to it */
};
struct cred_stage_out {
	struct cred_results results; /* one outcome per service checked */
};

/* Loads the database (path NULL: data/credentials.csv) and the login forms;
 * a bad row fails before any packet when called early. */
int cred_stage_prepare(const char *path, struct cred_db *db, struct dm_err *e);
void stage_credentials(const struct cred_stage_in *in, struct cred_stage_out *out);
/* The per-service outcomes for the terminal. */
void cred_stage_print(const struct cred_stage_out *cs, const struct cred_check_opts *o, FILE *f);
void cred_stage_release(struct cred_stage_out *cs);
