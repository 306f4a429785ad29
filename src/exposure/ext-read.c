/* Reading an export (exposure.h): JSON (JSON Lines, an array, or an API
 * answer whose matches, result.hits or data.arr hold the records) or CSV
 * with a header; the first record whose field names show a platform
 * decides what the file is read as, and every record is checked as that. */
#include "exposure/exposure.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/util.h"
#include "exposure/ext-record.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct reader {
	struct ext_set *out;
	const char *name, *file, *data;
	size_t len, nl_pos;
	unsigned line;
	uint64_t record;
	int platform; /* -1 until a record shows it */
};

static const char *const any_platform =
    "not a record of a Shodan, Censys, FOFA, ZoomEye or Hunter export "
    "(no ip_str, services, lastupdatetime, portinfo, component or updated_at)";

static unsigned line_at(struct reader *rd, uint64_t offset)
{
	size_t end = offset < rd->len ? (size_t)offset : rd->len;
	for (; rd->nl_pos < end; rd->nl_pos++)
		if (rd->data[rd->nl_pos] == '\n') rd->line++;
	return rd->line;
}

/* One record of either form: its platform checked, then converted; a bad
 * one joins the errors and reading goes on. */
static void one(struct reader *rd, struct ext_rec *r, const char *where, unsigned line)
{
	struct dm_err e;
	int p = ext_detect(r);
	if (p < 0 && rd->platform >= 0 && rd->platform != EXT_CENSYS)
		p = rd->platform; /* fields left empty */
	if (p < 0) {
		dm_fail(&e, DM_EINPUT, "%s: %s", where, any_platform);
	} else if (rd->platform >= 0 && p != rd->platform) {
		dm_fail(&e, DM_EINPUT, "%s: a %s record in a file read as %s (from its first record)", where,
			ext_platform_name((enum ext_platform)p),
			ext_platform_name((enum ext_platform)rd->platform));
	} else {
		rd->platform = p;
		if (ext_convert(r, (enum ext_platform)p, rd->file, where, line, rd->out, &e) == 0) return;
	}
	ext_set_error(rd->out, e.msg);
}

/* Skips a string's body from just after its opening quote; returns the
 * index of its closing quote (or len), counting the lines it spans. */
static size_t skip_string(const char *d, size_t len, size_t i, unsigned *ln)
{
	for (; i < len && d[i] != '"'; i++) {
		if (d[i] == '\\' && i + 1 < len) i++;
		if (d[i] == '\n') (*ln)++;
	}
	return i;
}

/* The line each element of the array under member key starts on, in the
 * text of a record that starts at from on first_line: the JSON reader
 * gives the position of top-level records only, and the records of an API
 * answer (result.hits, data.arr) sit two deep. Returns how many elements
 * were found (lines of the first max kept). */
static size_t item_lines(const char *d, size_t len, size_t from, const char *key, unsigned first_line,
			 unsigned *out, size_t max)
{
	size_t klen = strlen(key), i = from, n = 0;
	unsigned ln = first_line;
	bool found = false;
	for (; i < len && !found; i++) {
		if (d[i] == '\n') ln++;
		if (d[i] != '"') continue;
		bool is_key = i + klen + 1 < len && !memcmp(d + i + 1, key, klen) && d[i + 1 + klen] == '"';
		i = skip_string(d, len, i + 1, &ln);
		if (!is_key) continue;
		size_t j = i + 1;
		unsigned l2 = ln;
		for (int want = ':'; j < len; j++) {
			if (d[j] == '\n') l2++;
			if (isspace((unsigned char)d[j])) continue;
			if (d[j] != want) break;
			if (want == '[') {
				found = true;
				break;
			}
			want = '[';
		}
		if (found) i = j, ln = l2;
	}
	if (!found) return 0;
	bool want = true;
	for (int depth = 1; i < len && depth > 0; i++) {
		char c = d[i];
		if (c == '\n') ln++;
		if (isspace((unsigned char)c)) continue;
		if (depth == 1 && want && c != ',' && c != ']') {
			if (n < max) out[n] = ln;
			n++;
			want = false;
		}
		if (c == '"')
			i = skip_string(d, len, i + 1, &ln);
		else if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}')
			depth--;
		else if (c == ',' && depth == 1)
			want = true;
	}
	return n;
}

static int json_record(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		       struct dm_err *e)
{
	(void)header, (void)e;
	struct reader *rd = ctx;
	unsigned line = line_at(rd, offset);
	char where[300];
	/* an API answer that wraps its records two deep: Censys result.hits,
	 * Hunter data.arr */
	static const char *const wraps[][2] = { { "result", "hits" }, { "data", "arr" } };
	for (size_t w = 0; rec->type == JSON_OBJECT && w < 2; w++) {
		const struct json *arr = json_get(json_get(rec, wraps[w][0]), wraps[w][1]);
		if (!arr || arr->type != JSON_ARRAY) continue;
		unsigned k = 0, *lines = xcalloc(arr->n + 1, sizeof(*lines));
		/* each record's own line when the text shows as many as were parsed */
		bool own = item_lines(rd->data, rd->len, (size_t)offset, wraps[w][1], line, lines, arr->n) ==
			   arr->n;
		json_each(item, arr)
		{
			unsigned l = own ? lines[k] : line;
			snprintf(where, sizeof(where), "%s: line %u (%s.%s[%u])", rd->name, l, wraps[w][0],
				 wraps[w][1], k);
			k++;
			struct ext_rec r = { .j = item };
			rd->record++;
			one(rd, &r, where, l);
		}
		free(lines);
		return 0;
	}
	snprintf(where, sizeof(where), "%s: line %u", rd->name, line);
	rd->record++;
	if (rec->type != JSON_OBJECT) {
		struct dm_err bad;
		dm_fail(&bad, DM_EINPUT, "%s: expected an object", where);
		ext_set_error(rd->out, bad.msg);
		return 0;
	}
	struct ext_rec r = { .j = rec };
	one(rd, &r, where, line);
	return 0;
}

static int read_json(struct reader *rd, struct dm_err *e)
{
	/* Shodan's search API and ZoomEye's host search hold their records in "matches" */
	struct json_stream js = {
		.stream_key = "matches", .record = json_record, .ctx = rd, .max_record = 16u << 20
	};
	return json_stream_mem(&js, rd->data, rd->len, rd->name, e);
}

static int read_csv(struct reader *rd, struct dm_err *e)
{
	struct csv c;
	csv_init(&c, rd->data, rd->len, ',');
	int r = csv_next(&c, rd->name, e);
	if (r == 0) r = dm_fail(e, DM_EINPUT, "%s: empty: expected an export's header line", rd->name);
	if (r < 0) {
		csv_release(&c);
		return r;
	}
	size_t nh = c.n;
	char **hdr = xcalloc(nh, sizeof(*hdr));
	for (size_t i = 0; i < nh; i++) {
		hdr[i] = xstrdup(c.fields[i]);
		for (char *p = hdr[i]; *p; p++) *p = (char)tolower((unsigned char)*p);
	}
	struct ext_rec head = { .hdr = hdr, .n = nh };
	rd->platform = ext_detect(&head);
	if (rd->platform < 0)
		r = dm_fail(e, DM_EINPUT, "%s: line %zu: header: %s", rd->name, c.line, any_platform);
	bool ends_nl = rd->len && rd->data[rd->len - 1] == '\n';
	while (r >= 0 && (r = csv_next(&c, rd->name, e)) == 1) {
		char where[300];
		snprintf(where, sizeof(where), "%s: line %zu", rd->name, c.line);
		rd->record++;
		if (c.n != nh) {
			struct dm_err bad;
			bool last = c.p >= c.end;
			dm_fail(&bad, DM_EINPUT, "%s: %zu fields where the header has %zu%s", where, c.n, nh,
				last && !ends_nl ? " (the file ends inside this record: truncated?)" : "");
			ext_set_error(rd->out, bad.msg);
			continue;
		}
		struct ext_rec row = { .hdr = hdr, .val = c.fields, .n = nh };
		one(rd, &row, where, (unsigned)c.line);
	}
	for (size_t i = 0; i < nh; i++) free(hdr[i]);
	free(hdr);
	csv_release(&c);
	return r < 0 ? r : 0;
}

int ext_read(const char *name, const char *data, size_t len, struct ext_set *out,
	     enum ext_platform *ret_platform, struct dm_err *e)
{
	struct reader rd = { .out = out,
			     .name = name,
			     .file = ext_set_file(out, name),
			     .data = data,
			     .len = len,
			     .line = 1,
			     .platform = -1 };
	size_t k = 0;
	if (ret_platform) *ret_platform = EXT_SHODAN;            /* until a record says otherwise */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) k = 3; /* a BOM from a spreadsheet */
	while (k < len && isspace((unsigned char)data[k])) k++;
	if (k == len) return dm_fail(e, DM_EINPUT, "%s: empty", name);
	size_t errors = out->n_errors;
	int r = data[k] == '{' || data[k] == '[' ? read_json(&rd, e) : read_csv(&rd, e);
	if (r == 0 && rd.platform < 0)
		r = dm_fail(e, DM_EINPUT, "%s: %s", name,
			    out->n_errors > errors ? "no record of a known export (each was named above)"
						   : "no records");
	if (ret_platform) *ret_platform = rd.platform < 0 ? EXT_SHODAN : (enum ext_platform)rd.platform;
	return r;
}

int ext_read_file(const char *path, struct ext_set *out, enum ext_platform *ret_platform, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	int r = buf_read_file(&b, path, 1u << 30, "a mapping platform's export", e);
	if (r == 0) r = ext_read(path, b.data ? b.data : "", b.len, out, ret_platform, e);
	buf_release(&b);
	return r;
}
