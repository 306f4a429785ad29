/* Product -> CVE matching with a cache per vendor:product and per subject. */
#include "analyze/vuln-match.h"
#include "analyze/vuln-distro.h"
#include "base/arena.h"
#include "base/log.h"
#include "base/siphash.h"
#include "vuln/version.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct vuln_cand {
	struct vuln_info info; /* what a hit shows; strings in the cache's memory or owned below */
	char *strings[5];      /* heap copies (store_vuln_get_brief, KEV and EPSS), NULL if none */
	struct vconfigs cfg;
	bool full;              /* what a hit shows read (only configs until it applies) */
	bool scored;            /* its scores came with the configurations: KEV and EPSS to read */
	bool cfg_in_arena;      /* cfg's arrays live in the cache's arena */
	bool has_cfg;           /* cfg read (a candidate met only through briefs has none) */
	uint64_t seen;          /* the subject that last took it as a hit */
	struct vuln_cand *next; /* in its hash bucket */
};

struct product_entry { /* candidates of one vendor:product */
	uint64_t hash;
	char *key;
	struct vuln_cand **c;
	/* per candidate: what is evaluated for the product, its configurations
	 * or the index row's brief (NULL until the lookup ends: the former) */
	const struct vconfigs **cf;
	const uint32_t **cfgs; /* per candidate: the configurations of cf naming the product */
	size_t *n_cfgs;
	size_t n, cap;
	struct product_entry *next;
};

struct subject_entry { /* hits of one subject (all in the cache's memory) */
	uint64_t hash;
	char *key;
	struct vuln_hit *hits;
	size_t n;
	struct subject_entry *next;
};

/* Sized for the harsh mix (18k products, 31k subjects): short chains, and
 * a chain's keys told apart by their hash before their text. */
enum { P_BUCKETS = 1 << 15, S_BUCKETS = 1 << 17, CAND_BUCKETS = 1 << 16 };

struct vcache {
	uint64_t subjects_matched; /* serial of the subject being matched */
	/* Every candidate's configurations, unpacked at their exact size into
	 * the arena (they die with the cache; a malloc per array was most of
	 * matching's time on varied products), criteria pointing at their
	 * strings there; and what the cache keeps besides. */
	struct arena mem;
	void **heap; /* what went to the heap once the arena was full */
	size_t n_heap, cap_heap;
	struct vconfigs **spilled; /* briefs unpacked there (on the heap) */
	size_t n_spilled, cap_spilled;
	struct vuln_hit *hb; /* one subject's hits while they are found */
	size_t cap_hb;
	struct product_entry *products[P_BUCKETS];
	struct subject_entry *subjects[S_BUCKETS];
	struct vuln_cand *cands[CAND_BUCKETS]; /* every candidate once, by CVE number */
};

static const struct sipkey hkey = { 0x646f726d616e7400ULL, 0x76756c6e63616368ULL };

static uint64_t key_hash(const char *s, size_t n) { return siphash24(&hkey, s, n); }

/* Memory that lives as long as the cache: the arena, the heap past its cap. */
static void *cache_mem(struct vcache *vc, size_t n)
{
	void *p = arena_alloc(&vc->mem, n ? n : 1);
	if (p) return p;
	if (vc->n_heap == vc->cap_heap) {
		vc->cap_heap = vc->cap_heap ? vc->cap_heap * 2 : 64;
		vc->heap = xrealloc(vc->heap, vc->cap_heap * sizeof(*vc->heap));
	}
	return vc->heap[vc->n_heap++] = xmalloc(n ? n : 1);
}

static const char *cache_str(struct vcache *vc, const char *s)
{
	if (!*s) return "";
	size_t n = strlen(s) + 1;
	return memcpy(cache_mem(vc, n), s, n);
}

static const char *cache_str_or_null(struct vcache *vc, const char *s) { return s ? cache_str(vc, s) : NULL; }

void vuln_matcher_init(struct vuln_matcher *m, struct store *st, const struct aliases *al)
{
	*m = (struct vuln_matcher){
		.st = st, .al = al, .cache = xcalloc(1, sizeof(struct vcache)), .vendorless = -1
	};
	m->cache->mem.max = (size_t)4 << 30; /* past it, candidates go to the heap */
	struct dm_err e;
	/* Without the tables no build is told: matching goes on as before. */
	if (distro_tables_load(&m->dt, &e) < 0)
		log_warn("vulnerabilities: %s; distribution builds not judged", e.msg);
}

static void free_cand(struct vuln_cand *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(c->strings); i++) free(c->strings[i]);
	if (!c->cfg_in_arena) vconfigs_release(&c->cfg);
	/* the candidate itself is the cache's memory */
}

void vuln_matcher_release(struct vuln_matcher *m)
{
	struct vcache *vc = m->cache;
	if (!vc) return;
	for (size_t b = 0; b < P_BUCKETS; b++)
		for (struct product_entry *p = vc->products[b], *n; p; p = n) {
			n = p->next;
			free(p->cfgs); /* each candidate's list is the cache's memory */
			free(p->cf);
			free(p->n_cfgs);
			free(p->key);
			free(p->c);
			free(p);
		}
	for (size_t b = 0; b < CAND_BUCKETS; b++)
		for (struct vuln_cand *c = vc->cands[b], *n; c; c = n) {
			n = c->next;
			free_cand(c);
		}
	for (size_t i = 0; i < vc->n_spilled; i++) vconfigs_release(vc->spilled[i]);
	free(vc->spilled);
	for (size_t i = 0; i < vc->n_heap; i++) free(vc->heap[i]);
	free(vc->heap);
	free(vc->hb);
	arena_release(&vc->mem);
	free(vc);
	m->cache = NULL;
	distro_cache_free(m->dcache);
	m->dcache = NULL;
	distro_tables_release(&m->dt);
}

/* One CVE is loaded once however many products name it. */
static struct vuln_cand *cand_find(struct vcache *vc, int64_t num)
{
	for (struct vuln_cand *c = vc->cands[(uint64_t)num % CAND_BUCKETS]; c; c = c->next)
		if (c->info.num == num) return c;
	return NULL;
}

static void cand_insert(struct vcache *vc, struct vuln_cand *c)
{
	size_t b = (uint64_t)c->info.num % CAND_BUCKETS;
	c->next = vc->cands[b];
	vc->cands[b] = c;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

/* The configurations packed (vuln_cfg), or the text of an older import. */
static int cfg_read(const struct vuln_info *v, struct vconfigs *c)
{
	return v->packed ? vconfigs_unpack(v->packed, v->packed_len, c)
			 : vconfigs_decode(v->configs ? v->configs : "", c);
}

static void cand_decode(struct vcache *vc, struct vuln_cand *c, const struct vuln_info *v)
{
	c->has_cfg = true;
	if (v->packed) {
		int r = vconfigs_unpack_in(v->packed, v->packed_len, &vc->mem, &c->cfg);
		if (r == DM_EINPUT) c->cfg = (struct vconfigs){ 0 }; /* damaged: names nothing */
		if (r != DM_ETOOBIG) {
			c->cfg_in_arena = true;
			return;
		}
	}
	/* the text of an older import, or past the arena's cap: on the heap */
	if (cfg_read(v, &c->cfg) < 0) vconfigs_reset(&c->cfg);
}

/* A CVE read for an earlier product: its configurations are not read
 * again. ctx: the product's entry, the cache, the candidate found last
 * (on_info, called next with the same number, takes it from there). */
static bool cand_known(void *ctx, int64_t num)
{
	void **x = ctx;
	struct vuln_cand *c = x[2] = cand_find(x[1], num);
	return c && c->has_cfg;
}

/* An index row's brief, unpacked for the life of the cache. */
static const struct vconfigs *brief_unpack(struct vcache *vc, const struct vuln_info *v)
{
	struct vconfigs *b = cache_mem(vc, sizeof(*b));
	int r = vconfigs_unpack_in(v->brief, v->brief_len, &vc->mem, b);
	if (r == DM_ETOOBIG) {
		*b = (struct vconfigs){ 0 };
		r = vconfigs_unpack(v->brief, v->brief_len, b);
		if (vc->n_spilled == vc->cap_spilled) {
			vc->cap_spilled = vc->cap_spilled ? vc->cap_spilled * 2 : 16;
			vc->spilled = xrealloc(vc->spilled, vc->cap_spilled * sizeof(*vc->spilled));
		}
		vc->spilled[vc->n_spilled++] = b;
	}
	if (r < 0) vconfigs_reset(b); /* damaged: names nothing */
	return b;
}

static int on_info(void *ctx, const struct vuln_info *v)
{
	struct product_entry *pe = ((void **)ctx)[0];
	struct vcache *vc = ((void **)ctx)[1];
	struct vuln_cand *c = ((void **)ctx)[2];
	if (!c || c->info.num != v->num) c = cand_find(vc, v->num);
	if (!c) {
		c = cache_mem(vc, sizeof(*c));
		memset(c, 0, sizeof(*c));
		/* the configurations' text is not kept: nothing reads it from a hit */
		c->info = (struct vuln_info){
			.num = v->num, .configs = "", .cvss = -1, .epss = -1, .percentile = -1
		};
		if (v->scored) {
			c->scored = true;
			c->info.cvss = v->cvss;
			c->info.exploit_ref = v->exploit_ref;
			c->info.cvss_version = cache_str_or_null(vc, v->cvss_version);
			c->info.severity = cache_str_or_null(vc, v->severity);
			c->info.kev_added = cache_str_or_null(vc, v->kev_added);
		}
		if (!v->brief) cand_decode(vc, c, v);
		cand_insert(vc, c);
	} else if (!v->brief && !c->has_cfg) { /* met through briefs before */
		cand_decode(vc, c, v);
	}
	if (pe->n == pe->cap) {
		pe->cap = pe->cap ? pe->cap * 2 : 16;
		pe->c = xrealloc(pe->c, pe->cap * sizeof(*pe->c));
		pe->cf = xrealloc(pe->cf, pe->cap * sizeof(*pe->cf));
	}
	pe->cf[pe->n] = v->brief ? brief_unpack(vc, v) : NULL;
	pe->c[pe->n++] = c;
	return 0;
}

/* What a hit shows of a record whose configurations apply: read once,
 * when it first does (not the description, dates or configurations). */
static int on_full(void *ctx, const struct vuln_info *v)
{
	struct vuln_cand *c = ctx;
	c->info = *v;
	c->info.configs = "";
	const char **fields[] = { &c->info.cvss_version, &c->info.severity, &c->info.kev_added,
				  &c->info.kev_due, &c->info.kev_action };
	_Static_assert(ARRAY_SIZE(fields) == ARRAY_SIZE(c->strings), "a string each");
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) *fields[i] = c->strings[i] = dup_or_null(*fields[i]);
	c->info.kev_name = NULL;
	return 0;
}

/* KEV and EPSS of a CVE whose scores are known: as store_vuln_get_brief
 * joins them (the catalogue's date first, else NVD's copy of it). */
static int on_kev_epss(void *ctx, const struct vuln_info *v)
{
	struct vuln_cand *c = ctx;
	if (v->kev_added) {
		free(c->strings[2]);
		c->info.kev_added = c->strings[2] = xstrdup(v->kev_added);
	}
	c->info.kev = v->kev || (c->info.kev_added && *c->info.kev_added);
	c->info.ransomware = v->ransomware;
	c->info.kev_due = c->strings[3] = dup_or_null(v->kev_due);
	c->info.kev_action = c->strings[4] = dup_or_null(v->kev_action);
	c->info.epss = v->epss;
	c->info.percentile = v->percentile;
	return 0;
}

static int cand_full(struct vuln_matcher *m, struct vuln_cand *c, struct dm_err *e)
{
	if (c->full) return 0;
	int r = c->scored ? store_vuln_kev_epss(m->st, c->info.num, on_kev_epss, c, e)
			  : store_vuln_get_brief(m->st, c->info.num, on_full, c, e);
	if (r < 0) return r;
	c->full = true;
	return 0;
}

static int product_cands(struct vuln_matcher *m, const char *vendor, const char *product,
			 struct product_entry **ret, struct dm_err *e)
{
	char key[260];
	int kl = snprintf(key, sizeof(key), "%.127s:%.127s", vendor, product);
	uint64_t h = key_hash(key, (size_t)kl);
	size_t b = h % P_BUCKETS;
	for (struct product_entry *p = m->cache->products[b]; p; p = p->next)
		if (p->hash == h && !strcmp(p->key, key)) {
			*ret = p;
			return 0;
		}
	struct product_entry *pe = xcalloc(1, sizeof(*pe));
	pe->hash = h;
	pe->key = xstrdup(key);
	pe->next = m->cache->products[b];
	m->cache->products[b] = pe;
	void *ctx[3] = { pe, m->cache, NULL };
	m->queries++;
	int r = store_vuln_by_product(m->st, vendor, product, cand_known, on_info, ctx, e);
	/* CVE 5 records without a vendor are indexed under "*". */
	if (m->vendorless < 0) {
		char flag[8];
		m->vendorless = store_vuln_meta_get(m->st, "index.vendorless", flag, sizeof(flag), NULL) == 1;
	}
	if (r >= 0 && m->vendorless)
		r = store_vuln_by_product(m->st, "*", product, cand_known, on_info, ctx, e);
	*ret = pe;
	if (r < 0) return r;
	struct cpe named;
	cpe_init(&named);
	snprintf(named.v[CPE_VENDOR], sizeof(named.v[CPE_VENDOR]), "%.127s", vendor);
	snprintf(named.v[CPE_PRODUCT], sizeof(named.v[CPE_PRODUCT]), "%.127s", product);
	pe->cfgs = xcalloc(pe->n ? pe->n : 1, sizeof(*pe->cfgs));
	pe->n_cfgs = xcalloc(pe->n ? pe->n : 1, sizeof(*pe->n_cfgs));
	/* the first configurations: all of a brief's */
	static const uint32_t all[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	for (size_t i = 0; i < pe->n; i++) {
		if (pe->cf[i]) { /* a brief: all its configurations, if they hold a criterion */
			size_t k = pe->cf[i]->n_m ? pe->cf[i]->n_cfg : 0;
			uint32_t *many = NULL;
			if (k > ARRAY_SIZE(all)) {
				many = cache_mem(m->cache, k * sizeof(uint32_t));
				for (size_t j = 0; j < k; j++) many[j] = (uint32_t)j;
			}
			pe->cfgs[i] = many ? many : all;
			pe->n_cfgs[i] = k;
			continue;
		}
		pe->cf[i] = &pe->c[i]->cfg;
		uint32_t *naming = cache_mem(m->cache, pe->c[i]->cfg.n_cfg * sizeof(uint32_t));
		pe->n_cfgs[i] = vconfigs_naming(&pe->c[i]->cfg, &named, naming);
		pe->cfgs[i] = naming;
	}
	return 0;
}

const char *vuln_distro_marker(const char *text, char *out, size_t n)
{
	static const char *const marks[] = { "Debian-", "Ubuntu-", "+deb", "ubuntu",   "Raspbian-",
					     ".el6",    ".el7",    ".el8", ".el9",     "el7_",
					     "el8_",    "el9_",    "+esm", "FreeBSD-", "SUSE" };
	if (!text) return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
		const char *p = strstr(text, marks[i]);
		if (!p) continue;
		/* The whole word around the mark: "Debian-2+deb12u3". */
		const char *s = p, *e = p;
		while (s > text && !isspace((unsigned char)s[-1])) s--;
		while (*e && !isspace((unsigned char)*e)) e++;
		snprintf(out, n, "%.*s", (int)(e - s), s);
		return out;
	}
	return NULL;
}

double vuln_hit_rank(const struct vuln_hit *h)
{
	const struct vuln_info *v = h->info;
	double r = 0;
	if (v->kev) r += 4000;
	if (v->ransomware) r += 4000;
	if (v->exploit_ref) r += 2000;
	if (v->epss >= 0) r += v->epss * 1000;
	if (v->cvss >= 0) r += v->cvss * 10;
	/* Same score: newer CVSS versions and newer CVEs first. */
	return r + (double)(v->num % 100000000LL) * 1e-9;
}

static int hit_cmp(const void *pa, const void *pb)
{
	const struct vuln_hit *a = pa, *b = pb;
	if (a->suppressed != b->suppressed) return a->suppressed ? 1 : -1;
	if (a->confidence != b->confidence) return a->confidence > b->confidence ? -1 : 1;
	double ra = vuln_hit_rank(a), rb = vuln_hit_rank(b);
	if (ra != rb) return ra > rb ? -1 : 1;
	return a->info->num < b->info->num ? -1 : a->info->num > b->info->num;
}

/* Attributes joined by '|': quoted CPE values hold no '|'. */
static void key_cpe(struct buf *k, const struct cpe *c)
{
	for (int i = 0; i < CPE_NATTR; i++) {
		buf_puts(k, c->v[i]);
		buf_putc(k, '|');
	}
}

static void subject_key(const struct vsubject *s, const char *distro, const struct distro_build *b,
			enum confidence min, struct buf *k)
{
	buf_reset(k);
	key_cpe(k, &s->cpe);
	buf_puts(k, distro ? distro : "");
	buf_putc(k, '|');
	if (b) buf_printf(k, "%s|%s|%s|%s|", b->distro, b->release, b->package, b->revision);
	buf_putc(k, (char)('0' + min));
	buf_putc(k, s->os_known ? 'o' : '-');
	buf_putc(k, s->hw_known ? 'h' : '-');
	for (size_t i = 0; i < s->n_platforms; i++) key_cpe(k, &s->platforms[i]);
}

/* The distribution's verdict on hit h of build b: 1 when it is not to be reported. */
static int distro_verdict(struct vuln_matcher *m, const struct distro_build *b, const char *distro,
			  struct vuln_hit *h, char *hwhy, size_t why_n, char *hfix, size_t fix_n,
			  struct dm_err *e)
{
	enum distro_verdict dv;
	char why[256], fixed[128];
	int r =
	    distro_judge(m->st, &m->dcache, b, h->info->num, &dv, why, sizeof(why), fixed, sizeof(fixed), e);
	if (r < 0) return r;
	if (dv == DV_OPEN) {
		h->confidence = CONF_HIGH;
		snprintf(hwhy, why_n, "%s", why);
		h->distro_fix = fixed[0] != 0;
		if (fixed[0]) snprintf(hfix, fix_n, "%.63s", fixed);
		return 0;
	}
	h->confidence = CONF_LOW;
	if (dv == DV_FIXED || dv == DV_NOT_AFFECTED) {
		h->suppressed = true;
		snprintf(hwhy, why_n, "not reported: %s", why);
		return 1;
	}
	snprintf(hwhy, why_n,
		 "distribution build (%s): the distribution may have backported the fix without changing the "
		 "version; %s",
		 distro ? distro : b->distro, why);
	return 0;
}

int vuln_match(struct vuln_matcher *m, const struct vsubject *s, const char *distro,
	       struct distro_build *build, enum confidence min, struct vuln_hit **ret, size_t *ret_n,
	       struct dm_err *e)
{
	struct buf kb = BUF_INIT;
	int r = 0;
	if (build && (r = distro_infer_release(m->st, &m->dcache, build, e)) < 0) {
		buf_release(&kb);
		return r;
	}
	subject_key(s, distro, build, min, &kb);
	const char *key = kb.data;
	struct vcache *vc = m->cache;
	uint64_t hash = key_hash(key, kb.len);
	size_t b = hash % S_BUCKETS;
	for (struct subject_entry *se = vc->subjects[b]; se; se = se->next)
		if (se->hash == hash && !strcmp(se->key, key)) {
			*ret = se->hits;
			*ret_n = se->n;
			buf_release(&kb);
			return 0;
		}
	struct vuln_product names[16];
	size_t nn =
	    aliases_expand(m->al, s->cpe.v[CPE_VENDOR], s->cpe.v[CPE_PRODUCT], names, ARRAY_SIZE(names));
	size_t nh = 0;
	uint64_t serial = ++vc->subjects_matched;
	for (size_t i = 0; i < nn && r == 0; i++) {
		struct product_entry *pe;
		if ((r = product_cands(m, names[i].vendor, names[i].product, &pe, e)) < 0) break;
		struct vsubject as = *s;
		_Static_assert(sizeof(as.cpe.v[0]) == sizeof(names[0].vendor), "same attribute size");
		memcpy(as.cpe.v[CPE_VENDOR], names[i].vendor, sizeof(as.cpe.v[CPE_VENDOR]));
		memcpy(as.cpe.v[CPE_PRODUCT], names[i].product, sizeof(as.cpe.v[CPE_PRODUCT]));
		for (size_t j = 0; j < pe->n && r == 0; j++) {
			struct vuln_cand *c = pe->c[j];
			if (!pe->n_cfgs[j] || c->seen == serial) continue; /* a CVE once per subject */
			struct vverdict v;
			vconfigs_eval_some(pe->cf[j], pe->cfgs[j], pe->n_cfgs[j], &as, &v);
			if (v.result == TRI_FALSE) continue;
			struct vuln_hit h = { .info = &c->info, .match = v.hit, .confidence = CONF_HIGH };
			char why[480] = "", fix[64] = "";
			if (build) {
				int dr = distro_verdict(m, build, distro, &h, why, sizeof(why), fix,
							sizeof(fix), e);
				if (dr < 0) {
					r = dr;
					break;
				}
				if (dr == 1 && !m->keep_suppressed) continue;
			} else if (distro) {
				h.confidence = CONF_LOW;
				snprintf(why, sizeof(why),
					 "distribution build (%s): the distribution may have backported the "
					 "fix without changing the version",
					 distro);
			}
			if (v.result == TRI_UNKNOWN) {
				h.confidence = h.confidence == CONF_HIGH ? CONF_MEDIUM : CONF_LOW;
				size_t w = strlen(why);
				snprintf(why + w, sizeof(why) - w,
					 "%saffected only on a platform dormant could not see",
					 w ? "; " : "");
			}
			if (min && h.confidence < min && !h.suppressed) continue;
			if ((r = cand_full(m, c, e)) < 0) break;
			c->seen = serial;
			if (!h.distro_fix) vmatch_fix(v.hit, fix, sizeof(fix));
			h.why = cache_str(vc, why);
			h.fix = cache_str(vc, fix);
			if (nh == vc->cap_hb) {
				vc->cap_hb = vc->cap_hb ? vc->cap_hb * 2 : 64;
				vc->hb = xrealloc(vc->hb, vc->cap_hb * sizeof(*vc->hb));
			}
			vc->hb[nh++] = h;
		}
	}
	if (r < 0) {
		buf_release(&kb);
		return r;
	}
	if (nh) qsort(vc->hb, nh, sizeof(*vc->hb), hit_cmp);
	/* Kept at its exact size with the entry and its key. */
	struct subject_entry *se = cache_mem(vc, sizeof(*se));
	*se = (struct subject_entry){ .hash = hash, .n = nh, .next = vc->subjects[b] };
	se->key = memcpy(cache_mem(vc, kb.len + 1), key, kb.len + 1);
	se->hits = nh ? memcpy(cache_mem(vc, nh * sizeof(*se->hits)), vc->hb, nh * sizeof(*se->hits)) : NULL;
	vc->subjects[b] = se;
	buf_release(&kb);
	*ret = se->hits;
	*ret_n = nh;
	return 0;
}
