/* `vulndb fetch` for the distributions' paged and per-CVE feeds (Debian's
 * tracker is one file, fetched like KEV): Ubuntu's CVE JSON page by page
 * (offset and limit, as ubuntu.com/security/cves.json pages), and Red
 * Hat's CSAF VEX files listed in its changes.csv as changed since the last
 * fetch. Every answer is checked as the importer reads it before it is
 * kept; the state file records each page and file, so an interrupted
 * fetch goes on where it stopped. */
#include "pipeline/vulndb.h"
#include "pipeline/vulndb-fetch.h"
#include "base/http.h"
#include "base/json.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <ctype.h>
#include <string.h>

enum { UBUNTU_PAGE_MAX = 100 }; /* the API's largest limit */

struct page_count {
	double total;
	bool have;
	uint64_t records;
};

static int on_cve(void *ctx, const struct json *rec, const struct json *h, uint64_t off, struct dm_err *e)
{
	(void)rec, (void)off, (void)e;
	struct page_count *p = ctx;
	if (!h && json_get(rec, "total_results"))
		h = rec; /* the whole answer, read as one */
	else
		p->records++;
	if (!p->have && h) p->have = json_num(h, "total_results", &p->total);
	return 0;
}

int fetch_ubuntu(struct fetcher *F, struct dm_err *e)
{
	struct fetch_state *s = &F->s;
	unsigned page = F->o->page_size < UBUNTU_PAGE_MAX ? F->o->page_size
							  : UBUNTU_PAGE_MAX; /* --page-size */
	for (;;) {
		char url[1200];
		snprintf(url, sizeof(url), "%s?offset=%lu&limit=%u", F->ubuntu_url, s->ubuntu_next, page);
		struct http_answer a;
		int r = fetch_get(F, url, false, 0, NULL, &a, e);
		struct page_count pc = { 0 };
		struct json_stream js = { .stream_key = "cves", .record = on_cve, .ctx = &pc };
		if (r == 0) r = json_stream_mem(&js, a.body.data, a.body.len, url, e);
		if (r == 0 && !pc.have) {
			/* total_results may follow the page: read the answer whole once more */
			struct json_stream whole = { .record = on_cve, .ctx = &pc };
			uint64_t n = pc.records;
			r = json_stream_mem(&whole, a.body.data, a.body.len, url, e);
			pc.records = n;
		}
		if (r == 0 && !pc.have)
			r = dm_fail(e, DM_EINPUT, "%s: no total_results: not an answer of Ubuntu's CVE API",
				    url);
		if (r == 0 && pc.records) r = fetch_check(url, a.body.data, a.body.len, "ubuntu", e);
		if (r == 0 && pc.records) {
			char name[32];
			snprintf(name, sizeof(name), "ubuntu-%06lu.json", s->ubuntu_next / page + 1);
			r = fetch_write(F->dir, name, a.body.data, a.body.len, e);
			if (r == 0) fetch_add_file(s, name, FEED_UBUNTU, now_real(), url);
		}
		buf_release(&a.body);
		if (r < 0) return r;
		s->ubuntu_next += (unsigned long)pc.records;
		log_info("vulndb fetch: Ubuntu %lu of %.0f CVEs", s->ubuntu_next, pc.total);
		if (pc.records == 0 || (double)s->ubuntu_next >= pc.total) {
			s->done[FEED_UBUNTU] = true;
			s->fetched[FEED_UBUNTU] = now_real();
		}
		if ((r = fetch_save_state(F, e)) < 0) return r;
		if (s->done[FEED_UBUNTU]) return 0;
		if (s->n_files >= FETCH_MAX_FILES)
			return dm_fail(e, DM_ETOOBIG, "%s: more than %d files in one fetch", F->ubuntu_url,
				       FETCH_MAX_FILES);
	}
}

/* "2024/cve-2024-6387.json": a year folder and a VEX file name, nothing else. */
static bool vex_path(const char *p, size_t n)
{
	if (n < 14 || n > 40 || !isdigit((unsigned char)p[0]) || p[4] != '/' || strncmp(p + 5, "cve-", 4) ||
	    strncmp(p + n - 5, ".json", 5))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("/-.", p[i])) return false;
	return !memmem(p, n, "..", 2);
}

int fetch_redhat(struct fetcher *F, struct dm_err *e)
{
	char url[1200];
	snprintf(url, sizeof(url), "%s/changes.csv", F->redhat_url);
	struct http_answer a;
	int r = fetch_get(F, url, false, 0, NULL, &a, e);
	if (r < 0) return r;
	/* "2024/cve-2024-6387.json","2024-07-09T00:00:00+00:00" a line */
	size_t listed = 0, wanted = 0, line = 0;
	char *save = NULL;
	if (buf_putc(&a.body, 0) < 0) r = dm_fail(e, DM_ETOOBIG, "%s: too large", url);
	for (char *l = r ? NULL : strtok_r(a.body.data, "\n", &save); l && r == 0;
	     l = strtok_r(NULL, "\n", &save)) {
		line++;
		char *q1 = strchr(l, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
		char *t1 = q2 ? strchr(q2 + 1, '"') : NULL;
		if (!q2 || !vex_path(q1 + 1, (size_t)(q2 - q1 - 1)) || !t1) {
			r = dm_fail(e, DM_EINPUT,
				    "%s: line %zu: expected \"YYYY/cve-YYYY-NNNN.json\",\"TIME\"", url, line);
			break;
		}
		listed++;
		if (F->redhat_since > 0 && parse_utc(t1 + 1) <= F->redhat_since) continue;
		char name[32], file_url[1300];
		snprintf(name, sizeof(name), "redhat-%.*s", (int)(q2 - q1 - 6),
			 q1 + 6); /* redhat-cve-...json */
		bool have = false;
		for (size_t i = 0; i < F->s.n_files && !have; i++) have = !strcmp(F->s.files[i].name, name);
		wanted++;
		if (have) continue; /* fetched before an interruption */
		if (F->s.n_files >= FETCH_MAX_FILES) {
			r = dm_fail(e, DM_ETOOBIG,
				    "%s: more than %d VEX files changed since the last fetch: import Red "
				    "Hat's archive "
				    "(csaf_vex_*.tar.zst, unpacked) with dormant vulndb import FOLDER",
				    url, FETCH_MAX_FILES);
			break;
		}
		snprintf(file_url, sizeof(file_url), "%s/%.*s", F->redhat_url, (int)(q2 - q1 - 1), q1 + 1);
		struct http_answer v;
		r = fetch_get(F, file_url, false, 0, NULL, &v, e);
		if (r == 0) r = fetch_check(file_url, v.body.data, v.body.len, "redhat", e);
		if (r == 0) r = fetch_write(F->dir, name, v.body.data, v.body.len, e);
		buf_release(&v.body);
		if (r == 0) {
			fetch_add_file(&F->s, name, FEED_REDHAT, now_real(), file_url);
			r = fetch_save_state(F, e);
		}
	}
	buf_release(&a.body);
	if (r < 0) return r;
	log_info("vulndb fetch: Red Hat: %zu VEX files of %zu listed%s", wanted, listed,
		 F->redhat_since > 0 ? " changed since the last fetch" : "");
	F->s.done[FEED_REDHAT] = true;
	F->s.fetched[FEED_REDHAT] = now_real();
	return fetch_save_state(F, e);
}
