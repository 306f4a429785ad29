/* The credential checks over identified services: explicit opt-in, a
 * per-service and per-host attempt budget, a delay between attempts, the
 * anonymous check and a negative control before any database entry, a
 * stop at the first success and at signs of lockout. */
#pragma once
#include <stdbool.h>
#include "creds/cred-db.h"
#include "model/cred-result.h"

struct cred_check_opts {
	unsigned budget;      /* database entries per service (default 3) */
	unsigned host_budget; /* attempts of every kind per host (default 16) */
	double delay;         /* seconds between two attempts on one host (default 1) */
	double timeout;       /* per wait (default 5) */
	unsigned parallel;    /* hosts checked at once (default 16) */
};
#define CRED_CHECK_DEFAULTS         \
	{                           \
		3, 16, 1.0, 5.0, 16 \
	}

struct cred_service {
	struct ipaddr ip;
	uint16_t port;
	enum proto proto;
	char name[24];
	char identity[160]; /* vendor, product and device of it and of its host */
};

/* Whether a service has a check at all. */
bool creds_checkable(const char *service);
/* Checks services (grouped by host in the order given); results in out,
 * one per checked service. Returns 0. */
int creds_check(const struct cred_db *db, const struct cred_service *svcs, size_t n,
		const struct cred_check_opts *o, struct cred_results *out);
