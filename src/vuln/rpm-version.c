/* rpm's version ordering (rpmvercmp of rpm 4.15+): alphanumeric segments
 * compared one by one, numbers as numbers and before letters, '~' sorting
 * before anything (pre-releases) and '^' after the end but before any
 * other segment (snapshots); then EVR: epoch, version, release. */
#include "vuln/pkg-version.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int rpmvercmp(const char *a, const char *b)
{
	if (!strcmp(a, b)) return 0;
	const char *one = a, *two = b;
	while (*one || *two) {
		while (*one && !isalnum((unsigned char)*one) && *one != '~' && *one != '^') one++;
		while (*two && !isalnum((unsigned char)*two) && *two != '~' && *two != '^') two++;
		if (*one == '~' || *two == '~') {
			if (*one != '~') return 1;
			if (*two != '~') return -1;
			one++, two++;
			continue;
		}
		if (*one == '^' || *two == '^') {
			if (!*one) return -1;
			if (!*two) return 1;
			if (*one != '^') return 1;
			if (*two != '^') return -1;
			one++, two++;
			continue;
		}
		if (!(*one && *two)) break;
		const char *s1 = one, *s2 = two;
		bool isnum = isdigit((unsigned char)*s1);
		if (isnum) {
			while (isdigit((unsigned char)*one)) one++;
			while (isdigit((unsigned char)*two)) two++;
		} else {
			while (isalpha((unsigned char)*one)) one++;
			while (isalpha((unsigned char)*two)) two++;
		}
		/* A number against letters: the number is newer. */
		if (two == s2) return isnum ? 1 : -1;
		if (isnum) {
			while (s1 < one && *s1 == '0') s1++;
			while (s2 < two && *s2 == '0') s2++;
			if (one - s1 != two - s2) return one - s1 > two - s2 ? 1 : -1;
		}
		size_t n1 = (size_t)(one - s1), n2 = (size_t)(two - s2);
		int rc = strncmp(s1, s2, n1 < n2 ? n1 : n2);
		if (rc) return rc < 0 ? -1 : 1;
		if (n1 != n2) return n1 < n2 ? -1 : 1;
	}
	if (!*one && !*two) return 0;
	return *one ? 1 : -1;
}

/* "[epoch:]version[-release]" into its parts, in buf. */
static void split(const char *evr, char *buf, size_t n, unsigned long *epoch, const char **ver,
		  const char **rel)
{
	const char *colon = strchr(evr, ':');
	*epoch = 0;
	if (colon && colon > evr && strspn(evr, "0123456789") == (size_t)(colon - evr)) {
		*epoch = strtoul(evr, NULL, 10);
		evr = colon + 1;
	}
	size_t len = strlen(evr);
	if (len >= n) len = n - 1;
	memcpy(buf, evr, len);
	buf[len] = 0;
	char *dash = strrchr(buf, '-');
	*ver = buf;
	*rel = NULL;
	if (dash) {
		*dash = 0;
		*rel = dash + 1;
	}
}

int rpm_version_cmp(const char *a, const char *b)
{
	char ba[256], bb[256];
	unsigned long ea, eb;
	const char *va, *vb, *ra, *rb;
	split(a ? a : "", ba, sizeof(ba), &ea, &va, &ra);
	split(b ? b : "", bb, sizeof(bb), &eb, &vb, &rb);
	if (ea != eb) return ea < eb ? -1 : 1;
	int r = rpmvercmp(va, vb);
	if (r || !ra || !rb) return r;
	return rpmvercmp(ra, rb);
}
