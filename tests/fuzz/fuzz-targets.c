/* Fuzz target: target specifications (one per line) and exclusions, as
 * they come from the command line and -iL files. Host names are skipped:
 * resolving them would query DNS (run-fuzz.sh checks that it never does). */
#include "fuzz.h"
#include "base/util.h"
#include "net/targets.h"
#include <ctype.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096) return 0;
	char *s = fuzz_cstr(data, size);
	struct targets t = { 0 };
	struct dm_err e;
	char *save = NULL;
	int n = 0;
	for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		/* A line with a letter could be a host name (hex letters too: "cafe",
		 * "dead-beef.ab") unless it has a colon, which no host name has and
		 * every IPv6 address does. */
		bool alpha = false;
		for (char *c = line; *c; c++) alpha |= isalpha((unsigned char)*c);
		if (alpha && !strchr(line, ':')) continue;
		if (line[0] == '!')
			targets_exclude(&t, line + 1, "fuzz", &e);
		else
			targets_add(&t, line, "fuzz", &e);
	}
	if (targets_finalize(&t, n % 2, &e) == 0 && t.v4.count) {
		uint64_t idx;
		uint32_t a = rangeset_select(&t.v4, t.v4.count - 1);
		if (!rangeset_rank(&t.v4, a, &idx) || idx != t.v4.count - 1) __builtin_trap();
	}
	targets_release(&t);
	free(s);
	return 0;
}
