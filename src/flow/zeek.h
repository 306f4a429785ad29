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
	double cpu_beside; /* CPU seconds of the threads that parsed beside the caller */
};

/* true when the first bytes look like a conn.log (TSV header or a JSON object). */
bool zeek_sniff(const uint8_t *head, size_t n);
/* Called every 64k lines with the bytes read of the file (compressed bytes
 * for gzip) and its size; may be NULL. */
struct zeek_progress {
	void (*fn)(void *ctx, const struct zeek_stats *st, uint64_t done, uint64_t total);
	void *ctx;
};
/* A plain file's blocks are parsed on threads beside the caller when
 * cores are idle; the sink and progress are called from the caller's
 * thread, in the file's order. */
int zeek_read_file(const char *path, const struct flow_sink *sink, struct zeek_stats *st,
		   const struct zeek_progress *progress, struct dm_err *e);
/* The same with a plain file read in blocks of that many bytes (more than
 * 64 KiB) and parsed on that many threads beside the caller (0: none);
 * any block size and number of threads give the same records, counts and
 * messages in the same order. */
int zeek_read_file_blocks(const char *path, const struct flow_sink *sink, struct zeek_stats *st,
			  const struct zeek_progress *pg, size_t block, int workers, struct dm_err *e);
/* The same over a buffer (tests, fuzzing). */
int zeek_read_mem(const char *name, const char *data, size_t len, const struct flow_sink *sink,
		  struct zeek_stats *st, struct dm_err *e);
