/* The credential rules: plaintext-credentials from the password-table
 * finder's sightings; default-credentials and anonymous-access from the
 * login checks' results (model/cred-result.h). */
#pragma once
#include "model/cred-result.h"
#include "model/finding.h"
#include "model/secret.h"

/* One finding per sighting; now is the finding's first/last seen. */
void plaintext_credentials(const struct secret_items *items, double now, struct findings *out);
/* default-credentials and anonymous-access, one per service that let us in. */
void credential_findings(const struct cred_results *rs, double now, struct findings *out);
