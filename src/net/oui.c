/* Parser of the IEEE OUI text registry: lines "XX-XX-XX   (hex)\t\tVendor". */
#include "net/oui.h"
#include "base/util.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct entry {
	uint32_t prefix;
	char *vendor;
};

static int cmp_entry(const void *a, const void *b)
{
	uint32_t x = ((const struct entry *)a)->prefix, y = ((const struct entry *)b)->prefix;
	return x < y ? -1 : x > y;
}

int oui_load(struct oui_db *db, const char *path, struct dm_err *e)
{
	memset(db, 0, sizeof(*db));
	_cleanup_fclose_ FILE *f = fopen(path, "r");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		unsigned a, b, c;
		char *hex = strstr(line, "(hex)");
		if (!hex || sscanf(line, "%2x-%2x-%2x", &a, &b, &c) != 3) continue;
		char *name = hex + 5;
		name += strspn(name, " \t");
		name[strcspn(name, "\r\n")] = 0;
		if (!*name) continue;
		if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 4096) * sizeof(*v));
		v[n++] = (struct entry){ a << 16 | b << 8 | c, xstrdup(name) };
	}
	if (n > 1) qsort(v, n, sizeof(*v), cmp_entry);
	db->prefix = xmalloc((n ? n : 1) * sizeof(*db->prefix));
	db->vendor = xmalloc((n ? n : 1) * sizeof(*db->vendor));
	for (size_t i = 0; i < n; i++) db->prefix[i] = v[i].prefix, db->vendor[i] = v[i].vendor;
	db->n = n;
	free(v);
	return n ? 0 : dm_fail(e, DM_EINPUT, "%s: no OUI assignments found", path);
}

const char *oui_vendor(const struct oui_db *db, const uint8_t mac[6])
{
	if (!db || !db->n || oui_mac_is_local(mac)) return NULL; /* no registry entry */
	uint32_t key = (uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2];
	size_t lo = 0, hi = db->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (db->prefix[mid] < key)
			lo = mid + 1;
		else if (db->prefix[mid] > key)
			hi = mid;
		else
			return db->vendor[mid];
	}
	return NULL;
}

void oui_release(struct oui_db *db)
{
	for (size_t i = 0; i < db->n; i++) free(db->vendor[i]);
	free(db->prefix);
	free(db->vendor);
	memset(db, 0, sizeof(*db));
}
