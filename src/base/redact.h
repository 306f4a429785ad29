/* Secrets in outputs: never the value, only its first character, its
 * length and a short tag (docs/ARCHITECTURE.md, "Safety rules"). The tag is HMAC-SHA-256 keyed
 * by the store's random key (store_redact_key), so that an operator can tell
 * that two findings of one store hold the same secret, while nobody without
 * the key can test guesses against it: an unkeyed hash of a weak password is
 * reversed by any dictionary. Shareable outputs leave the tag and the first
 * character out altogether (redact_untag). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/buf.h"

#define REDACT_HASH_LEN 9 /* 8 hex digits + NUL */
#define REDACT_KEY_LEN 32

/* The key every later tag is made with, normally the store's. Until it is
 * set, a random key of this process is used: tags are then safe but not
 * comparable between runs. */
void redact_set_key(const unsigned char key[REDACT_KEY_LEN]);
/* The first 8 hex digits of HMAC-SHA-256(key, the n bytes at s). */
void redact_hash(const void *s, size_t n, char out[REDACT_HASH_LEN]);
/* "S…(10) #1a2b3c4d": for text outputs and log lines. */
void redact_fmt(const void *s, size_t n, char *out, size_t len);
/* {"first":"S","length":10,"tag":"1a2b3c4d"} appended to b. */
void redact_json(struct buf *b, const void *s, size_t n);

/* How an output shows secrets: REDACT_TAG as redact_fmt makes them,
 * REDACT_FULL with the length only ("…(10)"), for outputs that are shared. */
enum redact_mode { REDACT_DEFAULT = 0, REDACT_TAG, REDACT_FULL };
/* "tag" or "full"; <0 if neither. */
int redact_mode_parse(const char *s);
/* Rewrites, in place, every redacted form redact_fmt made in s ("S…(10)
 * #1a2b3c4d") to "…(10)". Returns whether s changed. */
bool redact_untag(char *s);
