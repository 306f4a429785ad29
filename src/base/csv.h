/* CSV records (RFC 4180: quoted fields with separators, doubled quotes and
 * line breaks inside, CRLF or LF) from a buffer, one record at a time, with
 * the line each record starts on for messages. */
#pragma once
#include <stddef.h>
#include "base/buf.h"
#include "base/err.h"

struct csv {
	const char *p, *end;
	char sep;
	size_t line; /* where the record just read starts (1-based) */
	size_t next_line;
	struct buf text; /* the record's fields, NUL-separated */
	size_t *offs;
	char **fields; /* valid until the next call */
	size_t n, cap;
};

void csv_init(struct csv *c, const char *data, size_t len, char sep);
/* 1: a record in c->fields[0..n); 0: the end; <0: a quote never closed
 * (e names the line). Empty lines are skipped. */
int csv_next(struct csv *c, const char *name, struct dm_err *e);
void csv_release(struct csv *c);
