/* One error space for all of dormant: functions return 0 or a positive
 * count on success and a negative value on failure, either -errno or one
 * of the project codes below. dm_strerror() names both. A struct dm_err
 * carries the human sentence (input and position) up to the command. */
#pragma once
#include "base/util.h"

#define DM_ERRORS(X)                                                \
	X(DM_EINPUT, "invalid input")                               \
	X(DM_ETOOBIG, "input too large")                            \
	X(DM_EEMPTY, "nothing to do")                               \
	X(DM_EMISMATCH, "belongs to another scan")                  \
	X(DM_ESTORE, "database error")                              \
	X(DM_ESCHEMA, "database schema is newer than this dormant") \
	X(DM_ENOROUTE, "no route")                                  \
	X(DM_ECAPTURE, "capture error")                             \
	X(DM_EPUBLIC, "public address needs --allow-public")

#define DM_EBASE 1000
enum {
#define X(name, text) name##_,
	DM_ERRORS(X)
#undef X
};
#define X(name, text) static const int name = -(DM_EBASE + 1 + name##_);
DM_ERRORS(X)
#undef X

const char *dm_strerror(int r);

struct dm_err {
	char msg[512];
};

/* Formats the sentence into e (may be NULL) and returns code, so callers
 * write `return dm_fail(e, DM_EINPUT, "%s: line %d: ...", ...)`. */
int dm_fail(struct dm_err *e, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);
