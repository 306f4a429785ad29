/* Credential stores recognised by their content, whatever the file is
 * called: an exported FileZilla site manager saved as clients-ftp.xml, a
 * WinSCP.ini or a PuTTY/WinSCP registry export under any name, mRemoteNG
 * connection files, KeePass XML, Bitwarden and 1Password JSON exports,
 * .netrc, .pgpass, .env and .rdp files renamed. The CSV exports are told
 * apart by their header row (secret-rows.c). */
#pragma once
#include <stddef.h>
#include "creds/secret-files.h"

/* The kind the first bytes of a file show (NK_NONE: no known structure). */
enum named_kind secret_sniff_kind(const char *head, size_t n);
/* What the kind is called in messages ("FileZilla site manager"). */
const char *named_kind_name(enum named_kind k);
