/* Inside the conn.log reader (flow/zeek*.c only): the reading state of
 * one file, and the lines of a block read into a batch of records
 * instead of the sink, so that blocks can be parsed on other threads and
 * handed to the sink in the file's order (zeek-blocks.c). */
#pragma once
#include "flow/zeek.h"
#include "flow/zeek-json.h"
#include <stddef.h>

enum { ZR_COLS = 21, ZR_MAX_COLS = 64, ZR_MAX_MESSAGES = 5 };
enum {
	ZR_LINE = 1 << 16
}; /* a line this long (newline included) is damaged: longer than any conn.log line */

/* A damaged line of a batch, for the message the caller prints in order. */
struct zr_event {
	uint64_t line;   /* the batch's own count of lines, this one included */
	size_t before;   /* records of the batch before it */
	const char *why; /* a literal */
};

/* A chunk of strings that outlive their line (a value the general JSON
 * parser's tree held, a certificate hash made lower case). */
struct zr_chunk {
	struct zr_chunk *next;
	size_t used, cap;
	char s[];
};

/* What the lines of one block gave; reused from block to block. */
struct zr_batch {
	struct obs_flow *v; /* strings point into the block or into chunks */
	size_t n, cap;
	struct zr_event *ev;
	size_t n_ev, cap_ev;
	struct zr_chunk *chunks, *cur;
	struct zeek_stats st; /* lines, records, damaged of this block */
	const char *lo, *hi;  /* the block: strings inside it are not copied */
};

struct reader {
	const char *name;
	const struct flow_sink *sink;
	struct zeek_stats *st;
	char sep;
	char unset[16], empty[16];
	int pos[ZR_COLS];      /* column index of each field we use, -1 absent */
	int last;              /* the highest of pos: columns after it are not split */
	struct zj_names names; /* JSON members' names */
	bool have_fields;
	unsigned messages;
	struct zr_batch *batch; /* non-NULL: records and damage go here, not to the sink and the log */
};

void zr_init(struct reader *r, const char *name, const struct flow_sink *sink, struct zeek_stats *st);
/* The lines of [p, end): each ends with '\n' but the last may not, and
 * then *end is NUL (the buffer has a byte after end). Lines are changed
 * in place. A line starting with '#' (a header) changes r. */
void zr_lines(struct reader *r, char *p, char *end);
/* A line too long to hold, skipped: counted and named. */
void zr_too_long(struct reader *r);
/* The batch's records to r's sink and its messages to the log, in the
 * order of its lines; its counts added to r's. */
void zr_batch_deliver(struct reader *r, const struct zr_batch *b);
void zr_batch_reset(struct zr_batch *b, const char *lo, const char *hi);
void zr_batch_release(struct zr_batch *b);
/* Reads a plain (not gzip) file with the blocks parsed on threads beside
 * the caller (zeek-blocks.c); block: bytes a read (> ZR_LINE), workers:
 * threads beside the caller (0: the caller parses every block). */
int zr_read_blocks(const char *path, struct reader *r, const struct zeek_progress *pg, size_t block,
		   int workers, struct dm_err *e);
