/* Debian's security tracker JSON (security-tracker.debian.org/tracker/data/json):
 * one object whose members are source packages, each mapping CVE ids to
 * {"releases": {"bookworm": {"status", "fixed_version", "urgency",
 * "repositories": {"bookworm": VERSION, "bookworm-security": VERSION}}}}.
 * "resolved" with fixed_version "0" means the release never had the flaw. */
#include "vuln/feeds.h"
#include "vuln/pkg-version.h"
#include <ctype.h>
#include <string.h>

bool distro_version_ok(const char *v)
{
	if (!v || !*v || strlen(v) > 127) return false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p >= 127) return false;
	return true;
}

static bool name_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 63) return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("+-._~", *s)) return false;
	return true;
}

/* The newest version the release's repositories hold. */
static int repositories(const struct json *reps, const char *pkg, const char *rel,
			const struct vuln_sink *sink, struct dm_err *e)
{
	const char *best = NULL;
	json_each(r, reps)
	{
		if (r->type != JSON_STRING || !distro_version_ok(r->str)) continue;
		if (!best || dpkg_version_cmp(r->str, best) > 0) best = r->str;
	}
	if (!best || !sink->distro_pkg) return 0;
	struct vuln_distro_pkg p = { .distro = "debian", .release = rel, .package = pkg, .version = best };
	return sink->distro_pkg(sink->ctx, &p, e);
}

static int bad(struct dm_err *e, const char *name, uint64_t off, const char *pkg, const char *cve,
	       const char *what)
{
	return dm_fail(e, DM_EINPUT, "%s: byte %llu: package %.64s%s%.40s: %s", name, (unsigned long long)off,
		       pkg, cve ? ", " : "", cve ? cve : "", what);
}

int debian_record(const struct json *rec, const char *name, uint64_t off, const struct vuln_sink *sink,
		  uint64_t *count, struct dm_err *e)
{
	const char *pkg = rec->key;
	if (!name_ok(pkg)) return bad(e, name, off, "?", NULL, "not a source package name");
	if (rec->type != JSON_OBJECT) return bad(e, name, off, pkg, NULL, "expected an object of CVEs");
	const char *seen[32]; /* releases whose repositories were passed on */
	size_t n_seen = 0;
	json_each(c, rec)
	{
		/* TEMP-... entries have no CVE id yet: nothing to match them with. */
		if (!strncmp(c->key, "TEMP-", 5)) continue;
		int64_t num = cve_number(c->key);
		if (num < 0) return bad(e, name, off, pkg, c->key, "not a CVE id");
		const struct json *rels = json_get(c, "releases");
		if (c->type != JSON_OBJECT || (rels && rels->type != JSON_OBJECT))
			return bad(e, name, off, pkg, c->key, "expected {\"releases\": {...}}");
		json_each(r, rels)
		{
			if (!name_ok(r->key) || r->type != JSON_OBJECT)
				return bad(e, name, off, pkg, c->key,
					   "a release that is not a name and an object");
			const char *st = json_str(r, "status"), *fv = json_str(r, "fixed_version");
			struct vuln_distro_fix f = { .distro = "debian",
						     .release = r->key,
						     .package = pkg,
						     .num = num,
						     .urgency = json_str(r, "urgency") };
			if (!st)
				return bad(e, name, off, pkg, c->key, "a release without a status");
			else if (!strcmp(st, "resolved") && fv && !strcmp(fv, "0"))
				f.status = DSTAT_NOT_AFFECTED;
			else if (!strcmp(st, "resolved") && distro_version_ok(fv))
				f.status = DSTAT_FIXED, f.fixed_version = fv;
			else if (!strcmp(st, "resolved"))
				return bad(e, name, off, pkg, c->key, "resolved without a fixed_version");
			else if (!strcmp(st, "open"))
				f.status = DSTAT_OPEN;
			else
				f.status = DSTAT_UNDETERMINED; /* "undetermined" and any newer word */
			int rc = sink->distro_fix ? sink->distro_fix(sink->ctx, &f, e) : 0;
			/* Every CVE of the package repeats the repositories: once a release is enough. */
			bool known = false;
			for (size_t k = 0; k < n_seen && !known; k++) known = !strcmp(seen[k], r->key);
			if (rc == 0 && !known && n_seen < 32) {
				seen[n_seen++] = r->key;
				rc = repositories(json_get(r, "repositories"), pkg, r->key, sink, e);
			}
			if (rc < 0) return rc;
			(*count)++;
		}
	}
	return 0;
}

/* {"pkg": {"CVE-..." or {"pkg": {"TEMP-..., skipping blanks, within n bytes. */
int debian_sniff(const unsigned char *p, size_t n)
{
	size_t i = 0;
	int step = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) i = 3;
	for (; i < n; i++) {
		unsigned char c = p[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
		if ((step == 0 || step == 3) && c == '{') {
			step++;
			continue;
		}
		if (step == 2 && c == ':') {
			step++;
			continue;
		}
		if ((step == 1 || step == 4) && c == '"') {
			size_t s = ++i;
			if (step == 4) /* the first CVE's id: its prefix is enough */
				return (n - s >= 4 && !memcmp(p + s, "CVE-", 4)) ||
				       (n - s >= 5 && !memcmp(p + s, "TEMP-", 5));
			while (i < n && p[i] != '"') i += p[i] == '\\' ? 2 : 1;
			if (i >= n) return 0;
			step++;
			continue;
		}
		return 0;
	}
	return 0;
}
