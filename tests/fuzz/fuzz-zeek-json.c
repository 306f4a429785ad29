/* Fuzz target: the conn.log reader's JSON fast path (flow/zeek-json.c)
 * against the general JSON parser. A line the fast path takes must be one
 * object to yajl as well, with the same value for every name looked for
 * (the same kind, text and '.'/'e' marks); a line it declines must come
 * back untouched. */
#include "fuzz.h"
#include "flow/zeek-json.h"

/* conn.log's names beside short and empty ones, two of a length and a
 * long one (the hash's slots and both ways of comparing names) */
static const char *const names[] = { "ts",
				     "id.orig_h",
				     "id.resp_h",
				     "a",
				     "",
				     "cert_chain_fps",
				     "id.orig_p",
				     "query",
				     "orig_ip_bytes",
				     "b",
				     "abcdefghijklmnopq" };
enum { N = sizeof(names) / sizeof(names[0]) };

struct ref {
	const struct zj_names *z;
	const struct zj_val *fast;
	int records;
};

static int on_rec(void *ctx, const struct json *rec, const struct json *hdr, uint64_t off, struct dm_err *e)
{
	(void)hdr;
	(void)off;
	(void)e;
	struct ref *r = ctx;
	r->records++;
	struct zj_val tree[ZJ_MAX_NAMES];
	zeek_json_tree(rec, r->z, tree);
	for (int c = 0; c < N; c++) {
		const struct zj_val *a = &r->fast[c], *b = &tree[c];
		if (a->kind != b->kind || (a->kind == ZJ_NONE) != (a->s == NULL)) __builtin_trap();
		if (a->kind != ZJ_NONE && strcmp(a->s, b->s)) __builtin_trap();
		if (a->kind == ZJ_NUMBER && (a->dot != b->dot || a->exp != b->exp)) __builtin_trap();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > ZJ_MAX_LINE + 64) return 0;
	char *line = fuzz_cstr(data, size);
	struct zj_names z;
	zj_names_init(&z, names, N);
	struct zj_val fast[ZJ_MAX_NAMES];
	if (!zeek_json_flat(line, size, &z, fast)) {
		if (memcmp(line, data, size)) __builtin_trap();
		free(line);
		return 0;
	}
	struct ref r = { &z, fast, 0 };
	struct json_stream js = { .record = on_rec, .ctx = &r, .max_record = 1 << 20 };
	struct dm_err e;
	if (json_stream_mem(&js, data, size, "fuzz", &e) < 0 || r.records != 1) __builtin_trap();
	free(line);
	return 0;
}
