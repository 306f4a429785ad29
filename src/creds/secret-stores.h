/* The credential stores only their content tells apart (secret-sniff.c):
 * mRemoteNG connections, KeePass XML, Bitwarden JSON, 1Password exports. */
#pragma once
#include <stddef.h>
#include "creds/secret-files.h"
#include "model/secret.h"

void stores_scan(enum named_kind k, const char *path, const char *data, size_t len, struct secret_items *out);
