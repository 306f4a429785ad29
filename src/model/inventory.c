/* The asset register's reader (inventory.h): CSV or JSON, every row checked,
 * one bad row rejects the file with its line. */
#include "model/inventory.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/json.h"
#include "base/log.h"
#include "base/util.h"
#include "net/route.h"
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const status_names[] = { "active", "test", "spare", "decommissioned" };

const char *inv_status_name(enum inv_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

int inv_status_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++)
		if (!strcasecmp(s, status_names[i])) return (int)i;
	return -1;
}

enum col { C_IP, C_MAC, C_HOST, C_OWNER, C_ROLE, C_STATUS, C_EXPIRES, C_PUBLIC, C_N };
static const char *const col_names[C_N] = { "ip",   "mac",    "hostname", "owner",
					    "role", "status", "expires",  "public_ip" };

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
	size_t k = 0;
	while (s[k] && isspace((unsigned char)s[k])) k++;
	if (k) memmove(s, s + k, n - k + 1);
}

/* Any form mac_parse reads; written lower case with colons. */
static int parse_mac(const char *s, char out[18])
{
	uint8_t b[6];
	if (mac_parse(s, b) < 0) return -1;
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
	return 0;
}

/* YYYY-MM-DD: the whole day counts, so it expires at its end (UTC). */
static int parse_date(const char *s, double *ret)
{
	struct tm tm = { 0 };
	int y, m, d, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || n != 10 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != m - 1) return -1; /* 2026-02-30 */
	*ret = (double)t + 86400;
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	return ipaddr_cmp(&((const struct inv_entry *)a)->ip, &((const struct inv_entry *)b)->ip);
}

/* Duplicates in file order, so the message names the later line. */
static int cmp_ip(const void *a, const void *b)
{
	int c = ipaddr_cmp(&((const struct inv_entry *)a)->ip, &((const struct inv_entry *)b)->ip);
	return c ? c : (int)((const struct inv_entry *)a)->line - (int)((const struct inv_entry *)b)->line;
}

/* One row, its fields already trimmed: checked and appended. where is
 * "line N" (CSV) or "line N (record K)" (JSON). */
static int add_row(struct inventory *out, const char *name, const char *where, unsigned line,
		   char v[C_N][256], struct dm_err *e)
{
	struct inv_entry en = { .line = line };
	if (!v[C_IP][0]) return dm_fail(e, DM_EINPUT, "%s: %s: no address in the ip column", name, where);
	if (ipaddr_parse(v[C_IP], &en.ip) < 0)
		return dm_fail(e, DM_EINPUT, "%s: %s: ip \"%.64s\": not an IPv4 or IPv6 address", name, where,
			       v[C_IP]);
	if (v[C_MAC][0] && parse_mac(v[C_MAC], en.mac) < 0)
		return dm_fail(e, DM_EINPUT,
			       "%s: %s: mac \"%.64s\": expected six bytes in hex (aa:bb:cc:dd:ee:ff)", name,
			       where, v[C_MAC]);
	int st = v[C_STATUS][0] ? inv_status_parse(v[C_STATUS]) : INV_ACTIVE;
	if (st < 0)
		return dm_fail(e, DM_EINPUT,
			       "%s: %s: status \"%.64s\": expected active, test, spare or decommissioned",
			       name, where, v[C_STATUS]);
	en.status = (enum inv_status)st;
	if (v[C_EXPIRES][0] && parse_date(v[C_EXPIRES], &en.expires) < 0)
		return dm_fail(e, DM_EINPUT, "%s: %s: expires \"%.64s\": expected a date as YYYY-MM-DD", name,
			       where, v[C_EXPIRES]);
	if (v[C_PUBLIC][0] && ipaddr_parse(v[C_PUBLIC], &en.public_ip) < 0)
		return dm_fail(e, DM_EINPUT, "%s: %s: public_ip \"%.64s\": not an IPv4 or IPv6 address", name,
			       where, v[C_PUBLIC]);
	en.has_public = v[C_PUBLIC][0] != 0;
	snprintf(en.hostname, sizeof(en.hostname), "%s", v[C_HOST]);
	snprintf(en.owner, sizeof(en.owner), "%.127s", v[C_OWNER]);
	snprintf(en.role, sizeof(en.role), "%.63s", v[C_ROLE]);
	if (out->n == out->cap) {
		out->cap = out->cap ? 2 * out->cap : 64;
		out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	out->v[out->n++] = en;
	return 0;
}

/* A bad row: its sentence (in e) joins the list and reading goes on, so
 * one pass names every bad row. */
static int row_error(struct inventory *out, const struct dm_err *e)
{
	if (out->n_errors < INV_ERRORS_KEPT) {
		out->errors = xrealloc(out->errors, (out->n_errors + 1) * sizeof(*out->errors));
		out->errors[out->n_errors] = xstrdup(e->msg);
	}
	out->n_errors++;
	return 0;
}

/* Sorted, no address twice (each later line is named), and the verdict:
 * r is the reading's own error (a header, a quote never closed, JSON that
 * does not parse), which ends the list. */
static int finish(struct inventory *out, const char *name, int r, struct dm_err *e)
{
	struct dm_err row;
	inventory_sort(out);
	for (size_t i = 1; r == 0 && i < out->n; i++)
		if (!ipaddr_cmp(&out->v[i - 1].ip, &out->v[i].ip)) {
			char ip[IPADDR_STRLEN];
			size_t first = i - 1;
			while (first > 0 && !ipaddr_cmp(&out->v[first - 1].ip, &out->v[i].ip)) first--;
			ipaddr_fmt(&out->v[i].ip, ip, sizeof(ip));
			dm_fail(&row, DM_EINPUT, "%s: line %u: %s is already on line %u", name,
				out->v[i].line, ip, out->v[first].line);
			row_error(out, &row);
		}
	if (r < 0 && out->n_errors) row_error(out, e);
	if (out->n_errors == 1)
		r = dm_fail(e, DM_EINPUT, "%s", out->errors[0]);
	else if (out->n_errors > 1)
		r = dm_fail(e, DM_EINPUT,
			    "%s (and %zu more in the file: 'dormant inventory import' lists every one)",
			    out->errors[0], out->n_errors - 1);
	if (r < 0) out->n = 0; /* nothing of a bad file */
	return r;
}

static int column_of(const char *field)
{
	char h[64];
	snprintf(h, sizeof(h), "%s", field);
	trim(h);
	for (char *p = h; *p; p++) *p = (char)tolower((unsigned char)*p);
	for (int k = 0; k < C_N; k++)
		if (!strcmp(h, col_names[k])) return k;
	return -1;
}

int inventory_parse_csv(const char *name, const char *data, size_t len, struct inventory *out,
			struct dm_err *e)
{
	struct csv c;
	csv_init(&c, data, len, ',');
	int r = csv_next(&c, name, e), pos[C_N];
	for (int k = 0; k < C_N; k++) pos[k] = -1;
	if (r == 0)
		r = dm_fail(e, DM_EINPUT,
			    "%s: empty: expected a header line (ip,mac,hostname,owner,role,status,expires)",
			    name);
	if (r < 0) goto out;
	/* a header from a semicolon-separated export: read it again that way */
	if (c.n == 1 && strchr(c.fields[0], ';')) {
		csv_release(&c);
		csv_init(&c, data, len, ';');
		/* read that way the header may not parse (a quote the comma reading
		 * took as plain text): its error, not the fields of a failed read */
		if ((r = csv_next(&c, name, e)) <= 0) {
			if (r == 0) r = dm_fail(e, DM_EINPUT, "%s: empty: expected a header line", name);
			goto out;
		}
	}
	for (size_t i = 0; i < c.n; i++) {
		int k = column_of(c.fields[i]);
		if (k < 0) {
			log_warn("%s: line %zu: column \"%.63s\" is not one dormant reads (ip, mac, "
				 "hostname, owner, role, "
				 "status, expires, public_ip): ignored",
				 name, c.line, c.fields[i]);
			out->ignored_columns++;
			continue;
		}
		if (pos[k] >= 0) {
			r = dm_fail(e, DM_EINPUT, "%s: line %zu: column \"%s\" given twice", name, c.line,
				    col_names[k]);
			goto out;
		}
		pos[k] = (int)i;
	}
	if (pos[C_IP] < 0) {
		r = dm_fail(e, DM_EINPUT, "%s: line %zu: no \"ip\" column in the header", name, c.line);
		goto out;
	}
	while ((r = csv_next(&c, name, e)) == 1) {
		char v[C_N][256], where[32];
		for (int k = 0; k < C_N; k++) {
			v[k][0] = 0;
			if (pos[k] >= 0 && (size_t)pos[k] < c.n)
				snprintf(v[k], sizeof(v[k]), "%s", c.fields[pos[k]]);
			trim(v[k]);
		}
		snprintf(where, sizeof(where), "line %zu", c.line);
		if (add_row(out, name, where, (unsigned)c.line, v, e) < 0) row_error(out, e);
	}
	r = finish(out, name, r, e);
out:
	csv_release(&c);
	if (r < 0) out->n = 0; /* nothing of a bad file */
	return r;
}

/* JSON: an array of objects, an object whose "assets" array holds them, or
 * JSON Lines; members named like the CSV columns. */
struct json_rows {
	struct inventory *out;
	const char *name, *data;
	size_t len, nl_pos; /* newlines counted up to nl_pos */
	unsigned line;
	uint64_t record;
	unsigned warned; /* unknown member names already reported */
	char warned_names[8][32];
};

static unsigned line_at(struct json_rows *jr, uint64_t offset)
{
	size_t end = offset < jr->len ? (size_t)offset : jr->len;
	for (; jr->nl_pos < end; jr->nl_pos++)
		if (jr->data[jr->nl_pos] == '\n') jr->line++;
	return jr->line;
}

static void warn_unknown(struct json_rows *jr, const char *where, const char *key)
{
	for (unsigned i = 0; i < jr->warned && i < ARRAY_SIZE(jr->warned_names); i++)
		if (!strncmp(jr->warned_names[i], key, sizeof(jr->warned_names[i]) - 1)) return;
	if (jr->warned < ARRAY_SIZE(jr->warned_names))
		snprintf(jr->warned_names[jr->warned], sizeof(jr->warned_names[0]), "%s", key);
	jr->warned++;
	jr->out->ignored_columns++;
	log_warn("%s: %s: member \"%.63s\" is not one dormant reads (ip, mac, hostname, owner, role, status, "
		 "expires, public_ip): "
		 "ignored",
		 jr->name, where, key);
}

static int json_row(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		    struct dm_err *e)
{
	(void)header;
	struct json_rows *jr = ctx;
	char where[64], v[C_N][256];
	unsigned line = line_at(jr, offset);
	snprintf(where, sizeof(where), "line %u (record %llu)", line, (unsigned long long)++jr->record);
	if (rec->type != JSON_OBJECT) {
		dm_fail(e, DM_EINPUT,
			"%s: %s: expected an object with ip, mac, hostname, owner, role, status, expires",
			jr->name, where);
		return row_error(jr->out, e);
	}
	for (int k = 0; k < C_N; k++) v[k][0] = 0;
	json_each(m, rec)
	{
		int k = column_of(m->key ? m->key : "");
		if (k < 0) {
			warn_unknown(jr, where, m->key ? m->key : "");
			continue;
		}
		if (m->type == JSON_NULL) continue;
		if (m->type != JSON_STRING && m->type != JSON_NUMBER) {
			dm_fail(e, DM_EINPUT, "%s: %s: \"%s\": expected a string", jr->name, where,
				col_names[k]);
			return row_error(jr->out, e);
		}
		snprintf(v[k], sizeof(v[k]), "%s", m->str);
		trim(v[k]);
	}
	if (add_row(jr->out, jr->name, where, line, v, e) < 0) row_error(jr->out, e);
	return 0;
}

int inventory_parse_json(const char *name, const char *data, size_t len, struct inventory *out,
			 struct dm_err *e)
{
	struct json_rows jr = { .out = out, .name = name, .data = data, .len = len, .line = 1 };
	struct json_stream js = {
		.stream_key = "assets", .record = json_row, .ctx = &jr, .max_record = 1 << 20
	};
	int r = json_stream_mem(&js, data, len, name, e);
	if (r == 0 && !js.records)
		r = dm_fail(e, DM_EINPUT, "%s: no assets: expected an array of objects", name);
	return finish(out, name, r, e);
}

void inventory_sort(struct inventory *inv)
{
	if (inv->n) qsort(inv->v, inv->n, sizeof(*inv->v), cmp_ip);
}

const struct inv_entry *inventory_find(const struct inventory *inv, const struct ipaddr *ip)
{
	struct inv_entry key = { .ip = *ip };
	return inv && inv->n ? bsearch(&key, inv->v, inv->n, sizeof(*inv->v), cmp_addr) : NULL;
}

void inventory_merge(struct inventory *inv, const struct inventory *add, size_t *ret_added,
		     size_t *ret_updated)
{
	size_t added = 0, updated = 0, n_old = inv->n;
	for (size_t i = 0; i < add->n; i++) {
		struct inv_entry key = { .ip = add->v[i].ip };
		struct inv_entry *old = n_old ? bsearch(&key, inv->v, n_old, sizeof(*inv->v), cmp_addr)
					      : NULL; /* the sorted part */
		if (old) {
			*old = add->v[i];
			updated++;
			continue;
		}
		if (inv->n == inv->cap) {
			inv->cap = inv->cap ? 2 * inv->cap : 64;
			inv->v = xrealloc(inv->v, inv->cap * sizeof(*inv->v));
		}
		inv->v[inv->n++] = add->v[i];
		added++;
	}
	inventory_sort(inv);
	*ret_added = added;
	*ret_updated = updated;
}

void inventory_release(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n_errors && i < INV_ERRORS_KEPT; i++) free(inv->errors[i]);
	free(inv->errors);
	free(inv->v);
	*inv = (struct inventory){ 0 };
}

/* The whole file: registers are small (a million rows is ~100 MB). */
int inventory_load_file(const char *path, struct inventory *out, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	int r = buf_read_file(&b, path, 1u << 30, "an asset register", e);
	if (!r) {
		const char *d = b.data ? b.data : "";
		size_t k = 0;
		while (k < b.len && isspace((unsigned char)d[k])) k++;
		bool json = k < b.len && (d[k] == '[' || d[k] == '{');
		r = json ? inventory_parse_json(path, d, b.len, out, e)
			 : inventory_parse_csv(path, d, b.len, out, e);
	}
	buf_release(&b);
	return r;
}
