/* SQLite backend: vulnerability data and findings. An import is one
 * transaction (nothing half-imported); statements are prepared once. */
#include "store/sqlite-internal.h"
#include "base/buf.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

#define INFO_SELECT                                                                                          \
	"SELECT c.id, c.configs, c.summary, c.published, c.modified, c.status, c.source, c.cvss, "           \
	"c.cvss_version,"                                                                                    \
	" c.cvss_vector, c.severity, c.exploit_ref, coalesce(k.date_added, c.kev_added), k.cve IS NOT NULL," \
	" coalesce(k.ransomware, 0), k.due_date, k.action, k.name, e.epss, e.percentile"                     \
	" FROM vuln_cve c LEFT JOIN vuln_kev k ON k.cve = c.id LEFT JOIN vuln_epss e ON e.cve = c.id"

enum {
	ST_SEL_CVE,
	ST_INS_CVE,
	ST_UPD_CONFIGS,
	ST_DEL_PRODUCTS,
	ST_INS_PRODUCT,
	ST_KEV,
	ST_EPSS,
	ST_BY_PRODUCT,
	ST_GET,
	ST_PUT_CFG,
	ST_DEL_CFG,
	ST_CFG,
	ST_CFG_TEXT,
	ST_BRIEF,
	ST_CFG_SCORES,
	ST_KEV_EPSS,
	ST_RESCORE_PRODUCT,
	ST_RESCORED,
	ST_N
};

static const char *const sql[ST_N] = {
	[ST_SEL_CVE] = "SELECT modified, source, configs <> '', products FROM vuln_cve WHERE id = ?",
	[ST_INS_CVE] =
	    ("INSERT OR REPLACE INTO vuln_cve(id, published, modified, status, summary, cvss, cvss_version,"
	     " cvss_vector, severity, exploit_ref, kev_added, source, configs, products)"
	     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	     " coalesce(?13, (SELECT configs FROM vuln_cve WHERE id = ?1), ''),"
	     " coalesce(?14, (SELECT products FROM vuln_cve WHERE id = ?1), ''))"),
	[ST_UPD_CONFIGS] = "UPDATE vuln_cve SET configs = ?2, products = ?3 WHERE id = ?1",
	[ST_DEL_PRODUCTS] = "DELETE FROM vuln_product WHERE vendor = ? AND product = ? AND cve = ?",
	/* A brief goes with the CVE's scores, copied from its row just written
	 * (NVD's, when a CVE 5 record only fills in the configurations). */
	[ST_INS_PRODUCT] =
	    "INSERT INTO temp.vuln_pending(vendor, product, cve, brief, cvss, cvss_version, severity,"
	    " exploit_ref, kev_added) SELECT ?1, ?2, ?3, ?4, c.cvss, c.cvss_version, c.severity,"
	    " c.exploit_ref, c.kev_added FROM (SELECT 1) LEFT JOIN vuln_cve c ON ?4 IS NOT NULL AND c.id = "
	    "?3",
	/* New scores without configurations: the index rows' copies follow. */
	[ST_RESCORE_PRODUCT] =
	    "UPDATE vuln_product SET (cvss, cvss_version, severity, exploit_ref, kev_added) ="
	    " (SELECT cvss, cvss_version, severity, exploit_ref, kev_added FROM vuln_cve WHERE id = ?3)"
	    " WHERE vendor = ?1 AND product = ?2 AND cve = ?3 AND brief IS NOT NULL",
	[ST_RESCORED] = "INSERT OR IGNORE INTO temp.vuln_rescored(cve) VALUES (?)",
	[ST_KEV] = ("INSERT OR REPLACE INTO vuln_kev(cve, vendor, product, name, date_added, due_date, "
		    "action, ransomware, notes)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
	[ST_EPSS] = "INSERT OR REPLACE INTO vuln_epss(cve, epss, percentile) VALUES (?, ?, ?)",
	/* The index alone; then only what matching evaluates (ST_CFG, packed)
	 * of the CVEs the matcher does not hold yet (most CVEs name several
	 * products); the text only for a CVE an older import left unpacked;
	 * what a hit shows (ST_BRIEF) for the CVEs that apply. */
	[ST_BY_PRODUCT] = "SELECT cve, brief, cvss, cvss_version, severity, exploit_ref, kev_added"
			  " FROM vuln_product WHERE vendor = ? AND product = ?",
	[ST_CFG] = "SELECT packed, scored, cvss, cvss_version, severity, exploit_ref, kev_added FROM vuln_cfg"
		   " WHERE id = ?",
	[ST_CFG_TEXT] = "SELECT configs FROM vuln_cve WHERE id = ?",
	[ST_BRIEF] =
	    "SELECT c.cvss, c.cvss_version, c.severity, c.exploit_ref, coalesce(k.date_added, c.kev_added),"
	    " k.cve IS NOT NULL, coalesce(k.ransomware, 0), k.due_date, k.action, e.epss, e.percentile"
	    " FROM vuln_cve c LEFT JOIN vuln_kev k ON k.cve = c.id LEFT JOIN vuln_epss e ON e.cve = c.id"
	    " WHERE c.id = ?",
	/* With the CVE's own scores, copied from its row just written: a CVE
	 * that applies is then read from vuln_cfg alone (KEV and EPSS aside). */
	[ST_PUT_CFG] = "INSERT OR REPLACE INTO vuln_cfg(id, packed, scored, cvss, cvss_version, severity,"
		       " exploit_ref, kev_added) SELECT ?1, ?2, 1, cvss, cvss_version, severity, exploit_ref,"
		       " kev_added FROM vuln_cve WHERE id = ?1",
	/* A record without configurations still brings new scores. */
	[ST_CFG_SCORES] =
	    "UPDATE vuln_cfg SET (scored, cvss, cvss_version, severity, exploit_ref, kev_added) ="
	    " (SELECT 1, cvss, cvss_version, severity, exploit_ref, kev_added FROM vuln_cve"
	    " WHERE id = ?1) WHERE id = ?1",
	[ST_KEV_EPSS] =
	    "SELECT k.date_added, k.cve IS NOT NULL, coalesce(k.ransomware, 0), k.due_date, k.action,"
	    " e.epss, e.percentile FROM (SELECT ?1 AS id) x LEFT JOIN vuln_kev k ON k.cve = x.id"
	    " LEFT JOIN vuln_epss e ON e.cve = x.id",
	[ST_DEL_CFG] = "DELETE FROM vuln_cfg WHERE id = ?",
	[ST_GET] = INFO_SELECT " WHERE c.id = ?",
};

static sqlite3_stmt *stmt(struct store *s, int i)
{
	_Static_assert(ST_N <= ARRAY_SIZE(((struct sq_conn *)0)->vuln_stmts), "room for the statements");
	if (!SQ(s)->vuln_stmts[i] &&
	    sqlite3_prepare_v2(SQ(s)->db, sql[i], -1, &SQ(s)->vuln_stmts[i], NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(SQ(s)->vuln_stmts[i]);
	sqlite3_clear_bindings(SQ(s)->vuln_stmts[i]);
	return SQ(s)->vuln_stmts[i];
}

int sq_vuln_begin(struct store *s, struct dm_err *e)
{
	/* A feed touches the product index all over: a larger page cache
	 * keeps it from spilling to the WAL and reading back. */
	sq_exec(s, "PRAGMA cache_size = -131072", "vuln import", NULL);
	/* Index rows wait in a plain table and go into the index sorted at
	 * commit: appending in order is far cheaper than millions of random
	 * inserts into the B-tree. That table (and the sort) live in a
	 * temporary file, in the OS's page cache, not in this process: with
	 * their briefs a full feed's rows are ~600 MB. (The import runs
	 * unsandboxed: it may create the file. The store's other work keeps
	 * temp_store=MEMORY, set back at the end.) */
	if (sq_exec(s,
		    "PRAGMA temp_store=FILE;"
		    "CREATE TEMP TABLE IF NOT EXISTS vuln_pending (vendor TEXT, product TEXT, cve INTEGER,"
		    " brief BLOB, cvss REAL, cvss_version TEXT, severity TEXT, exploit_ref INTEGER,"
		    " kev_added TEXT);"
		    "CREATE TEMP TABLE IF NOT EXISTS vuln_rescored (cve INTEGER PRIMARY KEY)",
		    "vuln import", e) < 0)
		return DM_ESTORE;
	return sq_exec(s, "BEGIN IMMEDIATE", "vuln import", e);
}

/* Whether this import brought scores without configurations (rare: the
 * pending rows are scanned for them only then). */
static bool rescored(struct store *s)
{
	sqlite3_stmt *st = NULL;
	bool any = sqlite3_prepare_v2(SQ(s)->db, "SELECT 1 FROM temp.vuln_rescored LIMIT 1", -1, &st, NULL) ==
		       SQLITE_OK &&
		   sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return any;
}

int sq_vuln_end(struct store *s, bool commit, struct dm_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(SQ(s)->vuln_stmts); i++) {
		sqlite3_finalize(SQ(s)->vuln_stmts[i]);
		SQ(s)->vuln_stmts[i] = NULL;
	}
	if (commit) {
		/* A CVE met twice in one import: its last row stands. Scores that
		 * came later without configurations replace the pending copies. */
		if ((rescored(s) &&
		     sq_exec(s,
			     "UPDATE temp.vuln_pending SET (cvss, cvss_version, severity, exploit_ref, "
			     "kev_added) ="
			     " (SELECT cvss, cvss_version, severity, exploit_ref, kev_added FROM vuln_cve"
			     " WHERE id = vuln_pending.cve) WHERE brief IS NOT NULL AND"
			     " cve IN (SELECT cve FROM temp.vuln_rescored)",
			     "vuln index", e) < 0) ||
		    sq_exec(
			s,
			"INSERT OR REPLACE INTO vuln_product(vendor, product, cve, brief, cvss, cvss_version,"
			" severity, exploit_ref, kev_added) SELECT vendor, product, cve, brief, cvss,"
			" cvss_version, severity, exploit_ref, kev_added FROM temp.vuln_pending"
			" ORDER BY vendor, product, cve, rowid",
			"vuln index", e) < 0 ||
		    sq_exec(s, "DELETE FROM temp.vuln_pending; DELETE FROM temp.vuln_rescored", "vuln index",
			    e) < 0) {
			sq_exec(s, "ROLLBACK", "rollback", NULL);
			sq_exec(s, "PRAGMA temp_store=MEMORY", "vuln import", NULL);
			return DM_ESTORE;
		}
		int r = sq_exec(s, "COMMIT", "vuln import", e);
		sq_exec(s, "PRAGMA temp_store=MEMORY", "vuln import", NULL);
		return r;
	}
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	sq_exec(s, "PRAGMA temp_store=MEMORY", "vuln import", NULL);
	return 0;
}

/* The products a CVE names, as "vendor:product" lines kept with it, so an
 * update can remove its old index rows without an index on cve. */
static void products_text(const struct vuln_cve *c, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < c->n_products; i++) {
		buf_puts(out, c->products[i].vendor);
		buf_putc(out, '\t');
		buf_puts(out, c->products[i].product);
		buf_putc(out, '\n');
	}
}

/* Statement `which` (vendor ?1, product ?2, CVE ?3) run for each
 * "vendor\tproduct\n" line of a CVE's stored product list. */
static int each_product(struct store *s, int which, int64_t num, const char *old, struct dm_err *e)
{
	int r = 0;
	for (const char *p = old; p && *p && r == 0;) {
		const char *tab = strchr(p, '\t'), *nl = tab ? strchr(tab, '\n') : NULL;
		if (!nl) break;
		sqlite3_stmt *st = stmt(s, which);
		if (!st) return sq_fail(s, e, "vuln products");
		sqlite3_bind_text(st, 1, p, (int)(tab - p), SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, tab + 1, (int)(nl - tab - 1), SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, num);
		r = sq_done(s, st, "vuln products", e);
		p = nl + 1;
	}
	return r;
}

static int del_products(struct store *s, int64_t num, const char *old, struct dm_err *e)
{
	return each_product(s, ST_DEL_PRODUCTS, num, old, e);
}

/* New scores of a CVE whose configurations stay: its briefs' copies too,
 * in the index and (at commit) in the rows this import has pending. */
static int rescore_products(struct store *s, int64_t num, const char *old, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, ST_RESCORED);
	if (!st) return sq_fail(s, e, "vuln products");
	sqlite3_bind_int64(st, 1, num);
	int r = sq_done(s, st, "vuln products", e);
	return r != 0 ? r : each_product(s, ST_RESCORE_PRODUCT, num, old, e);
}

static int put_products(struct store *s, const struct vuln_cve *c, const char *old, struct dm_err *e)
{
	int r = del_products(s, c->num, old, e);
	for (size_t i = 0; i < c->n_products && r == 0; i++) {
		sqlite3_stmt *ins = stmt(s, ST_INS_PRODUCT);
		if (!ins) return sq_fail(s, e, "vuln products");
		sqlite3_bind_text(ins, 1, c->products[i].vendor, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, c->products[i].product, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, c->num);
		if (c->briefs && c->brief_len[i])
			sqlite3_bind_blob(ins, 4, c->briefs + c->brief_at[i], (int)c->brief_len[i],
					  SQLITE_STATIC);
		r = sq_done(s, ins, "vuln products", e);
		/* Tells the matcher whether asking for vendor "*" is worth it. */
		if (r == 0 && !strcmp(c->products[i].vendor, "*"))
			r = sq_vuln_meta_set(s, "index.vendorless", "1", e);
	}
	return r;
}

/* The packed configurations beside the text, or none (the text is read). */
static int put_packed(struct store *s, const struct vuln_cve *c, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, c->packed ? ST_PUT_CFG : ST_DEL_CFG);
	if (!st) return sq_fail(s, e, "vuln configurations");
	sqlite3_bind_int64(st, 1, c->num);
	if (c->packed) sqlite3_bind_blob(st, 2, c->packed, (int)c->packed_len, SQLITE_STATIC);
	return sq_done(s, st, "vuln configurations", e);
}

int sq_vuln_put_cve(struct store *s, const struct vuln_cve *c, enum vuln_change *ret, struct dm_err *e)
{
	sqlite3_stmt *sel = stmt(s, ST_SEL_CVE);
	if (!sel) return sq_fail(s, e, "vuln lookup");
	sqlite3_bind_int64(sel, 1, c->num);
	bool exists = false, same = false, old_nvd = false, old_configs = false;
	char *old_products = NULL;
	int rc = sqlite3_step(sel);
	if (rc == SQLITE_ROW) {
		exists = true;
		const char *mod = (const char *)sqlite3_column_text(sel, 0),
			   *src = (const char *)sqlite3_column_text(sel, 1);
		old_nvd = src && !strcmp(src, "nvd");
		old_configs = sqlite3_column_int(sel, 2) != 0;
		/* Same source: only a newer lastModified changes the record (an
		 * older copy of it, from another mirror, is not news). */
		same = mod && src && !strcmp(src, c->source) && strcmp(c->modified, mod) <= 0;
		const char *op = (const char *)sqlite3_column_text(sel, 3);
		if (!same && op && *op) old_products = xstrdup(op);
	} else if (rc != SQLITE_DONE) {
		return sq_fail(s, e, "vuln lookup");
	}
	sqlite3_reset(sel);
	*ret = VULN_UNCHANGED;
	int r = 0;
	bool has_configs = c->configs && *c->configs;
	struct buf ptext = BUF_INIT;
	products_text(c, &ptext);
	if (same) goto out;
	if (exists && old_nvd && !strcmp(c->source, "cve5")) {
		/* NVD's analysis stands; a CVE 5 record only fills in what NVD lacks. */
		if (old_configs || !has_configs) goto out;
		sqlite3_stmt *up = stmt(s, ST_UPD_CONFIGS);
		if (!up) {
			r = sq_fail(s, e, "vuln update");
			goto out;
		}
		sqlite3_bind_int64(up, 1, c->num);
		sqlite3_bind_text(up, 2, c->configs, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 3, ptext.data ? ptext.data : "", -1, SQLITE_STATIC);
		r = sq_done(s, up, "vuln update", e);
		if (r == 0) r = put_packed(s, c, e);
		if (r == 0) r = put_products(s, c, old_products, e);
		if (r == 0) *ret = VULN_UPDATED;
		goto out;
	}
	sqlite3_stmt *ins = stmt(s, ST_INS_CVE);
	if (!ins) {
		r = sq_fail(s, e, "vuln insert");
		goto out;
	}
	sqlite3_bind_int64(ins, 1, c->num);
	sq_text(ins, 2, c->published);
	sq_text(ins, 3, c->modified);
	sq_text(ins, 4, c->status);
	sq_text(ins, 5, c->summary);
	if (c->cvss >= 0) sqlite3_bind_double(ins, 6, c->cvss);
	sq_text(ins, 7, c->cvss_version);
	sq_text(ins, 8, c->cvss_vector);
	sq_text(ins, 9, c->severity);
	sqlite3_bind_int(ins, 10, c->exploit_ref);
	sq_text(ins, 11, c->kev_added);
	sqlite3_bind_text(ins, 12, c->source, -1, SQLITE_STATIC);
	/* A record without configurations (awaiting analysis) keeps the ones known. */
	if (has_configs) {
		sqlite3_bind_text(ins, 13, c->configs, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 14, ptext.data ? ptext.data : "", -1, SQLITE_STATIC);
	}
	r = sq_done(s, ins, "vuln insert", e);
	if (r == 0 && has_configs) r = put_packed(s, c, e);
	if (r == 0 && !has_configs && exists) {
		sqlite3_stmt *sc = stmt(s, ST_CFG_SCORES);
		if (!sc) {
			r = sq_fail(s, e, "vuln configurations");
			goto out;
		}
		sqlite3_bind_int64(sc, 1, c->num);
		r = sq_done(s, sc, "vuln configurations", e);
		if (r == 0) r = rescore_products(s, c->num, old_products, e);
	}
	if (r == 0 && (has_configs || !exists)) r = put_products(s, c, old_products, e);
	if (r == 0) *ret = exists ? VULN_UPDATED : VULN_ADDED;
out:
	free(old_products);
	buf_release(&ptext);
	return r;
}

int sq_vuln_put_kev(struct store *s, const struct vuln_kev *k, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, ST_KEV);
	if (!st) return sq_fail(s, e, "kev insert");
	sqlite3_bind_int64(st, 1, k->num);
	sq_text(st, 2, k->vendor);
	sq_text(st, 3, k->product);
	sq_text(st, 4, k->name);
	sq_text(st, 5, k->date_added);
	sq_text(st, 6, k->due_date);
	sq_text(st, 7, k->action);
	sqlite3_bind_int(st, 8, k->ransomware);
	sq_text(st, 9, k->notes);
	return sq_done(s, st, "kev insert", e);
}

int sq_vuln_put_epss(struct store *s, const struct vuln_epss *x, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, ST_EPSS);
	if (!st) return sq_fail(s, e, "epss insert");
	sqlite3_bind_int64(st, 1, x->num);
	sqlite3_bind_double(st, 2, x->epss);
	sqlite3_bind_double(st, 3, x->percentile);
	return sq_done(s, st, "epss insert", e);
}

int sq_vuln_clear_epss(struct store *s, struct dm_err *e)
{
	return sq_exec(s, "DELETE FROM vuln_epss", "epss", e);
}

int sq_vuln_meta_get(struct store *s, const char *key, char *out, size_t n, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT value FROM vuln_meta WHERE key = ?", -1, &st, NULL))
		return sq_fail(s, e, "meta");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int found = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, n, "%s", v ? v : "");
		found = 1;
	} else if (n) {
		out[0] = 0;
	}
	sqlite3_finalize(st);
	return found;
}

int sq_vuln_meta_set(struct store *s, const char *key, const char *value, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, "INSERT OR REPLACE INTO vuln_meta(key, value) VALUES (?, ?)", -1,
			       &st, NULL))
		return sq_fail(s, e, "meta");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int r = sq_done(s, st, "meta", e);
	sqlite3_finalize(st);
	return r;
}

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static double num_or(sqlite3_stmt *st, int i, double def)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? def : sqlite3_column_double(st, i);
}

static int each_info(struct store *s, sqlite3_stmt *st, vuln_info_fn fn, void *ctx, int *count,
		     struct dm_err *e)
{
	int rc, r = 0;
	*count = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *added = col(st, 12);
		struct vuln_info v = {
			.num = sqlite3_column_int64(st, 0),
			.configs = col(st, 1),
			.summary = col(st, 2),
			.published = col(st, 3),
			.modified = col(st, 4),
			.status = col(st, 5),
			.source = col(st, 6),
			.cvss = num_or(st, 7, -1),
			.cvss_version = col(st, 8),
			.cvss_vector = col(st, 9),
			.severity = col(st, 10),
			.exploit_ref = sqlite3_column_int(st, 11) != 0,
			.kev_added = added,
			.kev = sqlite3_column_int(st, 13) != 0 || (added && *added),
			.ransomware = sqlite3_column_int(st, 14) != 0,
			.kev_due = col(st, 15),
			.kev_action = col(st, 16),
			.kev_name = col(st, 17),
			.epss = num_or(st, 18, -1),
			.percentile = num_or(st, 19, -1),
		};
		if (!v.configs) v.configs = "";
		(*count)++;
		if ((r = fn(ctx, &v)) < 0) break;
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "vuln query");
	return r;
}

/* The configurations of one CVE to fn: packed, else the text of an older
 * import ("" when neither is stored). */
static int cfg_of(struct store *s, struct vuln_info *v, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, ST_CFG);
	if (!st) return sq_fail(s, e, "vuln query");
	sqlite3_bind_int64(st, 1, v->num);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
		v->packed_len = (size_t)sqlite3_column_bytes(st, 0);
		v->packed = sqlite3_column_blob(st, 0);
		if (sqlite3_column_int(st, 1) == 1) { /* NULL: a row from before schema 24 */
			v->scored = true;
			v->cvss = num_or(st, 2, -1);
			v->cvss_version = col(st, 3);
			v->severity = col(st, 4);
			v->exploit_ref = sqlite3_column_int(st, 5) != 0;
			v->kev_added = col(st, 6);
		}
		int r = fn(ctx, v);
		sqlite3_reset(st);
		return r;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sq_fail(s, e, "vuln query");
	if (!(st = stmt(s, ST_CFG_TEXT))) return sq_fail(s, e, "vuln query");
	sqlite3_bind_int64(st, 1, v->num);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return sq_fail(s, e, "vuln query");
	}
	const char *configs = rc == SQLITE_ROW ? col(st, 0) : NULL;
	v->configs = configs ? configs : "";
	int r = fn(ctx, v);
	sqlite3_reset(st);
	return r;
}

int sq_vuln_by_product(struct store *s, const char *vendor, const char *product, vuln_known_fn known,
		       vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	/* Matching seeks all over the product index and vuln_cfg: a page cache
	 * that holds both B-trees' interior pages (~3 MB at 400k CVEs; the
	 * default 2 MB is not enough) reads only leaves, 40% fewer reads. It is
	 * filled as pages are read, so a small store or a few products cost
	 * nothing more. An import's larger cache is kept. */
	if (!SQ(s)->match_cache) {
		SQ(s)->match_cache = true;
		int pages = 0;
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(SQ(s)->db, "PRAGMA cache_size", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			pages = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
		if (pages > -16384 && pages < 4096)
			sq_exec(s, "PRAGMA cache_size = -16384", "vuln query", NULL);
	}
	/* Prepared once: matching asks this for every product it meets. */
	sqlite3_stmt *st = stmt(s, ST_BY_PRODUCT);
	if (!st) return sq_fail(s, e, "vuln query");
	sqlite3_bind_text(st, 1, vendor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
	int rc, r = 0, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vuln_info v = { .num = sqlite3_column_int64(st, 0),
				       .configs = "",
				       .cvss = -1,
				       .epss = -1,
				       .percentile = -1 };
		n++;
		if (sqlite3_column_type(st, 1) == SQLITE_BLOB) { /* decided by the index row */
			v.brief_len = (size_t)sqlite3_column_bytes(st, 1);
			v.brief = sqlite3_column_blob(st, 1);
			v.scored = true;
			v.cvss = num_or(st, 2, -1);
			v.cvss_version = col(st, 3);
			v.severity = col(st, 4);
			v.exploit_ref = sqlite3_column_int(st, 5) != 0;
			v.kev_added = col(st, 6);
			r = fn(ctx, &v);
		} else {
			r = known && known(ctx, v.num) ? fn(ctx, &v) : cfg_of(s, &v, fn, ctx, e);
		}
		if (r < 0) break;
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "vuln query");
	sqlite3_reset(st);
	return r < 0 ? r : n;
}

/* The "vendor\tproduct\n" lines of a CVE row into p (n of them). */
static size_t parse_products(const char *text, struct vuln_product **p, size_t *cap)
{
	size_t n = 0;
	for (const char *q = text; q && *q;) {
		const char *tab = strchr(q, '\t'), *nl = tab ? strchr(tab, '\n') : NULL;
		if (!nl) break;
		if (n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*p = xrealloc(*p, *cap * sizeof(**p));
		}
		snprintf((*p)[n].vendor, sizeof((*p)[n].vendor), "%.*s", (int)(tab - q), q);
		snprintf((*p)[n].product, sizeof((*p)[n].product), "%.*s", (int)(nl - tab - 1), tab + 1);
		n++;
		q = nl + 1;
	}
	return n;
}

int sq_vuln_add_briefs(struct store *s, vuln_brief_fn fn, void *ctx, struct dm_err *e)
{
	/* in the order of the CVE numbers: both tables are read front to back */
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT f.id, f.packed, c.products FROM vuln_cfg f JOIN vuln_cve c ON c.id = f.id"
		" ORDER BY f.id",
		-1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return sq_fail(s, e, "vuln briefs");
	}
	struct vuln_product *p = NULL;
	size_t cap = 0;
	int rc = SQLITE_DONE, r = 0, n = 0;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB) continue;
		struct vuln_cve c = { .num = sqlite3_column_int64(st, 0) };
		c.packed_len = (size_t)sqlite3_column_bytes(st, 1);
		c.packed = sqlite3_column_blob(st, 1);
		c.n_products = parse_products(col(st, 2), &p, &cap);
		c.products = p;
		if ((r = fn(ctx, &c, e)) < 0) break;
		for (size_t i = 0; i < c.n_products && r == 0 && c.briefs; i++) {
			if (!c.brief_len[i]) continue;
			sqlite3_stmt *ins = stmt(s, ST_INS_PRODUCT);
			if (!ins) {
				r = sq_fail(s, e, "vuln briefs");
				break;
			}
			sqlite3_bind_text(ins, 1, p[i].vendor, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, p[i].product, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 3, c.num);
			sqlite3_bind_blob(ins, 4, c.briefs + c.brief_at[i], (int)c.brief_len[i],
					  SQLITE_STATIC);
			r = sq_done(s, ins, "vuln briefs", e);
		}
		n++;
	}
	if (r == 0 && rc != SQLITE_DONE) r = sq_fail(s, e, "vuln briefs");
	sqlite3_finalize(st);
	free(p);
	if (r == 0) r = sq_vuln_meta_set(s, "index.briefs", "done", e);
	return r < 0 ? r : n;
}

int sq_vuln_get_brief(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, ST_BRIEF);
	if (!st) return sq_fail(s, e, "vuln query");
	sqlite3_bind_int64(st, 1, num);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		const char *added = col(st, 4);
		struct vuln_info v = {
			.num = num,
			.configs = "",
			.cvss = num_or(st, 0, -1),
			.cvss_version = col(st, 1),
			.severity = col(st, 2),
			.exploit_ref = sqlite3_column_int(st, 3) != 0,
			.kev_added = added,
			.kev = sqlite3_column_int(st, 5) != 0 || (added && *added),
			.ransomware = sqlite3_column_int(st, 6) != 0,
			.kev_due = col(st, 7),
			.kev_action = col(st, 8),
			.epss = num_or(st, 9, -1),
			.percentile = num_or(st, 10, -1),
		};
		r = fn(ctx, &v);
	} else if (rc != SQLITE_DONE) {
		r = sq_fail(s, e, "vuln query");
	}
	sqlite3_reset(st);
	return r < 0 ? r : rc == SQLITE_ROW;
}

int sq_vuln_kev_epss(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	sqlite3_stmt *st = stmt(s, ST_KEV_EPSS);
	if (!st) return sq_fail(s, e, "vuln query");
	sqlite3_bind_int64(st, 1, num);
	int rc = sqlite3_step(st), r = 0;
	if (rc == SQLITE_ROW) {
		struct vuln_info v = {
			.num = num,
			.configs = "",
			.cvss = -1,
			.kev_added = col(st, 0),
			.kev = sqlite3_column_int(st, 1) != 0,
			.ransomware = sqlite3_column_int(st, 2) != 0,
			.kev_due = col(st, 3),
			.kev_action = col(st, 4),
			.epss = num_or(st, 5, -1),
			.percentile = num_or(st, 6, -1),
		};
		r = fn(ctx, &v);
	} else if (rc != SQLITE_DONE) {
		r = sq_fail(s, e, "vuln query");
	}
	sqlite3_reset(st);
	return r < 0 ? r : rc == SQLITE_ROW;
}

int sq_vuln_get(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	/* Prepared once: matching reads every CVE that applies through it. */
	sqlite3_stmt *st = stmt(s, ST_GET);
	if (!st) return sq_fail(s, e, "vuln query");
	sqlite3_bind_int64(st, 1, num);
	int n, r = each_info(s, st, fn, ctx, &n, e);
	sqlite3_reset(st);
	return r < 0 ? r : n > 0;
}

static int count(struct store *s, const char *q, uint64_t *ret, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, q, -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, e, "vuln statistics");
	int rc = sqlite3_step(st);
	*ret = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_fail(s, e, "vuln statistics");
	sqlite3_finalize(st);
	return r;
}

int sq_vuln_any(struct store *s, struct dm_err *e)
{
	uint64_t n;
	int r = count(s, "SELECT EXISTS (SELECT 1 FROM vuln_cve)", &n, e);
	return r < 0 ? r : n > 0;
}

int sq_vuln_stats(struct store *s, struct vuln_stats *ret, struct dm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	int r;
	if ((r = count(s, "SELECT count(*) FROM vuln_cve", &ret->cves, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_cve WHERE configs <> ''", &ret->with_configs, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM (SELECT DISTINCT vendor, product FROM vuln_product)",
		       &ret->products, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_kev", &ret->kev, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_kev k JOIN vuln_cve c ON c.id = k.cve",
		       &ret->kev_with_cve, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_epss", &ret->epss, e)) < 0)
		return r;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(SQ(s)->db, "SELECT max(modified) FROM vuln_cve", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && col(st, 0))
		snprintf(ret->newest, sizeof(ret->newest), "%s", col(st, 0));
	sqlite3_finalize(st);
	if ((r = sq_vuln_meta_get(s, "nvd.timestamp", ret->nvd_timestamp, sizeof(ret->nvd_timestamp), e)) < 0)
		return r;
	if ((r = sq_vuln_meta_get(s, "kev.catalog", ret->kev_catalog, sizeof(ret->kev_catalog), e)) < 0)
		return r;
	if ((r = sq_vuln_meta_get(s, "epss.model", ret->epss_model, sizeof(ret->epss_model), e)) < 0)
		return r;
	if ((r = sq_vuln_meta_get(s, "epss.date", ret->epss_date, sizeof(ret->epss_date), e)) < 0) return r;
	return 0;
}

int sq_save_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e)
{
	sqlite3_stmt *ins = NULL, *first = NULL;
	/* inside a caller's transaction (store_stream_hour_save), part of it */
	bool own = sqlite3_get_autocommit(SQ(s)->db);
	if (own && sq_exec(s, "BEGIN IMMEDIATE", "saving findings", e) < 0) return DM_ESTORE;
	int r = 0;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"INSERT INTO findings(run_id, rule, severity, confidence, score, ip, port, proto, title, "
		"evidence,"
		" remediation, first_seen, last_seen, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?)",
		-1, &ins, NULL) ||
	    sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT min(first_seen) FROM findings WHERE rule = ? AND ip IS ? AND port IS ? AND proto IS ?"
		" AND run_id < ? AND path IS ?",
		-1, &first, NULL))
		r = sq_fail(s, e, "saving findings");
	for (size_t i = 0; i < fs->n && r == 0; i++) {
		struct finding *f = &fs->v[i];
		char ip[IPADDR_STRLEN] = "";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		const char *proto = f->port ? proto_name(f->proto) : NULL;
		sqlite3_reset(first);
		sqlite3_bind_text(first, 1, f->rule, -1, SQLITE_STATIC);
		sq_text(first, 2, ip);
		if (f->port)
			sqlite3_bind_int(first, 3, f->port);
		else
			sqlite3_bind_null(first, 3);
		sq_text(first, 4, proto);
		sqlite3_bind_int64(first, 5, run);
		sq_text(first, 6, f->path); /* two files' findings are two */
		if (sqlite3_step(first) == SQLITE_ROW && sqlite3_column_type(first, 0) != SQLITE_NULL) {
			double fsn = sqlite3_column_double(first, 0);
			if (fsn < f->first_seen || !f->first_seen) f->first_seen = fsn;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, run);
		sqlite3_bind_text(ins, 2, f->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, severity_name(f->severity), -1, SQLITE_STATIC);
		sq_text(ins, 4, f->confidence ? confidence_name(f->confidence) : NULL);
		sqlite3_bind_double(ins, 5, f->score);
		sq_text(ins, 6, ip);
		if (f->port)
			sqlite3_bind_int(ins, 7, f->port);
		else
			sqlite3_bind_null(ins, 7);
		sq_text(ins, 8, proto);
		sqlite3_bind_text(ins, 9, f->title, -1, SQLITE_STATIC);
		sq_text(ins, 10, f->evidence);
		sq_text(ins, 11, f->remediation);
		sqlite3_bind_double(ins, 12, f->first_seen);
		sqlite3_bind_double(ins, 13, f->last_seen);
		sq_text(ins, 14, f->path);
		r = sq_done(s, ins, "saving findings", e);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(first);
	if (!own) return r;
	if (r == 0) return sq_exec(s, "COMMIT", "saving findings", e);
	sq_exec(s, "ROLLBACK", "rollback", NULL);
	return r;
}

int sq_load_findings(struct store *s, int64_t run, struct findings *fs, struct dm_err *e)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
		SQ(s)->db,
		"SELECT rule, severity, confidence, score, ip, port, proto, title, evidence, remediation,"
		" first_seen, last_seen, path FROM findings WHERE run_id = ? ORDER BY rowid",
		-1, &st, NULL))
		return sq_fail(s, e, "loading findings");
	sqlite3_bind_int64(st, 1, run);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct finding f = { 0 };
		snprintf(f.rule, sizeof(f.rule), "%s", col(st, 0) ? col(st, 0) : "");
		int sev = col(st, 1) ? severity_parse(col(st, 1)) : -1;
		f.severity = sev < 0 ? SEV_INFO : (enum severity)sev;
		int conf = col(st, 2) ? confidence_parse(col(st, 2)) : -1;
		f.confidence = conf < 0 ? CONF_NONE : (enum confidence)conf;
		f.score = sqlite3_column_double(st, 3);
		f.has_ip = col(st, 4) && ipaddr_parse(col(st, 4), &f.ip) == 0;
		f.port = (uint16_t)sqlite3_column_int(st, 5);
		f.proto = col(st, 6) && !strcmp(col(st, 6), "udp") ? PROTO_UDP : PROTO_TCP;
		snprintf(f.title, sizeof(f.title), "%s", col(st, 7) ? col(st, 7) : "");
		f.evidence = col(st, 8) ? xstrdup(col(st, 8)) : NULL;
		f.remediation = col(st, 9) ? xstrdup(col(st, 9)) : NULL;
		f.first_seen = sqlite3_column_double(st, 10);
		f.last_seen = sqlite3_column_double(st, 11);
		f.path = col(st, 12) ? xstrdup(col(st, 12)) : NULL;
		findings_add(fs, &f);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, e, "loading findings");
}
