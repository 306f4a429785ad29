/* CVE identifiers as integers. */
#include "model/vuln.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int64_t cve_number(const char *id)
{
	unsigned year;
	unsigned long long seq;
	char tail;
	if (!id || strncasecmp(id, "CVE-", 4) || strlen(id) > 20) return -1;
	if (!isdigit((unsigned char)id[4]) || !isdigit((unsigned char)id[9]) || id[8] != '-') return -1;
	if (sscanf(id + 4, "%4u-%llu%c", &year, &seq, &tail) != 2 || year < 1988 || year > 2999 ||
	    seq >= 100000000ULL)
		return -1;
	return (int64_t)year * 100000000LL + (int64_t)seq;
}

void cve_format(int64_t num, char *out, size_t n)
{
	snprintf(out, n, "CVE-%lld-%04lld", (long long)(num / 100000000LL), (long long)(num % 100000000LL));
}

const char *distro_status_name(enum distro_status s)
{
	switch (s) {
	case DSTAT_FIXED: return "fixed";
	case DSTAT_OPEN: return "open";
	case DSTAT_NOT_AFFECTED: return "not-affected";
	case DSTAT_UNDETERMINED: return "undetermined";
	}
	return "?";
}

enum distro_status distro_status_parse(const char *s)
{
	for (int i = DSTAT_FIXED; i <= DSTAT_UNDETERMINED; i++)
		if (s && !strcmp(s, distro_status_name((enum distro_status)i))) return (enum distro_status)i;
	return 0;
}
