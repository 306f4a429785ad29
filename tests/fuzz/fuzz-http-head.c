/* Fuzz target: the request head the watcher's /metrics endpoint reads from
 * any local peer. Checks that the fields it fills stay terminated and
 * within their sizes, and that a complete head stays complete with more bytes. */
#include "fuzz.h"
#include "base/http-head.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char method[8], target[64];
	int r = http_head_parse((const char *)data, size, method, sizeof(method), target, sizeof(target));
	if (r == 1) {
		if (strlen(method) >= sizeof(method) || strlen(target) >= sizeof(target)) abort();
		char *more = malloc(size + 4);
		if (!more) abort();
		memcpy(more, data, size);
		memcpy(more + size, "x\r\n\r", 4);
		if (http_head_parse(more, size + 4, method, sizeof(method), target, sizeof(target)) != 1)
			abort();
		free(more);
	}
	return 0;
}
