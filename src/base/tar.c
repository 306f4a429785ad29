/* ustar writer and checked reader for the vulndb bundle (base/tar.h).
 * Only what a bundle holds: regular files, short names, no extensions. */
#include "base/tar.h"
#include "base/util.h"
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define BLOCK 512

static unsigned checksum(const unsigned char *h)
{
	unsigned sum = 0;
	for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum;
}

int tar_put(FILE *f, const char *name, const void *data, size_t len, time_t mtime, struct dm_err *e)
{
	unsigned char h[BLOCK] = { 0 };
	size_t nl = strlen(name);
	if (nl == 0 || nl >= 100) return dm_fail(e, DM_EINPUT, "%s: name too long for a bundle", name);
	memcpy(h, name, nl);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	if ((uint64_t)len > 077777777777ull)
		return dm_fail(e, DM_ETOOBIG, "%s: too large for a bundle", name);
	char num[24];
	snprintf(num, sizeof(num), "%011" PRIo64, (uint64_t)len);
	memcpy(h + 124, num, 12);
	snprintf(num, sizeof(num), "%011" PRIo64, (uint64_t)((mtime > 0 ? mtime : 0) & 077777777777));
	memcpy(h + 136, num, 12);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	snprintf((char *)h + 148, 8, "%06o", checksum(h));
	h[155] = ' ';
	static const unsigned char zero[BLOCK];
	size_t pad = (BLOCK - len % BLOCK) % BLOCK;
	if (fwrite(h, 1, BLOCK, f) != BLOCK || (len && fwrite(data, 1, len, f) != len) ||
	    (pad && fwrite(zero, 1, pad, f) != pad))
		return dm_fail(e, -errno, "%s: cannot write: %s", name, strerror(errno));
	return 0;
}

int tar_end(FILE *f, struct dm_err *e)
{
	static const unsigned char zero[2 * BLOCK];
	if (fwrite(zero, 1, sizeof(zero), f) != sizeof(zero))
		return dm_fail(e, -errno, "cannot end the archive: %s", strerror(errno));
	return 0;
}

/* An octal field: digits, then NULs or spaces; false when anything else. */
static bool octal(const unsigned char *p, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && p[i] == ' ') i++;
	size_t digits = 0;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
		if (v >> 60) return false;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != 0 && p[i] != ' ') return false;
	*ret = v;
	return digits > 0;
}

int tar_is_header(const void *p, size_t len)
{
	const unsigned char *h = p;
	uint64_t sum;
	return len >= BLOCK && !memcmp(h + 257, "ustar", 5) && octal(h + 148, 8, &sum) && sum == checksum(h);
}

int tar_read(FILE *f, const char *what, size_t max, tar_member_fn fn, void *ctx, struct dm_err *e)
{
	unsigned char h[BLOCK];
	uint64_t off = 0;
	int members = 0;
	for (;;) {
		size_t got = fread(h, 1, BLOCK, f);
		if (got != BLOCK)
			return dm_fail(e, DM_EINPUT,
				       "%s: byte %" PRIu64 ": the archive ends inside a header%s", what, off,
				       members ? "" : " (not a bundle?)");
		static const unsigned char zero[BLOCK];
		if (!memcmp(h, zero, BLOCK)) return members;
		if (!tar_is_header(h, BLOCK))
			return dm_fail(e, DM_EINPUT,
				       "%s: byte %" PRIu64 ": not a ustar header (bad checksum)", what, off);
		uint64_t size;
		if (!octal(h + 124, 12, &size))
			return dm_fail(e, DM_EINPUT, "%s: byte %" PRIu64 ": bad member size", what, off);
		if (h[156] != '0' && h[156] != 0)
			return dm_fail(e, DM_EINPUT, "%s: byte %" PRIu64 ": member is not a regular file",
				       what, off);
		char name[101];
		memcpy(name, h, 100);
		name[100] = 0;
		if (!name[0] || h[345])
			return dm_fail(e, DM_EINPUT, "%s: byte %" PRIu64 ": unexpected member name", what,
				       off);
		if (size > max)
			return dm_fail(e, DM_ETOOBIG,
				       "%s: byte %" PRIu64 ": member %s is larger than %zu bytes", what, off,
				       name, max);
		size_t padded = (size_t)size + (BLOCK - size % BLOCK) % BLOCK;
		unsigned char *data = xmalloc(padded + 1);
		got = padded ? fread(data, 1, padded, f) : 0;
		if (got != padded) {
			free(data);
			return dm_fail(e, DM_EINPUT, "%s: byte %" PRIu64 ": member %s is cut short", what,
				       off, name);
		}
		data[size] = 0;
		int r = fn(ctx, name, data, (size_t)size, e);
		free(data);
		if (r < 0) return r;
		members++;
		off += BLOCK + padded;
	}
}
