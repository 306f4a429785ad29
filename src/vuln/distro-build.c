/* Telling a distribution's build, its release and its package version from
 * a banner, with the tables of data/vuln/distro-*.csv. */
#include "vuln/distro-build.h"
#include "base/escape.h"
#include "base/util.h"
#include "vuln/pkg-version.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Three comma-separated columns a line, '#' comments. */
static int load3(const char *path, struct distro_row **ret, size_t *ret_n, struct dm_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	char line[512];
	unsigned ln = 0;
	int r = 0;
	size_t cap = 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		ln++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#') continue;
		char *b = strchr(line, ','), *c = b ? strchr(b + 1, ',') : NULL;
		if (!c || strchr(c + 1, ',') || b == line || c == b + 1 || !c[1] || b - line >= 16 ||
		    c - b - 1 >= 128 || strlen(c + 1) >= 64) {
			r = dm_fail(e, DM_EINPUT, "%s:%u: expected three columns", path, ln);
			break;
		}
		if (*ret_n == cap) *ret = xrealloc(*ret, (cap = cap ? cap * 2 : 32) * sizeof(**ret));
		struct distro_row *row = &(*ret)[(*ret_n)++];
		snprintf(row->a, sizeof(row->a), "%.*s", (int)(b - line), line);
		snprintf(row->b, sizeof(row->b), "%.*s", (int)(c - b - 1), b + 1);
		snprintf(row->c, sizeof(row->c), "%s", c + 1);
	}
	fclose(f);
	return r;
}

int distro_tables_load(struct distro_tables *t, struct dm_err *e)
{
	*t = (struct distro_tables){ 0 };
	int r = load3(DISTRO_PACKAGES_PATH, &t->pkgs, &t->n_pkgs, e);
	if (r == 0) r = load3(DISTRO_RELEASES_PATH, &t->rels, &t->n_rels, e);
	if (r < 0) distro_tables_release(t);
	return r;
}

void distro_tables_release(struct distro_tables *t)
{
	free(t->pkgs);
	free(t->rels);
	*t = (struct distro_tables){ 0 };
}

const char *distro_release_by_number(const struct distro_tables *t, const char *distro, const char *number)
{
	for (size_t i = 0; i < t->n_rels; i++)
		if (!strcmp(t->rels[i].a, distro) && !strcmp(t->rels[i].c, number)) return t->rels[i].b;
	return NULL;
}

/* Red Hat's extended streams by their CPE product (rhel_eus) and the suffix
 * dormant names them with ("9.2-eus"). */
static const char *const rhel_streams[] = { "eus", "aus", "e4s", "tus" };

bool distro_extended_stream(const char *distro, const char *release, char *major, size_t n)
{
	if (strcmp(distro, "rhel")) return false;
	size_t ml = strspn(release, "0123456789");
	if (!ml || release[ml] != '.') return false;
	size_t nl = strspn(release + ml + 1, "0123456789");
	const char *kind = release + ml + 1 + nl;
	if (!nl || *kind != '-') return false;
	for (size_t i = 0; i < ARRAY_SIZE(rhel_streams); i++)
		if (!strcmp(kind + 1, rhel_streams[i])) {
			snprintf(major, n, "%.*s", (int)ml, release);
			return true;
		}
	return false;
}

bool distro_rhel_stream_release(const char *product, size_t pl, const char *version, char *out, size_t n)
{
	if (pl < 6 || strncmp(product, "rhel_", 5)) return false;
	for (size_t i = 0; i < ARRAY_SIZE(rhel_streams); i++) {
		if (pl != 5 + strlen(rhel_streams[i]) || strncmp(product + 5, rhel_streams[i], pl - 5))
			continue;
		size_t ml = strspn(version, "0123456789");
		if (!ml || version[ml] != '.') return false;
		size_t nl = strspn(version + ml + 1, "0123456789");
		if (!nl) return false;
		int w = snprintf(out, n, "%.*s-%s", (int)(ml + 1 + nl), version, rhel_streams[i]);
		return w > 0 && (size_t)w < n;
	}
	return false;
}

bool distro_release_known(const struct distro_tables *t, const char *distro, const char *release,
			  const char **canon)
{
	char major[16];
	if (distro_extended_stream(distro, release, major, sizeof(major))) {
		if (!distro_release_by_number(t, distro, major)) return false;
		*canon = release;
		return true;
	}
	for (size_t i = 0; i < t->n_rels; i++)
		if (!strcmp(t->rels[i].a, distro) &&
		    (!strcasecmp(t->rels[i].b, release) || !strcmp(t->rels[i].c, release))) {
			*canon = t->rels[i].b;
			return true;
		}
	return false;
}

const char *distro_package(const struct distro_tables *t, const char *distro, const char *vendor,
			   const char *product)
{
	char key[260];
	snprintf(key, sizeof(key), "%.127s:%.127s", vendor, product);
	const char *any = NULL;
	for (size_t i = 0; i < t->n_pkgs; i++) {
		if (strcmp(t->pkgs[i].b, key)) continue;
		if (!strcmp(t->pkgs[i].a, distro)) return t->pkgs[i].c;
		if (!strcmp(t->pkgs[i].a, "*") && !any) any = t->pkgs[i].c;
	}
	return any;
}

/* The word at p (up to a blank, ')' or ','). */
static void word(const char *p, char *out, size_t n)
{
	size_t l = strcspn(p, " \t\r\n),;");
	snprintf(out, n, "%.*s", (int)(l < n ? l : n - 1), p);
}

/* "deb12u3", "~deb12u1" -> "12"; "ubuntu0.22.04.1" -> "22.04"; ".el9_4" -> "9". */
static bool release_number(const char *distro, const char *rev, char *out, size_t n)
{
	const char *p;
	if (!strcmp(distro, "debian")) {
		for (p = rev; (p = strstr(p, "deb")); p += 3)
			if (isdigit((unsigned char)p[3])) {
				size_t d = strspn(p + 3, "0123456789");
				if (p[3 + d] == 'u' || p[3 + d] == 0 || p[3 + d] == '.') {
					snprintf(out, n, "%.*s", (int)d, p + 3);
					return true;
				}
			}
		return false;
	}
	if (!strcmp(distro, "ubuntu")) {
		/* a fix built for several releases names the one: 3ubuntu0.22.04.1, ~22.04 */
		for (p = rev; *p; p++)
			if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && p[2] == '.' &&
			    isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4]) &&
			    (p == rev || p[-1] == '.' || p[-1] == '~') && !isdigit((unsigned char)p[5])) {
				snprintf(out, n, "%.5s", p);
				return true;
			}
		return false;
	}
	if ((p = strstr(rev, "el")) && isdigit((unsigned char)p[2])) {
		snprintf(out, n, "%.*s", (int)strspn(p + 2, "0123456789"), p + 2);
		return true;
	}
	return false;
}

/* ".el9", "+el8.6.0" (a module build): Red Hat's release tag in a build. */
static const char *rhel_mark(const char *text)
{
	for (const char *p = text; (p = strstr(p, "el")); p++)
		if (p > text && (p[-1] == '.' || p[-1] == '+') && isdigit((unsigned char)p[2])) return p - 1;
	return NULL;
}

int distro_build_parse(const struct distro_tables *t, const char *text, const char *vendor,
		       const char *product, const char *upstream, struct distro_build *b)
{
	memset(b, 0, sizeof(*b));
	if (!text || !upstream || !*upstream) return 0;
	const char *p;
	if ((p = strstr(text, "Debian-")) || (p = strstr(text, "Raspbian-"))) {
		snprintf(b->distro, sizeof(b->distro), "debian");
		word(strchr(p, '-') + 1, b->revision, sizeof(b->revision));
	} else if ((p = strstr(text, "Ubuntu-"))) {
		snprintf(b->distro, sizeof(b->distro), "ubuntu");
		word(p + 7, b->revision, sizeof(b->revision));
	} else if ((p = rhel_mark(text))) {
		/* "8.7p1-38.el9_4.1": the revision is the word's part after its last '-' */
		const char *s = p;
		while (s > text && !isspace((unsigned char)s[-1]) && s[-1] != '-') s--;
		snprintf(b->distro, sizeof(b->distro), "rhel");
		word(s, b->revision, sizeof(b->revision));
	} else if (strstr(text, "(Debian)") || strstr(text, "Debian")) {
		snprintf(b->distro, sizeof(b->distro), "debian");
	} else if (strstr(text, "(Ubuntu)") || strstr(text, "Ubuntu")) {
		snprintf(b->distro, sizeof(b->distro), "ubuntu");
	} else if (strstr(text, "Red Hat") || strstr(text, "(RHEL)")) {
		snprintf(b->distro, sizeof(b->distro), "rhel");
	} else {
		return 0;
	}
	const char *pkg = distro_package(t, b->distro, vendor, product);
	if (!pkg) return 0;
	snprintf(b->package, sizeof(b->package), "%s", pkg);
	snprintf(b->upstream, sizeof(b->upstream), "%s", upstream);
	/* "8.7p1-38.el9_4.1" as the version: the upstream is what precedes the revision */
	size_t ul = strlen(b->upstream), rl = strlen(b->revision);
	if (rl && ul > rl + 1 && !strcmp(b->upstream + ul - rl, b->revision) &&
	    b->upstream[ul - rl - 1] == '-')
		b->upstream[ul - rl - 1] = 0;
	char num[16];
	const char *rel;
	if (b->revision[0] && release_number(b->distro, b->revision, num, sizeof(num)) &&
	    (rel = distro_release_by_number(t, b->distro, num))) {
		snprintf(b->release, sizeof(b->release), "%s", rel);
		snprintf(b->release_from, sizeof(b->release_from), "the build's revision %s", b->revision);
	}
	return 1;
}

bool distro_from_os_cpe(const struct distro_tables *t, const char *cpe, char *distro, size_t dn,
			char *release, size_t rn)
{
	static const struct {
		const char *vp, *distro;
	} os[] = { { "o:debian:debian_linux:", "debian" },
		   { "o:canonical:ubuntu_linux:", "ubuntu" },
		   { "o:redhat:enterprise_linux:", "rhel" } };
	/* an extended stream's OS: cpe:/o:redhat:rhel_eus:9.2 */
	const char *x = cpe ? strstr(cpe, "o:redhat:rhel_") : NULL;
	if (x) {
		const char *prod = x + 9, *colon = strchr(prod, ':');
		char rel[32], major[16];
		if (!colon ||
		    !distro_rhel_stream_release(prod, (size_t)(colon - prod), colon + 1, rel, sizeof(rel)) ||
		    !distro_extended_stream("rhel", rel, major, sizeof(major)) ||
		    !distro_release_by_number(t, "rhel", major))
			return false;
		snprintf(distro, dn, "rhel");
		snprintf(release, rn, "%s", rel);
		return true;
	}
	for (size_t i = 0; cpe && i < ARRAY_SIZE(os); i++) {
		const char *p = strstr(cpe, os[i].vp);
		if (!p) continue;
		p += strlen(os[i].vp);
		char num[16];
		size_t l = strspn(p, "0123456789.");
		if (!l || l >= sizeof(num)) return false;
		snprintf(num, sizeof(num), "%.*s", (int)l, p);
		if (!strcmp(os[i].distro, "rhel") || !strcmp(os[i].distro, "debian"))
			num[strspn(num, "0123456789")] = 0; /* the major release */
		const char *rel = distro_release_by_number(t, os[i].distro, num);
		if (!rel) return false;
		snprintf(distro, dn, "%s", os[i].distro);
		snprintf(release, rn, "%s", rel);
		return true;
	}
	return false;
}

void distro_build_version(const struct distro_build *b, const char *like, bool with_revision, char *out,
			  size_t n)
{
	char ep[16];
	if (!like) {
		snprintf(ep, sizeof(ep), "%s%s", b->epoch, b->epoch[0] ? ":" : "");
		like = ep;
	}
	const char *colon = strchr(like, ':');
	int el = colon && strspn(like, "0123456789") == (size_t)(colon - like) ? (int)(colon - like) : 0;
	if (with_revision && b->revision[0])
		snprintf(out, n, "%.*s%s%s-%s", el, like, el ? ":" : "", b->upstream, b->revision);
	else
		snprintf(out, n, "%.*s%s%s", el, like, el ? ":" : "", b->upstream);
}

bool distro_release_refines(const char *distro, const char *build_release, const char *release)
{
	char major[16];
	return build_release[0] && distro_extended_stream(distro, release, major, sizeof(major)) &&
	       !strcmp(major, build_release);
}

void distro_build_json(struct buf *out, const struct distro_build *b)
{
	buf_puts(out, ",\"distribution\":{\"name\":");
	json_put_str(out, b->distro);
	buf_puts(out, ",\"release\":");
	json_put_str(out, b->release);
	buf_puts(out, ",\"package\":");
	json_put_str(out, b->package);
	buf_puts(out, ",\"upstream\":");
	json_put_str(out, b->upstream);
	buf_puts(out, ",\"revision\":");
	json_put_str(out, b->revision);
	if (b->release_from[0]) buf_puts(out, ",\"release_from\":"), json_put_str(out, b->release_from);
	buf_putc(out, '}');
}

int distro_version_cmp(const char *distro, const char *a, const char *b)
{
	return !strcmp(distro, "rhel") ? rpm_version_cmp(a, b) : dpkg_version_cmp(a, b);
}

void distro_upstream_of(const char *version, char *out, size_t n)
{
	const char *colon = strchr(version, ':');
	if (colon && strspn(version, "0123456789") == (size_t)(colon - version)) version = colon + 1;
	const char *dash = strrchr(version, '-');
	size_t l = dash ? (size_t)(dash - version) : strlen(version);
	snprintf(out, n, "%.*s", (int)(l < n ? l : n - 1), version);
}
