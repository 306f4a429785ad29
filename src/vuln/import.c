/* Feed files: tell the kind from the first bytes and the record shapes,
 * then hand every record to the sink. */
#include "vuln/feeds.h"
#include <errno.h>
#include <string.h>
#include <zlib.h>

enum { K_NVD = 1, K_KEV = 2, K_CVE5 = 4, K_DEBIAN = 8, K_UBUNTU = 16, K_REDHAT = 32 };

struct reader {
	const char *name;
	const struct vuln_sink *sink;
	struct feed_counts *counts;
	unsigned kinds;
	bool header_done;
	struct cve_build cve;
};

static int header_meta(struct reader *r, const struct json *h, struct dm_err *e)
{
	if (r->header_done || !h || !r->sink->meta) return 0;
	r->header_done = true;
	const char *v;
	int rc = 0;
	if ((v = json_str(h, "catalogVersion"))) rc = r->sink->meta(r->sink->ctx, "kev.catalog", v, e);
	if (rc == 0 && (v = json_str(h, "timestamp")) && json_str(h, "format"))
		rc = r->sink->meta(r->sink->ctx, "nvd.timestamp", v, e);
	return rc;
}

static int on_record(void *ctx, const struct json *rec, const struct json *header, uint64_t off,
		     struct dm_err *e)
{
	struct reader *r = ctx;
	int rc = header_meta(r, header, e);
	if (rc < 0) return rc;
	if (rec->type != JSON_OBJECT)
		return dm_fail(e, DM_EINPUT, "%s: byte %llu: a record must be a JSON object", r->name,
			       (unsigned long long)off);
	if (r->kinds & K_DEBIAN) {
		if ((rc = debian_record(rec, r->name, off, r->sink, &r->counts->distro, e)) < 0) return rc;
		return 0;
	}
	/* A CSAF VEX vulnerability: "cve" is its id, product_status the verdicts. */
	if (json_str(rec, "cve") && json_get(rec, "product_status")) {
		r->kinds |= K_REDHAT;
		return redhat_record(rec, header, r->name, off, r->sink, &r->counts->distro, e);
	}
	if (json_get(rec, "packages") && json_str(rec, "id") && !json_get(rec, "descriptions")) {
		r->kinds |= K_UBUNTU;
		return ubuntu_record(rec, r->name, off, r->sink, &r->counts->distro, e);
	}
	const struct json *inner = json_get(rec, "cve");
	if (inner && inner->type == JSON_OBJECT) {
		rec = inner;
		goto nvd;
	}
	if (json_get(rec, "cveID")) {
		struct vuln_kev k;
		if ((rc = kev_record(rec, r->name, off, &k, e)) < 0) return rc;
		r->kinds |= K_KEV;
		r->counts->kev++;
		return r->sink->kev ? r->sink->kev(r->sink->ctx, &k, e) : 0;
	}
	if (json_get(rec, "cveMetadata")) {
		if ((rc = cve5_record(rec, r->name, off, &r->cve, e)) < 0) return rc;
		r->kinds |= K_CVE5;
		r->counts->cve++;
		return r->sink->cve ? r->sink->cve(r->sink->ctx, &r->cve.cve, e) : 0;
	}
	if (json_str(rec, "id") && (json_get(rec, "descriptions") || json_get(rec, "vulnStatus"))) goto nvd;
	return dm_fail(
	    e, DM_EINPUT,
	    "%s: byte %llu: neither an NVD, a KEV nor a CVE 5 record (nor an Ubuntu CVE or a CSAF VEX entry)",
	    r->name, (unsigned long long)off);
nvd:
	if ((rc = nvd_record(rec, r->name, off, &r->cve, e)) < 0) return rc;
	r->kinds |= K_NVD;
	r->counts->cve++;
	return r->sink->cve ? r->sink->cve(r->sink->ctx, &r->cve.cve, e) : 0;
}

static void name_kind(struct feed_counts *c, unsigned kinds)
{
	const char *k = kinds == K_NVD      ? "nvd"
			: kinds == K_KEV    ? "kev"
			: kinds == K_CVE5   ? "cve5"
			: kinds == K_DEBIAN ? "debian"
			: kinds == K_UBUNTU ? "ubuntu"
			: kinds == K_REDHAT ? "redhat"
			: kinds             ? "mixed"
					    : "empty";
	snprintf(c->kind, sizeof(c->kind), "%s", k);
}

/* '{' or '[' starts JSON ('d' when it is Debian's tracker); '#' or "cve," an EPSS CSV. */
static int sniff(const unsigned char *p, size_t n)
{
	if (debian_sniff(p, n)) return 'd';
	size_t i = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) i = 3; /* BOM */
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) i++;
	if (i == n) return 0;
	if (p[i] == '{' || p[i] == '[') return 'j';
	if (p[i] == '#' || (n - i >= 4 && !memcmp(p + i, "cve,", 4))) return 'e';
	return '?';
}

static int run(const char *path, const void *data, size_t len, int kind, const struct vuln_sink *sink,
	       struct feed_counts *ret, json_progress_fn progress, void *pctx, struct dm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	if (kind == 0) return dm_fail(e, DM_EINPUT, "%s: empty file", path);
	if (kind == '?')
		return dm_fail(
		    e, DM_EINPUT,
		    "%s: byte 0: neither JSON (NVD, KEV, CVE 5) nor an EPSS CSV (nor a distribution's JSON)",
		    path);
	if (kind == 'e') {
		snprintf(ret->kind, sizeof(ret->kind), "epss");
		return epss_import(path, data, len, sink, &ret->epss, e);
	}
	struct reader r = { .name = path, .sink = sink, .counts = ret, .kinds = kind == 'd' ? K_DEBIAN : 0 };
	struct json_stream js = { .stream_key = "vulnerabilities",
				  .alt_key = "cves", /* Ubuntu's CVE JSON */
				  .members = kind == 'd',
				  .record = on_record,
				  .ctx = &r,
				  .progress = progress,
				  .progress_ctx = pctx };
	int rc = data ? json_stream_mem(&js, data, len, path, e) : json_stream_file(&js, path, e);
	cve_build_release(&r.cve);
	name_kind(ret, r.kinds);
	if (rc == 0 && (!r.kinds || (r.kinds == K_DEBIAN && !js.records)))
		rc = dm_fail(e, DM_EINPUT, "%s: no records found", path);
	return rc;
}

int feed_import_mem(const void *data, size_t len, const char *name, const struct vuln_sink *sink,
		    struct feed_counts *ret, struct dm_err *e)
{
	return run(name, data, len, sniff(data, len), sink, ret, NULL, NULL, e);
}

int feed_import_file(const char *path, const struct vuln_sink *sink, struct feed_counts *ret,
		     json_progress_fn progress, void *progress_ctx, struct dm_err *e)
{
	gzFile f = gzopen(path, "rb");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno ? errno : ENOMEM));
	unsigned char head[4096];
	int n = gzread(f, head, sizeof(head));
	gzclose(f);
	if (n < 0) return dm_fail(e, DM_EINPUT, "%s: cannot read (damaged gzip?)", path);
	return run(path, NULL, 0, sniff(head, (size_t)n), sink, ret, progress, progress_ctx, e);
}
