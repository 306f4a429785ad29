/* Escaping of untrusted text for the output formats: JSON strings and XML
 * attribute/text values. Bytes that are not valid UTF-8 are escaped, never
 * passed through, so a hostile banner cannot break a report. */
#pragma once
#include "base/buf.h"

int json_put_str(struct buf *b, const char *s);
int json_put_bytes(struct buf *b, const void *p, size_t n);
int xml_put_str(struct buf *b, const char *s);
