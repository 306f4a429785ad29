/* Diagnostics to stderr. Library code returns errors; only src/cmd and
 * long-running loops log. Every line starts with "dormant: ". */
#pragma once
#include "base/util.h"

/* -q: LOG_WARN; default LOG_INFO; -v: LOG_DEBUG (each stage and its counts);
 * -vv: LOG_EVENTS (each host's events); -d: LOG_TRACE (everything). */
enum log_level { LOG_QUIET = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3, LOG_EVENTS = 4, LOG_TRACE = 5 };
extern enum log_level log_level;

void log_msg(enum log_level lvl, const char *fmt, ...) PRINTF_LIKE(2, 3);
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_event(...) log_msg(LOG_EVENTS, __VA_ARGS__)
#define log_trace(...) log_msg(LOG_TRACE, __VA_ARGS__)
