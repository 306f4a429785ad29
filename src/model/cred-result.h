/* What a login check concluded about one service. Only redacted secrets:
 * the database entry that worked is named by file and line. */
#pragma once
#include <stddef.h>
#include "net/addr.h"
#include "net/ports.h"

enum cred_outcome {
	CRED_DEFAULT,      /* an entry of the credential database logged in */
	CRED_ANONYMOUS,    /* no credentials needed */
	CRED_NONE,         /* every entry tried was refused */
	CRED_NO_LOGIN,     /* nothing asks for a login (an open web page): nothing to check */
	CRED_INCONCLUSIVE, /* a random login was accepted: success cannot be told from failure */
	CRED_LOCKOUT,      /* stopped at signs of a lockout or rate limit */
	CRED_ERROR,        /* the service did not answer usably */
};

struct cred_result {
	struct ipaddr ip;
	uint16_t port;
	enum proto proto;
	char service[24];
	char check[16];  /* the protocol check: http, rtsp, ftp, ... */
	char method[24]; /* basic, digest, password, community, anonymous ... */
	enum cred_outcome outcome;
	unsigned attempts; /* including the anonymous check and the negative control */
	unsigned entries_tried;
	/* CRED_DEFAULT: the entry */
	char vendor[48], source[160], db[256];
	size_t db_line;
	char user[64];       /* the database's user name (public, kept) */
	char pass_shown[72]; /* the password redacted */
	char identity[160];  /* what the device was identified as */
	char detail[160];
	bool configured; /* the operator's own setting (a [netdev] community): no login was tried */
};

struct cred_results {
	struct cred_result *v;
	size_t n, cap;
};

const char *cred_outcome_name(enum cred_outcome o);
