/* Sorting an array whose front is sorted already and whose tail was
 * appended since: the traffic state's records of a 14-day window were
 * sorted whole every judged hour for the hour's few new ones. Only the
 * tail is sorted, then merged in from the back, so the front moves only
 * past where the tail's first record lands. */
#pragma once
#include <stddef.h>

/* v[0, sorted) in cmp's order; v[0, n) left in cmp's order, as a stable
 * sort of the whole would leave it (on equal keys the front's record
 * first, then the tail's in their stable-sorted order), given qsort is
 * stable (glibc's merge sort). */
void sort_appended(void *v, size_t n, size_t sorted, size_t size, int (*cmp)(const void *, const void *));
