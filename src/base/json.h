/* JSON read as a stream of records, in bounded memory: feeds of millions
 * of records (NVD, KEV) arrive as one object whose big array holds the
 * records, or as a bare array, or as one record, or as several values one
 * after another (JSON Lines). Each record is handed over as a small tree
 * that lives until the callback returns. Parsing is yajl's; files may be
 * gzip-compressed. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	const char *key;                  /* member name when the parent is an object */
	const char *str;                  /* text of a string or number, NUL-terminated */
	size_t len;                       /* its length */
	struct json *first, *last, *next; /* children of an array or object */
	size_t n;                         /* how many */
};

/* Member of an object by name (first one), NULL if absent or obj is not an object. */
const struct json *json_get(const struct json *obj, const char *key);
/* The member's text if it is a string, else NULL. */
const char *json_str(const struct json *obj, const char *key);
/* The member's value if it is a number (or a string holding one). */
bool json_num(const struct json *obj, const char *key, double *ret);
/* true/false member; def when absent or of another type. */
bool json_bool(const struct json *obj, const char *key, bool def);
#define json_each(child, parent) \
	for (const struct json *child = (parent) ? (parent)->first : NULL; child; child = child->next)

/* rec: one record. header: the enclosing object's other members read so
 * far (NULL when there is none). offset: where the record starts, in bytes
 * of decompressed input. Return 0 to go on, <0 to stop with that code
 * (after filling e). */
typedef int (*json_record_fn)(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
			      struct dm_err *e);
typedef void (*json_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct json_stream {
	const char *stream_key; /* the top-level member whose array holds the records */
	const char *alt_key;    /* another name for it (NULL: none) */
	bool members;           /* the top-level object's members are the records (their key set) */
	json_record_fn record;
	void *ctx;
	json_progress_fn progress; /* may be NULL; done/total in bytes of the file as stored */
	void *progress_ctx;
	size_t max_record; /* bytes of tree per record; 0 means 256 MiB */
	uint64_t records;  /* out: how many were handed over */
};

/* name is what errors call the input: "FILE: byte N: ...". */
int json_stream_file(struct json_stream *js, const char *path, struct dm_err *e);
int json_stream_mem(struct json_stream *js, const void *data, size_t len, const char *name, struct dm_err *e);
