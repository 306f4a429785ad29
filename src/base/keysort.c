/* Introsort of 128-bit keys (keysort.h): quicksort with the median of
 * three, heapsort when the depth passes 2 log2 n, insertion sort below 16. */
#include "base/keysort.h"
#include <stdbool.h>
#include <string.h>

static inline bool less(const struct sortkey *a, const struct sortkey *b)
{
	return a->hi < b->hi || (a->hi == b->hi && a->lo < b->lo);
}

static inline void swap(struct sortkey *a, struct sortkey *b)
{
	struct sortkey t = *a;
	*a = *b;
	*b = t;
}

static void sift_down(struct sortkey *v, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		if (c >= n) return;
		if (c + 1 < n && less(&v[c], &v[c + 1])) c++;
		if (!less(&v[root], &v[c])) return;
		swap(&v[root], &v[c]);
		root = c;
	}
}

static void heap_sort(struct sortkey *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;) sift_down(v, i, n);
	for (size_t i = n; i-- > 1;) {
		swap(&v[0], &v[i]);
		sift_down(v, 0, i);
	}
}

static void insertion_sort(struct sortkey *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct sortkey x = v[i];
		size_t k = i;
		for (; k && less(&x, &v[k - 1]); k--) v[k] = v[k - 1];
		v[k] = x;
	}
}

static void intro_sort(struct sortkey *v, size_t n, unsigned depth)
{
	while (n > 16) {
		if (!depth--) {
			heap_sort(v, n);
			return;
		}
		/* the median of first, middle and last to the front as the pivot */
		size_t m = n / 2;
		if (less(&v[m], &v[0])) swap(&v[m], &v[0]);
		if (less(&v[n - 1], &v[0])) swap(&v[n - 1], &v[0]);
		if (less(&v[n - 1], &v[m])) swap(&v[n - 1], &v[m]);
		swap(&v[0], &v[m]);
		struct sortkey p = v[0];
		size_t i = 0, j = n;
		for (;;) { /* Hoare: [1, j] <= p <= [j + 1, n) */
			do i++;
			while (i < n && less(&v[i], &p));
			do j--;
			while (less(&p, &v[j]));
			if (i >= j) break;
			swap(&v[i], &v[j]);
		}
		swap(&v[0], &v[j]);
		/* the smaller side by recursion, the larger by the loop */
		if (j < n - j - 1) {
			intro_sort(v, j, depth);
			v += j + 1, n -= j + 1;
		} else {
			intro_sort(v + j + 1, n - j - 1, depth);
			n = j;
		}
	}
	insertion_sort(v, n);
}

void sortkeys(struct sortkey *v, size_t n)
{
	unsigned depth = 0;
	for (size_t m = n; m > 1; m >>= 1) depth += 2;
	intro_sort(v, n, depth);
}

uint64_t sortkey_double(double d)
{
	if (d == 0) d = 0; /* -0 as 0 */
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return u >> 63 ? ~u : u | (UINT64_C(1) << 63);
}

unsigned sortkey_bits(uint64_t max)
{
	unsigned b = 0;
	while (max) b++, max >>= 1;
	return b;
}
