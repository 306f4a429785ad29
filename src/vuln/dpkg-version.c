/* dpkg's version ordering (deb-version(7)): epochs compare as numbers,
 * then upstream and revision by verrevcmp: runs of non-digits letter by
 * letter, letters before other characters and '~' before even the end,
 * then runs of digits as numbers. */
#include "vuln/pkg-version.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int order(int c)
{
	if (isdigit(c)) return 0;
	if (isalpha(c)) return c;
	if (c == '~') return -1;
	if (c) return c + 256;
	return 0;
}

/* Compares [a, ae) with [b, be). */
static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		int first_diff = 0;
		while ((a < ae && !isdigit((unsigned char)*a)) || (b < be && !isdigit((unsigned char)*b))) {
			int ac = a < ae ? order((unsigned char)*a) : 0;
			int bc = b < be ? order((unsigned char)*b) : 0;
			if (ac != bc) return ac - bc;
			a += a < ae;
			b += b < be;
		}
		while (a < ae && *a == '0') a++;
		while (b < be && *b == '0') b++;
		while (a < ae && b < be && isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff) first_diff = *a - *b;
			a++, b++;
		}
		if (a < ae && isdigit((unsigned char)*a)) return 1;
		if (b < be && isdigit((unsigned char)*b)) return -1;
		if (first_diff) return first_diff;
	}
	return 0;
}

struct dver {
	unsigned long epoch;
	const char *up, *up_end, *rev, *rev_end;
};

static void split(const char *v, struct dver *d)
{
	const char *colon = strchr(v, ':');
	d->epoch = 0;
	if (colon) {
		d->epoch = strtoul(v, NULL, 10);
		v = colon + 1;
	}
	const char *end = v + strlen(v), *dash = strrchr(v, '-');
	d->up = v;
	d->up_end = dash ? dash : end;
	d->rev = dash ? dash + 1 : end;
	d->rev_end = end;
}

int dpkg_version_cmp(const char *a, const char *b)
{
	struct dver x, y;
	split(a ? a : "", &x);
	split(b ? b : "", &y);
	if (x.epoch != y.epoch) return x.epoch < y.epoch ? -1 : 1;
	int r = verrevcmp(x.up, x.up_end, y.up, y.up_end);
	if (r) return r < 0 ? -1 : 1;
	r = verrevcmp(x.rev, x.rev_end, y.rev, y.rev_end);
	return r < 0 ? -1 : r > 0;
}
