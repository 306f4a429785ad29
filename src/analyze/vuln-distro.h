/* The distributions' verdicts applied to a match: a CVE the distribution
 * fixed at or before the build's package version (or never had in that
 * release) is not reported; one still open there is reported at high
 * confidence; where the release or the revision cannot be told, today's
 * low confidence stays. Verdicts are read once per (distribution, source
 * package) and kept by the matcher. */
#pragma once
#include "store/store.h"
#include "vuln/distro-build.h"

struct distro_cache;

enum distro_verdict {
	DV_NONE,         /* no verdict to go by: the match stands at low confidence */
	DV_FIXED,        /* fixed at or before this build: not reported */
	DV_NOT_AFFECTED, /* the release never had it: not reported */
	DV_OPEN,         /* open in this build: reported at high confidence */
};

void distro_cache_free(struct distro_cache *c);
/* When b has no release: the one release whose packages carry b's upstream
 * version, by the distribution's data (Ubuntu's "8.9p1" is jammy's); and
 * the epoch the release's versions of the package carry. */
int distro_infer_release(struct store *st, struct distro_cache **c, struct distro_build *b, struct dm_err *e);
/* The verdict on CVE num for build b, why in words, and the version the
 * distribution fixed it in ("" when none). */
int distro_judge(struct store *st, struct distro_cache **c, const struct distro_build *b, int64_t num,
		 enum distro_verdict *ret, char *why, size_t n, char *fixed, size_t fn, struct dm_err *e);
