/* Countries of addresses (geo.h) through libmaxminddb, in either layout. */
#include "flow/geo.h"
#include "base/util.h"
#include <ctype.h>
#include <errno.h>
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct geo {
	MMDB_s db;
	char about[160];
};

int geo_open(const char *path, struct geo **ret, struct dm_err *e)
{
	struct geo *g = xcalloc(1, sizeof(*g));
	int s = MMDB_open(path, MMDB_MODE_MMAP, &g->db);
	if (s != MMDB_SUCCESS) {
		free(g);
		if (s == MMDB_IO_ERROR) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno));
		return dm_fail(e, DM_EINPUT, "%s: not a MaxMind DB file: %s", path, MMDB_strerror(s));
	}
	char day[16] = "?";
	time_t built = (time_t)g->db.metadata.build_epoch;
	struct tm tm;
	if (gmtime_r(&built, &tm)) strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(g->about, sizeof(g->about), "%.100s built %s", g->db.metadata.database_type, day);
	*ret = g;
	return 0;
}

void geo_close(struct geo *g)
{
	if (!g) return;
	MMDB_close(&g->db);
	free(g);
}

const char *geo_describe(struct geo *g) { return g->about; }

static bool take(MMDB_entry_s *entry, char cc[3], const char *const *path)
{
	MMDB_entry_data_s d;
	if (MMDB_aget_value(entry, &d, path) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
		return false;
	if (!isalpha((unsigned char)d.utf8_string[0]) || !isalpha((unsigned char)d.utf8_string[1]))
		return false;
	cc[0] = (char)toupper((unsigned char)d.utf8_string[0]);
	cc[1] = (char)toupper((unsigned char)d.utf8_string[1]);
	cc[2] = 0;
	return true;
}

bool geo_country(struct geo *g, const struct ipaddr *a, char cc[3])
{
	struct sockaddr_storage ss;
	ipaddr_to_sockaddr(a, 0, &ss);
	int err = 0;
	MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&g->db, (struct sockaddr *)&ss, &err);
	if (err != MMDB_SUCCESS || !r.found_entry) return false;
	static const char *const flat[] = { "country_code", NULL };
	static const char *const maxmind[] = { "country", "iso_code", NULL };
	static const char *const registered[] = { "registered_country", "iso_code", NULL };
	return take(&r.entry, cc, flat) || take(&r.entry, cc, maxmind) || take(&r.entry, cc, registered);
}
