/* What the import fuzz targets share: one reader of src/import/ on the
 * input, into a result set; a refusal must name the
 * input (the command escapes what it quotes for the terminal). */
#pragma once
#include "fuzz.h"
#include "import/import.h"
#include "model/resultset.h"

typedef int (*import_reader)(const char *name, const char *data, size_t len, const struct obs_sink *sink,
			     struct import_meta *meta, struct dm_err *e);

static inline int fuzz_import(import_reader fn, const uint8_t *data, size_t size)
{
	if (size > 65536) return 0;
	struct resultset rs = { 0 };
	struct import_meta meta = { 0 };
	struct dm_err e = { "" };
	struct obs_sink sink = import_sink(&rs);
	int r = fn("fuzz", (const char *)data, size, &sink, &meta, &e);
	if (r < 0 && strncmp(e.msg, "fuzz", 4)) __builtin_trap();
	if (r == 0 && meta.ports && !rs.n_hosts && !meta.hosts) __builtin_trap(); /* ports of no host */
	import_meta_release(&meta);
	resultset_release(&rs);
	return 0;
}
