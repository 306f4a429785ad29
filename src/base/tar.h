/* POSIX ustar archives, the plain subset dormant needs for its vulndb
 * bundles: regular files with names under 100 bytes, written whole and
 * read back one member at a time (each checked: header checksum, octal
 * fields, size within a cap), so `tar tf` and `tar xf` open them too. */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "base/err.h"

/* Appends one regular file (mode 0644) to f. */
int tar_put(FILE *f, const char *name, const void *data, size_t len, time_t mtime, struct dm_err *e);
/* Ends the archive (two zero blocks). */
int tar_end(FILE *f, struct dm_err *e);

/* Called with each member, whole; return <0 to stop with that code. */
typedef int (*tar_member_fn)(void *ctx, const char *name, const void *data, size_t len, struct dm_err *e);
/* Reads the archive from f (what names it in errors: "FILE: byte N: ...");
 * members other than regular files are refused, as are members larger than
 * max. Returns how many members were read or a negative code. */
int tar_read(FILE *f, const char *what, size_t max, tar_member_fn fn, void *ctx, struct dm_err *e);
/* 1 when the 512 bytes at p are a ustar header, else 0. */
int tar_is_header(const void *p, size_t len);
