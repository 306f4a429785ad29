/* A web page as the web application rules see it: status, headers, cookies,
 * title, meta tags, script sources and the HTML, taken from one HTTP
 * response (hostile bytes: every count and length is bounded). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBPAGE_MAX_HEADERS 64
#define WEBPAGE_MAX_COOKIES 32
#define WEBPAGE_MAX_META 48
#define WEBPAGE_MAX_SCRIPTS 64
#define WEBPAGE_MAX_INLINE_JS 65536 /* bytes of inline script text kept */
#define WEBPAGE_MAX_VALUE 1024      /* bytes kept of one header, cookie, meta or src */

struct webpage_kv {
	char *name; /* lower case for headers and meta; as sent for cookies */
	char *value;
};

struct webpage {
	int status;
	char title[256];    /* white space collapsed, entities as sent (Recog expects "&nbsp;") */
	char location[256]; /* of a redirect */
	struct webpage_kv headers[WEBPAGE_MAX_HEADERS];
	size_t n_headers;
	struct webpage_kv cookies[WEBPAGE_MAX_COOKIES];
	size_t n_cookies;
	struct webpage_kv meta[WEBPAGE_MAX_META]; /* name (or property) -> content */
	size_t n_meta;
	char *scripts[WEBPAGE_MAX_SCRIPTS]; /* <script src=...> */
	size_t n_scripts;
	char *inline_js; /* the text of the inline <script>s, NUL-terminated, or NULL */
	size_t inline_js_len;
	char *html; /* the body, de-chunked, NUL-terminated (may hold other NULs) */
	size_t html_len;
	char url[256]; /* what was asked for, for url rules ("" unknown) */
};

/* Parses an HTTP/1.x response (headers and body, chunked or not). Returns 0,
 * or -1 when the bytes are not an HTTP response. Release with webpage_free(). */
int webpage_parse_http(const uint8_t *data, size_t len, struct webpage *ret);
/* A bare HTML document (no headers): a saved page. */
void webpage_parse_html(const uint8_t *data, size_t len, struct webpage *ret);
void webpage_free(struct webpage *p);
/* The value of header name (lower case), NULL if absent. */
const char *webpage_header(const struct webpage *p, const char *name);
const char *webpage_meta(const struct webpage *p, const char *name);
