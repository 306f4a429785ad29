/* Interval sets of IPv4 addresses. */
#include "net/rangeset.h"
#include "base/util.h"
#include <string.h>

void rangeset_add(struct rangeset *s, uint32_t lo, uint32_t hi)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->r = xrealloc(s->r, s->cap * sizeof(*s->r));
	}
	s->r[s->n++] = (struct v4range){ MIN(lo, hi), MAX(lo, hi) };
	s->normalized = false;
}

static int cmp_range(const void *a, const void *b)
{
	const struct v4range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void rangeset_normalize(struct rangeset *s)
{
	if (s->n > 1) qsort(s->r, s->n, sizeof(*s->r), cmp_range);
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (w > 0 && (uint64_t)s->r[i].lo <= (uint64_t)s->r[w - 1].hi + 1) {
			if (s->r[i].hi > s->r[w - 1].hi) s->r[w - 1].hi = s->r[i].hi;
		} else {
			s->r[w++] = s->r[i];
		}
	}
	s->n = w;
	s->normalized = true;
}

void rangeset_subtract_one(struct rangeset *s, uint32_t lo, uint32_t hi)
{
	struct rangeset m = { 0 };
	rangeset_add(&m, lo, hi);
	m.normalized = true;
	rangeset_subtract(s, &m);
	rangeset_release(&m);
}

void rangeset_subtract(struct rangeset *s, const struct rangeset *minus)
{
	if (!s->normalized) rangeset_normalize(s);
	struct rangeset out = { 0 };
	size_t j = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t lo = s->r[i].lo, hi = s->r[i].hi;
		while (j < minus->n && minus->r[j].hi < lo) j++;
		for (size_t k = j; k < minus->n && minus->r[k].lo <= hi && lo <= hi; k++) {
			if (minus->r[k].lo > lo) rangeset_add(&out, (uint32_t)lo, minus->r[k].lo - 1);
			lo = (uint64_t)minus->r[k].hi + 1;
		}
		if (lo <= hi) rangeset_add(&out, (uint32_t)lo, (uint32_t)hi);
	}
	free(s->r);
	free(s->cum);
	*s = out;
	s->normalized = true;
}

void rangeset_index(struct rangeset *s)
{
	if (!s->normalized) rangeset_normalize(s);
	free(s->cum);
	s->cum = xmalloc((s->n + 1) * sizeof(*s->cum));
	uint64_t c = 0;
	for (size_t i = 0; i < s->n; i++) {
		s->cum[i] = c;
		c += (uint64_t)s->r[i].hi - s->r[i].lo + 1;
	}
	s->cum[s->n] = c;
	s->count = c;
}

uint32_t rangeset_select(const struct rangeset *s, uint64_t i)
{
	size_t lo = 0, hi = s->n; /* find last k with cum[k] <= i */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->cum[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return s->r[lo].lo + (uint32_t)(i - s->cum[lo]);
}

bool rangeset_contains(const struct rangeset *s, uint32_t a)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->r[mid].hi < a)
			lo = mid + 1;
		else if (s->r[mid].lo > a)
			hi = mid;
		else
			return true;
	}
	return false;
}

void rangeset_release(struct rangeset *s)
{
	free(s->r);
	free(s->cum);
	memset(s, 0, sizeof(*s));
}

bool rangeset_rank(const struct rangeset *s, uint32_t a, uint64_t *ret)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->r[mid].hi < a)
			lo = mid + 1;
		else if (s->r[mid].lo > a)
			hi = mid;
		else {
			*ret = s->cum[mid] + (a - s->r[mid].lo);
			return true;
		}
	}
	return false;
}
