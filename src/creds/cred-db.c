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
	if (strlen(v) >= len)
		return dm_fail(e, DM_EINPUT, "%s: line %zu: %s longer than %zu bytes", path, line, what,
			       len - 1);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int compile(const char *pat, void **re, const char *path, size_t line, const char *what,
		   struct dm_err *e)
{
	int err;
	PCRE2_SIZE off;
	*re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &err, &off, NULL);
	if (!*re)
		return dm_fail(e, DM_EINPUT, "%s: line %zu: %s \"%s\" is not a valid expression (at %zu)",
			       path, line, what, pat, (size_t)off);
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
			r = dm_fail(
			    e, DM_EINPUT,
			    "%s: line %zu: %zu fields, want 6 (vendor,match,protocol,user,password,source)",
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
			r = dm_fail(e, DM_EINPUT,
				    "%s: line %zu: unknown protocol \"%s\" (http, rtsp, ftp, telnet, ssh, "
				    "snmp, mqtt, redis)",
				    path, c.line, x->proto);
			break;
		}
		if (x->match[0] && (r = compile(x->match, &x->re, path, c.line, "match", e)) < 0) break;
		db->n++;
	}
	if (r >= 0 && !header)
		r = dm_fail(e, DM_EINPUT, "%s: no header row (vendor,match,protocol,user,password,source)",
			    path);
	csv_release(&c);
	buf_release(&b);
	if (r < 0) cred_db_release(db);
	return r < 0 ? r : 0;
bad_header:
	csv_release(&c);
	buf_release(&b);
	return dm_fail(e, DM_EINPUT,
		       "%s: line %zu: the header must be vendor,match,protocol,user,password,source", path,
		       c.line);
}

void cred_db_release(struct cred_db *db)
{
	for (size_t i = 0; i < db->n; i++) pcre2_code_free(db->v[i].re);
	for (size_t i = 0; i < db->n_forms; i++) {
		pcre2_code_free(db->forms[i].re);
		pcre2_code_free(db->forms[i].failure_re);
	}
	free(db->forms);
	free(db->v);
	*db = (struct cred_db){ 0 };
}

bool cred_re_find(void *re, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int r = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return r >= 0;
}

static bool fits(const struct cred_entry *x, const char *identity) { return cred_re_find(x->re, identity); }

static const char *const form_columns[] = { "vendor",     "match",   "action", "user_field",
					    "pass_field", "failure", "source" };

int cred_db_load_forms(struct cred_db *db, const char *path, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	struct csv c;
	int r = buf_read_file(&b, path, 4u << 20, "a login-form table", e);
	if (r < 0) return r;
	snprintf(db->forms_path, sizeof(db->forms_path), "%s", path);
	csv_init(&c, b.data, b.len, ',');
	bool header = false;
	size_t cap = 0;
	while ((r = csv_next(&c, path, e)) > 0) {
		if (c.n && c.fields[0][0] == '#') continue;
		if (!header) {
			bool ok = c.n == ARRAY_SIZE(form_columns);
			for (size_t i = 0; ok && i < c.n; i++) ok = !strcmp(c.fields[i], form_columns[i]);
			if (!ok) {
				r = dm_fail(e, DM_EINPUT,
					    "%s: line %zu: the header must be "
					    "vendor,match,action,user_field,pass_field,failure,source",
					    path, c.line);
				break;
			}
			header = true;
			continue;
		}
		if (c.n != ARRAY_SIZE(form_columns)) {
			r = dm_fail(e, DM_EINPUT, "%s: line %zu: %zu fields, want 7", path, c.line, c.n);
			break;
		}
		if (db->n_forms == cap) {
			cap = cap ? cap * 2 : 16;
			db->forms = xrealloc(db->forms, cap * sizeof(*db->forms));
		}
		struct login_form *f = &db->forms[db->n_forms];
		memset(f, 0, sizeof(*f));
		f->line = c.line;
		if ((r = put(f->vendor, sizeof(f->vendor), c.fields[0], "vendor", path, c.line, e)) < 0 ||
		    (r = put(f->match, sizeof(f->match), c.fields[1], "match", path, c.line, e)) < 0 ||
		    (r = put(f->action, sizeof(f->action), c.fields[2], "action", path, c.line, e)) < 0 ||
		    (r = put(f->user_field, sizeof(f->user_field), c.fields[3], "user_field", path, c.line,
			     e)) < 0 ||
		    (r = put(f->pass_field, sizeof(f->pass_field), c.fields[4], "pass_field", path, c.line,
			     e)) < 0 ||
		    (r = put(f->failure, sizeof(f->failure), c.fields[5], "failure", path, c.line, e)) < 0 ||
		    (r = put(f->source, sizeof(f->source), c.fields[6], "source", path, c.line, e)) < 0)
			break;
		if (!f->match[0]) {
			r = dm_fail(e, DM_EINPUT, "%s: line %zu: a form needs a match (which devices get it)",
				    path, c.line);
			break;
		}
		if ((r = compile(f->match, &f->re, path, c.line, "match", e)) < 0) break;
		db->n_forms++;
		if (f->failure[0] &&
		    (r = compile(f->failure, &f->failure_re, path, c.line, "failure", e)) < 0)
			break;
	}
	if (r >= 0 && !header) r = dm_fail(e, DM_EINPUT, "%s: no header row", path);
	csv_release(&c);
	buf_release(&b);
	return r < 0 ? r : 0;
}

const struct login_form *cred_db_form(const struct cred_db *db, const char *identity)
{
	for (size_t i = 0; i < db->n_forms; i++)
		if (cred_re_find(db->forms[i].re, identity)) return &db->forms[i];
	return NULL;
}

size_t cred_db_pick(const struct cred_db *db, const char *proto, const char *identity,
		    const struct cred_entry **out, size_t max)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < db->n && n < max; i++) {
			const struct cred_entry *x = &db->v[i];
			if (strcmp(x->proto, proto) || (pass == 0) != (x->re != NULL)) continue;
			if (x->re && !fits(x, identity)) continue;
			bool dup = false; /* the same login under two vendors is tried once */
			for (size_t k = 0; k < n; k++)
				if (!strcmp(out[k]->user, x->user) && !strcmp(out[k]->pass, x->pass))
					dup = true;
			if (!dup) out[n++] = x;
		}
	return n;
}
