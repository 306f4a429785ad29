/* The default-credential database: CSV with a header row. */
#include "creds/cred-db.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/util.h"
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static const char *const protos[] = { "http", "rtsp", "ftp", "telnet", "ssh", "snmp", "mqtt", "redis" };
static const char *const columns[] = { "vendor", "match", "protocol", "user", "password", "source" };

bool cred_proto_known(const char *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (!strcmp(p, protos[i])) return true;
	return false;
}

static int put(char *dst, size_t len, const char *v, const char *what, const char *path, size_t line,
	       struct dm_err *e)
{
	if (strlen(v) >= len) return dm_fail(e, DM_EINPUT, "%s: line %zu: %s longer than %zu bytes", path, line, what, len - 1);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int cred_db_load(struct cred_db *db, const char *path, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	struct csv c;
	int r = buf_read_file(&b, path, 16u << 20, "a credential database", e);
	if (r < 0) return r;
	snprintf(db->path, sizeof(db->path), "%s", path);
	csv_init(&c, b.data, b.len, ',');
	bool header = false;
	while ((r = csv_next(&c, path, e)) > 0) {
		if (c.n && c.fields[0][0] == '#') continue;
		if (!header) {
			if (c.n < ARRAY_SIZE(columns)) goto bad_header;
			for (size_t i = 0; i < ARRAY_SIZE(columns); i++)
				if (strcmp(c.fields[i], columns[i])) goto bad_header;
			header = true;
			continue;
		}
		if (c.n != ARRAY_SIZE(columns)) {
			r = dm_fail(e, DM_EINPUT, "%s: line %zu: %zu fields, want 6 (vendor,match,protocol,user,password,source)",
				    path, c.line, c.n);
			break;
		}
		if (db->n == db->cap) {
			db->cap = db->cap ? db->cap * 2 : 64;
			db->v = xrealloc(db->v, db->cap * sizeof(*db->v));
		}
		struct cred_entry *x = &db->v[db->n];
		memset(x, 0, sizeof(*x));
		x->line = c.line;
		if ((r = put(x->vendor, sizeof(x->vendor), c.fields[0], "vendor", path, c.line, e)) < 0 ||
		    (r = put(x->match, sizeof(x->match), c.fields[1], "match", path, c.line, e)) < 0 ||
		    (r = put(x->proto, sizeof(x->proto), c.fields[2], "protocol", path, c.line, e)) < 0 ||
		    (r = put(x->user, sizeof(x->user), c.fields[3], "user", path, c.line, e)) < 0 ||
		    (r = put(x->pass, sizeof(x->pass), c.fields[4], "password", path, c.line, e)) < 0 ||
		    (r = put(x->source, sizeof(x->source), c.fields[5], "source", path, c.line, e)) < 0)
			break;
		if (!cred_proto_known(x->proto)) {
			r = dm_fail(e, DM_EINPUT, "%s: line %zu: unknown protocol \"%s\" (http, rtsp, ftp, telnet, ssh, snmp, mqtt, redis)",
				    path, c.line, x->proto);
			break;
		}
		if (x->match[0]) {
			int err;
			PCRE2_SIZE off;
			x->re = pcre2_compile((PCRE2_SPTR)x->match, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &err, &off, NULL);
			if (!x->re) {
				r = dm_fail(e, DM_EINPUT, "%s: line %zu: match \"%s\" is not a valid expression (at %zu)", path,
					    c.line, x->match, (size_t)off);
				break;
			}
		}
		db->n++;
	}
	if (r >= 0 && !header) r = dm_fail(e, DM_EINPUT, "%s: no header row (vendor,match,protocol,user,password,source)", path);
	csv_release(&c);
	buf_release(&b);
	if (r < 0) cred_db_release(db);
	return r < 0 ? r : 0;
bad_header:
	csv_release(&c);
	buf_release(&b);
	return dm_fail(e, DM_EINPUT, "%s: line %zu: the header must be vendor,match,protocol,user,password,source", path, c.line);
}

void cred_db_release(struct cred_db *db)
{
	for (size_t i = 0; i < db->n; i++) pcre2_code_free(db->v[i].re);
	free(db->v);
	*db = (struct cred_db){ 0 };
}

static bool fits(const struct cred_entry *x, const char *identity)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(x->re, NULL);
	int r = pcre2_match(x->re, (PCRE2_SPTR)identity, strlen(identity), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return r >= 0;
}

size_t cred_db_pick(const struct cred_db *db, const char *proto, const char *identity, const struct cred_entry **out,
		    size_t max)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < db->n && n < max; i++) {
			const struct cred_entry *x = &db->v[i];
			if (strcmp(x->proto, proto) || (pass == 0) != (x->re != NULL)) continue;
			if (x->re && !fits(x, identity)) continue;
			bool dup = false; /* the same login under two vendors is tried once */
			for (size_t k = 0; k < n; k++)
				if (!strcmp(out[k]->user, x->user) && !strcmp(out[k]->pass, x->pass)) dup = true;
			if (!dup) out[n++] = x;
		}
	return n;
}
