/* A distribution's build seen in a banner ("OpenSSH_9.2p1 Debian-2+deb12u10",
 * "Apache/2.4.62 (Debian)", "8.7p1-38.el9_4.1"): which distribution, which
 * release (from the build, or from a hint), which source package and which
 * package version, so that the distribution's own security data can say
 * whether a CVE is fixed in it. The product -> source package map and the
 * release names are data (data/vuln/distro-packages.csv, distro-releases.csv). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/buf.h"
#include "base/datadir.h"
#include "base/err.h"

struct distro_row {
	char a[16], b[128], c[64];
};

struct distro_tables {
	struct distro_row *pkgs, *rels; /* distro,vendor:product,package; distro,release,number */
	size_t n_pkgs, n_rels;
};

#define DISTRO_PACKAGES_PATH dm_data("vuln/distro-packages.csv")
#define DISTRO_RELEASES_PATH dm_data("vuln/distro-releases.csv")

int distro_tables_load(struct distro_tables *t, struct dm_err *e);
void distro_tables_release(struct distro_tables *t);
/* "bookworm" for debian 12, "jammy" for ubuntu 22.04; NULL when unknown. */
const char *distro_release_by_number(const struct distro_tables *t, const char *distro, const char *number);
/* true when release names one of distro's releases (by name or number, or
 * a Red Hat extended stream of a known major release: "9.2-eus"); sets
 * *canon to the name. */
bool distro_release_known(const struct distro_tables *t, const char *distro, const char *release,
			  const char **canon);
/* Red Hat's extended update streams (EUS, AUS, E4S, TUS) are releases of
 * their own, "MAJOR.MINOR-eus": their fixes are builds of that minor release
 * (8.7p1-30.el9_2.4), older than the main stream's. true and the major
 * release when release names one. */
bool distro_extended_stream(const char *distro, const char *release, char *major, size_t n);
/* The release of a Red Hat CPE product of pl bytes (rhel_eus) and version
 * ("9.2", "9.2.0.z"): "9.2-eus"; false for any other product. */
bool distro_rhel_stream_release(const char *product, size_t pl, const char *version, char *out, size_t n);
/* true when release (an extended stream, "9.2-eus") narrows the release a
 * build names (its major, "9"): a hint that may replace it. */
bool distro_release_refines(const char *distro, const char *build_release, const char *release);
/* The source package of vendor:product in distro, NULL when not mapped. */
const char *distro_package(const struct distro_tables *t, const char *distro, const char *vendor,
			   const char *product);

struct distro_build {
	char distro[16];   /* debian, ubuntu, rhel */
	char release[32];  /* bookworm, jammy, 9; "" when not told */
	char package[64];  /* the source package */
	char upstream[64]; /* the upstream version ("9.2p1") */
	char revision[96]; /* the distribution's revision ("2+deb12u10"); "" when the banner shows none */
	char release_from[160]; /* how the release was told, for --explain */
	char epoch[8];          /* the package's epoch in the distribution's data ("1"), "" none or unknown */
};

/* 1 and *b when text (a banner and the service's version) shows a build of
 * a distribution whose package for vendor:product is known; 0 when not.
 * upstream: the service's version with its suffix ("9.2p1"). */
int distro_build_parse(const struct distro_tables *t, const char *text, const char *vendor,
		       const char *product, const char *upstream, struct distro_build *b);
/* The distribution and release an OS CPE names (cpe:/o:debian:debian_linux:12,
 * cpe:2.3:o:canonical:ubuntu_linux:22.04...): true when known. */
bool distro_from_os_cpe(const struct distro_tables *t, const char *cpe, char *distro, size_t dn,
			char *release, size_t rn);
/* The build's package version for comparisons: "upstream-revision" with
 * the epoch of like (a version from the distribution's data, whose epoch
 * the banner never shows; NULL: b->epoch); with_revision false or no
 * revision gives "epoch:upstream". */
void distro_build_version(const struct distro_build *b, const char *like, bool with_revision, char *out,
			  size_t n);
/* ,"distribution":{...} of a match's JSON: the one writer of a build. */
void distro_build_json(struct buf *out, const struct distro_build *b);
/* The package version ordering of distro (dpkg for Debian and Ubuntu, rpm for Red Hat). */
int distro_version_cmp(const char *distro, const char *a, const char *b);
/* "1:9.2p1-2+deb12u3" -> "9.2p1": the upstream version without epoch and revision. */
void distro_upstream_of(const char *version, char *out, size_t n);
