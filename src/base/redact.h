/* Secrets in outputs: never the value, only its first character, its
 * length and a short hash (DESIGN.md, Safety). The hash lets an operator
 * tell that two findings hold the same secret, or check a suspected one
 * with `printf %s SECRET | sha256sum`, without the report holding it. */
#pragma once
#include <stddef.h>
#include "base/buf.h"

#define REDACT_HASH_LEN 9 /* 8 hex digits + NUL */

/* The first 8 hex digits of SHA-256 of the n bytes at s. */
void redact_hash(const void *s, size_t n, char out[REDACT_HASH_LEN]);
/* "S…(10) #1a2b3c4d": for text outputs and log lines. */
void redact_fmt(const void *s, size_t n, char *out, size_t len);
/* {"first":"S","length":10,"sha256":"1a2b3c4d"} appended to b. */
void redact_json(struct buf *b, const void *s, size_t n);
