/* Fuzz target: -p port lists. */
#include "fuzz.h"
#include "base/util.h"
#include "net/ports.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 2048) return 0;
	char *s = fuzz_cstr(data, size);
	struct portlist pl = { 0 };
	struct dm_err e;
	if (portlist_parse(&pl, s, PROTO_TCP, &e) == 0)
		for (size_t i = 1; i < pl.n_tcp; i++)
			if (pl.tcp[i] <= pl.tcp[i - 1] || pl.tcp[i - 1] == 0)
				__builtin_trap(); /* sorted, unique, no port 0 */
	portlist_release(&pl);
	free(s);
	return 0;
}
