/* One line of Zeek's JSON log (a flat object) read without building a
 * tree: the common case only. Anything else is declined, and the caller
 * reads the line with the general JSON parser (base/json.h), which then
 * gives the same values: the fast path takes nothing that parser would
 * read otherwise. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/json.h"

enum zj_kind { ZJ_NONE, ZJ_STRING, ZJ_NUMBER };

/* A member's value as the conn.log reader takes it: a string's or a
 * number's text (an array: its first element), else ZJ_NONE (absent,
 * true, false, null, an empty array). */
struct zj_val {
	const char *s;
	enum zj_kind kind;
	bool dot, exp; /* a number with a '.', with an 'e' */
};

/* The member names looked for, hashed once. */
enum { ZJ_MAX_NAMES = 32 };
struct zj_names {
	const char *const *name;
	int n;
	unsigned char len[ZJ_MAX_NAMES];
	uint64_t head[ZJ_MAX_NAMES], tail[ZJ_MAX_NAMES]; /* first and last 8 bytes of a name of 8 or more */
	signed char next[ZJ_MAX_NAMES];                  /* the next name in the same slot, -1: none */
	signed char slot[256];                           /* the first name of each hash slot, -1: none */
};
/* n <= ZJ_MAX_NAMES names of at most 255 bytes. */
void zj_names_init(struct zj_names *z, const char *const *names, int n);

/* The fast path's limit: a longer line is declined (the general parser's
 * tree of a longer line could pass its per-record cap). */
enum { ZJ_MAX_LINE = 8192 };

/* Fills out[c] for each of the names (the first member of that name)
 * when line[0..len) is one object of strings, numbers, true, false, null
 * and arrays of those, without escapes, bytes outside printable ASCII,
 * or anything after it but blanks; values are NUL-terminated in place.
 * false, with line untouched: declined. */
bool zeek_json_flat(char *line, size_t len, const struct zj_names *names, struct zj_val *out);
/* The same values from the general parser's tree of the line's object:
 * the reading of declined lines, and the fast path's reference. */
void zeek_json_tree(const struct json *rec, const struct zj_names *names, struct zj_val *out);
