/* Feed files into the store's vulnerability data: NVD (API 2.0 pages, bare
 * records, JSON Lines), CISA KEV, CVE List V5 and FIRST EPSS, plain or gzip,
 * one transaction per file; a folder is walked in name order; a bundle of
 * `vulndb fetch --bundle` is told by its content (vulndb-bundle.c). */
#include "pipeline/vulndb.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "pipeline/vulndb-fetch.h"
#include "vuln/feeds.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct import_ctx {
	struct store *st;
	const char *file;
	uint64_t added, updated, unchanged;
	char epss_replaced[2][64]; /* old and new model, reported after the commit */
	double t0;
};

static int s_cve(void *ctx, const struct vuln_cve *c, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	enum vuln_change ch;
	int r = store_vuln_put_cve(ic->st, c, &ch, e);
	if (r < 0) return r;
	ic->added += ch == VULN_ADDED;
	ic->updated += ch == VULN_UPDATED;
	ic->unchanged += ch == VULN_UNCHANGED;
	return 0;
}

static int s_kev(void *ctx, const struct vuln_kev *k, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	return store_vuln_put_kev(ic->st, k, e);
}

static int s_epss(void *ctx, const struct vuln_epss *x, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	return store_vuln_put_epss(ic->st, x, e);
}

static int s_distro_fix(void *ctx, const struct vuln_distro_fix *f, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	return store_distro_put_fix(ic->st, f, e);
}

static int s_distro_pkg(void *ctx, const struct vuln_distro_pkg *p, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	return store_distro_put_pkg(ic->st, p, e);
}

static int s_meta(void *ctx, const char *key, const char *value, struct dm_err *e)
{
	struct import_ctx *ic = ctx;
	if (!strcmp(key, "ubuntu.date") || !strcmp(key, "rhel.date")) {
		/* the newest record's date is the data's */
		char old[64];
		int r = store_vuln_meta_get(ic->st, key, old, sizeof(old), e);
		if (r < 0) return r;
		if (r == 1 && strcmp(old, value) >= 0) return 0;
	}
	if (!strcmp(key, "epss.model")) {
		/* Scores of different EPSS models do not compare: a new model replaces them all. */
		char old[64];
		int r = store_vuln_meta_get(ic->st, key, old, sizeof(old), e);
		if (r < 0) return r;
		if (r == 1 && strcmp(old, value)) {
			snprintf(ic->epss_replaced[0], sizeof(ic->epss_replaced[0]), "%s", old);
			snprintf(ic->epss_replaced[1], sizeof(ic->epss_replaced[1]), "%.63s", value);
			if ((r = store_vuln_clear_epss(ic->st, e)) < 0) return r;
		}
	}
	return store_vuln_meta_set(ic->st, key, value, e);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct import_ctx *ic = ctx;
	static double last;
	double now = now_mono();
	if (now - last < 0.25 || !total) return;
	last = now;
	double el = now - ic->t0, rate = el > 0 ? (double)done / el : 0;
	fprintf(stderr, "\r\033[Kvulndb: %s %.0f%% %.0f MB/s ETA %.0f s", ic->file,
		100.0 * (double)done / (double)total, rate / 1e6,
		rate > 0 ? (double)(total - done) / rate : 0);
}

/* A store of an import before schema 30 (or 33: whole briefs): its product index rows given
 * their briefs once, in the first import's transaction. */
static int add_brief(void *ctx, struct vuln_cve *c, struct dm_err *e)
{
	struct cve_build *b = ctx;
	(void)e;
	c->briefs = NULL;
	if (vconfigs_unpack(c->packed, c->packed_len, &b->cfg) < 0) return 0; /* damaged: read as before */
	int r = cve_build_briefs(b, c->products, c->n_products);
	if (r < 0) return dm_fail(e, r, "vulndb: CVE briefs: out of memory");
	c->briefs = b->cve.briefs;
	c->brief_at = b->cve.brief_at;
	c->brief_len = b->cve.brief_len;
	return 0;
}

static int briefs_pending(struct store *st, struct dm_err *e)
{
	char v[16];
	int r = store_vuln_meta_get(st, "index.briefs", v, sizeof(v), e);
	if (r <= 0 || strcmp(v, "pending")) return r < 0 ? r : 0;
	double t0 = now_mono();
	struct cve_build b = { 0 };
	r = store_vuln_add_briefs(st, add_brief, &b, e);
	cve_build_release(&b);
	if (r >= 0)
		log_info("vulndb: the product index of %d CVEs given their briefs (%.2f s)", r,
			 now_mono() - t0);
	return r < 0 ? r : 0;
}

/* data NULL: the file at path; else data itself, path naming it. */
static int import_file(struct store *st, const char *path, const void *data, size_t len, struct dm_err *e)
{
	struct import_ctx ic = { .st = st, .file = path, .t0 = now_mono() };
	struct vuln_sink sink = { &ic, s_cve, s_kev, s_epss, s_meta, s_distro_fix, s_distro_pkg };
	struct feed_counts fc;
	int r = store_vuln_begin(st, e);
	if (r < 0) return r;
	bool tty = isatty(2) && log_level >= LOG_INFO;
	r = data ? feed_import_mem(data, len, path, &sink, &fc, e)
		 : feed_import_file(path, &sink, &fc, tty ? on_progress : NULL, &ic, e);
	if (tty) fprintf(stderr, "\r\033[K");
	if (r == 0) r = fetch_note_import(st, fc.kind, e);
	if (r == 0) r = briefs_pending(st, e);
	if (r < 0) {
		store_vuln_end(st, false, NULL);
		return r;
	}
	if ((r = store_vuln_end(st, true, e)) < 0) return r;
	double el = now_mono() - ic.t0;
	if (ic.epss_replaced[0][0])
		log_warn("vulndb: %s: EPSS model %s replaces model %s: all earlier EPSS scores were dropped",
			 path, ic.epss_replaced[1], ic.epss_replaced[0]);
	if (!strcmp(fc.kind, "kev"))
		log_info("%s: KEV catalogue, %llu entries (%.2f s)", path, (unsigned long long)fc.kev, el);
	else if (!strcmp(fc.kind, "debian") || !strcmp(fc.kind, "ubuntu") || !strcmp(fc.kind, "redhat"))
		log_info("%s: %s security data, %llu verdicts (release, package, CVE) (%.2f s)", path,
			 fc.kind, (unsigned long long)fc.distro, el);
	else if (!strcmp(fc.kind, "epss"))
		log_info("%s: EPSS, %llu scores (%.2f s)", path, (unsigned long long)fc.epss, el);
	else
		log_info("%s: %s, %llu CVEs: %llu added, %llu updated, %llu unchanged (%.2f s)", path,
			 fc.kind, (unsigned long long)fc.cve, (unsigned long long)ic.added,
			 (unsigned long long)ic.updated, (unsigned long long)ic.unchanged, el);
	return 0;
}

static bool feed_name(const char *n)
{
	static const char *const ext[] = { ".json", ".json.gz", ".jsonl", ".jsonl.gz", ".csv", ".csv.gz" };
	size_t len = strlen(n);
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t el = strlen(ext[i]);
		if (len > el && !strcasecmp(n + len - el, ext[i])) return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A folder: its feed files in name order, sub-folders too (a CVE 5 tree). */
static int import_path(struct store *st, const char *path, int depth, unsigned *files, struct dm_err *e)
{
	struct stat sb;
	if (stat(path, &sb) < 0) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(sb.st_mode)) {
		(*files)++;
		if (vulndb_is_bundle(path)) return vulndb_import_bundle(st, path, e);
		return import_file(st, path, NULL, 0, e);
	}
	if (depth > 8) return 0;
	DIR *d = opendir(path);
	if (!d) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') continue;
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		struct stat cs;
		if (stat(full, &cs) < 0 || (!S_ISDIR(cs.st_mode) && !feed_name(de->d_name))) continue;
		if (n == cap) names = xrealloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
		names[n++] = xstrdup(full);
	}
	closedir(d);
	if (n) qsort(names, n, sizeof(*names), cmp_str);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (r == 0) r = import_path(st, names[i], depth + 1, files, e);
		free(names[i]);
	}
	free(names);
	return r;
}

int vulndb_import_data(struct store *st, const char *name, const void *data, size_t len, struct dm_err *e)
{
	return import_file(st, name, data, len, e);
}

int vulndb_import(struct store *st, const char *path, unsigned *files, struct dm_err *e)
{
	return import_path(st, path, 0, files, e);
}
