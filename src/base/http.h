/* One HTTP(S) GET through libcurl, the body kept in memory: what the
 * vulnerability-feed fetcher needs (status, content type, Retry-After, a
 * byte range to resume from) and nothing more. No redirects to other
 * protocols, a size cap, timeouts; proxies from the usual environment. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/err.h"

struct http_get {
	const char *url;
	const char *header;   /* one extra request header ("apiKey: ..."), or NULL */
	uint64_t resume_from; /* > 0: ask for the bytes from here on (Range) */
	const char *if_range; /* with resume_from: the validator the part came with (If-Range) */
	size_t max_bytes;     /* a longer body is refused; 0 means 1 GiB */
	long timeout_s;       /* the whole transfer; 0 means 600 */
};

struct http_answer {
	long status;         /* 0 when no answer arrived */
	char ctype[96];      /* Content-Type, "" when absent */
	double retry_after;  /* seconds asked by Retry-After, -1 when absent */
	struct buf body;     /* what arrived, also when the transfer broke off */
	bool broken;         /* the transfer broke off (body holds a part) */
	char validator[160]; /* a strong ETag, else Last-Modified: for a later If-Range */
};

/* Returns 0 when an answer arrived (whatever its status), or a negative
 * code with one line in e naming the URL (no answer, broken transfer,
 * too large). Release a->body with buf_release in every case. */
int http_fetch(const struct http_get *g, struct http_answer *a, struct dm_err *e);
