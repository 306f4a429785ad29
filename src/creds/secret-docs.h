/* Containers: zip archives, and the zip+XML office formats inside them
 * (XLSX, ODS/ODT, DOCX), read with libzip and libxml2's streaming reader. */
#pragma once
#include <stddef.h>
#include "creds/secrets.h"

/* data is the whole zip. Members go back through secrets_scan_memory at
 * depth + 1; spreadsheet and document XML go to the row detector. */
void docs_scan_zip(struct secrets *s, const char *name, const char *data, size_t len, int depth,
		   struct secret_items *out);
/* Limits the zip reader checks against; counted in the scan's stats. */
struct secrets_stats *secrets_stats_mut(struct secrets *s);
const struct secrets_opts *secrets_opts(const struct secrets *s);
/* Budget of uncompressed bytes left for the current top-level file. */
uint64_t *secrets_expand_left(struct secrets *s);
