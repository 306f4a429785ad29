/* CPE 2.3 names (NISTIR 7695): the formatted-string binding
 * ("cpe:2.3:a:openbsd:openssh:7.7:p1:*:*:*:*:*:*") and the 2.2 URI binding
 * ("cpe:/a:openbsd:openssh:7.7p1"), and name matching by NISTIR 7696.
 * Attribute values are kept as in the formatted string: quoted characters
 * keep their backslash, "*" is ANY, "-" is NA, and an unquoted * or ? in a
 * source name is a wildcard. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum cpe_attr {
	CPE_PART,
	CPE_VENDOR,
	CPE_PRODUCT,
	CPE_VERSION,
	CPE_UPDATE,
	CPE_EDITION,
	CPE_LANGUAGE,
	CPE_SW_EDITION,
	CPE_TARGET_SW,
	CPE_TARGET_HW,
	CPE_OTHER,
	CPE_NATTR
};

struct cpe {
	char v[CPE_NATTR][128];
};

/* Parses either binding; 0 or DM_EINPUT (bad prefix, part, count or escape). */
int cpe_parse(const char *s, struct cpe *ret);
void cpe_format(const struct cpe *c, char *out, size_t n);
/* The 2.2 URI form that nmap's XML carries (cpe:/a:vendor:product:version[:update]). */
void cpe_format_uri(const struct cpe *c, char *out, size_t n);
/* Sets an attribute from plain text, quoting what the binding requires
 * (lower-cased; empty text means ANY). */
void cpe_set(struct cpe *c, enum cpe_attr a, const char *text);
void cpe_init(struct cpe *c); /* every attribute ANY */

enum cpe_relation { CPE_DISJOINT = 0, CPE_SUBSET, CPE_SUPERSET, CPE_EQUAL };
/* NISTIR 7696 attribute comparison; undefined outcomes count as disjoint. */
enum cpe_relation cpe_compare_attr(const char *source, const char *target);
/* Name match: every attribute of source is a superset of or equal to target's. */
bool cpe_matches(const struct cpe *source, const struct cpe *target);
/* An attribute as plain text: backslash quoting removed. */
void cpe_unquote(const char *v, char *out, size_t n);
