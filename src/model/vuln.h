/* What vulnerability feeds say, as dormant keeps it: a CVE (from NVD or a
 * CVE List V5 record) with its best score and affected configurations
 * (encoded by vuln/config.h, with the products they name for the index),
 * a KEV entry, an EPSS score. Importers hand these to a sink; src/cmd/
 * connects the sink to the store. Pointers live until the sink returns. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"
#include <stddef.h>

/* CVE-2024-6387 <-> 2024 * 10^8 + 6387: an integer key that sorts by year. */
int64_t cve_number(const char *id);
void cve_format(int64_t num, char *out, size_t n);

struct vuln_product {
	char vendor[128], product[128]; /* as quoted in CPE 2.3 */
};

struct vuln_cve {
	int64_t num;
	char published[32], modified[32], status[32];
	const char *summary; /* English description, may be NULL */
	double cvss;         /* best score by v4.0 > v3.1 > v3.0 > v2, primary source first; -1 none */
	char cvss_version[8];
	char cvss_vector[192];
	char severity[16];                   /* as the score's source names it, lower case */
	bool exploit_ref;                    /* a reference is tagged "Exploit" */
	char kev_added[16];                  /* NVD's copy of CISA's date added to KEV, "" if none */
	const char *source;                  /* "nvd" or "cve5" */
	const char *configs;                 /* vconfigs_encode() text */
	const struct vuln_product *products; /* distinct vendor:product pairs the configurations name */
	size_t n_products;
	/* The configurations packed (vuln/config.h vconfigs_pack), which
	 * matching reads; NULL: not packed (matched from configs). */
	const unsigned char *packed;
	size_t packed_len;
	/* Per product (products[i]), what decides the configurations for it
	 * when only its own criteria do (vconfigs_brief): brief_len[i] bytes
	 * at briefs + brief_at[i]; brief_len[i] 0 (or briefs NULL): none, the
	 * matcher reads the packed configurations. */
	const unsigned char *briefs;
	const uint32_t *brief_at, *brief_len;
};

struct vuln_kev {
	int64_t num;
	const char *vendor, *product, *name, *date_added, *due_date, *action, *notes;
	bool ransomware; /* knownRansomwareCampaignUse = Known */
};

struct vuln_epss {
	int64_t num;
	double epss, percentile;
};

/* A distribution's verdict on a CVE for one source package in one of its
 * releases (Debian's security tracker, Ubuntu's CVE data, Red Hat's VEX). */
enum distro_status { DSTAT_FIXED = 1, DSTAT_OPEN, DSTAT_NOT_AFFECTED, DSTAT_UNDETERMINED };
struct vuln_distro_fix {
	const char *distro;  /* debian, ubuntu, rhel */
	const char *release; /* bookworm, jammy, 9 */
	const char *package; /* the source package */
	int64_t num;
	enum distro_status status;
	const char *fixed_version; /* DSTAT_FIXED: the first version with the fix */
	const char *urgency;       /* the distribution's word for it, may be NULL */
};
/* The version a release ships now (Debian's "repositories"): tells a
 * release from an upstream version when a banner does not name it. */
struct vuln_distro_pkg {
	const char *distro, *release, *package, *version;
};
const char *distro_status_name(enum distro_status s);
enum distro_status distro_status_parse(const char *s);

struct vuln_sink {
	void *ctx;
	int (*cve)(void *ctx, const struct vuln_cve *c, struct dm_err *e);
	int (*kev)(void *ctx, const struct vuln_kev *k, struct dm_err *e);
	int (*epss)(void *ctx, const struct vuln_epss *x, struct dm_err *e);
	/* Feed facts: "kev.catalog", "nvd.timestamp", "epss.model", "epss.date",
	 * "<distro>.date". */
	int (*meta)(void *ctx, const char *key, const char *value, struct dm_err *e);
	int (*distro_fix)(void *ctx, const struct vuln_distro_fix *f, struct dm_err *e);
	int (*distro_pkg)(void *ctx, const struct vuln_distro_pkg *p, struct dm_err *e);
};

/* A CVE as the store gives it back for matching and lookups. */
struct vuln_info {
	int64_t num;
	const char *configs, *summary, *published, *modified, *status, *source;
	double cvss; /* -1 when none */
	const char *cvss_version, *cvss_vector, *severity;
	bool exploit_ref;
	bool kev; /* in CISA's catalogue (its file, or NVD's copy of it) */
	bool ransomware;
	const char *kev_added, *kev_due, *kev_action, *kev_name;
	double epss, percentile; /* -1 when unknown */
	/* From store_vuln_by_product: the configurations packed; NULL for a
	 * CVE of an import before they were (configs holds the text then). */
	const void *packed;
	size_t packed_len;
	/* From store_vuln_by_product: the CVE's own scores came with its
	 * configurations (cvss, cvss_version, severity, exploit_ref and NVD's
	 * kev_added), not KEV or EPSS (store_vuln_kev_epss); false for a CVE
	 * of an import before they were kept there (store_vuln_get_brief). */
	bool scored;
	/* From store_vuln_by_product: the product's brief (vconfigs_brief,
	 * scored is true then) in place of the configurations; NULL: none. */
	const void *brief;
	size_t brief_len;
};
