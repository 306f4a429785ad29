/* The default-credential database (data/credentials.csv, format in
 * docs/credentials.md): which user and password a kind of device ships
 * with, for which protocol, and where that fact is published. */
#pragma once
#include <stddef.h>
#include "base/err.h"

struct cred_entry {
	char vendor[48];
	char match[128]; /* PCRE2, caseless, against the device's identity; "" = any device */
	void *re;        /* compiled match, NULL for any */
	char proto[16];  /* http, rtsp, ftp, telnet, ssh, snmp, mqtt, redis */
	char user[64];   /* "" for protocols without users (SNMP, Redis) */
	char pass[64];
	char source[160];
	size_t line;
};

/* A web login form: which devices get it (match), where it posts and its
 * field names (empty: read from the form on the device's page), and what a
 * refusal looks like (PCRE2, caseless, on the reply). */
struct login_form {
	char vendor[48];
	char match[128];
	void *re;
	char action[128], user_field[48], pass_field[48];
	char failure[160];
	void *failure_re;
	char source[160];
	size_t line;
};

struct cred_db {
	struct cred_entry *v;
	size_t n, cap;
	char path[256];
	struct login_form *forms;
	size_t n_forms;
	char forms_path[256];
};

/* Bad rows fail the load with the file and line. */
int cred_db_load(struct cred_db *db, const char *path, struct dm_err *e);
void cred_db_release(struct cred_db *db);
/* Up to max entries for proto in the order to try: those whose match fits
 * identity first, then the generic ones, each in file order. */
size_t cred_db_pick(const struct cred_db *db, const char *proto, const char *identity,
		    const struct cred_entry **out, size_t max);
bool cred_proto_known(const char *proto);
/* The login-form table (data/login-forms.csv); bad rows fail with file and line. */
int cred_db_load_forms(struct cred_db *db, const char *path, struct dm_err *e);
/* The first form whose match fits identity, NULL if none. */
const struct login_form *cred_db_form(const struct cred_db *db, const char *identity);
/* Whether a PCRE2 pattern compiled by this module finds a match in s. */
bool cred_re_find(void *re, const char *s);
