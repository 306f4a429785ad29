#include "base/sort-appended.h"
#include "base/util.h"
#include <stdlib.h>
#include <string.h>

void sort_appended(void *v, size_t n, size_t sorted, size_t size, int (*cmp)(const void *, const void *))
{
	if (sorted > n) sorted = 0; /* not what the caller holds: sorted whole */
	size_t tail = n - sorted;
	if (!tail) return;
	char *a = v;
	qsort(a + sorted * size, tail, size, cmp);
	/* nothing of the front after the tail's first: in place already */
	if (!sorted || cmp(a + (sorted - 1) * size, a + sorted * size) <= 0) return;
	char *t = xmalloc(tail * size);
	memcpy(t, a + sorted * size, tail * size);
	size_t i = sorted, j = tail, k = n; /* from the back: the larger, the tail's on a tie */
	while (j) {
		if (i && cmp(a + (i - 1) * size, t + (j - 1) * size) > 0) {
			i--;
			memcpy(a + --k * size, a + i * size, size);
		} else {
			j--;
			memcpy(a + --k * size, t + j * size, size);
		}
	}
	free(t);
}
