/* Streaming JSON records on yajl's event interface: a small tree is built
 * for each record in an arena that is reset after the callback, so memory
 * follows the largest record, not the file. */
#include "base/json.h"
#include "base/arena.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_parse.h>
#include <zlib.h>

enum { MAX_DEPTH = 128 };

struct builder {
	struct json_stream *js;
	const char *name;
	struct dm_err *e;
	int rc;
	yajl_handle h;
	uint64_t base; /* input bytes before the current chunk */
	struct arena hdr, rec;
	struct json *stack[MAX_DEPTH];
	int depth;     /* open containers */
	int rec_depth; /* depth whose children are records; 0: none */
	bool in_record, top_streamed;
	uint64_t rec_offset;
	uint64_t top_offset; /* where the current top-level value starts */
	const char *key;     /* pending member name */
	size_t keylen;
};

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT) return NULL;
	for (const struct json *c = obj->first; c; c = c->next)
		if (!strcmp(c->key, key)) return c;
	return NULL;
}

const char *json_str(const struct json *obj, const char *key)
{
	const struct json *j = json_get(obj, key);
	return j && j->type == JSON_STRING ? j->str : NULL;
}

bool json_num(const struct json *obj, const char *key, double *ret)
{
	const struct json *j = json_get(obj, key);
	if (!j || (j->type != JSON_NUMBER && j->type != JSON_STRING) || !j->len) return false;
	char *end;
	errno = 0;
	double d = strtod(j->str, &end);
	if (*end || errno || !isfinite(d))
		return false; /* "inf", "nan", 1e999: not numbers any writer can repeat */
	*ret = d;
	return true;
}

bool json_bool(const struct json *obj, const char *key, bool def)
{
	const struct json *j = json_get(obj, key);
	if (j && j->type == JSON_TRUE) return true;
	if (j && j->type == JSON_FALSE) return false;
	return def;
}

static uint64_t position(struct builder *b) { return b->base + yajl_get_bytes_consumed(b->h); }

static int fail(struct builder *b, int code, const char *what)
{
	b->rc = dm_fail(b->e, code, "%s: byte %llu: %s", b->name, (unsigned long long)position(b), what);
	return 0; /* stops yajl */
}

static int emit(struct builder *b, const struct json *rec, uint64_t offset)
{
	const struct json *header =
	    b->stack[0] && b->stack[0]->type == JSON_OBJECT && rec != b->stack[0] ? b->stack[0] : NULL;
	int r = b->js->record(b->js->ctx, rec, header, offset, b->e);
	b->js->records++;
	arena_reset(&b->rec);
	if (r < 0) {
		b->rc = r;
		return 0;
	}
	return 1;
}

static bool key_is(const struct builder *b, const char *k)
{
	return k && b->key && b->keylen == strlen(k) && !memcmp(b->key, k, b->keylen);
}

/* Places a new value; containers are pushed. Returns 0 to stop. */
static int add(struct builder *b, enum json_type t, const char *s, size_t len)
{
	bool container = t == JSON_ARRAY || t == JSON_OBJECT;
	struct json *parent = b->depth ? b->stack[b->depth - 1] : NULL;
	if (!parent && !container) return fail(b, DM_EINPUT, "expected an object or an array");
	bool starts_record = b->rec_depth && b->depth == b->rec_depth;
	bool is_stream = !b->in_record && b->depth == 1 && parent->type == JSON_OBJECT && t == JSON_ARRAY &&
			 (key_is(b, b->js->stream_key) || key_is(b, b->js->alt_key)) && !b->rec_depth;
	if (starts_record) {
		b->in_record = true;
		b->rec_offset = position(b) - 1;
	}
	if (!parent) b->top_offset = position(b) - 1;
	struct arena *a = b->in_record ? &b->rec : &b->hdr;
	struct json *j = arena_alloc(a, sizeof(*j));
	if (!j) return fail(b, DM_ETOOBIG, "record too large");
	*j = (struct json){ .type = t };
	if (s) {
		if (!(j->str = arena_strndup(a, s, len))) return fail(b, DM_ETOOBIG, "record too large");
		j->len = len;
	}
	if (parent && parent->type == JSON_OBJECT) {
		if (!b->key) return fail(b, DM_EINPUT, "value without a member name");
		if (!(j->key = arena_strndup(a, b->key, b->keylen)))
			return fail(b, DM_ETOOBIG, "record too large");
		b->key = NULL;
	}
	/* Records and the stream array are not kept in their parents. */
	if (parent && !starts_record && !is_stream) {
		if (parent->last)
			parent->last->next = j;
		else
			parent->first = j;
		parent->last = j;
		parent->n++;
	}
	if (container) {
		if (b->depth == MAX_DEPTH) return fail(b, DM_EINPUT, "nested too deeply");
		b->stack[b->depth++] = j;
		if (!parent && t == JSON_ARRAY) b->rec_depth = 1;
		if (!parent && t == JSON_OBJECT && b->js->members) {
			b->rec_depth = 1;
			b->top_streamed = true;
		}
		if (is_stream) {
			b->rec_depth = 2;
			b->top_streamed = true;
		}
		return 1;
	}
	if (starts_record) {
		b->in_record = false;
		return emit(b, j, b->rec_offset);
	}
	return 1;
}

static int end_container(struct builder *b)
{
	struct json *j = b->stack[--b->depth];
	if (b->in_record && b->depth == b->rec_depth) {
		b->in_record = false;
		return emit(b, j, b->rec_offset);
	}
	if (b->rec_depth && b->depth == b->rec_depth - 1) b->rec_depth = 0; /* the stream array ended */
	if (b->depth == 0) {
		int r = 1;
		if (j->type == JSON_OBJECT && !b->top_streamed) r = emit(b, j, b->top_offset);
		b->stack[0] = NULL;
		b->top_streamed = false;
		arena_reset(&b->hdr);
		return r;
	}
	return 1;
}

static int on_null(void *c) { return add(c, JSON_NULL, NULL, 0); }
static int on_bool(void *c, int v) { return add(c, v ? JSON_TRUE : JSON_FALSE, NULL, 0); }
static int on_number(void *c, const char *s, size_t n) { return add(c, JSON_NUMBER, s, n); }
static int on_string(void *c, const unsigned char *s, size_t n)
{
	return add(c, JSON_STRING, (const char *)s, n);
}
static int on_start_map(void *c) { return add(c, JSON_OBJECT, NULL, 0); }
static int on_start_array(void *c) { return add(c, JSON_ARRAY, NULL, 0); }
static int on_end(void *c) { return end_container(c); }

static int on_key(void *c, const unsigned char *s, size_t n)
{
	struct builder *b = c;
	/* The key must outlive yajl's buffer until its value arrives. */
	struct arena *a = b->in_record ? &b->rec : &b->hdr;
	if (!(b->key = arena_strndup(a, (const char *)s, n))) return fail(b, DM_ETOOBIG, "record too large");
	b->keylen = n;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

static void builder_init(struct builder *b, struct json_stream *js, const char *name, struct dm_err *e)
{
	*b = (struct builder){ .js = js, .name = name, .e = e };
	b->rec.max = js->max_record;
	b->hdr.max = js->max_record;
	b->h = yajl_alloc(&callbacks, NULL, b);
	yajl_config(b->h, yajl_allow_multiple_values, 1);
	js->records = 0;
}

static void builder_release(struct builder *b)
{
	yajl_free(b->h);
	arena_release(&b->hdr);
	arena_release(&b->rec);
}

/* yajl's complaint, on one line, with our byte position. */
static int syntax_error(struct builder *b, const unsigned char *chunk, size_t len)
{
	if (b->rc < 0) return b->rc;
	unsigned char *msg = yajl_get_error(b->h, 0, chunk, len);
	char *m = (char *)msg;
	for (char *p = m; *p; p++)
		if (*p == '\n' || *p == '\r') *p = ' ';
	size_t n = strlen(m);
	while (n && m[n - 1] == ' ') m[--n] = 0;
	b->rc =
	    dm_fail(b->e, DM_EINPUT, "%s: byte %llu: JSON %s", b->name, (unsigned long long)position(b), m);
	yajl_free_error(b->h, msg);
	return b->rc;
}

static int feed(struct builder *b, const unsigned char *p, size_t n)
{
	if (yajl_parse(b->h, p, n) != yajl_status_ok) return syntax_error(b, p, n);
	b->base += n;
	return 0;
}

static int finish(struct builder *b)
{
	yajl_status st = yajl_complete_parse(b->h);
	if (b->rc < 0) return b->rc;
	if (st != yajl_status_ok && !b->depth) return syntax_error(b, NULL, 0);
	if (b->depth)
		return dm_fail(b->e, DM_EINPUT, "%s: byte %llu: JSON ends inside a value (truncated?)",
			       b->name, (unsigned long long)b->base);
	return 0;
}

int json_stream_mem(struct json_stream *js, const void *data, size_t len, const char *name, struct dm_err *e)
{
	struct builder b;
	builder_init(&b, js, name, e);
	int r = feed(&b, data, len);
	if (r == 0) r = finish(&b);
	builder_release(&b);
	return r;
}

int json_stream_file(struct json_stream *js, const char *path, struct dm_err *e)
{
	struct stat st;
	if (stat(path, &st) < 0) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	gzFile f = gzopen(path, "rb");
	if (!f) return dm_fail(e, -errno, "%s: %s", path, strerror(errno ? errno : ENOMEM));
	gzbuffer(f, 1 << 18);
	enum { CHUNK = 1 << 18 };
	unsigned char *chunk = xmalloc(CHUNK);
	struct builder b;
	builder_init(&b, js, path, e);
	int r = 0, n;
	while ((n = gzread(f, chunk, CHUNK)) > 0) {
		if ((r = feed(&b, chunk, (size_t)n)) < 0) break;
		if (js->progress) js->progress(js->progress_ctx, (uint64_t)gzoffset(f), (uint64_t)st.st_size);
	}
	if (r == 0 && n < 0) {
		int zerr;
		const char *msg = gzerror(f, &zerr);
		r = dm_fail(e, zerr == Z_ERRNO ? -errno : DM_EINPUT, "%s: byte %llu: %s", path,
			    (unsigned long long)b.base, zerr == Z_ERRNO ? strerror(errno) : msg);
	}
	if (r == 0) r = finish(&b);
	builder_release(&b);
	free(chunk);
	gzclose(f);
	return r;
}
