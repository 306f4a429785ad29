/* Connection files and key files that hold credentials by design, read by
 * their own syntax: .netrc, .pgpass, .env, Remote Desktop .rdp, PuTTY and
 * WinSCP sessions (registry exports, WinSCP.ini), FileZilla's site
 * manager, private keys without a passphrase. */
#pragma once
#include <stddef.h>
#include "model/secret.h"

enum named_kind {
	NK_NONE,
	NK_NETRC,
	NK_PGPASS,
	NK_ENV,
	NK_RDP,
	NK_SESSIONS,
	NK_FILEZILLA,
	/* recognised by content only (secret-sniff.c), read by secret-stores.c */
	NK_MREMOTENG,
	NK_KEEPASS_XML,
	NK_BITWARDEN_JSON,
	NK_1PASSWORD_JSON,
};

/* Which parser a file name asks for (NK_NONE: read it as text). */
enum named_kind named_kind_of(const char *base);
/* Parses the whole file held in memory. */
void named_scan(enum named_kind k, const char *path, const char *data, size_t len, struct secret_items *out);

/* Private keys found line by line in any text: feed every line, then end. */
struct key_scan {
	int state; /* 0 outside, 1 inside PEM, 2 PuTTY key */
	char type[48];
	size_t begin_line;
	bool encrypted;
	char b64[96]; /* the start of an OpenSSH key's body */
	size_t b64_n, keys, unencrypted, first_line;
	char kinds[96];
};
void key_scan_line(struct key_scan *k, const char *s, size_t n, size_t line);
void key_scan_end(struct key_scan *k, const char *path, struct secret_items *out);
