/* Fuzz target: what a device answers to a login check: an HTTP or RTSP
 * reply with its challenge (Basic, Digest with any parameters) and its
 * login page (forms, inputs, hidden tokens, cookies). */
#include "fuzz.h"
#include "creds/login.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536) return 0;
	char *s = fuzz_cstr(data, size);
	char out[1024];
	login_http_inspect(s, out, sizeof(out));
	if (!memchr(out, 0, sizeof(out))) __builtin_trap();
	free(s);
	return 0;
}
