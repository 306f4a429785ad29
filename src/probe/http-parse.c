/* A bounded parser of HTTP/1.x and RTSP/1.0 responses: status, the headers
 * dormant uses, and the HTML title. Takes hostile bytes; never reads past len. */
#include "probe/services.h"
#include "base/util.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void copy_trim(char *dst, size_t n, const char *v, size_t len)
{
	while (len && (*v == ' ' || *v == '\t')) v++, len--;
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r')) len--;
	size_t w = 0;
	for (size_t i = 0; i < len && w + 1 < n; i++) dst[w++] = (v[i] >= 0x20 && v[i] != 0x7f) ? v[i] : ' ';
	dst[w] = 0;
}

static const char *find_ci(const char *h, size_t hl, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= hl; i++)
		if (!strncasecmp(h + i, needle, nl)) return h + i;
	return NULL;
}

static void title_of(const char *body, size_t len, char *out, size_t n)
{
	const char *t = find_ci(body, len, "<title");
	if (!t) return;
	const char *gt = memchr(t, '>', len - (size_t)(t - body));
	if (!gt) return;
	gt++;
	const char *end = find_ci(gt, len - (size_t)(gt - body), "</title");
	size_t tl = end ? (size_t)(end - gt) : MIN(len - (size_t)(gt - body), 200);
	/* collapse white space */
	size_t w = 0;
	bool space = true;
	for (size_t i = 0; i < tl && w + 1 < n; i++) {
		char c = gt[i];
		if (isspace((unsigned char)c)) {
			if (!space) out[w++] = ' ';
			space = true;
		} else if ((unsigned char)c >= 0x20) {
			out[w++] = c;
			space = false;
		}
	}
	while (w && out[w - 1] == ' ') w--;
	out[w] = 0;
}

int http_parse_response(const uint8_t *data, size_t len, bool eof, struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	const char *p = (const char *)data;
	if (len < 5) return eof ? -1 : 0;
	if (strncmp(p, "HTTP/", 5) && strncmp(p, "RTSP/", 5)) return -1;
	r->is_rtsp = p[0] == 'R';
	const char *sp = memchr(p, ' ', MIN(len, 16));
	if (!sp || (size_t)(sp - p) + 4 > len) return eof ? -1 : 0;
	if (!isdigit((unsigned char)sp[1]) || !isdigit((unsigned char)sp[2]) ||
	    !isdigit((unsigned char)sp[3]))
		return -1;
	r->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	/* end of headers */
	const char *end = NULL;
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] == '\n' && p[i + 1] == '\n') {
			end = p + i + 2;
			break;
		}
		if (i + 3 < len && !memcmp(p + i, "\r\n\r\n", 4)) {
			end = p + i + 4;
			break;
		}
	}
	size_t hlen = end ? (size_t)(end - p) : len;
	r->header_len = hlen;
	long clen = -1;
	bool chunked = false;
	for (const char *line = memchr(p, '\n', hlen); line && line < p + hlen;
	     line = memchr(line, '\n', (size_t)(p + hlen - line))) {
		line++;
		const char *eol = memchr(line, '\n', (size_t)(p + hlen - line));
		size_t ll = eol ? (size_t)(eol - line) : (size_t)(p + hlen - line);
		const char *colon = memchr(line, ':', ll);
		if (!colon) continue;
		size_t nl = (size_t)(colon - line), vl = ll - nl - 1;
		const char *v = colon + 1;
		if (nl == 6 && !strncasecmp(line, "Server", 6))
			copy_trim(r->server, sizeof(r->server), v, vl);
		else if (nl == 16 && !strncasecmp(line, "WWW-Authenticate", 16) && !r->www_auth[0])
			copy_trim(r->www_auth, sizeof(r->www_auth), v, vl);
		else if (nl == 6 && !strncasecmp(line, "Public", 6))
			copy_trim(r->public_, sizeof(r->public_), v, vl);
		else if (nl == 12 && !strncasecmp(line, "Content-Type", 12))
			copy_trim(r->content_type, sizeof(r->content_type), v, vl);
		else if (nl == 14 && !strncasecmp(line, "Content-Length", 14)) {
			char num[24];
			copy_trim(num, sizeof(num), v, vl);
			char *e;
			long n = strtol(num, &e, 10);
			if (e != num && n >= 0) clen = n;
		} else if (nl == 17 && !strncasecmp(line, "Transfer-Encoding", 17) &&
			   find_ci(v, vl, "chunked"))
			chunked = true;
	}
	if (!end) return eof ? 1 : 0;
	r->body_off = hlen;
	r->body_len = len - hlen;
	if (r->is_rtsp && clen < 0) clen = 0;
	if (clen >= 0)
		r->complete = r->body_len >= (size_t)clen;
	else if (chunked)
		r->complete = find_ci(p + hlen, len - hlen, "\r\n0\r\n") ||
			      !strncmp(p + hlen, "0\r\n", MIN(3, len - hlen));
	else
		r->complete = eof || r->status == 204 || r->status == 304 ||
			      (r->status >= 100 && r->status < 200);
	if (clen >= 0 && r->body_len > (size_t)clen) r->body_len = (size_t)clen;
	title_of(p + hlen, r->body_len, r->title, sizeof(r->title));
	return r->complete || eof ? 1 : 0;
}
