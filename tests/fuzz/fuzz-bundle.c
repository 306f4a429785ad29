/* Fuzz target: a vulndb bundle as `vulndb import` reads it before trusting
 * it: the tar reader, the manifest's JSON, gzip members inflated whole. */
#include "fuzz.h"
#include "base/json.h"
#include "base/tar.h"
#include "pipeline/vulndb-fetch.h"

static int on_file(void *ctx, const struct json *rec, const struct json *h, uint64_t off, struct dm_err *e)
{
	(void)ctx, (void)off, (void)e;
	double size;
	const char *s = json_str(rec, "name");
	if (s && !s[0] && json_num(rec, "size", &size) && json_str(h, "format")) return 0;
	return 0;
}

static int on_member(void *ctx, const char *name, const void *data, size_t len, struct dm_err *e)
{
	(void)ctx;
	size_t n = strlen(name);
	if (n > 3 && !strcmp(name + n - 3, ".gz")) {
		struct buf b = BUF_INIT;
		b.max = 1 << 22;
		gunzip_mem(data, len, name, &b, e);
		buf_release(&b);
		return 0;
	}
	struct json_stream js = { .stream_key = "files", .record = on_file };
	json_stream_mem(&js, data, len, name, e);
	char sum[65];
	sha256_hex(data, len, sum);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20) return 0;
	FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
	if (!f) return 0;
	struct dm_err e = { "" };
	if (size) tar_read(f, "fuzz", 1 << 20, on_member, NULL, &e);
	fclose(f);
	return 0;
}
