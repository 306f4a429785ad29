/* Names for the error codes of err.h. */
#include "base/err.h"
#include <stdarg.h>
#include <string.h>

static const char *const names[] = {
#define X(name, text) text,
	DM_ERRORS(X)
#undef X
};

const char *dm_strerror(int r)
{
	if (r >= 0) return "success";
	int i = -r - DM_EBASE - 1;
	if (i >= 0 && (size_t)i < ARRAY_SIZE(names)) return names[i];
	return strerror(-r);
}

int dm_fail(struct dm_err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
