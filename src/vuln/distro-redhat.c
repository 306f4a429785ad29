/* Red Hat's CSAF VEX files (security.access.redhat.com/data/csaf/v2/vex/,
 * one per CVE): the product_tree names each product stream with its CPE
 * ("AppStream-9.4.0.Z.MAIN.EUS" is cpe:/a:redhat:rhel_eus:9.4::appstream);
 * each vulnerability's product_status lists "STREAM:COMPONENT" ids, fixed
 * ones with the NEVRA ("openssh-0:8.7p1-38.el9_4.1.src"), affected ones
 * with the package name. The verdicts are folded per release and source
 * package: the main streams of a major release ("9") apart from each
 * extended stream ("9.2-eus", whose fixes are older builds of its minor
 * release: folded into the main release they would make every EUS build
 * look open); a fix is the highest fixed version of the release's streams,
 * a known_affected stream makes it open. Other Red Hat products (software
 * collections, ...) are not releases of RHEL and are left out. */
#include "vuln/feeds.h"
#include "base/util.h"
#include "vuln/distro-build.h"
#include "vuln/pkg-version.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_STREAMS = 512, MAX_VERDICTS = 256 };

struct stream {
	const char *id;
	char release[24]; /* "9", "9.2-eus" */
};

struct verdict {
	char release[24], package[64], fixed[128];
	bool affected, not_affected, investigating;
};

struct rh {
	struct stream streams[MAX_STREAMS];
	size_t n_streams;
	struct verdict v[MAX_VERDICTS];
	size_t n;
};

/* cpe:/o:redhat:enterprise_linux:9 is "9", cpe:/a:redhat:rhel_eus:9.4::appstream "9.4-eus" */
static bool cpe_release(const char *cpe, char *rel, size_t n)
{
	if (!cpe || strncmp(cpe, "cpe:/", 5)) return false;
	const char *f = cpe + 5;
	if (strncmp(f + 1, ":redhat:", 8)) return false;
	const char *prod = f + 9, *colon = strchr(prod, ':');
	if (!colon) return false;
	size_t pl = (size_t)(colon - prod);
	const char *v = colon + 1;
	if (!(pl == 16 && !strncmp(prod, "enterprise_linux", 16)))
		return distro_rhel_stream_release(prod, pl, v, rel, n);
	size_t dl = strspn(v, "0123456789");
	if (!dl || dl >= n) return false;
	snprintf(rel, n, "%.*s", (int)dl, v);
	return true;
}

static void walk(struct rh *h, const struct json *branches, int depth)
{
	if (depth > 8) return;
	json_each(b, branches)
	{
		const struct json *p = json_get(b, "product");
		const char *id = json_str(p, "product_id");
		const char *cpe = json_str(json_get(p, "product_identification_helper"), "cpe");
		struct stream *s = &h->streams[h->n_streams];
		if (id && cpe && h->n_streams < MAX_STREAMS) {
			/* a Red Hat product that is not RHEL keeps "" */
			if (!cpe_release(cpe, s->release, sizeof(s->release))) s->release[0] = 0;
			s->id = id;
			h->n_streams++;
		}
		walk(h, json_get(b, "branches"), depth + 1);
	}
}

static const struct stream *stream_of(const struct rh *h, const char *id, size_t len)
{
	for (size_t i = 0; i < h->n_streams; i++)
		if (strlen(h->streams[i].id) == len && !memcmp(h->streams[i].id, id, len))
			return &h->streams[i];
	return NULL;
}

/* COMPONENT: "openssh-0:8.7p1-38.el9_4.1.src" (a NEVRA, possibly after a
 * module's "nginx:1.22:...:" prefix) or a package name ("openssh",
 * "nginx:1.22/nginx"). Fills package and, for a NEVRA, "E:V-R". */
static bool component(const char *c, char *pkg, size_t pn, char *evr, size_t en)
{
	evr[0] = 0;
	/* the NEVRA's "-EPOCH:" */
	const char *ep = NULL;
	for (const char *p = c; (p = strchr(p, ':')); p++) {
		const char *d = p;
		while (d > c && isdigit((unsigned char)d[-1])) d--;
		if (d < p && d > c && d[-1] == '-') ep = d;
	}
	if (!ep) {
		const char *slash = strrchr(c, '/'), *name = slash ? slash + 1 : c;
		if (!*name || strlen(name) >= pn || strchr(name, ':')) return false;
		snprintf(pkg, pn, "%s", name);
		return true;
	}
	const char *start = ep - 1;
	while (start > c && start[-1] != ':') start--;
	if ((size_t)(ep - 1 - start) >= pn || ep - 1 == start) return false;
	snprintf(pkg, pn, "%.*s", (int)(ep - 1 - start), start);
	/* drop the architecture */
	const char *end = strrchr(ep, '.');
	if (!end || strchr(end, '-') || strchr(end, ':')) end = ep + strlen(ep);
	if ((size_t)(end - ep) >= en) return false;
	snprintf(evr, en, "%.*s", (int)(end - ep), ep);
	return distro_version_ok(evr) && strchr(evr, '-');
}

static struct verdict *verdict(struct rh *h, const char *rel, const char *pkg)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->v[i].release, rel) && !strcmp(h->v[i].package, pkg)) return &h->v[i];
	if (h->n == MAX_VERDICTS) return NULL;
	struct verdict *v = &h->v[h->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->release, sizeof(v->release), "%s", rel);
	snprintf(v->package, sizeof(v->package), "%s", pkg);
	return v;
}

enum { L_FIXED, L_AFFECTED, L_NOT_AFFECTED, L_INVESTIGATING };

static void list(struct rh *h, const struct json *ids, int kind)
{
	json_each(j, ids)
	{
		if (j->type != JSON_STRING) continue;
		const char *colon = strchr(j->str, ':');
		char pkg[64], evr[128], rel[24];
		if (!colon || !component(colon + 1, pkg, sizeof(pkg), evr, sizeof(evr))) continue;
		const struct stream *s = stream_of(h, j->str, (size_t)(colon - j->str));
		if (s && !s->release[0]) continue; /* not RHEL: software collections ... */
		if (s)
			snprintf(rel, sizeof(rel), "%s", s->release);
		else {
			/* not in the product tree: the ".elN" of the build */
			const char *el = strstr(evr, ".el");
			if (!el || !isdigit((unsigned char)el[3])) continue;
			snprintf(rel, sizeof(rel), "%.*s", (int)strspn(el + 3, "0123456789"), el + 3);
		}
		struct verdict *v = verdict(h, rel, pkg);
		if (!v) continue;
		if (kind == L_FIXED && evr[0] && (!v->fixed[0] || rpm_version_cmp(evr, v->fixed) > 0))
			snprintf(v->fixed, sizeof(v->fixed), "%s", evr);
		v->affected |= kind == L_AFFECTED;
		v->not_affected |= kind == L_NOT_AFFECTED;
		v->investigating |= kind == L_INVESTIGATING;
	}
}

int redhat_record(const struct json *rec, const struct json *header, const char *name, uint64_t off,
		  const struct vuln_sink *sink, uint64_t *count, struct dm_err *e)
{
	const char *id = json_str(rec, "cve");
	int64_t num = cve_number(id);
	const struct json *ps = json_get(rec, "product_status");
	if (num < 0 || !ps || ps->type != JSON_OBJECT)
		return dm_fail(e, DM_EINPUT,
			       "%s: byte %llu: a VEX vulnerability needs a cve and a product_status", name,
			       (unsigned long long)off);
	struct rh *h = xcalloc(1, sizeof(*h));
	walk(h, json_get(json_get(header, "product_tree"), "branches"), 0);
	list(h, json_get(ps, "fixed"), L_FIXED);
	list(h, json_get(ps, "known_affected"), L_AFFECTED);
	list(h, json_get(ps, "known_not_affected"), L_NOT_AFFECTED);
	list(h, json_get(ps, "under_investigation"), L_INVESTIGATING);
	const char *urgency = NULL;
	json_each(t, json_get(rec, "threats"))
	{
		const char *cat = json_str(t, "category");
		if (cat && !strcmp(cat, "impact")) urgency = json_str(t, "details");
	}
	int rc = 0;
	for (size_t i = 0; i < h->n && rc == 0; i++) {
		const struct verdict *v = &h->v[i];
		struct vuln_distro_fix f = { .distro = "rhel",
					     .release = v->release,
					     .package = v->package,
					     .num = num,
					     .urgency = urgency };
		f.status = v->affected        ? DSTAT_OPEN
			   : v->fixed[0]      ? DSTAT_FIXED
			   : v->investigating ? DSTAT_UNDETERMINED
			   : v->not_affected  ? DSTAT_NOT_AFFECTED
					      : DSTAT_UNDETERMINED;
		if (f.status == DSTAT_FIXED) f.fixed_version = v->fixed;
		if (sink->distro_fix) rc = sink->distro_fix(sink->ctx, &f, e);
		(*count)++;
	}
	free(h);
	const char *date =
	    json_str(json_get(json_get(header, "document"), "tracking"), "current_release_date");
	if (rc == 0 && date && strlen(date) < 40 && sink->meta)
		rc = sink->meta(sink->ctx, "rhel.date", date, e);
	return rc;
}
