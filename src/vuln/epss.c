/* FIRST EPSS scores: a CSV with a comment line naming the model and the
 * score date, a header, then one CVE per line. Read from a file (plain or
 * gzip) or from memory, a line at a time. */
#include "vuln/feeds.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct epss_reader {
	const char *name;
	const struct vuln_sink *sink;
	uint64_t line, count;
	bool header_seen;
};

static int meta_line(struct epss_reader *r, char *s, struct dm_err *e)
{
	/* #model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000 */
	for (char *save = NULL, *kv = strtok_r(s + 1, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(kv, ':');
		if (!colon) continue;
		*colon = 0;
		const char *key = !strcmp(kv, "model_version") ? "epss.model"
				  : !strcmp(kv, "score_date")  ? "epss.date"
							       : NULL;
		int rc;
		if (key && r->sink->meta && (rc = r->sink->meta(r->sink->ctx, key, colon + 1, e)) < 0)
			return rc;
	}
	return 0;
}

static int one_line(struct epss_reader *r, char *s, struct dm_err *e)
{
	r->line++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = 0;
	if (!n) return 0;
	if (s[0] == '#') {
		if (r->header_seen || r->count)
			return dm_fail(e, DM_EINPUT, "%s: line %llu: comment after the data", r->name,
				       (unsigned long long)r->line);
		return meta_line(r, s, e);
	}
	if (!r->header_seen) {
		if (strncmp(s, "cve,epss,percentile", 19))
			return dm_fail(e, DM_EINPUT,
				       "%s: line %llu: expected the header \"cve,epss,percentile\"", r->name,
				       (unsigned long long)r->line);
		r->header_seen = true;
		return 0;
	}
	char *f1 = strchr(s, ','), *f2 = f1 ? strchr(f1 + 1, ',') : NULL, *end1, *end2;
	if (!f2)
		return dm_fail(e, DM_EINPUT, "%s: line %llu: expected cve,epss,percentile", r->name,
			       (unsigned long long)r->line);
	*f1 = *f2 = 0;
	struct vuln_epss x = { .num = cve_number(s) };
	errno = 0;
	x.epss = strtod(f1 + 1, &end1);
	x.percentile = strtod(f2 + 1, &end2);
	if (x.num < 0 || *end1 || *end2 || end1 == f1 + 1 || end2 == f2 + 1 || errno ||
	    !(x.epss >= 0 && x.epss <= 1) || !(x.percentile >= 0 && x.percentile <= 1))
		return dm_fail(e, DM_EINPUT, "%s: line %llu: bad EPSS row \"%.40s\"", r->name,
			       (unsigned long long)r->line, s);
	r->count++;
	return r->sink->epss ? r->sink->epss(r->sink->ctx, &x, e) : 0;
}

int epss_import(const char *path, const void *data, size_t len, const struct vuln_sink *sink, uint64_t *count,
		struct dm_err *e)
{
	struct epss_reader r = { .name = path, .sink = sink };
	enum { LINE_MAX_LEN = 4096 };
	char line[LINE_MAX_LEN];
	int rc = 0;
	if (data) {
		const char *p = data, *end = p + len;
		while (p < end && rc == 0) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (n >= sizeof(line) || memchr(p, 0, n))
				return dm_fail(e, DM_EINPUT, "%s: line %llu: not an EPSS line", path,
					       (unsigned long long)r.line + 1);
			memcpy(line, p, n);
			line[n] = 0;
			rc = one_line(&r, line, e);
			p += n + 1;
		}
	} else {
		gzFile f = gzopen(path, "rb");
		if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
		while (rc == 0 && gzgets(f, line, sizeof(line))) {
			size_t n = strlen(line);
			if (n == sizeof(line) - 1 && line[n - 1] != '\n')
				rc = dm_fail(e, DM_EINPUT, "%s: line %llu: line too long", path,
					     (unsigned long long)r.line + 1);
			else
				rc = one_line(&r, line, e);
		}
		int zerr = Z_OK;
		const char *msg = gzerror(f, &zerr);
		if (rc == 0 && zerr != Z_OK && zerr != Z_STREAM_END)
			rc =
			    dm_fail(e, DM_EINPUT, "%s: line %llu: %s", path, (unsigned long long)r.line, msg);
		gzclose(f);
	}
	if (rc == 0 && !r.header_seen)
		rc = dm_fail(e, DM_EINPUT, "%s: no \"cve,epss,percentile\" header: not an EPSS file", path);
	*count = r.count;
	return rc;
}
