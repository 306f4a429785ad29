/* PostgreSQL backend: vulnerability data, the distributions' verdicts and
 * external observations, with the SQLite backend's tables and meaning
 * (store-sqlite-vuln.c, -distro.c, -exposure.c). An import is one
 * transaction, from vuln_begin to vuln_end. */
#include "store/pg-internal.h"
#include "base/buf.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>

int pg_vuln_begin(struct store *s, struct dm_err *e) { return pg_begin(s, "vuln import", e); }

int pg_vuln_end(struct store *s, bool commit, struct dm_err *e)
{
	if (commit) return pg_commit(s, "vuln import", e);
	pg_rollback(s);
	return 0;
}

int pg_vuln_meta_get(struct store *s, const char *key, char *out, size_t n, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, key);
	PGresult *r = pg_q(s, "SELECT value FROM vuln_meta WHERE key = $1", &p, "meta", e);
	if (!r) return DM_ESTORE;
	int found = PQntuples(r) == 1;
	if (found)
		snprintf(out, n, "%s", PQgetvalue(r, 0, 0));
	else if (n)
		out[0] = 0;
	PQclear(r);
	return found;
}

int pg_vuln_meta_set(struct store *s, const char *key, const char *value, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, key);
	pp_str(&p, value);
	return pg_cmd(s,
		      "INSERT INTO vuln_meta(key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET"
		      " value = excluded.value",
		      &p, "meta", e);
}

/* The products a CVE names, "vendor\tproduct\n" each (store-sqlite-vuln.c). */
static void products_text(const struct vuln_cve *c, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < c->n_products; i++) {
		buf_puts(out, c->products[i].vendor);
		buf_putc(out, '\t');
		buf_puts(out, c->products[i].product);
		buf_putc(out, '\n');
	}
	buf_putc(out, 0);
}

static char *dup_n(const char *p, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, p, n);
	d[n] = 0;
	return d;
}

static int put_products(struct store *s, const struct vuln_cve *c, const char *old, struct dm_err *e)
{
	int r = 0;
	for (const char *p = old; p && *p && r == 0;) {
		const char *tab = strchr(p, '\t'), *nl = tab ? strchr(tab, '\n') : NULL;
		if (!nl) break;
		char *vendor = dup_n(p, (size_t)(tab - p)), *product = dup_n(tab + 1, (size_t)(nl - tab - 1));
		struct pg_params q = { 0 };
		pp_str(&q, vendor);
		pp_str(&q, product);
		pp_int(&q, c->num);
		r = pg_cmd(s, "DELETE FROM vuln_product WHERE vendor = $1 AND product = $2 AND cve = $3", &q,
			   "vuln products", e);
		free(vendor);
		free(product);
		p = nl + 1;
	}
	for (size_t i = 0; i < c->n_products && r == 0; i++) {
		struct pg_params q = { 0 };
		pp_str(&q, c->products[i].vendor);
		pp_str(&q, c->products[i].product);
		pp_int(&q, c->num);
		r = pg_cmd(
		    s, "INSERT INTO vuln_product(vendor, product, cve) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		    &q, "vuln products", e);
		/* Tells the matcher whether asking for vendor "*" is worth it. */
		if (r == 0 && !strcmp(c->products[i].vendor, "*"))
			r = pg_vuln_meta_set(s, "index.vendorless", "1", e);
	}
	return r;
}

int pg_vuln_put_cve(struct store *s, const struct vuln_cve *c, enum vuln_change *ret, struct dm_err *e)
{
	struct pg_params q = { 0 };
	pp_int(&q, c->num);
	PGresult *res = pg_q(s,
			     "SELECT modified, source, configs <> '', products FROM vuln_cve WHERE id = $1",
			     &q, "vuln lookup", e);
	if (!res) return DM_ESTORE;
	bool exists = PQntuples(res) == 1, same = false, old_nvd = false, old_configs = false;
	char *old_products = NULL;
	if (exists) {
		const char *mod = pg_col(res, 0, 0), *src = pg_col(res, 0, 1), *op = pg_col(res, 0, 3);
		old_nvd = src && !strcmp(src, "nvd");
		old_configs = pg_bool(res, 0, 2);
		/* same source: only a newer lastModified changes the record */
		same = mod && src && !strcmp(src, c->source) && strcmp(c->modified, mod) <= 0;
		if (!same && op && *op) old_products = xstrdup(op);
	}
	PQclear(res);
	*ret = VULN_UNCHANGED;
	int r = 0;
	bool has_configs = c->configs && *c->configs;
	struct buf ptext = BUF_INIT;
	products_text(c, &ptext);
	const char *products = ptext.data && !buf_error(&ptext) ? ptext.data : "";
	if (same) goto out;
	if (exists && old_nvd && !strcmp(c->source, "cve5")) {
		/* NVD's analysis stands; a CVE 5 record only fills in what NVD lacks. */
		if (old_configs || !has_configs) goto out;
		struct pg_params p = { 0 };
		pp_int(&p, c->num);
		pp_str(&p, c->configs);
		pp_str(&p, products);
		r = pg_cmd(s, "UPDATE vuln_cve SET configs = $2, products = $3 WHERE id = $1", &p,
			   "vuln update", e);
		if (r == 0) r = put_products(s, c, old_products, e);
		if (r == 0) *ret = VULN_UPDATED;
		goto out;
	}
	struct pg_params p = { 0 };
	pp_int(&p, c->num);
	pp_text(&p, c->published);
	pp_text(&p, c->modified);
	pp_text(&p, c->status);
	pp_text(&p, c->summary);
	if (c->cvss >= 0)
		pp_dbl(&p, c->cvss);
	else
		pp_null(&p);
	pp_text(&p, c->cvss_version);
	pp_text(&p, c->cvss_vector);
	pp_text(&p, c->severity);
	pp_int(&p, c->exploit_ref);
	pp_text(&p, c->kev_added);
	pp_str(&p, c->source);
	/* a record without configurations (awaiting analysis) keeps the ones known */
	pp_str(&p, has_configs ? c->configs : NULL);
	pp_str(&p, has_configs ? products : NULL);
	r = pg_cmd(
	    s,
	    "INSERT INTO vuln_cve AS v (id, published, modified, status, summary, cvss, cvss_version,"
	    " cvss_vector, severity, exploit_ref, kev_added, source, configs, products) VALUES ($1, $2,"
	    " $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, coalesce($13::text, ''), coalesce($14::text, ''))"
	    " ON CONFLICT (id) DO UPDATE SET published = excluded.published, modified = excluded.modified,"
	    " status = excluded.status, summary = excluded.summary, cvss = excluded.cvss,"
	    " cvss_version = excluded.cvss_version, cvss_vector = excluded.cvss_vector,"
	    " severity = excluded.severity, exploit_ref = excluded.exploit_ref,"
	    " kev_added = excluded.kev_added, source = excluded.source,"
	    " configs = coalesce($13::text, v.configs), products = coalesce($14::text, v.products)",
	    &p, "vuln insert", e);
	if (r == 0 && (has_configs || !exists)) r = put_products(s, c, old_products, e);
	if (r == 0) *ret = exists ? VULN_UPDATED : VULN_ADDED;
out:
	free(old_products);
	buf_release(&ptext);
	return r;
}

int pg_vuln_put_kev(struct store *s, const struct vuln_kev *k, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, k->num);
	pp_text(&p, k->vendor);
	pp_text(&p, k->product);
	pp_text(&p, k->name);
	pp_text(&p, k->date_added);
	pp_text(&p, k->due_date);
	pp_text(&p, k->action);
	pp_int(&p, k->ransomware);
	pp_text(&p, k->notes);
	return pg_cmd(
	    s,
	    "INSERT INTO vuln_kev(cve, vendor, product, name, date_added, due_date, action, ransomware,"
	    " notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (cve) DO UPDATE SET"
	    " vendor = excluded.vendor, product = excluded.product, name = excluded.name,"
	    " date_added = excluded.date_added, due_date = excluded.due_date, action = excluded.action,"
	    " ransomware = excluded.ransomware, notes = excluded.notes",
	    &p, "kev insert", e);
}

int pg_vuln_put_epss(struct store *s, const struct vuln_epss *x, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, x->num);
	pp_dbl(&p, x->epss);
	pp_dbl(&p, x->percentile);
	return pg_cmd(
	    s,
	    "INSERT INTO vuln_epss(cve, epss, percentile) VALUES ($1, $2, $3) ON CONFLICT (cve) DO UPDATE"
	    " SET epss = excluded.epss, percentile = excluded.percentile",
	    &p, "epss insert", e);
}

int pg_vuln_clear_epss(struct store *s, struct dm_err *e)
{
	return pg_cmd(s, "DELETE FROM vuln_epss", NULL, "epss", e);
}

static double num_or(const PGresult *r, int i, int c, double def)
{
	return pg_col(r, i, c) ? pg_dbl(r, i, c) : def;
}

/* One round trip for the product's CVEs, configurations included: known
 * is not asked (a query per CVE would cost more than the text). */
int pg_vuln_by_product(struct store *s, const char *vendor, const char *product, vuln_known_fn known,
		       vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	(void)known;
	struct pg_params p = { 0 };
	pp_str(&p, vendor);
	pp_str(&p, product);
	PGresult *r = pg_q(s,
			   "SELECT c.id, c.configs FROM vuln_product p JOIN vuln_cve c ON c.id = p.cve"
			   " WHERE p.vendor = $1 AND p.product = $2",
			   &p, "vuln query", e);
	if (!r) return DM_ESTORE;
	int n = PQntuples(r), ret = 0;
	for (int i = 0; i < n; i++) {
		struct vuln_info v = { .num = pg_i64(r, i, 0),
				       .configs = PQgetvalue(r, i, 1),
				       .cvss = -1,
				       .epss = -1,
				       .percentile = -1 };
		if ((ret = fn(ctx, &v)) < 0) break;
	}
	PQclear(r);
	return ret < 0 ? ret : n;
}

int pg_vuln_get_brief(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, num);
	PGresult *r = pg_q(
	    s,
	    "SELECT c.cvss, c.cvss_version, c.severity, c.exploit_ref, coalesce(k.date_added, c.kev_added),"
	    " k.cve IS NOT NULL, coalesce(k.ransomware, 0), k.due_date, k.action, e.epss, e.percentile"
	    " FROM vuln_cve c LEFT JOIN vuln_kev k ON k.cve = c.id LEFT JOIN vuln_epss e ON e.cve = c.id"
	    " WHERE c.id = $1",
	    &p, "vuln query", e);
	if (!r) return DM_ESTORE;
	int n = PQntuples(r), ret = 0;
	if (n > 0) {
		const char *added = pg_col(r, 0, 4);
		struct vuln_info v = {
			.num = num,
			.configs = "",
			.cvss = num_or(r, 0, 0, -1),
			.cvss_version = pg_col(r, 0, 1),
			.severity = pg_col(r, 0, 2),
			.exploit_ref = pg_i64(r, 0, 3) != 0,
			.kev_added = added,
			.kev = pg_bool(r, 0, 5) || (added && *added),
			.ransomware = pg_i64(r, 0, 6) != 0,
			.kev_due = pg_col(r, 0, 7),
			.kev_action = pg_col(r, 0, 8),
			.epss = num_or(r, 0, 9, -1),
			.percentile = num_or(r, 0, 10, -1),
		};
		ret = fn(ctx, &v);
	}
	PQclear(r);
	return ret < 0 ? ret : n > 0;
}

/* pg_vuln_by_product gives no scores, so matching does not ask this; kept
 * for the interface's sake. */
int pg_vuln_kev_epss(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, num);
	PGresult *r =
	    pg_q(s,
		 "SELECT k.date_added, k.cve IS NOT NULL, coalesce(k.ransomware, 0), k.due_date, k.action,"
		 " e.epss, e.percentile FROM (SELECT $1::bigint AS id) x"
		 " LEFT JOIN vuln_kev k ON k.cve = x.id LEFT JOIN vuln_epss e ON e.cve = x.id",
		 &p, "vuln query", e);
	if (!r) return DM_ESTORE;
	int n = PQntuples(r), ret = 0;
	if (n > 0) {
		struct vuln_info v = {
			.num = num,
			.configs = "",
			.cvss = -1,
			.kev_added = pg_col(r, 0, 0),
			.kev = pg_bool(r, 0, 1),
			.ransomware = pg_i64(r, 0, 2) != 0,
			.kev_due = pg_col(r, 0, 3),
			.kev_action = pg_col(r, 0, 4),
			.epss = num_or(r, 0, 5, -1),
			.percentile = num_or(r, 0, 6, -1),
		};
		ret = fn(ctx, &v);
	}
	PQclear(r);
	return ret < 0 ? ret : n > 0;
}

int pg_vuln_get(struct store *s, int64_t num, vuln_info_fn fn, void *ctx, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_int(&p, num);
	PGresult *r = pg_q(
	    s,
	    "SELECT c.id, c.configs, c.summary, c.published, c.modified, c.status, c.source, c.cvss,"
	    " c.cvss_version, c.cvss_vector, c.severity, c.exploit_ref, coalesce(k.date_added, c.kev_added),"
	    " k.cve IS NOT NULL, coalesce(k.ransomware, 0), k.due_date, k.action, k.name, e.epss, "
	    "e.percentile"
	    " FROM vuln_cve c LEFT JOIN vuln_kev k ON k.cve = c.id LEFT JOIN vuln_epss e ON e.cve = c.id"
	    " WHERE c.id = $1",
	    &p, "vuln query", e);
	if (!r) return DM_ESTORE;
	int n = PQntuples(r), ret = 0;
	for (int i = 0; i < n; i++) {
		const char *added = pg_col(r, i, 12);
		struct vuln_info v = {
			.num = pg_i64(r, i, 0),
			.configs = PQgetvalue(r, i, 1),
			.summary = pg_col(r, i, 2),
			.published = pg_col(r, i, 3),
			.modified = pg_col(r, i, 4),
			.status = pg_col(r, i, 5),
			.source = pg_col(r, i, 6),
			.cvss = num_or(r, i, 7, -1),
			.cvss_version = pg_col(r, i, 8),
			.cvss_vector = pg_col(r, i, 9),
			.severity = pg_col(r, i, 10),
			.exploit_ref = pg_i64(r, i, 11) != 0,
			.kev_added = added,
			.kev = pg_bool(r, i, 13) || (added && *added),
			.ransomware = pg_i64(r, i, 14) != 0,
			.kev_due = pg_col(r, i, 15),
			.kev_action = pg_col(r, i, 16),
			.kev_name = pg_col(r, i, 17),
			.epss = num_or(r, i, 18, -1),
			.percentile = num_or(r, i, 19, -1),
		};
		if ((ret = fn(ctx, &v)) < 0) break;
	}
	PQclear(r);
	return ret < 0 ? ret : n > 0;
}

static int count(struct store *s, const char *q, uint64_t *ret, struct dm_err *e)
{
	PGresult *r = pg_q(s, q, NULL, "vuln statistics", e);
	if (!r) return DM_ESTORE;
	*ret = PQntuples(r) == 1 ? (uint64_t)pg_i64(r, 0, 0) : 0;
	PQclear(r);
	return 0;
}

int pg_vuln_any(struct store *s, struct dm_err *e)
{
	uint64_t n;
	int r = count(s, "SELECT count(*) FROM (SELECT 1 FROM vuln_cve LIMIT 1) x", &n, e);
	return r < 0 ? r : n > 0;
}

/* PostgreSQL keeps no packed configurations (it matches from the text):
 * no CVE to give briefs to. */
int pg_vuln_add_briefs(struct store *s, vuln_brief_fn fn, void *ctx, struct dm_err *e)
{
	(void)fn;
	(void)ctx;
	int r = pg_vuln_meta_set(s, "index.briefs", "done", e);
	return r < 0 ? r : 0;
}

int pg_vuln_stats(struct store *s, struct vuln_stats *ret, struct dm_err *e)
{
	memset(ret, 0, sizeof(*ret));
	int r;
	if ((r = count(s, "SELECT count(*) FROM vuln_cve", &ret->cves, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_cve WHERE configs <> ''", &ret->with_configs, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM (SELECT DISTINCT vendor, product FROM vuln_product) x",
		       &ret->products, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_kev", &ret->kev, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_kev k JOIN vuln_cve c ON c.id = k.cve",
		       &ret->kev_with_cve, e)) < 0 ||
	    (r = count(s, "SELECT count(*) FROM vuln_epss", &ret->epss, e)) < 0)
		return r;
	PGresult *x = pg_q(s, "SELECT max(modified) FROM vuln_cve", NULL, "vuln statistics", e);
	if (!x) return DM_ESTORE;
	if (PQntuples(x) == 1 && pg_col(x, 0, 0))
		snprintf(ret->newest, sizeof(ret->newest), "%s", pg_col(x, 0, 0));
	PQclear(x);
	if ((r = pg_vuln_meta_get(s, "nvd.timestamp", ret->nvd_timestamp, sizeof(ret->nvd_timestamp), e)) <
		0 ||
	    (r = pg_vuln_meta_get(s, "kev.catalog", ret->kev_catalog, sizeof(ret->kev_catalog), e)) < 0 ||
	    (r = pg_vuln_meta_get(s, "epss.model", ret->epss_model, sizeof(ret->epss_model), e)) < 0 ||
	    (r = pg_vuln_meta_get(s, "epss.date", ret->epss_date, sizeof(ret->epss_date), e)) < 0)
		return r;
	return 0;
}

int pg_distro_put_fix(struct store *s, const struct vuln_distro_fix *f, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, f->distro);
	pp_str(&p, f->release);
	pp_str(&p, f->package);
	pp_int(&p, f->num);
	pp_str(&p, distro_status_name(f->status));
	pp_text(&p, f->fixed_version);
	pp_text(&p, f->urgency);
	return pg_cmd(
	    s,
	    "INSERT INTO distro_fix(distro, release, package, cve, status, fixed_version, urgency)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (distro, package, release, cve) DO UPDATE"
	    " SET status = excluded.status, fixed_version = excluded.fixed_version,"
	    " urgency = excluded.urgency",
	    &p, "distribution data", e);
}

int pg_distro_put_pkg(struct store *s, const struct vuln_distro_pkg *v, struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, v->distro);
	pp_str(&p, v->release);
	pp_str(&p, v->package);
	pp_str(&p, v->version);
	return pg_cmd(s,
		      "INSERT INTO distro_pkg(distro, release, package, version) VALUES ($1, $2, $3, $4)"
		      " ON CONFLICT (distro, package, release) DO UPDATE SET version = excluded.version",
		      &p, "distribution data", e);
}

int pg_distro_fixes(struct store *s, const char *distro, const char *package, distro_fix_fn fn, void *ctx,
		    struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, distro);
	pp_str(&p, package);
	PGresult *r = pg_q(s,
			   "SELECT release, cve, status, fixed_version, urgency FROM distro_fix"
			   " WHERE distro = $1 AND package = $2",
			   &p, "distribution data", e);
	if (!r) return DM_ESTORE;
	int n = PQntuples(r), ret = 0;
	for (int i = 0; i < n; i++) {
		struct vuln_distro_fix f = { .distro = distro,
					     .release = pg_col(r, i, 0),
					     .package = package,
					     .num = pg_i64(r, i, 1),
					     .status = distro_status_parse(PQgetvalue(r, i, 2)),
					     .fixed_version = pg_col(r, i, 3),
					     .urgency = pg_col(r, i, 4) };
		if (f.release && f.status && (ret = fn(ctx, &f)) < 0) break;
	}
	PQclear(r);
	return ret < 0 ? ret : n;
}

int pg_distro_pkgs(struct store *s, const char *distro, const char *package, distro_pkg_fn fn, void *ctx,
		   struct dm_err *e)
{
	struct pg_params p = { 0 };
	pp_str(&p, distro);
	pp_str(&p, package);
	PGresult *r = pg_q(s, "SELECT release, version FROM distro_pkg WHERE distro = $1 AND package = $2",
			   &p, "distribution data", e);
	if (!r) return DM_ESTORE;
	int n = PQntuples(r), ret = 0;
	for (int i = 0; i < n; i++) {
		struct vuln_distro_pkg v = { .distro = distro,
					     .release = pg_col(r, i, 0),
					     .package = package,
					     .version = pg_col(r, i, 1) };
		if (v.release && v.version && (ret = fn(ctx, &v)) < 0) break;
	}
	PQclear(r);
	return ret < 0 ? ret : n;
}

int pg_distro_stats(struct store *s, distro_count_fn fn, void *ctx, struct dm_err *e)
{
	PGresult *r = pg_q(s,
			   "SELECT distro, count(DISTINCT release), count(DISTINCT package), count(*)"
			   " FROM distro_fix GROUP BY distro ORDER BY distro",
			   NULL, "distribution data", e);
	if (!r) return DM_ESTORE;
	int ret = 0;
	for (int i = 0; i < PQntuples(r) && ret >= 0; i++)
		ret = fn(ctx, PQgetvalue(r, i, 0), (uint64_t)pg_i64(r, i, 1), (uint64_t)pg_i64(r, i, 2),
			 (uint64_t)pg_i64(r, i, 3));
	PQclear(r);
	return ret < 0 ? ret : 0;
}

int pg_exposure_save(struct store *s, const char *file, const char *platform, double when,
		     const struct ext_obs *v, size_t n, size_t *ret_added, struct dm_err *e)
{
	const char *what = "saving external observations";
	int r = pg_begin(s, what, e);
	if (r < 0) return r;
	struct pg_params p = { 0 };
	pp_str(&p, file);
	pp_str(&p, platform);
	pp_dbl(&p, when);
	pp_int(&p, (int64_t)n);
	PGresult *res = pg_q(s,
			     "INSERT INTO exposure_imports(file, platform, imported, records, added)"
			     " VALUES ($1, $2, $3, $4, 0) RETURNING id",
			     &p, what, e);
	if (!res) {
		pg_rollback(s);
		return DM_ESTORE;
	}
	int64_t id = pg_i64(res, 0, 0);
	PQclear(res);
	size_t added = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct ext_obs *o = &v[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&o->ip, ip, sizeof(ip));
		struct pg_params q = { 0 };
		pp_str(&q, ext_platform_name(o->platform));
		pp_str(&q, ip);
		pp_int(&q, o->port);
		pp_str(&q, proto_name(o->proto));
		pp_text(&q, o->service);
		pp_text(&q, o->product);
		pp_text(&q, o->version);
		pp_text(&q, o->cpe);
		pp_dbl(&q, o->indexed);
		pp_text(&q, o->hostnames);
		pp_text(&q, o->file);
		pp_int(&q, o->line);
		pp_int(&q, id);
		PGresult *x =
		    pg_q(s,
			 "INSERT INTO external_obs(platform, ip, port, proto, service, product, version, cpe,"
			 " indexed, hostnames, file, line, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
			 " $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING",
			 &q, what, e);
		if (!x) {
			r = DM_ESTORE;
			break;
		}
		added += !strcmp(PQcmdTuples(x), "1");
		PQclear(x);
	}
	if (r == 0) {
		struct pg_params q = { 0 };
		pp_int(&q, (int64_t)added);
		pp_int(&q, id);
		r = pg_cmd(s, "UPDATE exposure_imports SET added = $1 WHERE id = $2", &q, what, e);
	}
	if (r == 0 && (r = pg_commit(s, what, e)) == 0) {
		if (ret_added) *ret_added = added;
		return 0;
	}
	pg_rollback(s);
	return r;
}

int pg_exposure_load(struct store *s, struct ext_set *out, struct dm_err *e)
{
	PGresult *r =
	    pg_q(s,
		 "SELECT platform, ip, port, proto, service, product, version, cpe, indexed, hostnames,"
		 " file, line FROM external_obs ORDER BY indexed, ip, port",
		 NULL, "loading external observations", e);
	if (!r) return DM_ESTORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct ext_obs o = { 0 };
		int pl = ext_platform_parse(PQgetvalue(r, i, 0));
		if (pl < 0 || ipaddr_parse(PQgetvalue(r, i, 1), &o.ip) < 0)
			continue; /* from a later dormant */
		o.platform = (enum ext_platform)pl;
		o.port = (uint16_t)pg_i64(r, i, 2);
		o.proto = !strcmp(PQgetvalue(r, i, 3), "udp") ? PROTO_UDP : PROTO_TCP;
		snprintf(o.service, sizeof(o.service), "%s", PQgetvalue(r, i, 4));
		snprintf(o.product, sizeof(o.product), "%s", PQgetvalue(r, i, 5));
		snprintf(o.version, sizeof(o.version), "%s", PQgetvalue(r, i, 6));
		snprintf(o.cpe, sizeof(o.cpe), "%s", PQgetvalue(r, i, 7));
		o.indexed = pg_dbl(r, i, 8);
		snprintf(o.hostnames, sizeof(o.hostnames), "%s", PQgetvalue(r, i, 9));
		o.file = ext_set_file(out, PQgetvalue(r, i, 10));
		o.line = (unsigned)pg_i64(r, i, 11);
		ext_set_add(out, &o);
	}
	PQclear(r);
	return 0;
}
