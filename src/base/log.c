/* stderr logger with a global verbosity set by -q / -v. */
#include "base/log.h"
#include <stdarg.h>

enum log_level log_level = LOG_INFO;

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if (lvl > log_level) return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "dormant: %s\n", line);
}
