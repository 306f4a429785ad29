/* A request head for the metrics endpoint: "GET /metrics HTTP/1.1" then
 * headers until an empty line (CRLF or LF alone). Nothing else is read. */
#include "base/http-head.h"
#include <string.h>

static size_t token(const char *p, size_t n, size_t i, char *out, size_t out_n)
{
	size_t k = 0;
	while (i < n && p[i] != ' ' && p[i] != '\r' && p[i] != '\n') {
		if (k + 1 < out_n) out[k++] = p[i];
		i++;
	}
	if (out_n) out[k] = 0;
	return i;
}

int http_head_parse(const char *p, size_t n, char *method, size_t method_n, char *target, size_t target_n)
{
	/* the request line: METHOD SP TARGET SP HTTP/x.y */
	size_t eol = 0;
	while (eol < n && p[eol] != '\n') eol++;
	size_t line = eol;
	if (line && p[line - 1] == '\r') line--;
	for (size_t i = 0; i < (eol < n ? line : n); i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] == 0x7f) return -1;
	if (eol == n) return n > 8192 ? -1 : 0;
	size_t i = token(p, line, 0, method, method_n);
	if (i == 0 || i >= line || p[i] != ' ') return -1;
	i = token(p, line, i + 1, target, target_n);
	if (i >= line || p[i] != ' ' || line - i - 1 < 8 || memcmp(p + i + 1, "HTTP/1.", 7)) return -1;
	/* the head ends with an empty line */
	for (size_t k = eol + 1; k < n; k++) {
		if (p[k] != '\n') continue;
		if (p[k - 1] == '\n' || (p[k - 1] == '\r' && k >= 2 && p[k - 2] == '\n')) return 1;
	}
	return n > 8192 ? -1 : 0;
}
