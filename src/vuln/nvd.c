/* NVD CVE API 2.0 records and CVE List V5 records into struct vuln_cve. */
#include "vuln/feeds.h"
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void copy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

static void lower(char *s)
{
	for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

/* A CVSS base score: a finite number from 0 to 10. Returns 1 when d has
 * one, 0 when it has none, or a negative code naming the record. */
static int base_score(const struct json *d, const char *name, uint64_t off, const char *id, double *ret,
		      struct dm_err *e)
{
	const struct json *j = json_get(d, "baseScore");
	if (!j) return 0;
	if (json_num(d, "baseScore", ret) && *ret >= 0 && *ret <= 10) return 1;
	return dm_fail(e, DM_EINPUT,
		       "%s: byte %llu: %s: baseScore \"%.24s\" is not a CVSS score (a number from 0 to 10)",
		       name, (unsigned long long)off, id, j->str ? j->str : "");
}

/* The best score: newest CVSS version first, NVD's primary score before secondary ones. */
static int nvd_score(const struct json *metrics, struct vuln_cve *c, const char *name, uint64_t off,
		     const char *id, struct dm_err *e)
{
	static const char *const keys[] = { "cvssMetricV40", "cvssMetricV31", "cvssMetricV30",
					    "cvssMetricV2" };
	for (size_t i = 0; i < 4 && c->cvss < 0; i++) {
		const struct json *list = json_get(metrics, keys[i]), *best = NULL;
		json_each(m, list)
		{
			const char *t = json_str(m, "type");
			if (t && !strcmp(t, "Primary")) {
				best = m;
				break;
			}
			if (!best) best = m;
		}
		const struct json *data = json_get(best, "cvssData");
		double score;
		int r = base_score(data, name, off, id, &score, e);
		if (r < 0) return r;
		if (!r) continue;
		c->cvss = score;
		copy(c->cvss_version, sizeof(c->cvss_version), json_str(data, "version"));
		copy(c->cvss_vector, sizeof(c->cvss_vector), json_str(data, "vectorString"));
		const char *sev = json_str(data, "baseSeverity");
		if (!sev) sev = json_str(best, "baseSeverity"); /* v2 keeps it outside cvssData */
		copy(c->severity, sizeof(c->severity), sev);
		lower(c->severity);
	}
	return 0;
}

static const char *english(const struct json *descriptions)
{
	const char *any = NULL;
	json_each(d, descriptions)
	{
		const char *v = json_str(d, "value");
		const char *lang = json_str(d, "lang");
		if (v && lang && !strncasecmp(lang, "en", 2)) return v;
		if (!any) any = v;
	}
	return any;
}

static int bad(struct dm_err *e, const char *name, uint64_t off, const char *id, const char *what)
{
	return dm_fail(e, DM_EINPUT, "%s: byte %llu: %s%s%s", name, (unsigned long long)off, id ? id : "",
		       id ? ": " : "", what);
}

static int put_bound(char *dst, size_t n, const char *v)
{
	if (!v) return 0;
	if (strlen(v) >= n || strpbrk(v, "\t\n")) return -1;
	copy(dst, n, v);
	return 1;
}

static int nvd_configs(const struct json *configs, struct cve_build *b, const char *name, uint64_t off,
		       const char *id, struct dm_err *e)
{
	json_each(g, configs)
	{
		const char *op = json_str(g, "operator");
		vconfigs_add_config(&b->cfg, op && !strcmp(op, "AND"), json_bool(g, "negate", false));
		json_each(nd, json_get(g, "nodes"))
		{
			const char *nop = json_str(nd, "operator");
			vconfigs_add_node(&b->cfg, nop && !strcmp(nop, "AND"),
					  json_bool(nd, "negate", false));
			json_each(m, json_get(nd, "cpeMatch"))
			{
				const char *crit = json_str(m, "criteria");
				struct cpe parsed;
				if (!crit || strlen(crit) >= VMATCH_CRITERIA_MAX || strpbrk(crit, "\t\n") ||
				    cpe_parse(crit, &parsed) < 0)
					continue; /* a damaged criterion (they exist) matches nothing */
				struct vmatch *vm = vconfigs_add_match(&b->cfg);
				vm->vulnerable = json_bool(m, "vulnerable", true);
				char start[VMATCH_BOUND_MAX] = "", end[VMATCH_BOUND_MAX] = "";
				int si =
				    put_bound(start, sizeof(start), json_str(m, "versionStartIncluding"));
				int se = si ? 0
					    : put_bound(start, sizeof(start),
							json_str(m, "versionStartExcluding"));
				int ei = put_bound(end, sizeof(end), json_str(m, "versionEndIncluding"));
				int ee = ei ? 0
					    : put_bound(end, sizeof(end), json_str(m, "versionEndExcluding"));
				if (si < 0 || se < 0 || ei < 0 || ee < 0)
					return bad(e, name, off, id, "version bound too long");
				/* NVD's own formatted string, checked above */
				if (vmatch_set(&b->cfg, vm, crit, start, end) < 0)
					return bad(e, name, off, id, "configurations too large");
				vm->start_incl = si > 0;
				vm->end_incl = ei > 0;
			}
		}
	}
	return 0;
}

int nvd_record(const struct json *cve, const char *name, uint64_t off, struct cve_build *b, struct dm_err *e)
{
	struct vuln_cve *c = &b->cve;
	vconfigs_reset(&b->cfg);
	const char *id = json_str(cve, "id");
	if (!id) return bad(e, name, off, NULL, "NVD record without an \"id\"");
	if ((c->num = cve_number(id)) < 0) return bad(e, name, off, id, "not a CVE id");
	copy(c->published, sizeof(c->published), json_str(cve, "published"));
	copy(c->modified, sizeof(c->modified), json_str(cve, "lastModified"));
	copy(c->status, sizeof(c->status), json_str(cve, "vulnStatus"));
	c->summary = english(json_get(cve, "descriptions"));
	c->cvss = -1;
	c->cvss_version[0] = c->cvss_vector[0] = c->severity[0] = 0;
	int r = nvd_score(json_get(cve, "metrics"), c, name, off, id, e);
	if (r < 0) return r;
	c->exploit_ref = false;
	json_each(ref, json_get(cve, "references"))
	    json_each(tag, json_get(ref, "tags")) if (tag->type == JSON_STRING &&
						      !strcmp(tag->str, "Exploit")) c->exploit_ref = true;
	copy(c->kev_added, sizeof(c->kev_added), json_str(cve, "cisaExploitAdd"));
	c->source = "nvd";
	r = nvd_configs(json_get(cve, "configurations"), b, name, off, id, e);
	return r < 0 ? r : cve_build_finish(b);
}

/* CVE 5 "affected" entries: CPEs when given, else vendor/product names
 * lowered into CPE form; versions from the version/lessThan ranges.
 * Distribution package versions (rpm, deb) cannot be compared with what
 * a service announces, so they are left out. */
static void cve5_name(const char *s, char *out, size_t n)
{
	size_t w = 0;
	for (; s && *s && w + 1 < n; s++) {
		unsigned char ch = (unsigned char)*s;
		out[w++] = isalnum(ch) || ch == '.' || ch == '-' ? (char)tolower(ch) : '_';
	}
	out[w] = 0;
	if (!w) snprintf(out, n, "*");
}

static void cve5_ranges(const struct json *aff, const struct cpe *base, struct cve_build *b)
{
	const struct json *versions = json_get(aff, "versions");
	json_each(v, versions)
	{
		const char *status = json_str(v, "status"), *type = json_str(v, "versionType");
		if (!status || strcmp(status, "affected")) continue;
		if (type && (!strcmp(type, "rpm") || !strcmp(type, "deb") || !strcmp(type, "git"))) continue;
		const char *ver = json_str(v, "version"), *lt = json_str(v, "lessThan"),
			   *le = json_str(v, "lessThanOrEqual");
		struct vmatch *m = vconfigs_add_match(&b->cfg);
		m->vulnerable = true;
		struct cpe cp = *base;
		char start[VMATCH_BOUND_MAX] = "", end[VMATCH_BOUND_MAX] = "", crit[VMATCH_CRITERIA_MAX];
		bool open_start = !ver || !strcmp(ver, "0") || !strcmp(ver, "*") || !strcmp(ver, "n/a");
		if ((lt && strcmp(lt, "*")) || (le && strcmp(le, "*"))) {
			if (!open_start && put_bound(start, sizeof(start), ver) > 0) m->start_incl = true;
			if (lt && strcmp(lt, "*"))
				put_bound(end, sizeof(end), lt);
			else if (put_bound(end, sizeof(end), le) > 0)
				m->end_incl = true;
		} else if (!open_start) {
			cpe_set(&cp, CPE_VERSION, ver);
		}
		cpe_format(&cp, crit, sizeof(crit));
		vmatch_set(&b->cfg, m, crit, start,
			   end); /* past the cap: an empty criterion, naming nothing */
	}
}

int cve5_record(const struct json *rec, const char *name, uint64_t off, struct cve_build *b, struct dm_err *e)
{
	struct vuln_cve *c = &b->cve;
	vconfigs_reset(&b->cfg);
	const struct json *meta = json_get(rec, "cveMetadata");
	const char *id = json_str(meta, "cveId");
	if (!id) return bad(e, name, off, NULL, "CVE record without cveMetadata.cveId");
	if ((c->num = cve_number(id)) < 0) return bad(e, name, off, id, "not a CVE id");
	copy(c->published, sizeof(c->published), json_str(meta, "datePublished"));
	copy(c->modified, sizeof(c->modified), json_str(meta, "dateUpdated"));
	copy(c->status, sizeof(c->status), json_str(meta, "state"));
	const struct json *cna = json_get(json_get(rec, "containers"), "cna");
	c->summary = english(json_get(cna, "descriptions"));
	c->cvss = -1;
	c->cvss_version[0] = c->cvss_vector[0] = c->severity[0] = 0;
	c->exploit_ref = false;
	c->kev_added[0] = 0;
	c->source = "cve5";
	static const char *const keys[] = { "cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0" };
	for (size_t i = 0; i < 4 && c->cvss < 0; i++) {
		json_each(m, json_get(cna, "metrics"))
		{
			const struct json *d = json_get(m, keys[i]);
			double s;
			int r = base_score(d, name, off, id, &s, e);
			if (r < 0) return r;
			if (!r) continue;
			c->cvss = s;
			copy(c->cvss_version, sizeof(c->cvss_version), json_str(d, "version"));
			copy(c->cvss_vector, sizeof(c->cvss_vector), json_str(d, "vectorString"));
			copy(c->severity, sizeof(c->severity), json_str(d, "baseSeverity"));
			lower(c->severity);
			break;
		}
	}
	json_each(ref, json_get(cna, "references"))
	    json_each(tag, json_get(ref, "tags")) if (tag->type == JSON_STRING &&
						      !strcmp(tag->str, "exploit")) c->exploit_ref = true;
	json_each(aff, json_get(cna, "affected"))
	{
		vconfigs_add_config(&b->cfg, false, false);
		vconfigs_add_node(&b->cfg, false, false);
		struct cpe base;
		bool any = false;
		json_each(u, json_get(aff, "cpes"))
		{
			if (u->type != JSON_STRING || cpe_parse(u->str, &base) < 0) continue;
			cve5_ranges(aff, &base, b);
			any = true;
		}
		if (any) continue;
		char v[128], p[128];
		cve5_name(json_str(aff, "vendor"), v, sizeof(v));
		const char *prod = json_str(aff, "product");
		if (!prod || !strcmp(prod, "n/a")) prod = json_str(aff, "packageName");
		cve5_name(prod, p, sizeof(p));
		if (!strcmp(p, "*") || !strcmp(p, "n_a")) continue;
		cpe_init(&base);
		cpe_set(&base, CPE_PART, "a");
		if (strcmp(v, "*") && strcmp(v, "n_a")) cpe_set(&base, CPE_VENDOR, v);
		cpe_set(&base, CPE_PRODUCT, p);
		cve5_ranges(aff, &base, b);
	}
	return cve_build_finish(b);
}

void cve_build_release(struct cve_build *b)
{
	vconfigs_release(&b->cfg);
	buf_release(&b->text);
	buf_release(&b->packed);
	buf_release(&b->briefs);
	free(b->brief_at);
	free(b->brief_len);
	free(b->all);
	free(b->products);
	*b = (struct cve_build){ 0 };
}

/* Vendor and product of a criterion we formatted ("cpe:2.3:a:VENDOR:PRODUCT:..."),
 * without a full parse: fields end at a colon not quoted by a backslash. */
static bool criteria_names(const char *crit, char *vendor, char *product)
{
	const char *p = crit + 10; /* past "cpe:2.3:x:" */
	char *out[2] = { vendor, product };
	if (strncmp(crit, "cpe:2.3:", 8) || strlen(crit) < 10) return false;
	for (int f = 0; f < 2; f++) {
		size_t w = 0;
		while (*p && *p != ':') {
			if (*p == '\\' && p[1]) out[f][w++] = *p++;
			if (w >= 126) return false;
			out[f][w++] = *p++;
		}
		out[f][w] = 0;
		if (*p != ':' || !w) return false;
		p++;
	}
	return true;
}

/* A brief rides in the product index's row: past this, the row would
 * crowd a page (and spill at ~1 KB), so the configurations are read. */
enum { VULN_BRIEF_MAX = 480 };

int cve_build_finish(struct cve_build *b)
{
	struct vuln_cve *c = &b->cve;
	buf_reset(&b->text);
	int r = vconfigs_encode(&b->cfg, &b->text);
	if (r < 0) return r;
	c->configs = b->text.data ? b->text.data : "";
	c->n_products = 0;
	for (size_t i = 0; i < b->cfg.n_m; i++) {
		char vendor[128], product[128];
		if (!criteria_names(b->cfg.m[i].criteria, vendor, product)) continue;
		size_t j = 0;
		while (j < c->n_products &&
		       (strcmp(b->products[j].product, product) || strcmp(b->products[j].vendor, vendor)))
			j++;
		if (j < c->n_products) continue;
		if (c->n_products == b->cap_products) {
			b->cap_products = b->cap_products ? b->cap_products * 2 : 16;
			b->products = xrealloc(b->products, b->cap_products * sizeof(*b->products));
		}
		memcpy(b->products[j].vendor, vendor, sizeof(vendor));
		memcpy(b->products[j].product, product, sizeof(product));
		c->n_products++;
	}
	c->products = b->products;
	/* what matching reads: packed once here rather than parsed from
	 * the text for every candidate at every match */
	buf_reset(&b->packed);
	b->all = xrealloc(b->all, (b->cfg.n_cfg ? b->cfg.n_cfg : 1) * sizeof(*b->all));
	for (size_t i = 0; i < b->cfg.n_cfg; i++) b->all[i] = (uint32_t)i;
	if ((r = vconfigs_pack(&b->cfg, b->all, b->cfg.n_cfg, &b->packed)) < 0) return r;
	c->packed = (const unsigned char *)b->packed.data;
	c->packed_len = b->packed.len;
	return cve_build_briefs(b, c->products, c->n_products);
}

int cve_build_briefs(struct cve_build *b, const struct vuln_product *p, size_t n)
{
	struct vuln_cve *c = &b->cve;
	buf_reset(&b->briefs);
	b->brief_at = xrealloc(b->brief_at, (n ? n : 1) * sizeof(*b->brief_at));
	b->brief_len = xrealloc(b->brief_len, (n ? n : 1) * sizeof(*b->brief_len));
	for (size_t i = 0; i < n; i++) {
		struct cpe named;
		b->brief_at[i] = (uint32_t)b->briefs.len;
		b->brief_len[i] = 0;
		/* vendorless records are asked for under any vendor's name */
		if (!strcmp(p[i].vendor, "*")) continue;
		cpe_init(&named);
		memcpy(named.v[CPE_VENDOR], p[i].vendor, sizeof(named.v[CPE_VENDOR]));
		memcpy(named.v[CPE_PRODUCT], p[i].product, sizeof(named.v[CPE_PRODUCT]));
		int r = vconfigs_brief(&b->cfg, &named, VULN_BRIEF_MAX, &b->briefs);
		if (r < 0) return r;
		if (r) b->brief_len[i] = (uint32_t)(b->briefs.len - b->brief_at[i]);
	}
	c->briefs = (const unsigned char *)b->briefs.data;
	c->brief_at = b->brief_at;
	c->brief_len = b->brief_len;
	return 0;
}
