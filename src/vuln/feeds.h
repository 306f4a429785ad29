/* Importing vulnerability feeds: NVD CVE API 2.0 (pages with the
 * "vulnerabilities" wrapper, bare "cve" objects, JSON Lines of either),
 * CISA KEV, CVE List V5 records, FIRST EPSS CSV, and the distributions'
 * security data: Debian's security tracker JSON, Ubuntu's CVE JSON (the
 * ubuntu.com/security/cves.json API), Red Hat's CSAF VEX. The kind is told from
 * the content, not the file name; .gz files are read through zlib. Every
 * record goes to the sink; errors name the file and the byte or line. */
#pragma once
#include "base/json.h"
#include "model/vuln.h"
#include "vuln/config.h"

struct feed_counts {
	uint64_t cve, kev, epss, distro; /* distro: verdicts (release, package, CVE) */
	char kind[16];                   /* nvd, kev, cve5, epss, debian, ubuntu, redhat, mixed */
};

int feed_import_file(const char *path, const struct vuln_sink *sink, struct feed_counts *ret,
		     json_progress_fn progress, void *progress_ctx, struct dm_err *e);
int feed_import_mem(const void *data, size_t len, const char *name, const struct vuln_sink *sink,
		    struct feed_counts *ret, struct dm_err *e);

/* A CVE being converted: the record, its configurations and the text and
 * product list the record points into. */
struct cve_build {
	struct vuln_cve cve;
	struct vconfigs cfg;
	struct buf text;
	struct vuln_product *products;
	size_t cap_products;
	struct buf packed; /* cve.packed */
	uint32_t *all;     /* 0, 1, ... n_cfg - 1 */
	struct buf briefs; /* cve.briefs */
	uint32_t *brief_at, *brief_len;
};
void cve_build_release(struct cve_build *b);
/* Encodes b->cfg into b->cve.configs (and packed), lists its products. */
int cve_build_finish(struct cve_build *b);
/* Each of products p (n) its brief from b->cfg (vconfigs_brief) into
 * b->cve.briefs, brief_at and brief_len. */
int cve_build_briefs(struct cve_build *b, const struct vuln_product *p, size_t n);

/* Record converters (name and off locate errors). */
int nvd_record(const struct json *cve, const char *name, uint64_t off, struct cve_build *b, struct dm_err *e);
int cve5_record(const struct json *rec, const char *name, uint64_t off, struct cve_build *b,
		struct dm_err *e);
int kev_record(const struct json *rec, const char *name, uint64_t off, struct vuln_kev *k, struct dm_err *e);
/* The distributions' records. Debian: one source package of the tracker
 * (rec->key names it). Ubuntu: one CVE of the CVE JSON. Red Hat: one entry
 * of a VEX file's "vulnerabilities", header holding its product_tree. */
int debian_record(const struct json *rec, const char *name, uint64_t off, const struct vuln_sink *sink,
		  uint64_t *count, struct dm_err *e);
int ubuntu_record(const struct json *rec, const char *name, uint64_t off, const struct vuln_sink *sink,
		  uint64_t *count, struct dm_err *e);
int redhat_record(const struct json *rec, const struct json *header, const char *name, uint64_t off,
		  const struct vuln_sink *sink, uint64_t *count, struct dm_err *e);
/* A package version as a distribution writes it: printable, no spaces, at most 127 bytes. */
bool distro_version_ok(const char *v);
/* 1 when the first bytes are Debian's tracker JSON ({"pkg": {"CVE-...": ...). */
int debian_sniff(const unsigned char *p, size_t n);
/* EPSS CSV: "#model_version:...,score_date:..." then "cve,epss,percentile". */
int epss_import(const char *path, const void *data, size_t len, const struct vuln_sink *sink, uint64_t *count,
		struct dm_err *e);
