/* Matching products against the stored vulnerability data: candidates
 * come from the product index (with aliases), configurations are
 * evaluated per distinct product, version and platform, and each hit
 * carries how sure dormant is and why. Shared by the vulnerable-service
 * rule and `dormant vulndb match`. */
#pragma once
#include "model/finding.h"
#include "store/store.h"
#include "vuln/aliases.h"
#include "vuln/config.h"
#include "vuln/distro-build.h"

struct vuln_cand; /* a CVE that names the product, with what ranks it */

struct vuln_hit {
	const struct vuln_info *info; /* owned by the matcher */
	const struct vmatch *match;   /* the criterion the product met */
	enum confidence confidence;
	bool suppressed; /* the distribution fixed it in this build: kept only for --explain */
	/* Kept by the matcher, never NULL: a hit is a few words (a subject's
	 * hits stay cached, and the harsh mix has hundreds of thousands). */
	const char *why; /* why not high, or why high or not reported: the distribution's verdict; "" */
	const char *fix; /* upgrade target from the range end, "" if none */
	bool distro_fix; /* fix is the distribution's package version */
};

struct vuln_matcher {
	struct store *st;
	const struct aliases *al;
	struct vcache *cache;
	uint64_t queries;            /* product lookups done (for -v) */
	int vendorless;              /* the data has CVE 5 products without a vendor; -1 not asked yet */
	struct distro_cache *dcache; /* the distributions' verdicts read so far */
	struct distro_tables dt;     /* product -> source package, release names */
	bool keep_suppressed;        /* --explain: hits the distribution fixed are returned, marked */
};

void vuln_matcher_init(struct vuln_matcher *m, struct store *st, const struct aliases *al);
void vuln_matcher_release(struct vuln_matcher *m);
/* Hits for one subject, ranked (KEV with ransomware use, KEV, public
 * exploit, EPSS, CVSS). distro: the banner shows a distribution build
 * (text says which); build: what it is, when dormant knows the package
 * (NULL: not known), its release filled in from the data when it can be.
 * *ret stays valid until the matcher is released (it keeps every
 * subject's hits). A store error's sentence goes to e. */
int vuln_match(struct vuln_matcher *m, const struct vsubject *s, const char *distro,
	       struct distro_build *build, enum confidence min, struct vuln_hit **ret, size_t *ret_n,
	       struct dm_err *e);
/* A distribution's package revision in a banner or version ("Debian-2+deb12u3",
 * "Ubuntu-4ubuntu0.3", ".el9"): the text found, or NULL. */
const char *vuln_distro_marker(const char *text, char *out, size_t n);
/* Ranking key of a hit: higher first. */
double vuln_hit_rank(const struct vuln_hit *h);
