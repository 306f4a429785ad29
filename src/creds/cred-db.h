/* The default-credential database (data/credentials.csv, format in
 * docs/credentials.md): which user and password a kind of device ships
 * with, for which protocol, and where that fact is published. */
#pragma once
#include <stddef.h>
#include "base/err.h"

struct cred_entry {
	char vendor[48];
	char match[128];     /* PCRE2, caseless, against the device's identity; "" = any device */
	void *re;            /* compiled match, NULL for any */
	char proto[16];      /* http, rtsp, ftp, telnet, ssh, snmp, mqtt, redis */
	char user[64];       /* "" for protocols without users (SNMP, Redis) */
	char pass[64];
	char source[160];
	size_t line;
};

struct cred_db {
	struct cred_entry *v;
	size_t n, cap;
	char path[256];
};

/* Bad rows fail the load with the file and line. */
int cred_db_load(struct cred_db *db, const char *path, struct dm_err *e);
void cred_db_release(struct cred_db *db);
/* Up to max entries for proto in the order to try: those whose match fits
 * identity first, then the generic ones, each in file order. */
size_t cred_db_pick(const struct cred_db *db, const char *proto, const char *identity, const struct cred_entry **out,
		    size_t max);
bool cred_proto_known(const char *proto);
