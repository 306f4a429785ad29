/* The vulndb bundle: what `vulndb fetch --bundle FILE` carries to a machine
 * without internet. A POSIX tar (base/tar.h) whose first member,
 * manifest.json, names the format, each feed's fetch time (and for NVD the
 * span of lastModified it covers) and every other member's feed, source
 * URL, fetch time, size and SHA-256; then the feed files as downloaded.
 * `vulndb import` tells it by content, checks every member against the
 * manifest first and imports only a bundle found whole. */
#include "pipeline/vulndb.h"
#include "pipeline/vulndb-fetch.h"
#include "base/json.h"
#include "base/log.h"
#include "base/safe-write.h"
#include "base/tar.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <openssl/evp.h>
#include <string.h>
#include <time.h>

#define BUNDLE_FORMAT "dormant-vulndb-bundle"
#define BUNDLE_MAX_MEMBER ((size_t)1 << 31)

void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned ml = 0;
	EVP_Digest(data, len, md, &ml, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A JSON string of trusted-but-odd text (URLs). */
static void json_text(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

int fetch_write_bundle(const char *bundle, const char *dir, const struct fetch_state *s, struct dm_err *e)
{
	struct buf m = BUF_INIT;
	char t[64];
	fmt_utc(now_real(), t, sizeof(t));
	buf_printf(&m, "{\"format\":\"%s\",\"version\":1,\"created\":\"%s\",\"feeds\":{", BUNDLE_FORMAT, t);
	bool first = true;
	for (int f = 0; f < FEED_N; f++) {
		if (!s->done[f]) continue;
		fmt_utc(s->fetched[f], t, sizeof(t));
		buf_printf(&m, "%s\"%s\":{\"fetched\":\"%s\"", first ? "" : ",", feed_names[f], t);
		if (f == FEED_NVD) {
			char since[64] = "";
			if (s->since > 0) fmt_utc(s->since, since, sizeof(since));
			fmt_utc(s->until, t, sizeof(t));
			buf_printf(&m, ",\"since\":%s%s%s,\"through\":\"%s\"", since[0] ? "\"" : "",
				   since[0] ? since : "null", since[0] ? "\"" : "", t);
		}
		buf_putc(&m, '}');
		first = false;
	}
	buf_puts(&m, "},\"files\":[");
	struct buf *data = xcalloc(s->n_files ? s->n_files : 1, sizeof(*data));
	int r = 0;
	for (size_t i = 0; i < s->n_files && r == 0; i++) {
		data[i].max = BUNDLE_MAX_MEMBER;
		if ((r = fetch_read(dir, s->files[i].name, &data[i], e)) < 0) break;
		char sum[65];
		sha256_hex(data[i].data, data[i].len, sum);
		fmt_utc(s->files[i].fetched, t, sizeof(t));
		buf_printf(&m, "%s{\"name\":\"%s\",\"feed\":\"%s\",\"url\":", i ? "," : "", s->files[i].name,
			   feed_names[s->files[i].feed]);
		json_text(&m, s->files[i].url);
		buf_printf(&m, ",\"fetched\":\"%s\",\"size\":%zu,\"sha256\":\"%s\"}", t, data[i].len, sum);
	}
	buf_puts(&m, "]}\n");
	struct out_file o = { 0 };
	if (r == 0 && buf_error(&m)) r = dm_fail(e, buf_error(&m), "%s: manifest too large", bundle);
	if (r == 0) r = out_open(&o, bundle, "--bundle", OUT_PUBLIC, e);
	time_t now = time(NULL);
	if (r == 0) r = tar_put(o.f, "manifest.json", m.data, m.len, now, e);
	for (size_t i = 0; i < s->n_files && r == 0; i++)
		r = tar_put(o.f, s->files[i].name, data[i].data, data[i].len, (time_t)s->files[i].fetched, e);
	if (r == 0) r = tar_end(o.f, e);
	if (r == 0)
		r = out_commit(&o, e);
	else
		out_discard(&o);
	for (size_t i = 0; i < s->n_files; i++) buf_release(&data[i]);
	free(data);
	buf_release(&m);
	return r;
}

int vulndb_is_bundle(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) return 0;
	unsigned char h[512];
	size_t n = fread(h, 1, sizeof(h), f);
	fclose(f);
	return n == sizeof(h) && tar_is_header(h, n) && !strcmp((char *)h, "manifest.json");
}

/* ---- reading ---- */

struct entry {
	char name[32], feed[8], sha256[65];
	size_t size;
	bool seen;
};

struct reader {
	const char *path;
	struct store *st;
	bool import; /* second pass: import; first: check */
	struct entry *files;
	size_t n;
	char fetched[FEED_N][40], since[40], through[40];
	bool manifest, manifest_ok;
	unsigned imported;
};

static void copy_str(char *out, size_t n, const char *s) { snprintf(out, n, "%s", s ? s : ""); }

/* The manifest read whole: its format and each feed's times. */
static int on_manifest(void *ctx, const struct json *m, const struct json *h, uint64_t off, struct dm_err *e)
{
	(void)h, (void)off;
	struct reader *R = ctx;
	const char *fmt = json_str(m, "format");
	if (!fmt || strcmp(fmt, BUNDLE_FORMAT))
		return dm_fail(e, DM_EINPUT, "%s: manifest.json: not a %s manifest", R->path, BUNDLE_FORMAT);
	const struct json *feeds = json_get(m, "feeds");
	for (int f = 0; f < FEED_N; f++) {
		const struct json *fj = json_get(feeds, feed_names[f]);
		copy_str(R->fetched[f], sizeof(R->fetched[f]), json_str(fj, "fetched"));
		if (f == FEED_NVD) {
			copy_str(R->since, sizeof(R->since), json_str(fj, "since"));
			copy_str(R->through, sizeof(R->through), json_str(fj, "through"));
		}
	}
	R->manifest_ok = true;
	return 0;
}

static int on_manifest_file(void *ctx, const struct json *rec, const struct json *h, uint64_t off,
			    struct dm_err *e)
{
	(void)h;
	struct reader *R = ctx;
	const char *name = json_str(rec, "name"), *sum = json_str(rec, "sha256"),
		   *feed = json_str(rec, "feed");
	double size;
	if (!name || !sum || strlen(sum) != 64 || !feed || !json_num(rec, "size", &size) || size < 0 ||
	    strlen(name) >= sizeof(R->files[0].name) || R->n >= FETCH_MAX_FILES)
		return dm_fail(e, DM_EINPUT,
			       "%s: manifest.json: byte %llu: a file entry needs name, feed, size and sha256",
			       R->path, (unsigned long long)off);
	R->files = xrealloc(R->files, (R->n + 1) * sizeof(*R->files));
	struct entry *en = &R->files[R->n++];
	memset(en, 0, sizeof(*en));
	copy_str(en->name, sizeof(en->name), name);
	copy_str(en->feed, sizeof(en->feed), feed);
	copy_str(en->sha256, sizeof(en->sha256), sum);
	en->size = (size_t)size;
	return 0;
}

static int on_member(void *ctx, const char *name, const void *data, size_t len, struct dm_err *e)
{
	struct reader *R = ctx;
	if (!R->manifest) {
		if (strcmp(name, "manifest.json"))
			return dm_fail(e, DM_EINPUT, "%s: the first member is %s, not manifest.json", R->path,
				       name);
		R->manifest = true;
		if (R->import) return 0;
		struct json_stream whole = { .record = on_manifest, .ctx = R };
		struct json_stream js = { .stream_key = "files", .record = on_manifest_file, .ctx = R };
		char what[4200];
		snprintf(what, sizeof(what), "%s: manifest.json", R->path);
		int r = json_stream_mem(&whole, data, len, what, e);
		if (r == 0 && !R->manifest_ok)
			r = dm_fail(e, DM_EINPUT, "%s: not a %s manifest", what, BUNDLE_FORMAT);
		return r < 0 ? r : json_stream_mem(&js, data, len, what, e);
	}
	struct entry *en = NULL;
	for (size_t i = 0; i < R->n && !en; i++)
		if (!strcmp(R->files[i].name, name)) en = &R->files[i];
	if (!en) return dm_fail(e, DM_EINPUT, "%s: member %s is not in the manifest", R->path, name);
	if (!R->import) {
		char sum[65];
		sha256_hex(data, len, sum);
		if (len != en->size || strcmp(sum, en->sha256))
			return dm_fail(e, DM_EINPUT,
				       "%s: member %s: %s differs from the manifest (damaged bundle)",
				       R->path, name, len != en->size ? "size" : "SHA-256");
		en->seen = true;
		return 0;
	}
	char what[4200];
	snprintf(what, sizeof(what), "%s: %s", R->path, name);
	R->imported++;
	size_t nl = strlen(name);
	if (nl > 3 && !strcmp(name + nl - 3, ".gz")) {
		struct buf plain = BUF_INIT;
		plain.max = (size_t)1 << 30;
		int r = gunzip_mem(data, len, what, &plain, e);
		if (r == 0) r = vulndb_import_data(R->st, what, plain.data, plain.len, e);
		buf_release(&plain);
		return r;
	}
	return vulndb_import_data(R->st, what, data, len, e);
}

int vulndb_import_bundle(struct store *st, const char *path, struct dm_err *e)
{
	struct reader R = { .path = path, .st = st };
	FILE *f = fopen(path, "rb");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	int r = tar_read(f, path, BUNDLE_MAX_MEMBER, on_member, &R, e);
	if (r >= 0 && !R.manifest_ok) r = dm_fail(e, DM_EINPUT, "%s: holds no manifest.json", path);
	for (size_t i = 0; i < R.n && r >= 0; i++)
		if (!R.files[i].seen)
			r = dm_fail(e, DM_EINPUT,
				    "%s: %s is in the manifest but not in the bundle (cut short?)", path,
				    R.files[i].name);
	if (r >= 0 && R.since[0]) {
		char have[64] = "";
		if ((r = store_vuln_meta_get(st, "feed.nvd.through", have, sizeof(have), e)) >= 0 &&
		    parse_utc(have) < parse_utc(R.since))
			log_warn("vulndb: %s holds the NVD changes since %s, but this store's NVD data %s%s: "
				 "import a bundle made with --full first",
				 path, R.since, have[0] ? "reaches only " : "was never fetched", have);
	}
	if (r >= 0) {
		rewind(f);
		R.import = true;
		R.manifest = false;
		r = tar_read(f, path, BUNDLE_MAX_MEMBER, on_member, &R, e);
	}
	fclose(f);
	for (int fd = 0; fd < FEED_N && r >= 0; fd++) {
		if (!R.fetched[fd][0]) continue;
		r = fetch_record_meta(st, fd, parse_utc(R.fetched[fd]),
				      fd == FEED_NVD ? parse_utc(R.through) : 0, e);
	}
	if (r >= 0) log_info("%s: bundle of %u feed files imported", path, R.imported);
	free(R.files);
	return r < 0 ? r : 0;
}
