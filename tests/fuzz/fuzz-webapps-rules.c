/* Fuzz target: a Wappalyzer technologies file (the rules are read at run
 * time from a file anyone with write access to the data directory could
 * change), then the rules matched against a page that exercises every part. */
#include "fuzz.h"
#include "probe/wappalyzer.h"

static const char page[] = "HTTP/1.1 200 OK\r\nServer: Apache/2.4\r\nX-Powered-By: PHP/8.2\r\n"
			   "Set-Cookie: sid=1\r\n\r\n<title>t</title><meta name=generator content=\"X 1.0\">"
			   "<script src=/a.js></script><script>var a=1;</script>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_db db = { 0 };
	struct dm_err e;
	if (wa_db_load_mem(&db, (const char *)data, size, "fuzz.json", &e) == 0) {
		struct webpage pg;
		if (webpage_parse_http((const uint8_t *)page, sizeof(page) - 1, &pg) == 0) {
			snprintf(pg.url, sizeof(pg.url), "http://127.0.0.1/index.php");
			struct wa_hit h[8];
			wa_match(&db, &pg, 0, h, 8);
			webpage_free(&pg);
		}
	}
	wa_db_release(&db);
	return 0;
}
