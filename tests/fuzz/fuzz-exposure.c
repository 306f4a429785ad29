/* Fuzz target: mapping-platform exports (src/exposure/): Shodan, Censys,
 * FOFA, ZoomEye and Hunter records as JSON or CSV. Every observation read
 * must carry a port, a known transport and a line inside the input, and
 * every bad record a sentence naming the input. */
#include "fuzz.h"
#include "exposure/exposure.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20) return 0;
	struct ext_set s = { 0 };
	struct dm_err e;
	enum ext_platform p;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
	int r = ext_read("fuzz", (const char *)data, size, &s, &p, &e);
	if (r != 0 && r != DM_EINPUT) __builtin_trap();
	if ((unsigned)p >= EXT_N) __builtin_trap();
	for (size_t i = 0; i < s.n; i++) {
		const struct ext_obs *o = &s.v[i];
		if (!o->port || (o->proto != PROTO_TCP && o->proto != PROTO_UDP)) __builtin_trap();
		if (o->line < 1 || o->line > lines || strcmp(o->file, "fuzz")) __builtin_trap();
		if (strlen(o->product) >= sizeof(o->product) || strlen(o->cpe) >= sizeof(o->cpe))
			__builtin_trap();
	}
	for (size_t i = 0; i < s.n_errors && i < EXT_ERRORS_KEPT; i++)
		if (strncmp(s.errors[i], "fuzz: ", 6)) __builtin_trap();
	ext_set_release(&s);
	/* the time parser alone, on arbitrary text */
	char *t = fuzz_cstr(data, size < 64 ? size : 64);
	double v;
	ext_parse_time(t, &v);
	free(t);
	return 0;
}
