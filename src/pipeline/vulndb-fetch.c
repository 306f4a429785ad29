/* `dormant vulndb fetch`: downloads NVD (CVE API 2.0, by lastModified in
 * windows of at most 120 days, paged), CISA KEV and FIRST EPSS into a work
 * folder beside the store (or the bundle), checks every answer, then
 * imports the files or packs them into one bundle. The folder's state file
 * records each finished page, and a broken single-file download keeps its
 * part, so a new run goes on where the last one stopped. The NVD asks for
 * at most 5 requests in 30 s without an API key and 50 with one. */
#include "pipeline/vulndb.h"
#include "pipeline/vulndb-fetch.h"
#include "base/http.h"
#include "base/json.h"
#include "base/log.h"
#include "base/safe-write.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "vuln/feeds.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const feed_names[FEED_N] = { "nvd", "kev", "epss", "debian", "ubuntu", "redhat" };

#define NVD_URL "https://services.nvd.nist.gov/rest/json/cves/2.0"
#define KEV_URL "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
#define EPSS_URL "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
#define DEBIAN_URL "https://security-tracker.debian.org/tracker/data/json"
#define UBUNTU_URL "https://ubuntu.com/security/cves.json"
#define REDHAT_URL "https://security.access.redhat.com/data/csaf/v2/vex"
#define WINDOW_DAYS 120
#define RATE_WINDOW 30.0
#define OVERLAP 3600.0

double fetch_window_wait(const double *sent, size_t n, size_t limit, double window, double now)
{
	if (n < limit || limit == 0) return 0;
	double oldest = sent[n - limit]; /* the limit-th latest request */
	return oldest + window > now ? oldest + window - now : 0;
}

static void rate_wait(struct fetcher *F)
{
	size_t cap = ARRAY_SIZE(F->sent);
	double ordered[ARRAY_SIZE(F->sent)];
	size_t n = F->n_sent < cap ? F->n_sent : cap;
	for (size_t i = 0; i < n; i++) ordered[i] = F->sent[(F->n_sent - n + i) % cap];
	double w = fetch_window_wait(ordered, n, F->limit, RATE_WINDOW, now_mono());
	if (w > 0) {
		log_info("vulndb fetch: NVD rate limit (%zu requests in %.0f s): waiting %.1f s", F->limit,
			 RATE_WINDOW, w);
		sleep_until_mono(now_mono() + w);
	}
	F->sent[F->n_sent++ % cap] = now_mono();
}

/* One GET; 403, 429 and 503 are retried after the server's Retry-After
 * (or a doubling pause), capped by --max-wait, five times at most. */
int fetch_get(struct fetcher *F, const char *url, bool nvd, uint64_t resume, const char *if_range,
	      struct http_answer *a, struct dm_err *e)
{
	for (int attempt = 0;; attempt++) {
		if (nvd) rate_wait(F);
		struct http_get g = { .url = url,
				      .header = nvd && F->key_header[0] ? F->key_header : NULL,
				      .resume_from = resume,
				      .if_range = if_range };
		int r = http_fetch(&g, a, e);
		if (r < 0) return r;
		if (a->status == 403 || a->status == 429 || a->status == 503) {
			if (attempt >= 5)
				return dm_fail(e, -EAGAIN, "%s: HTTP %ld %d times; giving up%s", url,
					       a->status, attempt + 1,
					       a->status == 403 && nvd
						   ? " (a wrong --api-key is refused with 403)"
						   : "");
			double w = a->retry_after >= 0 ? a->retry_after : 6.0 * (double)(1 << attempt);
			if (w > F->o->max_wait) w = F->o->max_wait;
			log_info("vulndb fetch: %s: HTTP %ld, trying again in %.0f s", url, a->status, w);
			buf_release(&a->body);
			sleep_until_mono(now_mono() + w);
			continue;
		}
		if (a->status == 200 || (resume && a->status == 206)) return 0;
		return dm_fail(e, DM_EINPUT, "%s: HTTP %ld", url, a->status);
	}
}

int fetch_write(const char *dir, const char *name, const void *p, size_t n, struct dm_err *e)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct out_file o;
	int r = out_open(&o, path, "vulndb fetch", OUT_PUBLIC, e);
	if (r < 0) return r;
	if (n && fwrite(p, 1, n, o.f) != n) {
		r = dm_fail(e, -errno, "%s: %s", path, strerror(errno));
		out_discard(&o);
		return r;
	}
	return out_commit(&o, e);
}

int fetch_read(const char *dir, const char *name, struct buf *b, struct dm_err *e)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return buf_read_file(b, path, (size_t)1 << 31, "a fetched feed", e);
}

/* ---- the state file: "key value" lines ---- */

void fetch_state_release(struct fetch_state *s)
{
	for (size_t i = 0; i < s->n_files; i++) free(s->files[i].url);
	free(s->files);
	free(s->nvd_url);
	memset(s, 0, sizeof(*s));
}

int fetch_save_state(struct fetcher *F, struct dm_err *e)
{
	struct fetch_state *s = &F->s;
	struct buf b = BUF_INIT;
	buf_printf(
	    &b,
	    "nvd_url %s\nsince %.3f\nuntil %.3f\nwin_start %.3f\nnext_index %lu\npages %u\nubuntu_next %lu\n",
	    s->nvd_url, s->since, s->until, s->win_start, s->next_index, s->pages, s->ubuntu_next);
	for (int i = 0; i < FEED_N; i++)
		if (s->done[i]) buf_printf(&b, "done %s %.3f\n", feed_names[i], s->fetched[i]);
	for (int i = 0; i < FEED_N; i++)
		if (s->part_id[i][0]) buf_printf(&b, "part_id %s %s\n", feed_names[i], s->part_id[i]);
	for (size_t i = 0; i < s->n_files; i++)
		buf_printf(&b, "file %s %d %.3f %s\n", s->files[i].name, s->files[i].feed,
			   s->files[i].fetched, s->files[i].url);
	int r = buf_error(&b) ? dm_fail(e, buf_error(&b), "fetch state too large")
			      : fetch_write(F->dir, "state", b.data, b.len, e);
	buf_release(&b);
	return r;
}

void fetch_add_file(struct fetch_state *s, const char *name, int feed, double t, const char *url)
{
	for (size_t i = 0; i < s->n_files; i++)
		if (!strcmp(s->files[i].name, name)) return;
	s->files = xrealloc(s->files, (s->n_files + 1) * sizeof(*s->files));
	struct fetch_file *f = &s->files[s->n_files++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->feed = feed;
	f->fetched = t;
	f->url = xstrdup(url);
}

/* 1 when a usable state was loaded, 0 when there is none. */
static int load_state(struct fetcher *F, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	char path[4096];
	snprintf(path, sizeof(path), "%s/state", F->dir);
	if (access(path, F_OK) < 0) return 0;
	int r = fetch_read(F->dir, "state", &b, e);
	if (r < 0) return r;
	struct fetch_state *s = &F->s;
	char *save = NULL;
	for (char *l = strtok_r(b.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char k[16], v[1024], name[32], url[1024];
		int feed;
		double t;
		if (sscanf(l, "file %31s %d %lf %1023s", name, &feed, &t, url) == 4 && feed >= 0 &&
		    feed < FEED_N && !strchr(name, '/') && s->n_files < FETCH_MAX_FILES)
			fetch_add_file(s, name, feed, t, url);
		else if (sscanf(l, "part_id %15s %1023[^\n]", k, v) == 2) {
			for (int i = 0; i < FEED_N; i++)
				if (!strcmp(k, feed_names[i]))
					snprintf(s->part_id[i], sizeof(s->part_id[i]), "%.159s", v);
		} else if (sscanf(l, "done %15s %lf", k, &t) == 2) {
			for (int i = 0; i < FEED_N; i++)
				if (!strcmp(k, feed_names[i])) s->done[i] = true, s->fetched[i] = t;
		} else if (sscanf(l, "%15s %1023s", k, v) == 2) {
			if (!strcmp(k, "nvd_url"))
				free(s->nvd_url), s->nvd_url = xstrdup(v);
			else if (!strcmp(k, "since"))
				s->since = atof(v);
			else if (!strcmp(k, "until"))
				s->until = atof(v);
			else if (!strcmp(k, "win_start"))
				s->win_start = atof(v);
			else if (!strcmp(k, "next_index"))
				s->next_index = strtoul(v, NULL, 10);
			else if (!strcmp(k, "ubuntu_next"))
				s->ubuntu_next = strtoul(v, NULL, 10);
			else if (!strcmp(k, "pages"))
				s->pages = (unsigned)strtoul(v, NULL, 10);
		}
	}
	buf_release(&b);
	return s->nvd_url && s->until > 0 ? 1 : 0;
}

static void clear_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) return;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* ---- checks ---- */

static bool json_type(const char *ct) { return !ct[0] || strstr(ct, "json") || strstr(ct, "octet-stream"); }

struct page_info {
	double total, start, per_page;
	bool have;
};

static int on_page_record(void *ctx, const struct json *rec, const struct json *h, uint64_t off,
			  struct dm_err *e)
{
	(void)rec, (void)off, (void)e;
	struct page_info *p = ctx;
	if (!h && rec->type == JSON_OBJECT && !json_get(rec, "cve"))
		h = rec; /* the whole page, read as one */
	if (!p->have && h) {
		p->have = json_num(h, "totalResults", &p->total) && json_num(h, "startIndex", &p->start);
		json_num(h, "resultsPerPage", &p->per_page);
	}
	return 0;
}

/* The feed parses as the importer reads it, records and all. */
static int check_feed(const char *url, const void *p, size_t n, const char *kind, struct feed_counts *fc,
		      struct dm_err *e)
{
	struct vuln_sink none = { 0 };
	memset(fc, 0, sizeof(*fc));
	int r = feed_import_mem(p, n, url, &none, fc, e);
	if (r < 0) return r;
	if (strcmp(fc->kind, kind))
		return dm_fail(e, DM_EINPUT, "%s: expected %s data, found %s", url, kind, fc->kind);
	return 0;
}

int fetch_check(const char *url, const void *p, size_t n, const char *kind, struct dm_err *e)
{
	struct feed_counts fc;
	return check_feed(url, p, n, kind, &fc, e);
}

/* ---- NVD ---- */

static void nvd_date(double t, char *out, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.000%%2B00:00", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int fetch_nvd(struct fetcher *F, struct dm_err *e)
{
	struct fetch_state *s = &F->s;
	for (;;) {
		double win_end = s->since > 0 ? fmin(s->win_start + WINDOW_DAYS * 86400.0, s->until)
					      : s->until;
		char url[2048], a[64], b[64];
		int n = snprintf(url, sizeof(url), "%s?resultsPerPage=%u&startIndex=%lu", F->nvd_url,
				 F->o->page_size, s->next_index);
		if (s->since > 0) {
			nvd_date(s->win_start, a, sizeof(a));
			nvd_date(win_end, b, sizeof(b));
			snprintf(url + n, sizeof(url) - (size_t)n, "&lastModStartDate=%s&lastModEndDate=%s",
				 a, b);
		}
		struct http_answer ans;
		int r = fetch_get(F, url, true, 0, NULL, &ans, e);
		if (r == 0 && !json_type(ans.ctype))
			r = dm_fail(e, DM_EINPUT, "%s: expected JSON, got Content-Type %s", url, ans.ctype);
		struct page_info pi = { 0 };
		struct json_stream js = { .stream_key = "vulnerabilities",
					  .record = on_page_record,
					  .ctx = &pi };
		if (r == 0) r = json_stream_mem(&js, ans.body.data, ans.body.len, url, e);
		if (r == 0 && !js.records) { /* an empty page must still say it is one */
			struct json_stream whole = { .record = on_page_record, .ctx = &pi };
			r = json_stream_mem(&whole, ans.body.data, ans.body.len, url, e);
		}
		if (r == 0 && !pi.have)
			r = dm_fail(e, DM_EINPUT,
				    "%s: no totalResults and startIndex: not an NVD CVE API 2.0 answer", url);
		if (r == 0 && pi.have && (unsigned long)pi.start != s->next_index)
			r = dm_fail(e, DM_EINPUT, "%s: answer starts at index %.0f, not %lu", url, pi.start,
				    s->next_index);
		struct feed_counts fc;
		if (r == 0 && js.records) r = check_feed(url, ans.body.data, ans.body.len, "nvd", &fc, e);
		if (r == 0 && js.records) {
			char name[32];
			snprintf(name, sizeof(name), "nvd-%06u.json", s->pages + 1);
			r = fetch_write(F->dir, name, ans.body.data, ans.body.len, e);
			if (r == 0) fetch_add_file(s, name, FEED_NVD, now_real(), url);
			s->pages++;
		}
		buf_release(&ans.body);
		if (r < 0) return r;
		s->next_index += (unsigned long)js.records;
		char from[64] = "";
		if (s->since > 0) fmt_utc(s->win_start, from, sizeof(from));
		log_info("vulndb fetch: NVD %lu of %.0f records%s%s", s->next_index, pi.total,
			 s->since > 0 ? " changed from " : "", from);
		if (js.records == 0 || (double)s->next_index >= pi.total) {
			if (win_end >= s->until) {
				s->done[FEED_NVD] = true;
				s->fetched[FEED_NVD] = s->until;
			} else {
				s->win_start = win_end;
				s->next_index = 0;
			}
		}
		if ((r = fetch_save_state(F, e)) < 0) return r;
		if (s->done[FEED_NVD]) return 0;
		if (s->n_files >= FETCH_MAX_FILES)
			return dm_fail(e, DM_ETOOBIG, "%s: more than %d pages: raise --page-size", F->nvd_url,
				       FETCH_MAX_FILES);
	}
}

/* ---- KEV and EPSS: one file each, resumed with a Range request ---- */

/* *fresh: the kept part did not fit (416, or the whole does not check):
 * worth one more try from the first byte. */
static int fetch_single_once(struct fetcher *F, int feed, bool resume, bool *fresh, struct dm_err *e)
{
	const char *url = feed == FEED_KEV ? F->kev_url : feed == FEED_EPSS ? F->epss_url : F->debian_url;
	const char *name = feed == FEED_KEV ? "kev.json" : feed == FEED_EPSS ? "epss.csv.gz" : "debian.json";
	char part[48];
	snprintf(part, sizeof(part), "%s.part", name);
	struct buf have = BUF_INIT;
	have.max = (size_t)1 << 31;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", F->dir, part);
	if (!resume) unlink(path);
	if (access(path, F_OK) == 0 && fetch_read(F->dir, part, &have, e) < 0) buf_reset(&have);
	bool resumed = have.len > 0;
	if (have.len) log_info("vulndb fetch: %s: resuming after %zu bytes", url, have.len);
	struct http_answer a;
	int r = fetch_get(F, url, false, have.len, F->s.part_id[feed], &a, e);
	if (a.status != 206) buf_reset(&have); /* the whole file came (or nothing) */
	buf_append(&have, a.body.data, a.body.len);
	if (r < 0) {
		*fresh = resumed && !a.broken;
		if (a.broken && have.len) {
			struct dm_err e2;
			/* with what identifies this version of the file, for If-Range */
			snprintf(F->s.part_id[feed], sizeof(F->s.part_id[feed]), "%s", a.validator);
			if (fetch_write(F->dir, part, have.data, have.len, &e2) == 0 &&
			    fetch_save_state(F, &e2) == 0)
				snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg),
					 " (%zu bytes kept; the next fetch resumes)", have.len);
		}
		goto out;
	}
	if (feed != FEED_EPSS && !json_type(a.ctype)) {
		r = dm_fail(e, DM_EINPUT, "%s: expected JSON, got Content-Type %s", url, a.ctype);
		goto out;
	}
	struct feed_counts fc;
	if (feed == FEED_EPSS) {
		struct buf plain = BUF_INIT;
		plain.max = (size_t)1 << 30;
		r = gunzip_mem(have.data, have.len, url, &plain, e);
		if (r == 0) r = check_feed(url, plain.data, plain.len, "epss", &fc, e);
		buf_release(&plain);
	} else {
		r = check_feed(url, have.data, have.len, feed_names[feed], &fc, e);
	}
	*fresh = r < 0 && resumed;
	F->s.part_id[feed][0] = 0;
	if (r == 0) r = fetch_write(F->dir, name, have.data, have.len, e);
	unlink(path);
	if (r < 0) goto out;
	F->s.done[feed] = true;
	F->s.fetched[feed] = now_real();
	fetch_add_file(&F->s, name, feed, F->s.fetched[feed], url);
	log_info("vulndb fetch: %s: %zu bytes, %llu %s", url, have.len,
		 (unsigned long long)(feed == FEED_KEV    ? fc.kev
				      : feed == FEED_EPSS ? fc.epss
							  : fc.distro),
		 feed == FEED_KEV    ? "entries"
		 : feed == FEED_EPSS ? "scores"
				     : "verdicts");
	r = fetch_save_state(F, e);
out:
	buf_release(&a.body);
	buf_release(&have);
	return r;
}

int fetch_single(struct fetcher *F, int feed, struct dm_err *e)
{
	bool fresh = false;
	int r = fetch_single_once(F, feed, true, &fresh, e);
	if (r < 0 && fresh) {
		log_info(
		    "vulndb fetch: %s; the part kept from the last fetch does not fit: fetching it whole",
		    e->msg);
		r = fetch_single_once(F, feed, false, &fresh, e);
	}
	return r;
}

/* ---- the whole fetch ---- */

static void set_url(char *out, size_t n, const char *opt, const char *base, const char *path, const char *def)
{
	if (opt)
		snprintf(out, n, "%s", opt);
	else if (base)
		snprintf(out, n, "%s%s", base, path);
	else
		snprintf(out, n, "%s", def);
}

static int import_files(struct store *st, struct fetcher *F, struct dm_err *e)
{
	for (size_t i = 0; i < F->s.n_files; i++) {
		char path[4096];
		unsigned files = 0;
		snprintf(path, sizeof(path), "%s/%s", F->dir, F->s.files[i].name);
		int r = vulndb_import(st, path, &files, e);
		if (r < 0) return r;
	}
	for (int f = 0; f < FEED_N; f++) {
		if (!F->s.done[f] || !F->o->feed[f]) continue;
		int r = fetch_record_meta(st, f, F->s.fetched[f], f == FEED_NVD ? F->s.until : 0, e);
		if (r < 0) return r;
	}
	return 0;
}

int vulndb_fetch(struct store *st, const char *dbpath, const struct vulndb_fetch_opts *o, struct dm_err *e)
{
	struct fetcher F = { .o = o };
	int r;
	set_url(F.nvd_url, sizeof(F.nvd_url), o->nvd_url, o->base_url, "/rest/json/cves/2.0", NVD_URL);
	set_url(F.kev_url, sizeof(F.kev_url), o->kev_url, o->base_url,
		"/feeds/known_exploited_vulnerabilities.json", KEV_URL);
	set_url(F.epss_url, sizeof(F.epss_url), o->epss_url, o->base_url, "/epss_scores-current.csv.gz",
		EPSS_URL);
	set_url(F.debian_url, sizeof(F.debian_url), NULL, o->base_url, "/tracker/data/json", DEBIAN_URL);
	set_url(F.ubuntu_url, sizeof(F.ubuntu_url), NULL, o->base_url, "/security/cves.json", UBUNTU_URL);
	set_url(F.redhat_url, sizeof(F.redhat_url), NULL, o->base_url, "/data/csaf/v2/vex", REDHAT_URL);
	const char *key = o->api_key ? o->api_key : getenv("NVD_API_KEY");
	if (key && *key) {
		if (strpbrk(key, "\r\n") || strlen(key) > 128)
			return dm_fail(e, DM_EINPUT, "--api-key: not an NVD API key");
		snprintf(F.key_header, sizeof(F.key_header), "apiKey: %s", key);
	}
	F.limit = F.key_header[0] ? 50 : 5;
	/* The work folder: beside the bundle, or beside the store. */
	size_t dl = strlen(o->bundle ? o->bundle : dbpath) + 16;
	F.dir = xmalloc(dl);
	snprintf(F.dir, dl, "%s.%s", o->bundle ? o->bundle : dbpath, o->bundle ? "parts" : "fetch");
	struct stat sb;
	if (mkdir(F.dir, 0700) < 0 && errno != EEXIST) {
		r = dm_fail(e, -errno, "%s: %s", F.dir, strerror(errno));
		goto out;
	}
	if (lstat(F.dir, &sb) < 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid()) {
		r = dm_fail(e, -EPERM, "%s: the work folder is not a folder of this user's", F.dir);
		goto out;
	}
	/* Where the last fetch ended: this fetch asks only for what changed since. */
	const char *through_key = o->bundle ? "bundle.nvd.through" : "feed.nvd.through";
	char prev[64] = "";
	if (!o->full && (r = store_vuln_meta_get(st, through_key, prev, sizeof(prev), e)) < 0) goto out;
	/* An hour of overlap: the NVD's clock and ours differ, and a record
	 * fetched twice is only reported unchanged. */
	double since = o->full || !prev[0] ? 0 : parse_utc(prev) - OVERLAP, now = floor(now_real());
	if (since >= now) since = now - OVERLAP; /* the clock went back */
	if ((r = load_state(&F, e)) < 0) goto out;
	if (r == 1 && (strcmp(F.s.nvd_url, F.nvd_url) || F.s.since != since)) {
		log_info("vulndb fetch: %s holds another fetch; starting afresh", F.dir);
		fetch_state_release(&F.s);
		r = 0;
	}
	if (r == 1) {
		log_info("vulndb fetch: going on with the interrupted fetch in %s", F.dir);
	} else {
		clear_dir(F.dir);
		F.s.nvd_url = xstrdup(F.nvd_url);
		F.s.since = F.s.win_start = since;
		F.s.until = now;
		if ((r = fetch_save_state(&F, e)) < 0) goto out;
	}
	if (o->feed[FEED_NVD] && !F.s.done[FEED_NVD] && (r = fetch_nvd(&F, e)) < 0) goto out;
	for (int f = FEED_KEV; f <= FEED_EPSS; f++)
		if (o->feed[f] && !F.s.done[f] && (r = fetch_single(&F, f, e)) < 0) goto out;
	/* The distributions' security data. */
	if (o->feed[FEED_DEBIAN] && !F.s.done[FEED_DEBIAN] && (r = fetch_single(&F, FEED_DEBIAN, e)) < 0)
		goto out;
	if (o->feed[FEED_UBUNTU] && !F.s.done[FEED_UBUNTU] && (r = fetch_ubuntu(&F, e)) < 0) goto out;
	if (o->feed[FEED_REDHAT] && !F.s.done[FEED_REDHAT]) {
		char rh[64] = "";
		if (!o->full &&
		    (r = store_vuln_meta_get(st, o->bundle ? "bundle.redhat.fetched" : "feed.redhat.fetched",
					     rh, sizeof(rh), e)) < 0)
			goto out;
		F.redhat_since = rh[0] ? parse_utc(rh) - OVERLAP : 0;
		if ((r = fetch_redhat(&F, e)) < 0) goto out;
	}
	if (o->bundle) {
		if ((r = fetch_write_bundle(o->bundle, F.dir, &F.s, e)) < 0) goto out;
		char t[64];
		fmt_utc(F.s.until, t, sizeof(t));
		if (F.s.done[FEED_NVD] && (r = store_vuln_meta_set(st, through_key, t, e)) < 0) goto out;
		fmt_utc(F.s.fetched[FEED_REDHAT], t, sizeof(t));
		if (F.s.done[FEED_REDHAT] && (r = store_vuln_meta_set(st, "bundle.redhat.fetched", t, e)) < 0)
			goto out;
		log_info("vulndb fetch: wrote %s (%zu files)", o->bundle, F.s.n_files);
	} else if ((r = import_files(st, &F, e)) < 0) {
		goto out;
	}
	clear_dir(F.dir);
	rmdir(F.dir);
	r = 0;
out:
	fetch_state_release(&F.s);
	free(F.dir);
	return r;
}
