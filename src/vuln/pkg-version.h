/* Package version ordering of the distributions, so that a banner's build
 * can be compared with the version a distribution fixed a CVE in: dpkg's
 * (Debian, Ubuntu: epoch, upstream, revision, '~' before everything) and
 * rpm's (Red Hat: epoch, version, release by rpmvercmp, '~' and '^'). */
#pragma once

/* <0, 0, >0 as a sorts before, with or after b in dpkg's order
 * ("[epoch:]upstream[-revision]"; a missing epoch is 0). */
int dpkg_version_cmp(const char *a, const char *b);
/* The same for rpm's "[epoch:]version[-release]" (EVR). */
int rpm_version_cmp(const char *a, const char *b);
/* rpm's segment comparison of one version or release string. */
int rpmvercmp(const char *a, const char *b);
