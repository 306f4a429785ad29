/* What the password-table finder saw in one file (or one part of an
 * archive): the kind of store, how many credentials it holds, which
 * systems they open, all secrets and user names already redacted. The
 * plaintext-credentials rule turns these into findings. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define SECRET_MAX_LISTED 8 /* hosts, users and values kept per item */

struct secret_item {
	char *path;      /* "dir/book.xlsx!xl/worksheets/sheet1.xml" inside archives */
	char kind[32];   /* password-table, browser-export, netrc, private-key, ... */
	char what[64];   /* for people: "password table (header row)" */
	size_t entries;  /* credentials in it */
	size_t line;     /* where the first one is (line or row), 0 unknown */
	bool obfuscated; /* reversible encoding or a key-bound blob, not clear text */
	size_t n_hosts, n_users, n_values;
	char *hosts[SECRET_MAX_LISTED];  /* system names are not secrets: in clear */
	char *users[SECRET_MAX_LISTED];  /* redacted */
	char *values[SECRET_MAX_LISTED]; /* redacted (base/redact.h) */
	size_t hosts_total;              /* distinct hosts, including those not listed */
	char fingerprint[17];            /* path, kind and every secret's hash: for --baseline */
};

struct secret_items {
	struct secret_item *v;
	size_t n, cap;
};

struct secret_item *secret_items_add(struct secret_items *s);
void secret_items_release(struct secret_items *s);
