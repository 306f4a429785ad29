/* Escaping of untrusted text for the output formats: JSON strings, XML
 * attribute/text values and the terminal. Bytes that are not valid UTF-8
 * are escaped, never passed through, so a hostile banner cannot break a
 * report or drive the operator's terminal. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include "base/buf.h"

/* A JSON string: controls, invalid UTF-8 bytes (as \u00NN), C1 controls and
 * bidi overrides as \uNNNN escapes, so that no parser differs and no
 * terminal showing the file is driven. */
int json_put_str(struct buf *b, const char *s);
int json_put_bytes(struct buf *b, const void *p, size_t n);
/* A JSON number: "null" when v is not finite (JSON has no inf or NaN). fmt is
 * a printf conversion for one double, such as "%.1f". */
int json_put_num(struct buf *b, const char *fmt, double v);
/* Text for XML 1.0 (and HTML): markup characters as entities; what XML
 * forbids (C0 but tab and newline, DEL, U+FFFE, U+FFFF, invalid UTF-8,
 * hence surrogates) as the visible text \xNN or \u{FFFE}; C1 controls and
 * bidi overrides likewise, so that no rendered page is reordered. */
int xml_put_str(struct buf *b, const char *s);

/* Text for a terminal: C0 controls (but tab, and newline when multiline),
 * DEL and invalid UTF-8 as \xNN; C1 controls (U+0080-U+009F) and bidi
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069) as \u{NNNN}. The
 * result is printable and never changes the terminal's state. Backslashes
 * are left alone, so escaping twice changes nothing. */
int term_put_bytes(struct buf *b, const void *p, size_t n, bool multiline);
/* s escaped on one line (newlines too) into b, which is reset first; the
 * result lives until b's next use. "" for NULL or on failure. */
const char *term_str(struct buf *b, const char *s);
/* A stream that writes everything it is given to under, escaped for a
 * terminal (multiline). Text reporters write through one, so that no field
 * can reach the operator's terminal raw. Close it with term_close_stream
 * (flushes under, does not close it): 0 or -EIO. */
FILE *term_open(FILE *under);
int term_close_stream(FILE *f);
