/* Fuzz target: CPE names (from fingerprint databases now, NVD records later)
 * and version strings. Checks that formatting re-parses to the same name
 * and that version ordering is antisymmetric. */
#include "fuzz.h"
#include "base/util.h"
#include "model/cpe.h"
#include "vuln/version.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1024) return 0;
	char *s = fuzz_cstr(data, size);
	struct cpe c, d;
	if (cpe_parse(s, &c) == 0) {
		char out[2048], uri[2048];
		cpe_format(&c, out, sizeof(out));
		if (cpe_parse(out, &d) != 0) __builtin_trap();
		for (int i = 0; i < CPE_NATTR; i++)
			if (strcmp(c.v[i], d.v[i])) __builtin_trap();
		if (!cpe_matches(&c, &c) && !strchr(out, '?') && !strstr(out, "*")) __builtin_trap();
		cpe_format_uri(&c, uri, sizeof(uri));
	}
	char *bar = strchr(s, '|');
	if (bar) {
		*bar = 0;
		int x = version_cmp(s, bar + 1), y = version_cmp(bar + 1, s);
		if ((x < 0 && y <= 0) || (x > 0 && y >= 0) || (x == 0 && y != 0)) __builtin_trap();
	}
	free(s);
	return 0;
}
