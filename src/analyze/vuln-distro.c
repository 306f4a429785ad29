/* Judging a CVE match on a distribution build with the distribution's own
 * data (schema 13): fixed-in versions compared in the distribution's
 * version ordering, the epoch taken from the data (banners never show it). */
#include "analyze/vuln-distro.h"
#include "base/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dfix {
	char *release, *fixed, *urgency;
	int64_t num;
	enum distro_status status;
};

struct dpkgset { /* one (distribution, source package) */
	char key[96];
	struct dfix *f;
	size_t n, cap;
	char **rel_ver; /* release, version pairs of distro_pkg */
	size_t n_rel;
	struct dpkgset *next;
};

struct distro_cache {
	struct dpkgset *sets;
};

void distro_cache_free(struct distro_cache *c)
{
	if (!c) return;
	for (struct dpkgset *s = c->sets, *n; s; s = n) {
		n = s->next;
		for (size_t i = 0; i < s->n; i++)
			free(s->f[i].release), free(s->f[i].fixed), free(s->f[i].urgency);
		for (size_t i = 0; i < 2 * s->n_rel; i++) free(s->rel_ver[i]);
		free(s->rel_ver);
		free(s->f);
		free(s);
	}
	free(c);
}

static char *dup0(const char *s) { return s ? xstrdup(s) : NULL; }

static int on_fix(void *ctx, const struct vuln_distro_fix *f)
{
	struct dpkgset *s = ctx;
	if (s->n == s->cap) s->f = xrealloc(s->f, (s->cap = s->cap ? s->cap * 2 : 64) * sizeof(*s->f));
	s->f[s->n++] = (struct dfix){ .release = xstrdup(f->release),
				      .fixed = dup0(f->fixed_version),
				      .urgency = dup0(f->urgency),
				      .num = f->num,
				      .status = f->status };
	return 0;
}

static int on_pkg(void *ctx, const struct vuln_distro_pkg *p)
{
	struct dpkgset *s = ctx;
	s->rel_ver = xrealloc(s->rel_ver, (s->n_rel + 1) * 2 * sizeof(char *));
	s->rel_ver[2 * s->n_rel] = xstrdup(p->release);
	s->rel_ver[2 * s->n_rel + 1] = xstrdup(p->version);
	s->n_rel++;
	return 0;
}

static int load(struct store *st, struct distro_cache **c, const struct distro_build *b, struct dpkgset **ret,
		struct dm_err *e)
{
	if (!*c) *c = xcalloc(1, sizeof(**c));
	char key[96];
	snprintf(key, sizeof(key), "%s/%s", b->distro, b->package);
	for (struct dpkgset *s = (*c)->sets; s; s = s->next)
		if (!strcmp(s->key, key)) {
			*ret = s;
			return 0;
		}
	struct dpkgset *s = xcalloc(1, sizeof(*s));
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->next = (*c)->sets;
	(*c)->sets = s;
	*ret = s;
	int r = store_distro_fixes(st, b->distro, b->package, on_fix, s, e);
	if (r >= 0) r = store_distro_pkgs(st, b->distro, b->package, on_pkg, s, e);
	return r < 0 ? r : 0;
}

static void infer(const struct dpkgset *s, struct distro_build *b);

int distro_infer_release(struct store *st, struct distro_cache **c, struct distro_build *b, struct dm_err *e)
{
	struct dpkgset *s;
	int r = load(st, c, b, &s, e);
	if (r < 0) return r;
	if (!b->release[0]) infer(s, b);
	/* the epoch the release's versions carry, for showing the build's version */
	for (size_t i = 0; i < s->n && b->release[0]; i++) {
		const char *v = s->f[i].fixed, *colon = v ? strchr(v, ':') : NULL;
		if (strcmp(s->f[i].release, b->release) || !colon) continue;
		size_t el = strspn(v, "0123456789");
		if (el == (size_t)(colon - v) && el < sizeof(b->epoch))
			snprintf(b->epoch, sizeof(b->epoch), "%.*s", (int)el, v);
		break;
	}
	return 0;
}

static void infer(const struct dpkgset *s, struct distro_build *b)
{
	const char *found = NULL;
	char up[128];
	for (size_t i = 0; i < s->n + s->n_rel; i++) {
		const char *rel = i < s->n ? s->f[i].release : s->rel_ver[2 * (i - s->n)];
		const char *ver = i < s->n ? s->f[i].fixed : s->rel_ver[2 * (i - s->n) + 1];
		char major[16];
		/* an extended stream ships the main release's versions: not told apart by them */
		if (!ver || distro_extended_stream(b->distro, rel, major, sizeof(major))) continue;
		distro_upstream_of(ver, up, sizeof(up));
		if (strcmp(up, b->upstream)) continue;
		if (found && strcmp(found, rel)) return; /* two releases ship it: cannot tell */
		found = rel;
	}
	if (!found) return;
	snprintf(b->release, sizeof(b->release), "%s", found);
	snprintf(b->release_from, sizeof(b->release_from), "%s's data (only %.24s has %.40s %.40s)",
		 b->distro, found, b->package, b->upstream);
}

int distro_judge(struct store *st, struct distro_cache **c, const struct distro_build *b, int64_t num,
		 enum distro_verdict *ret, char *why, size_t n, char *fixed, size_t fn, struct dm_err *e)
{
	*ret = DV_NONE;
	if (fn) fixed[0] = 0;
	if (!b->release[0]) {
		snprintf(why, n, "%s build of %s: the release cannot be told, so %s's data cannot settle it",
			 b->distro, b->package, b->distro);
		return 0;
	}
	struct dpkgset *s;
	int r = load(st, c, b, &s, e);
	if (r < 0) return r;
	const struct dfix *f = NULL;
	bool any = false;
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->f[i].release, b->release)) continue;
		any = true;
		if (s->f[i].num == num) f = &s->f[i];
	}
	if (!f) {
		snprintf(why, n, "%s %s: %s", b->distro, b->release,
			 any ? "its data does not list this CVE for the package"
			     : "no data for this package and release (dormant vulndb fetch)");
		return 0;
	}
	char mine[160];
	switch (f->status) {
	case DSTAT_NOT_AFFECTED:
		*ret = DV_NOT_AFFECTED;
		snprintf(why, n, "not affected: %s marks %s in %s not affected", b->distro, b->package,
			 b->release);
		return 0;
	case DSTAT_OPEN:
		*ret = DV_OPEN;
		snprintf(why, n, "open in %s %s according to %s%s%s%s", b->distro, b->release, b->distro,
			 f->urgency ? " (urgency " : "", f->urgency ? f->urgency : "", f->urgency ? ")" : "");
		return 0;
	case DSTAT_UNDETERMINED:
		snprintf(why, n, "%s has not determined whether %s %s is affected", b->distro, b->release,
			 b->package);
		return 0;
	case DSTAT_FIXED: break;
	}
	snprintf(fixed, fn, "%s", f->fixed);
	if (b->revision[0]) {
		distro_build_version(b, f->fixed, true, mine, sizeof(mine));
		if (distro_version_cmp(b->distro, mine, f->fixed) >= 0) {
			*ret = DV_FIXED;
			snprintf(why, n, "fixed by the distribution in %s (%s %s; this build is %s)",
				 f->fixed, b->distro, b->release, mine);
		} else {
			*ret = DV_OPEN;
			snprintf(why, n, "open in this build: %s fixed it in %s (%s), this build is %s",
				 b->distro, f->fixed, b->release, mine);
		}
		return 0;
	}
	/* Only the upstream version is seen: a newer upstream has the fix, an
	 * older one has not; the same one may have it or not. */
	char fixed_up[160];
	distro_build_version(b, f->fixed, false, mine, sizeof(mine));
	const char *colon = strchr(f->fixed, ':');
	int el = colon && strspn(f->fixed, "0123456789") == (size_t)(colon - f->fixed)
		     ? (int)(colon - f->fixed + 1)
		     : 0;
	char up[128];
	distro_upstream_of(f->fixed, up, sizeof(up));
	snprintf(fixed_up, sizeof(fixed_up), "%.*s%s", el, f->fixed, up);
	int cmp = distro_version_cmp(b->distro, mine, fixed_up);
	if (cmp > 0) {
		*ret = DV_FIXED;
		snprintf(why, n, "fixed by the distribution in %s (%s %s; this build's upstream %s is newer)",
			 f->fixed, b->distro, b->release, b->upstream);
	} else if (cmp < 0) {
		*ret = DV_OPEN;
		snprintf(why, n,
			 "open in this build: %s fixed it in %s (%s), this build's upstream %s is older",
			 b->distro, f->fixed, b->release, b->upstream);
	} else {
		snprintf(why, n, "%s fixed it in %s (%s); the banner shows no revision to compare", b->distro,
			 f->fixed, b->release);
	}
	return 0;
}
