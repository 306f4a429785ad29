/* What the readers of src/import/ share: walking lines with their numbers,
 * times stretched over the records, reporting an open port. */
#pragma once
#include <stdbool.h>
#include "import/import.h"

struct line_iter {
	const char *p, *end;
	unsigned no;  /* the line just returned, 1-based */
	bool last_nl; /* the line returned ended with a newline */
};
/* The next line without its end (\n or \r\n) in *s, *n; false at the end. */
bool line_next(struct line_iter *it, const char **s, size_t *n);
/* Widens meta's start and end to hold t (0: unknown, ignored). */
void meta_time(struct import_meta *meta, double t);
/* Reports a host as up (how, reason) and one port on it in state st. */
void report_port(const struct obs_sink *sink, struct import_meta *meta, const struct ipaddr *ip,
		 enum proto proto, uint16_t port, enum port_state st, const char *reason, uint8_t ttl,
		 double ts);
/* A decimal number in [min, max] from s (n bytes, no sign); false if not. */
bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *ret);
