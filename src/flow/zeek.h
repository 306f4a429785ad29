/* Zeek conn.log, TSV (the #separator/#fields header honoured, columns in
 * any order, "-" unset and "(empty)" empty) or JSON (one object a line),
 * plain or gzip, into flow records. A damaged line is counted, named
 * (file and line) and skipped. */
#pragma once
#include <stdint.h>
#include "base/err.h"
#include "model/flow.h"

struct zeek_stats {
	uint64_t lines, records, damaged, comments;
};

/* true when the first bytes look like a conn.log (TSV header or a JSON object). */
bool zeek_sniff(const uint8_t *head, size_t n);
/* Called every 64k lines with the bytes read of the file (compressed bytes
 * for gzip) and its size; may be NULL. */
struct zeek_progress {
	void (*fn)(void *ctx, const struct zeek_stats *st, uint64_t done, uint64_t total);
	void *ctx;
};
int zeek_read_file(const char *path, const struct flow_sink *sink, struct zeek_stats *st,
		   const struct zeek_progress *progress, struct dm_err *e);
/* The same over a buffer (tests, fuzzing). */
int zeek_read_mem(const char *name, const char *data, size_t len, const struct flow_sink *sink,
		  struct zeek_stats *st, struct dm_err *e);
