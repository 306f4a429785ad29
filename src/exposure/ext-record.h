/* One record of an export, whatever its form: a JSON object or a CSV row
 * under its header. Fields are asked for by the platform's own names, with
 * dots for nesting ("portinfo.port"); the platform readers (ext-platforms.c)
 * see no difference between the forms. */
#pragma once
#include <stddef.h>
#include "base/err.h"
#include "base/json.h"
#include "model/external.h"

struct ext_rec {
	const struct json *j; /* a JSON record, or NULL */
	char **hdr, **val;    /* a CSV row: header names and values */
	size_t n;
	char scratch[4][512]; /* joined arrays: a ring of buffers */
	unsigned next;
};

/* The text of a field: a string or number, an array of strings joined with
 * commas; NULL when absent, null or empty. An array of objects on the path
 * stands for its first element (Hunter's component[], Shodan's cpe23). */
const char *ext_get(struct ext_rec *r, const char *path);
/* The platform a record's field names show, or -1. */
int ext_detect(struct ext_rec *r);
/* Adds the record's observations to out (Censys: one per service); a bad
 * record: DM_EINPUT and the sentence in e (where: "FILE: line N"). */
int ext_convert(struct ext_rec *r, enum ext_platform p, const char *file, const char *where, unsigned line,
		struct ext_set *out, struct dm_err *e);
