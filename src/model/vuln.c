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
