/* Readers of mapping-platform exports: Shodan banners (JSON Lines of
 * `shodan download`, or a search API answer), Censys hosts (JSON), and the
 * CSV or JSON exports of FOFA, ZoomEye and Hunter. The platform is told by
 * content (the field names each one uses), never by the file's name. */
#pragma once
#include <stddef.h>
#include "base/err.h"
#include "model/external.h"

/* Reads one export held in memory; name stands for it in messages and in
 * each observation. Bad records are named in out->errors ("FILE: line N:
 * ...") and skipped; a file that cannot be read as a whole (not an export,
 * truncated, JSON that does not parse) is an error with its position in e.
 * *ret_platform: what the file was read as. Returns 0 or DM_EINPUT. */
int ext_read(const char *name, const char *data, size_t len, struct ext_set *out,
	     enum ext_platform *ret_platform, struct dm_err *e);
/* Reads the file at path. */
int ext_read_file(const char *path, struct ext_set *out, enum ext_platform *ret_platform, struct dm_err *e);
