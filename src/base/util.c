/* Allocation wrappers that turn exhaustion into a clean abort message. */
#include "base/util.h"
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static void oom(void)
{
	fputs("dormant: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) oom();
	return p;
}

void *xreserve(size_t n)
{
	size_t align = (size_t)2 << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	n = (n + page - 1) & ~(page - 1);
	uint8_t *m =
	    mmap(NULL, n + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) oom();
	uint8_t *p = (uint8_t *)(((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1));
	if (p > m) munmap(m, (size_t)(p - m));
	if (m + n + align > p + n) munmap(p + n, (size_t)(m + n + align - (p + n)));
	return p;
}

void xunreserve(void *p, size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (p) munmap(p, (n + page - 1) & ~(page - 1));
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p) oom();
	return p;
}

unsigned fd_budget(unsigned want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) return want;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur == RLIM_INFINITY || want + 64 <= rl.rlim_cur) return want;
	return rl.rlim_cur > 128 ? (unsigned)(rl.rlim_cur - 64) : 32;
}

void fmt_bytes(uint64_t n, char *out, size_t len)
{
	if (n >= 10000000000ull)
		snprintf(out, len, "%.0f GB", n / 1e9);
	else if (n >= 1000000000ull)
		snprintf(out, len, "%.1f GB", n / 1e9);
	else if (n >= 1000000)
		snprintf(out, len, "%.1f MB", n / 1e6);
	else if (n >= 1000)
		snprintf(out, len, "%.1f kB", n / 1e3);
	else
		snprintf(out, len, "%llu B", (unsigned long long)n);
}

bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; n && (p = strstr(p, item)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) return true;
	return false;
}
