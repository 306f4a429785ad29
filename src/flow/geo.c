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

/* IPv4 answers are kept by network: the database answers for a whole
 * prefix (its lookup says how long), and flows meet the same networks over
 * and over. The tree's walk and the record's decoding for every flow were a
 * fifth of reading a conn.log. A network of /16 or wider is kept in its
 * /16's slot; a narrower one in a slot of a hash of its /24. */
struct geo_net {
	uint32_t net;
	uint8_t bits;  /* the prefix's length */
	uint8_t known; /* the slot holds an answer */
	uint8_t found; /* the database has a country for it */
	char cc[2];
};
enum { WIDE = 1 << 16, NARROW = 1 << 14 };

struct geo {
	MMDB_s db;
	char about[160];
	struct geo_net *wide, *narrow; /* allocated at the first IPv4 lookup */
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
	free(g->wide);
	free(g->narrow);
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

/* The database's answer; *bits: the length of the prefix it holds for
 * (IPv4: of the IPv4 address), -1 when it cannot be kept. */
static bool lookup(struct geo *g, const struct ipaddr *a, char cc[3], int *bits)
{
	struct sockaddr_storage ss;
	ipaddr_to_sockaddr(a, 0, &ss);
	int err = 0;
	*bits = -1;
	MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&g->db, (struct sockaddr *)&ss, &err);
	if (err != MMDB_SUCCESS) return false;
	/* an IPv6 database gives IPv6 prefix lengths: IPv4 starts 96 bits down */
	int n = r.netmask;
	if (g->db.metadata.ip_version == 6) n = n >= 96 ? n - 96 : 0;
	if (a->family == AF_INET && n <= 32) *bits = n;
	if (!r.found_entry) return false;
	static const char *const flat[] = { "country_code", NULL };
	static const char *const maxmind[] = { "country", "iso_code", NULL };
	static const char *const registered[] = { "registered_country", "iso_code", NULL };
	return take(&r.entry, cc, flat) || take(&r.entry, cc, maxmind) || take(&r.entry, cc, registered);
}

static bool answer(const struct geo_net *s, char cc[3])
{
	if (!s->found) return false;
	cc[0] = s->cc[0];
	cc[1] = s->cc[1];
	cc[2] = 0;
	return true;
}

bool geo_country(struct geo *g, const struct ipaddr *a, char cc[3])
{
	int bits;
	if (a->family != AF_INET) return lookup(g, a, cc, &bits);
	if (!g->wide) {
		g->wide = xcalloc(WIDE, sizeof(*g->wide));
		g->narrow = xcalloc(NARROW, sizeof(*g->narrow));
	}
	uint32_t v4 = a->v4;
	struct geo_net *w = &g->wide[v4 >> 16];
	if (w->known) return answer(w, cc);
	struct geo_net *n = &g->narrow[((v4 >> 8) * 2654435761u) >> 18];
	if (n->known && n->bits && (v4 & ~0u << (32 - n->bits)) == n->net) return answer(n, cc);
	char got[3] = "";
	bool found = lookup(g, a, got, &bits);
	if (bits >= 0) {
		struct geo_net *s = bits <= 16 ? w : n;
		*s = (struct geo_net){ .net = bits ? v4 & ~0u << (32 - bits) : 0,
				       .bits = (uint8_t)bits,
				       .known = 1,
				       .found = found,
				       .cc = { got[0], got[1] } };
	}
	if (found) memcpy(cc, got, 3);
	return found;
}
