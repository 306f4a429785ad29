/* Countries of addresses from a MaxMind-format database (libmaxminddb).
 * Both layouts work: MaxMind's GeoLite2/GeoIP2 (country.iso_code, or
 * registered_country.iso_code when only that is known) and the flat
 * country_code of the ip-location-db databases. */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "net/addr.h"

struct geo;

/* The database scripts/deps installs, used when the config names none. */
#define GEO_DEFAULT_PATH "/usr/local/share/dormant/geo-whois-asn-country.mmdb"

int geo_open(const char *path, struct geo **ret, struct dm_err *e);
void geo_close(struct geo *g);
/* Fills cc with an upper-case ISO code; false when the database has none.
 * Keeps IPv4 answers by network: one thread at a time per struct geo. */
bool geo_country(struct geo *g, const struct ipaddr *a, char cc[3]);
/* The database's own description of itself (type and build date). */
const char *geo_describe(struct geo *g);
