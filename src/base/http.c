/* HTTP GET through libcurl for the feed fetcher (base/http.h): the body
 * goes to a capped buffer, the answer's status, type and Retry-After are
 * kept, and a transfer that breaks off keeps its part for a resume. */
#include "base/http.h"
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int body_cb_err;

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	if (buf_append(b, p, size * n) < 0) {
		body_cb_err = DM_ETOOBIG;
		return 0; /* curl stops the transfer */
	}
	return size * n;
}

/* Keeps a strong ETag, else Last-Modified, for resuming with If-Range. */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct http_answer *a = ctx;
	size_t len = size * n;
	bool etag = len > 5 && !strncasecmp(p, "ETag:", 5),
	     lm = len > 14 && !strncasecmp(p, "Last-Modified:", 14);
	if (!strncmp(p, "HTTP/", 5)) a->validator[0] = 0; /* a new answer (after a redirect) */
	if (!etag && !(lm && !a->validator[0])) return len;
	size_t i = etag ? 5 : 14;
	while (i < len && (p[i] == ' ' || p[i] == '\t')) i++;
	size_t end = len;
	while (end > i && (p[end - 1] == '\r' || p[end - 1] == '\n' || p[end - 1] == ' ')) end--;
	if (etag && end - i > 2 && p[i] == 'W' && p[i + 1] == '/') return len; /* weak: not for If-Range */
	for (size_t k = i; k < end; k++)
		if ((unsigned char)p[k] < 0x20 || (unsigned char)p[k] > 0x7e) return len;
	if (end > i && end - i < sizeof(a->validator))
		snprintf(a->validator, sizeof(a->validator), "%.*s", (int)(end - i), p + i);
	return len;
}

static bool inited;

int http_fetch(const struct http_get *g, struct http_answer *a, struct dm_err *e)
{
	memset(a, 0, sizeof(*a));
	a->retry_after = -1;
	a->body.max = g->max_bytes ? g->max_bytes : (size_t)1 << 30;
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return dm_fail(e, -ENOMEM, "%s: cannot start libcurl", g->url);
		inited = true;
	}
	CURL *c = curl_easy_init();
	if (!c) return dm_fail(e, -ENOMEM, "%s: cannot start libcurl", g->url);
	char errbuf[CURL_ERROR_SIZE] = "", range[48];
	struct curl_slist *hdrs = NULL;
	if (g->header) hdrs = curl_slist_append(hdrs, g->header);
	char ifr[200];
	if (g->resume_from && g->if_range && g->if_range[0]) {
		snprintf(ifr, sizeof(ifr), "If-Range: %s", g->if_range);
		hdrs = curl_slist_append(hdrs, ifr);
	}
	curl_easy_setopt(c, CURLOPT_URL, g->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, g->timeout_s ? g->timeout_s : 600L);
	/* a stalled server: under 1 byte/s for a minute ends the transfer */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "dormant/" DORMANT_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	if (hdrs) curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (g->resume_from) {
		snprintf(range, sizeof(range), "%" PRIu64 "-", g->resume_from);
		curl_easy_setopt(c, CURLOPT_RANGE, range);
	}
	body_cb_err = 0;
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	char *ct = NULL;
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(a->ctype, sizeof(a->ctype), "%s", ct);
	curl_off_t ra = -1;
	if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		a->retry_after = (double)ra;
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
	if (rc == CURLE_OK) return 0;
	a->broken = a->status != 0;
	if (body_cb_err)
		return dm_fail(e, DM_ETOOBIG, "%s: the answer is larger than %zu bytes", g->url, a->body.max);
	return dm_fail(e, -EIO, "%s: %s", g->url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
}
