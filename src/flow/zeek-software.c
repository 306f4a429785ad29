/* Zeek software.log, ssh.log and http.log into passive service
 * observations: the server's address, port, what it called itself and
 * when. TSV lines are split by the #separator and named by #fields; JSON
 * lines are parsed one by one; both end in one record function. */
#include "flow/zeek-software.h"
#include "base/json.h"
#include "base/log.h"
#include "base/util.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

enum { F_TS, F_HOST, F_HOST_P, F_TYPE, F_UNPARSED, F_RESP_H, F_RESP_P, F_SERVER, F_N };
static const char *const field_names[F_N] = {
	"ts", "host", "host_p", "software_type", "unparsed_version", "id.resp_h", "id.resp_p", "server"
};
enum { MAX_COLS = 128, MAX_MESSAGES = 5, LINE_MAX_BYTES = 65536 };

struct zs_reader {
	const char *name;
	struct payload_sniff *ps;
	struct zeek_software_stats *st;
	enum zeek_software_kind kind;
	char sep;
	char unset[16];
	int pos[F_N];
	int n_fields;
	bool have_fields;
	unsigned messages;
};

static bool has_key(const uint8_t *h, size_t n, const char *key)
{
	return memmem(h, n, key, strlen(key)) != NULL;
}

enum zeek_software_kind zeek_software_kind(const uint8_t *h, size_t n)
{
	const uint8_t *p = memmem(h, n, "\n#path\t", 7);
	if (p) {
		p += 7;
		size_t left = n - (size_t)(p - h);
		if (left >= 9 && !memcmp(p, "software\n", 9)) return ZS_SOFTWARE;
		if (left >= 4 && !memcmp(p, "ssh\n", 4)) return ZS_SSH;
		if (left >= 5 && !memcmp(p, "http\n", 5)) return ZS_HTTP;
		return ZS_NONE;
	}
	if (n < 1 || h[0] != '{') return ZS_NONE;
	const uint8_t *nl = memchr(h, '\n', n);
	size_t l = nl ? (size_t)(nl - h) : n; /* the first object's keys */
	if (has_key(h, l, "\"software_type\"") && has_key(h, l, "\"unparsed_version\"")) return ZS_SOFTWARE;
	if (has_key(h, l, "\"id.resp_h\"") && has_key(h, l, "\"server\"") &&
	    (has_key(h, l, "\"client\"") || has_key(h, l, "\"auth_success\"")))
		return ZS_SSH;
	if (has_key(h, l, "\"id.resp_h\"") && has_key(h, l, "\"method\"") && has_key(h, l, "\"uri\""))
		return ZS_HTTP;
	return ZS_NONE;
}

static void damaged(struct zs_reader *r, const char *why)
{
	r->st->damaged++;
	if (r->messages++ < MAX_MESSAGES)
		log_warn("%s:%llu: %s: line skipped", r->name, (unsigned long long)r->st->lines, why);
}

static bool unset(const struct zs_reader *r, const char *v)
{
	return !v || !*v || !strcmp(v, r->unset) || !strcmp(v, "(empty)");
}

/* Zeek time: seconds since the epoch, or (JSON with ISO8601 timestamps) a date and time in UTC. */
static bool parse_ts(const char *s, double *ret)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end != s && !*end && !errno && v >= 0) {
		*ret = v;
		return true;
	}
	struct tm tm = { 0 };
	const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest) return false;
	*ret = (double)timegm(&tm);
	return true;
}

static bool parse_port(const char *s, uint16_t *ret)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || v == 0 || v > 65535) return false;
	*ret = (uint16_t)v;
	return true;
}

/* One record, its fields by F_* (NULL when absent). */
static void record(struct zs_reader *r, const char *const *f)
{
	struct obs_service s;
	memset(&s, 0, sizeof(s));
	const char *addr = r->kind == ZS_SOFTWARE ? f[F_HOST] : f[F_RESP_H];
	const char *port = r->kind == ZS_SOFTWARE ? f[F_HOST_P] : f[F_RESP_P];
	const char *text = r->kind == ZS_SOFTWARE ? f[F_UNPARSED] : f[F_SERVER];
	if (r->kind == ZS_SOFTWARE) {
		/* servers only: HTTP::SERVER, HTTP::APPSERVER, SSH::SERVER, FTP::SERVER, SMTP::MAIL_SERVER ... */
		const char *t = f[F_TYPE];
		if (unset(r, t) || !strstr(t, "SERVER")) return;
		const char *colon = strchr(t, ':');
		size_t k = colon ? (size_t)(colon - t) : strlen(t);
		for (size_t i = 0; i < k && i + 1 < sizeof(s.name); i++)
			s.name[i] = (char)tolower((unsigned char)t[i]);
	} else {
		snprintf(s.name, sizeof(s.name), "%s", r->kind == ZS_SSH ? "ssh" : "http");
	}
	if (unset(r, text)) return; /* nothing said about the software */
	if (unset(r, addr) || ipaddr_parse(addr, &s.ip) < 0) {
		damaged(r, "no server address");
		return;
	}
	if (unset(r, port) || !parse_port(port, &s.port)) {
		damaged(r, "no server port");
		return;
	}
	if (unset(r, f[F_TS]) || !parse_ts(f[F_TS], &s.ts)) {
		damaged(r, "no time");
		return;
	}
	s.proto = PROTO_TCP;
	if (!strcmp(s.name, "ssh") && strncmp(text, "SSH-", 4))
		snprintf(s.banner, sizeof(s.banner), "SSH-2.0-%s", text); /* software.log drops the prefix */
	else
		snprintf(s.banner, sizeof(s.banner), "%s", text);
	snprintf(s.info, sizeof(s.info), "seen in Zeek %s",
		 r->kind == ZS_SOFTWARE ? "software.log"
		 : r->kind == ZS_SSH    ? "ssh.log"
					: "http.log");
	s.passive = true;
	r->st->records++;
	payload_sniff_add(r->ps, &s, s.ts);
}

static void tsv_header(struct zs_reader *r, char *line)
{
	if (!strncmp(line, "#separator ", 11)) {
		const char *v = line + 11;
		r->sep = !strncmp(v, "\\x", 2) ? (char)strtol(v + 2, NULL, 16) : v[0];
	} else if (!strncmp(line, "#unset_field", 12) && line[12]) {
		snprintf(r->unset, sizeof(r->unset), "%s", line + 13);
	} else if (!strncmp(line, "#fields", 7) && line[7]) {
		for (int k = 0; k < F_N; k++) r->pos[k] = -1;
		int c = 0;
		for (char *save = NULL, *t = strtok_r(line + 8, (char[]){ r->sep, 0 }, &save);
		     t && c < MAX_COLS; t = strtok_r(NULL, (char[]){ r->sep, 0 }, &save), c++)
			for (int k = 0; k < F_N; k++)
				if (!strcmp(t, field_names[k])) r->pos[k] = c;
		r->n_fields = c;
		r->have_fields = true;
	}
}

static void tsv_line(struct zs_reader *r, char *line)
{
	if (!r->have_fields) {
		damaged(r, "a record before the #fields header");
		return;
	}
	char *cols[MAX_COLS];
	int n = 0;
	for (char *p = line; n < MAX_COLS;) {
		cols[n++] = p;
		char *s = strchr(p, r->sep);
		if (!s) break;
		*s = 0;
		p = s + 1;
	}
	if (n != r->n_fields) {
		damaged(r, "not as many columns as #fields names");
		return;
	}
	const char *f[F_N];
	for (int k = 0; k < F_N; k++) f[k] = r->pos[k] >= 0 && r->pos[k] < n ? cols[r->pos[k]] : NULL;
	record(r, f);
}

static int json_record(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		       struct dm_err *e)
{
	(void)header, (void)offset, (void)e;
	struct zs_reader *r = ctx;
	if (rec->type != JSON_OBJECT) {
		damaged(r, "not a JSON object");
		return 0;
	}
	const char *f[F_N];
	for (int k = 0; k < F_N; k++) {
		const struct json *j = json_get(rec, field_names[k]);
		f[k] = j && (j->type == JSON_STRING || j->type == JSON_NUMBER) ? j->str : NULL;
	}
	record(r, f);
	return 0;
}

static void one_line(struct zs_reader *r, char *line, size_t len)
{
	r->st->lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
	if (!len) return;
	if (line[0] == '#') {
		tsv_header(r, line);
		return;
	}
	if (line[0] == '{') {
		struct json_stream js = { .record = json_record, .ctx = r, .max_record = LINE_MAX_BYTES * 4 };
		struct dm_err e = { 0 };
		if (json_stream_mem(&js, line, len, r->name, &e) < 0) damaged(r, "not a JSON object");
		return;
	}
	tsv_line(r, line);
}

static void reader_init(struct zs_reader *r, const char *name, enum zeek_software_kind kind,
			struct payload_sniff *ps, struct zeek_software_stats *st)
{
	*r = (struct zs_reader){ .name = name, .ps = ps, .st = st, .kind = kind, .sep = '\t' };
	snprintf(r->unset, sizeof(r->unset), "-");
	for (int k = 0; k < F_N; k++) r->pos[k] = -1;
}

int zeek_software_read_mem(const char *name, const char *data, size_t len, struct payload_sniff *ps,
			   struct zeek_software_stats *st, struct dm_err *e)
{
	enum zeek_software_kind kind = zeek_software_kind((const uint8_t *)data, MIN(len, (size_t)4096));
	if (!kind) return dm_fail(e, DM_EINPUT, "%s: not a Zeek software.log, ssh.log or http.log", name);
	struct zs_reader r;
	reader_init(&r, name, kind, ps, st);
	char *line = xmalloc(LINE_MAX_BYTES + 1);
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (data + off)) : len - off;
		if (l > LINE_MAX_BYTES) {
			r.st->lines++;
			damaged(&r, "line too long");
		} else {
			memcpy(line, data + off, l);
			line[l] = 0;
			one_line(&r, line, l);
		}
		off += l + 1;
	}
	free(line);
	return 0;
}

int zeek_software_read_file(const char *path, struct payload_sniff *ps, struct zeek_software_stats *st,
			    struct dm_err *e)
{
	gzFile g = gzopen(path, "rb");
	if (!g) return dm_fail(e, DM_EINPUT, "%s: %s", path, strerror(errno ? errno : ENOMEM));
	char *line = xmalloc(LINE_MAX_BYTES + 2);
	int n = gzread(g, line, 4096);
	enum zeek_software_kind kind = n > 0 ? zeek_software_kind((const uint8_t *)line, (size_t)n) : ZS_NONE;
	int rc = 0;
	if (!kind) {
		rc = dm_fail(e, DM_EINPUT, "%s: not a Zeek software.log, ssh.log or http.log", path);
	} else {
		struct zs_reader r;
		reader_init(&r, path, kind, ps, st);
		gzrewind(g);
		while (gzgets(g, line, LINE_MAX_BYTES + 2)) {
			size_t l = strlen(line);
			if (l == LINE_MAX_BYTES + 1 && line[l - 1] != '\n') { /* too long: skip to its end */
				r.st->lines++;
				damaged(&r, "line too long");
				int c;
				while ((c = gzgetc(g)) >= 0 && c != '\n') {
				}
				continue;
			}
			one_line(&r, line, l);
		}
		int err;
		const char *msg = gzerror(g, &err);
		if (err != Z_OK && err != Z_STREAM_END)
			rc = dm_fail(e, DM_EINPUT, "%s: line %llu: %s", path,
				     (unsigned long long)st->lines + 1, msg);
	}
	gzclose(g);
	free(line);
	return rc;
}
