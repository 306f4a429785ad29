/* stderr logger with a global verbosity set by -q / -v. Messages quote
 * banners, file names, inventory fields and feed text: each line is escaped
 * for the terminal here, so no caller has to remember to. */
#include "base/log.h"
#include "base/escape.h"
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
	struct buf b = BUF_INIT;
	fprintf(stderr, "dormant: %s\n", term_str(&b, line));
	buf_release(&b);
}
