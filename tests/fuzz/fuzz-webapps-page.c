/* Fuzz target: a web page as a service sends it (headers, cookies,
 * chunked body, HTML tags), parsed and matched against a few rules of every
 * kind, and as bare HTML (a saved page). */
#include "fuzz.h"
#include "probe/webapps.h"

static const char rules[] =
    "{\"A\":{\"cats\":[1],\"cpe\":\"cpe:2.3:a:a:a:*:*:*:*:*:*:*:*\",\"meta\":{\"generator\":\"^A "
    "([\\\\d.]+)\\\\;version:\\\\1\"},"
    "\"implies\":\"B\"},\"B\":{\"cats\":[27],\"headers\":{\"X-Powered-By\":\"B/"
    "?([\\\\d.]+)?\\\\;version:\\\\1?\\\\1:x\"}},"
    "\"C\":{\"cats\":[1],\"cookies\":{\"c_[a-z]+\":\"\"},\"html\":[\"<div id=.c\\\\;confidence:50\"],"
    "\"scriptSrc\":\"c-([\\\\d.]+)\\\\.js\\\\;version:\\\\1\",\"scripts\":\"cv=([\\\\d.]+)\\\\;version:"
    "\\\\1\"},"
    "\"D\":{\"cats\":[1],\"url\":\"/d/\",\"requires\":\"A\",\"excludes\":\"C\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wa_db db;
	static bool loaded;
	struct dm_err e;
	if (!loaded) {
		if (wa_db_load_mem(&db, rules, sizeof(rules) - 1, "rules", &e) < 0) abort();
		loaded = true;
	}
	struct webpage pg;
	struct obs_service s;
	if (webpage_parse_http(data, size, &pg) == 0) {
		memset(&s, 0, sizeof(s));
		webapps_from_page(NULL, &db, &pg, &s);
		webpage_free(&pg);
	}
	webpage_parse_html(data, size, &pg);
	memset(&s, 0, sizeof(s));
	webapps_from_page(NULL, &db, &pg, &s);
	webpage_free(&pg);
	return 0;
}
