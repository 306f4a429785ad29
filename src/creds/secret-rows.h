/* The structural detector of the password-table finder. Every source
 * (text lines, spreadsheet rows, document tables) feeds rows of cells into
 * a unit; the unit decides whether they form a credential table: a header
 * naming a password column next to user or host columns, or, without a
 * header, rows whose columns are addresses, user names and secrets. Text
 * lines are also searched for inline credentials ("password: ...", URLs
 * with user:password@, sshpass -p, mysql -p). Secrets are redacted as they
 * are seen; the clear value never leaves this module. */
#pragma once
#include <stddef.h>
#include "model/secret.h"

/* One store of credentials being filled: a named file kind (.netrc,
 * .pgpass, ...) uses it directly. */
struct secret_acc {
	char *path;
	char kind[32], what[64];
	struct secret_item it;
	void *digest; /* EVP_MD_CTX over the secrets' hashes */
	size_t host_seen_cap;
	char **host_seen; /* distinct hosts, for hosts_total */
};

void secret_acc_init(struct secret_acc *a, const char *path, const char *kind, const char *what);
/* host and user may be NULL or empty. */
void secret_acc_add(struct secret_acc *a, const char *host, const char *user, const char *value, size_t vlen,
		    size_t line);
/* Emits an item when it holds entries; always releases a. */
void secret_acc_end(struct secret_acc *a, struct secret_items *out, bool obfuscated);

struct secret_unit;
/* text: the rows are lines of a text file or paragraphs (inline search on). */
struct secret_unit *secret_unit_new(const char *path, bool text);
void secret_unit_row(struct secret_unit *u, char **cells, size_t n, size_t line);
/* A text line: split into cells (tab, comma, semicolon, pipe or blanks). */
void secret_unit_line(struct secret_unit *u, const char *s, size_t len, size_t line);
void secret_unit_end(struct secret_unit *u, struct secret_items *out);

/* Shapes of values, shared with the named-file parsers. */
bool secret_looks_host(const char *s);
bool secret_placeholder(const char *s, size_t n);
/* Adds passwords that count as secrets on sight (the credential database's). */
void secret_common_add(const char *pw);
