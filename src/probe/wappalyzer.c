/* Wappalyzer's rule format read into compiled patterns, and the matcher:
 * every rule's patterns against the page's parts, confidences summed per
 * technology, versions from the "\;version:" template, then implies,
 * excludes and requires resolved the way Wappalyzer resolves them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "probe/wappalyzer.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "probe/pcre-util.h"
#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct wa_pat {
	void *code;    /* NULL: the part's presence is enough (unless refused) */
	bool refused;  /* PCRE2 would not compile it: never matches */
	char *version; /* template ("\1", "\1?2:1"), or NULL */
	int confidence;
};

/* A header, cookie or meta rule: a name and a pattern on its value. */
struct wa_keyed {
	char *key;      /* lower case, for headers and meta */
	void *key_code; /* cookies whose name is an expression ("joomla_[a-z0-9]+") */
	struct wa_pat pat;
};

struct wa_ref {
	char *name;
	int confidence;
};

struct wa_tech {
	char *name, *cpe;
	int cats[4];
	size_t n_cats;
	struct wa_keyed *headers, *cookies, *meta;
	size_t n_headers, n_cookies, n_meta;
	struct wa_pat *html, *script_src, *url, *scripts;
	size_t n_html, n_script_src, n_url, n_scripts;
	struct wa_ref *implies;
	size_t n_implies;
	char **excludes, **requires;
	size_t n_excludes, n_requires;
	int *req_cats;
	size_t n_req_cats;
};

/* "regex\;version:\1\;confidence:50" into a pattern. */
static void pat_compile(struct wa_db *db, const char *s, struct wa_pat *p)
{
	*p = (struct wa_pat){ .confidence = 100 };
	const char *tag = strstr(s, "\\;");
	size_t rl = tag ? (size_t)(tag - s) : strlen(s);
	while (tag) {
		const char *t = tag + 2, *next = strstr(t, "\\;");
		size_t tl = next ? (size_t)(next - t) : strlen(t);
		if (tl > 8 && !strncmp(t, "version:", 8)) {
			free(p->version);
			p->version = xmalloc(tl - 8 + 1);
			memcpy(p->version, t + 8, tl - 8);
			p->version[tl - 8] = 0;
		} else if (tl > 11 && !strncmp(t, "confidence:", 11)) {
			p->confidence = atoi(t + 11);
			if (p->confidence < 0 || p->confidence > 100) p->confidence = 100;
		}
		tag = next;
	}
	if (!rl) return;
	p->code = pcre_util_compile(s, rl, PCRE2_CASELESS, false, NULL, 0, NULL);
	if (p->code)
		db->patterns++;
	else
		db->refused++, p->refused = true;
}

static void pat_free(struct wa_pat *p)
{
	pcre_util_free(p->code);
	free(p->version);
}

/* A member that is a string or an array of strings. */
static size_t pats_of(struct wa_db *db, const struct json *j, struct wa_pat **ret)
{
	*ret = NULL;
	if (!j) return 0;
	size_t n = j->type == JSON_STRING ? 1 : j->type == JSON_ARRAY ? j->n : 0, k = 0;
	if (!n) return 0;
	*ret = xcalloc(n, sizeof(**ret));
	if (j->type == JSON_STRING)
		pat_compile(db, j->str, &(*ret)[k++]);
	else
		json_each(c, j) if (c->type == JSON_STRING) pat_compile(db, c->str, &(*ret)[k++]);
	return k;
}

static bool has_meta_chars(const char *s) { return strpbrk(s, "[]()*+?\\|^$") != NULL; }

/* An object of name -> pattern (a pattern may be an array: its first). */
static size_t keyed_of(struct wa_db *db, const struct json *j, bool lower, bool key_re, struct wa_keyed **ret)
{
	*ret = NULL;
	if (!j || j->type != JSON_OBJECT || !j->n) return 0;
	*ret = xcalloc(j->n, sizeof(**ret));
	size_t k = 0;
	json_each(c, j)
	{
		const struct json *v = c->type == JSON_ARRAY ? c->first : c;
		if (!v || v->type != JSON_STRING) continue;
		struct wa_keyed *kv = &(*ret)[k++];
		kv->key = xstrdup(c->key);
		if (lower)
			for (char *p = kv->key; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		if (key_re && has_meta_chars(c->key)) {
			struct buf b = { 0 };
			buf_printf(&b, "^(?:%s)$", c->key);
			kv->key_code = pcre_util_compile(b.data, b.len, PCRE2_CASELESS, false, NULL, 0, NULL);
			buf_release(&b);
		}
		pat_compile(db, v->str, &kv->pat);
	}
	return k;
}

static size_t names_of(const struct json *j, char ***ret)
{
	*ret = NULL;
	if (!j) return 0;
	size_t n = j->type == JSON_STRING ? 1 : j->type == JSON_ARRAY ? j->n : 0, k = 0;
	if (!n) return 0;
	*ret = xcalloc(n, sizeof(**ret));
	if (j->type == JSON_STRING)
		(*ret)[k++] = xstrdup(j->str);
	else
		json_each(c, j) if (c->type == JSON_STRING)(*ret)[k++] = xstrdup(c->str);
	return k;
}

static size_t ints_of(const struct json *j, int *out, size_t max)
{
	size_t k = 0;
	if (j && (j->type == JSON_NUMBER || j->type == JSON_STRING)) out[k++] = atoi(j->str);
	if (j && j->type == JSON_ARRAY)
		json_each(c, j) if ((c->type == JSON_NUMBER || c->type == JSON_STRING) && k < max)
		    out[k++] = atoi(c->str);
	return k;
}

static void tech_load(struct wa_db *db, const struct json *r, struct wa_tech *t)
{
	t->name = xstrdup(r->key);
	const char *cpe = json_str(r, "cpe");
	t->cpe = cpe && *cpe ? xstrdup(cpe) : NULL;
	t->n_cats = ints_of(json_get(r, "cats"), t->cats, ARRAY_SIZE(t->cats));
	t->n_headers = keyed_of(db, json_get(r, "headers"), true, false, &t->headers);
	t->n_cookies = keyed_of(db, json_get(r, "cookies"), false, true, &t->cookies);
	t->n_meta = keyed_of(db, json_get(r, "meta"), true, false, &t->meta);
	t->n_html = pats_of(db, json_get(r, "html"), &t->html);
	t->n_script_src = pats_of(db, json_get(r, "scriptSrc"), &t->script_src);
	t->n_url = pats_of(db, json_get(r, "url"), &t->url);
	t->n_scripts = pats_of(db, json_get(r, "scripts"), &t->scripts);
	char **imp;
	t->n_implies = names_of(json_get(r, "implies"), &imp);
	if (t->n_implies) t->implies = xcalloc(t->n_implies, sizeof(*t->implies));
	for (size_t i = 0; i < t->n_implies; i++) {
		/* "PHP\;confidence:50" */
		char *tag = strstr(imp[i], "\\;");
		t->implies[i].confidence = 100;
		if (tag) {
			const char *c = strstr(tag, "confidence:");
			if (c) t->implies[i].confidence = atoi(c + 11);
			*tag = 0;
		}
		t->implies[i].name = imp[i];
	}
	free(imp);
	t->n_excludes = names_of(json_get(r, "excludes"), &t->excludes);
	t->n_requires = names_of(json_get(r, "requires"), &t->requires);
	int rc[8];
	t->n_req_cats = ints_of(json_get(r, "requiresCategory"), rc, ARRAY_SIZE(rc));
	if (t->n_req_cats) {
		t->req_cats = xcalloc(t->n_req_cats, sizeof(int));
		memcpy(t->req_cats, rc, t->n_req_cats * sizeof(int));
	}
}

static int tech_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wa_tech *)a)->name, ((const struct wa_tech *)b)->name);
}

static int on_record(void *ctx, const struct json *rec, const struct json *hdr, uint64_t off,
		     struct dm_err *e)
{
	(void)hdr, (void)off;
	struct wa_db *db = ctx;
	if (rec->type != JSON_OBJECT)
		return dm_fail(e, DM_EINPUT, "%s: not an object of technologies", db->path);
	db->t = xrealloc(db->t, (db->n + rec->n) * sizeof(*db->t));
	json_each(r, rec)
	{
		if (r->type != JSON_OBJECT || !r->key || !*r->key) continue;
		struct wa_tech *t = &db->t[db->n++];
		memset(t, 0, sizeof(*t));
		tech_load(db, r, t);
	}
	return 0;
}

static void finish(struct wa_db *db)
{
	if (db->n) qsort(db->t, db->n, sizeof(*db->t), tech_cmp);
}

int wa_db_load_mem(struct wa_db *db, const char *json, size_t len, const char *name, struct dm_err *e)
{
	if (!db->path) db->path = xstrdup(name);
	struct json_stream js = { .record = on_record, .ctx = db, .max_record = 64u << 20 };
	int r = json_stream_mem(&js, json, len, name, e);
	finish(db);
	return r < 0 ? r : 0;
}

static int load_file(struct wa_db *db, const char *path, struct dm_err *e)
{
	free(db->path);
	db->path = xstrdup(path);
	struct json_stream js = { .record = on_record, .ctx = db, .max_record = 64u << 20 };
	return json_stream_file(&js, path, e);
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int wa_db_load(struct wa_db *db, const char *path, struct dm_err *e)
{
	struct stat st;
	if (stat(path, &st) < 0) return dm_fail(e, -errno, "%s: %s", path, strerror(errno));
	int r = 0;
	if (!S_ISDIR(st.st_mode)) {
		r = load_file(db, path, e);
	} else {
		char p[4096];
		snprintf(p, sizeof(p), "%s/technologies.json", path);
		if (stat(p, &st) == 0) {
			r = load_file(db, p, e);
		} else {
			snprintf(p, sizeof(p), "%s/technologies", path);
			DIR *d = opendir(p);
			if (!d)
				return dm_fail(e, DM_EINPUT, "%s: no technologies.json nor technologies/",
					       path);
			char **names = NULL;
			size_t n = 0;
			for (struct dirent *de; (de = readdir(d));) {
				size_t l = strlen(de->d_name);
				if (l < 6 || strcmp(de->d_name + l - 5, ".json")) continue;
				names = xrealloc(names, (n + 1) * sizeof(*names));
				names[n++] = xstrdup(de->d_name);
			}
			closedir(d);
			if (n) qsort(names, n, sizeof(*names), name_cmp);
			for (size_t i = 0; i < n; i++) {
				char f[4400];
				snprintf(f, sizeof(f), "%s/%s", p, names[i]);
				if (r >= 0) r = load_file(db, f, e);
				free(names[i]);
			}
			free(names);
			free(db->path);
			db->path = xstrdup(path);
		}
	}
	finish(db);
	return r < 0 ? r : 0;
}

void wa_db_release(struct wa_db *db)
{
	for (size_t i = 0; i < db->n; i++) {
		struct wa_tech *t = &db->t[i];
		struct wa_keyed *ks[] = { t->headers, t->cookies, t->meta };
		size_t ns[] = { t->n_headers, t->n_cookies, t->n_meta };
		for (size_t k = 0; k < 3; k++) {
			for (size_t j = 0; j < ns[k]; j++) {
				free(ks[k][j].key);
				pcre_util_free(ks[k][j].key_code);
				pat_free(&ks[k][j].pat);
			}
			free(ks[k]);
		}
		struct wa_pat *ps[] = { t->html, t->script_src, t->url, t->scripts };
		size_t np[] = { t->n_html, t->n_script_src, t->n_url, t->n_scripts };
		for (size_t k = 0; k < 4; k++) {
			for (size_t j = 0; j < np[k]; j++) pat_free(&ps[k][j]);
			free(ps[k]);
		}
		for (size_t j = 0; j < t->n_implies; j++) free(t->implies[j].name);
		free(t->implies);
		for (size_t j = 0; j < t->n_excludes; j++) free(t->excludes[j]);
		free(t->excludes);
		for (size_t j = 0; j < t->n_requires; j++) free(t->requires[j]);
		free(t->requires);
		free(t->req_cats);
		free(t->name);
		free(t->cpe);
	}
	free(db->t);
	free(db->path);
	memset(db, 0, sizeof(*db));
}

/* ---- matching ---- */

struct found {
	int confidence;
	char version[32];
	bool implied, direct, dropped;
};

/* The version template filled from the match: "\N" is group N, and
 * "\N?a:b" is a when group N matched something, else b. */
static void resolve_version(const char *tpl, const char *subj, const PCRE2_SIZE *ov, int rc, char *out,
			    size_t n)
{
	size_t w = 0;
	out[0] = 0;
	for (const char *p = tpl; *p && w + 1 < n; p++) {
		if (*p == '\\' && p[1] >= '0' && p[1] <= '9') {
			int g = p[1] - '0';
			p++;
			bool have = g < rc && ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g];
			if (p[1] == '?') {
				const char *colon = strchr(p + 2, ':');
				const char *a = p + 2, *ae = colon ? colon : a + strlen(a);
				const char *b = colon ? colon + 1 : "";
				const char *s = have ? a : b;
				size_t l = have ? (size_t)(ae - a) : strlen(b);
				for (size_t i = 0; i < l && w + 1 < n; i++) out[w++] = s[i];
				break;
			}
			if (have)
				for (size_t i = ov[2 * g]; i < ov[2 * g + 1] && w + 1 < n; i++)
					out[w++] = subj[i];
		} else {
			out[w++] = *p;
		}
	}
	out[w] = 0;
	/* trim and keep what a version may hold */
	size_t s = 0;
	while (out[s] == ' ') s++;
	if (s) memmove(out, out + s, strlen(out + s) + 1);
	w = strlen(out);
	while (w && out[w - 1] == ' ') out[--w] = 0;
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) *c = '?';
}

static bool pat_match(const struct wa_pat *p, const char *subj, size_t len, struct found *f)
{
	if (p->refused) return false;
	if (!p->code) {
		f->confidence += p->confidence;
		return true;
	}
	pcre2_match_data *md = pcre_util_match_data();
	int rc = pcre2_match(p->code, (PCRE2_SPTR)subj, len, 0, 0, md, pcre_util_match_context());
	if (rc < 0) return false;
	f->confidence += p->confidence;
	if (p->version) {
		char v[32];
		resolve_version(p->version, subj, pcre2_get_ovector_pointer(md), rc, v, sizeof(v));
		/* the longest version seen wins (a later match can be more exact) */
		if (strlen(v) > strlen(f->version)) snprintf(f->version, sizeof(f->version), "%s", v);
	}
	return true;
}

static void match_keyed(const struct wa_keyed *k, size_t n, const struct webpage_kv *kv, size_t nkv,
			bool key_re, struct found *f)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < nkv; j++) {
			bool same;
			if (key_re && k[i].key_code)
				same = pcre2_match(k[i].key_code, (PCRE2_SPTR)kv[j].name, strlen(kv[j].name),
						   0, 0, pcre_util_match_data(),
						   pcre_util_match_context()) >= 0;
			else
				same = !strcasecmp(k[i].key, kv[j].name);
			if (same && pat_match(&k[i].pat, kv[j].value, strlen(kv[j].value), f)) break;
		}
}

static void match_tech(const struct wa_tech *t, const struct webpage *pg, struct found *f)
{
	match_keyed(t->headers, t->n_headers, pg->headers, pg->n_headers, false, f);
	match_keyed(t->cookies, t->n_cookies, pg->cookies, pg->n_cookies, true, f);
	match_keyed(t->meta, t->n_meta, pg->meta, pg->n_meta, false, f);
	for (size_t i = 0; i < t->n_html; i++) pat_match(&t->html[i], pg->html, pg->html_len, f);
	for (size_t i = 0; i < t->n_script_src; i++)
		for (size_t j = 0; j < pg->n_scripts; j++)
			if (pat_match(&t->script_src[i], pg->scripts[j], strlen(pg->scripts[j]), f)) break;
	if (pg->url[0])
		for (size_t i = 0; i < t->n_url; i++) pat_match(&t->url[i], pg->url, strlen(pg->url), f);
	/* Wappalyzer matches "scripts" on the script files it downloads; here
	 * on the page's inline scripts only (no further requests) */
	if (pg->inline_js_len)
		for (size_t i = 0; i < t->n_scripts; i++)
			pat_match(&t->scripts[i], pg->inline_js, pg->inline_js_len, f);
	if (f->confidence > 0) f->direct = true;
}

static long find_tech(const struct wa_db *db, const char *name)
{
	size_t lo = 0, hi = db->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(db->t[mid].name, name);
		if (!c) return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static bool has_cat(const struct wa_db *db, const struct found *f, int cat)
{
	for (size_t i = 0; i < db->n; i++)
		if (f[i].confidence > 0 && !f[i].dropped)
			for (size_t c = 0; c < db->t[i].n_cats; c++)
				if (db->t[i].cats[c] == cat) return true;
	return false;
}

struct ranked {
	size_t i;
	int confidence;
	bool has_version, implied;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->implied != y->implied) return x->implied ? 1 : -1;
	if (x->confidence != y->confidence) return y->confidence - x->confidence;
	if (x->has_version != y->has_version) return x->has_version ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

size_t wa_match(const struct wa_db *db, const struct webpage *pg, int min_confidence, struct wa_hit *hits,
		size_t max)
{
	if (!db || !db->n || !max) return 0;
	struct found *f = xcalloc(db->n, sizeof(*f));
	for (size_t i = 0; i < db->n; i++) match_tech(&db->t[i], pg, &f[i]);
	/* implies: a few rounds reach every chain Wappalyzer has (PHP <- WordPress <- plugin) */
	for (int round = 0; round < 4; round++) {
		bool more = false;
		for (size_t i = 0; i < db->n; i++) {
			if (f[i].confidence <= 0) continue;
			for (size_t k = 0; k < db->t[i].n_implies; k++) {
				long j = find_tech(db, db->t[i].implies[k].name);
				if (j < 0 || f[j].confidence > 0) continue;
				int c = MIN(f[i].confidence, db->t[i].implies[k].confidence);
				f[j].confidence = c > 0 ? c : 1;
				f[j].implied = true;
				more = true;
			}
		}
		if (!more) break;
	}
	for (size_t i = 0; i < db->n; i++) {
		if (f[i].confidence <= 0) continue;
		for (size_t k = 0; k < db->t[i].n_excludes; k++) {
			long j = find_tech(db, db->t[i].excludes[k]);
			if (j >= 0) f[j].dropped = true;
		}
		for (size_t k = 0; k < db->t[i].n_requires; k++) {
			long j = find_tech(db, db->t[i].requires[k]);
			if (j < 0 || f[j].confidence <= 0) f[i].dropped = true;
		}
	}
	for (size_t i = 0; i < db->n; i++)
		for (size_t k = 0; f[i].confidence > 0 && !f[i].dropped && k < db->t[i].n_req_cats; k++)
			if (!has_cat(db, f, db->t[i].req_cats[k])) f[i].dropped = true;
	struct ranked *rk = NULL;
	size_t nr = 0;
	for (size_t i = 0; i < db->n; i++) {
		int c = MIN(f[i].confidence, 100);
		if (c <= 0 || f[i].dropped || c < min_confidence) continue;
		rk = xrealloc(rk, (nr + 1) * sizeof(*rk));
		rk[nr++] = (struct ranked){ i, c, f[i].version[0] != 0, !f[i].direct };
	}
	if (nr) qsort(rk, nr, sizeof(*rk), ranked_cmp);
	size_t n = 0;
	for (size_t k = 0; k < nr && n < max; k++) {
		const struct wa_tech *t = &db->t[rk[k].i];
		struct wa_hit *h = &hits[n++];
		memset(h, 0, sizeof(*h));
		h->name = t->name;
		h->cpe = t->cpe;
		h->confidence = rk[k].confidence;
		h->implied = rk[k].implied;
		snprintf(h->version, sizeof(h->version), "%s", f[rk[k].i].version);
		memcpy(h->cats, t->cats, sizeof(h->cats));
		h->n_cats = t->n_cats;
	}
	free(rk);
	free(f);
	return n;
}
