/* NVD configurations: building, a compact text form, three-valued evaluation. */
#include "vuln/config.h"
#include "vuln/version.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GROW(arr, n, cap)                                                \
	do {                                                             \
		if ((n) == (cap)) {                                      \
			(cap) = (cap) ? (cap)*2 : 8;                     \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr))); \
		}                                                        \
	} while (0)

void vconfigs_reset(struct vconfigs *c)
{
	c->n_cfg = c->n_nodes = c->n_m = 0;
	arena_reset(&c->strs);
}

void vconfigs_release(struct vconfigs *c)
{
	free(c->cfg);
	free(c->nodes);
	free(c->m);
	arena_release(&c->strs);
	*c = (struct vconfigs){ 0 };
}

struct vconfig *vconfigs_add_config(struct vconfigs *c, bool and_op, bool negate)
{
	GROW(c->cfg, c->n_cfg, c->cap_cfg);
	struct vconfig *g = &c->cfg[c->n_cfg++];
	*g = (struct vconfig){ and_op, negate, c->n_nodes, 0 };
	return g;
}

struct vnode *vconfigs_add_node(struct vconfigs *c, bool and_op, bool negate)
{
	if (!c->n_cfg) vconfigs_add_config(c, false, false);
	GROW(c->nodes, c->n_nodes, c->cap_nodes);
	struct vnode *nd = &c->nodes[c->n_nodes++];
	*nd = (struct vnode){ and_op, negate, c->n_m, 0 };
	c->cfg[c->n_cfg - 1].n++;
	return nd;
}

struct vmatch *vconfigs_add_match(struct vconfigs *c)
{
	if (!c->n_nodes) vconfigs_add_node(c, false, false);
	GROW(c->m, c->n_m, c->cap_m);
	struct vmatch *m = &c->m[c->n_m++];
	*m = (struct vmatch){ .criteria = "", .start = "", .end = "" };
	c->nodes[c->n_nodes - 1].n++;
	return m;
}

int vmatch_set(struct vconfigs *c, struct vmatch *m, const char *criteria, const char *start, const char *end)
{
	const char *v[] = { criteria, start, end };
	const char **f[] = { &m->criteria, &m->start, &m->end };
	for (size_t i = 0; i < 3; i++) {
		*f[i] = "";
		if (!v[i] || !*v[i]) continue;
		char *p = arena_strndup(&c->strs, v[i], strlen(v[i]));
		if (!p) return DM_ETOOBIG;
		*f[i] = p;
	}
	return 0;
}

/* Lines: "C and negate", "N and negate", "M vulnerable criteria start start_incl end end_incl",
 * tab-separated; bounds are "-" when open. */
static void put_flag(struct buf *out, bool f)
{
	buf_putc(out, '\t');
	buf_putc(out, f ? '1' : '0');
}

static void put_field(struct buf *out, const char *v)
{
	buf_putc(out, '\t');
	buf_puts(out, v[0] ? v : "-");
}

int vconfigs_encode(const struct vconfigs *c, struct buf *out)
{
	for (size_t i = 0; i < c->n_cfg; i++) {
		const struct vconfig *g = &c->cfg[i];
		buf_putc(out, 'C');
		put_flag(out, g->and_op);
		put_flag(out, g->negate);
		buf_putc(out, '\n');
		for (size_t j = g->first; j < g->first + g->n; j++) {
			const struct vnode *nd = &c->nodes[j];
			buf_putc(out, 'N');
			put_flag(out, nd->and_op);
			put_flag(out, nd->negate);
			buf_putc(out, '\n');
			for (size_t k = nd->first; k < nd->first + nd->n; k++) {
				const struct vmatch *m = &c->m[k];
				buf_putc(out, 'M');
				put_flag(out, m->vulnerable);
				put_field(out, m->criteria);
				put_field(out, m->start);
				put_flag(out, m->start_incl);
				put_field(out, m->end);
				put_flag(out, m->end_incl);
				if (buf_putc(out, '\n') < 0) return DM_ETOOBIG;
			}
		}
	}
	return 0;
}

/* Copies one tab-separated field; false if it does not fit. */
static bool field(const char **pp, char *out, size_t n)
{
	const char *p = *pp, *end = p + strcspn(p, "\t\n");
	size_t len = (size_t)(end - p);
	if (len >= n) return false;
	memcpy(out, p, len);
	out[len] = 0;
	*pp = *end == '\t' ? end + 1 : end;
	return true;
}

static bool flag(const char **pp, bool *ret)
{
	char f[4];
	if (!field(pp, f, sizeof(f)) || (strcmp(f, "0") && strcmp(f, "1"))) return false;
	*ret = f[0] == '1';
	return true;
}

/* Makes room for the lines of text at once: matching decodes every
 * candidate CVE, and growing three arrays line by line was most of its cost. */
static void reserve_lines(const char *text, struct vconfigs *c)
{
	size_t n[3] = { 0 }; /* C, N, M */
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n[*p == 'C' ? 0 : *p == 'N' ? 1 : 2]++;
	n[0]++, n[1]++; /* the implicit config and node of a bare match */
	if (n[0] > c->cap_cfg) c->cfg = xrealloc(c->cfg, (c->cap_cfg = n[0]) * sizeof(*c->cfg));
	if (n[1] > c->cap_nodes) c->nodes = xrealloc(c->nodes, (c->cap_nodes = n[1]) * sizeof(*c->nodes));
	if (n[2] > c->cap_m) c->m = xrealloc(c->m, (c->cap_m = n[2]) * sizeof(*c->m));
}

int vconfigs_decode(const char *text, struct vconfigs *c)
{
	vconfigs_reset(c);
	reserve_lines(text, c);
	for (const char *p = text; *p;) {
		char kind[2];
		bool a, b;
		if (!field(&p, kind, sizeof(kind))) return DM_EINPUT;
		if (kind[0] == 'C' || kind[0] == 'N') {
			if (!flag(&p, &a) || !flag(&p, &b)) return DM_EINPUT;
			if (kind[0] == 'C')
				vconfigs_add_config(c, a, b);
			else
				vconfigs_add_node(c, a, b);
		} else if (kind[0] == 'M') {
			struct vmatch *m = vconfigs_add_match(c);
			char crit[VMATCH_CRITERIA_MAX], start[VMATCH_BOUND_MAX], end[VMATCH_BOUND_MAX];
			if (!flag(&p, &m->vulnerable) || !field(&p, crit, sizeof(crit)) ||
			    !field(&p, start, sizeof(start)) || !flag(&p, &m->start_incl) ||
			    !field(&p, end, sizeof(end)) || !flag(&p, &m->end_incl))
				return DM_EINPUT;
			if (!strcmp(start, "-")) start[0] = 0;
			if (!strcmp(end, "-")) end[0] = 0;
			int r = vmatch_set(c, m, crit, start, end);
			if (r < 0) return r;
		} else {
			return DM_EINPUT;
		}
		if (*p != '\n') return DM_EINPUT;
		p++;
	}
	return 0;
}

static bool is_any(const char *v) { return !strcmp(v, "*"); }
static bool is_na(const char *v) { return !strcmp(v, "-"); }

/* A bound written with the update folded in ("7.2p2") compares against the
 * whole "version+update"; a plain numeric bound against the version alone,
 * so 7.7p1 is "through 7.7". */
static int cmp_bound(const char *ver, const char *upd, const char *bound, const char *bound_upd)
{
	if (bound_upd[0]) return version_cmp_update(ver, upd, bound, bound_upd);
	bool plain = true;
	for (const char *p = bound; *p; p++)
		if (isalpha((unsigned char)*p)) plain = false;
	return plain ? version_cmp(ver, bound) : version_cmp_update(ver, upd, bound, "");
}

/* The first attributes of a formatted criterion (part to update), split
 * at unquoted colons; quoting is kept as cpe_parse keeps it. */
static bool split_head(const char *crit, struct cpe *c)
{
	if (strncmp(crit, "cpe:2.3:", 8)) return false;
	const char *p = crit + 8;
	for (int a = CPE_PART; a <= CPE_UPDATE; a++) {
		size_t w = 0;
		while (*p && *p != ':') {
			if (*p == '\\' && p[1]) c->v[a][w++] = *p++;
			if (w >= sizeof(c->v[a]) - 2) return false;
			c->v[a][w++] = *p++;
		}
		c->v[a][w] = 0;
		if (!w || (*p != ':' && a != CPE_UPDATE)) return false;
		if (*p) p++;
	}
	return true;
}

bool vmatch_hits(const struct vmatch *m, const struct cpe *t)
{
	struct cpe c;
	if (!split_head(m->criteria, &c)) return false;
	for (int a = CPE_PART; a <= CPE_PRODUCT; a++) {
		enum cpe_relation r = cpe_compare_attr(c.v[a], t->v[a]);
		if (r != CPE_SUPERSET && r != CPE_EQUAL) return false;
	}
	char tv[128], tu[128], cv[128], cu[128];
	cpe_unquote(t->v[CPE_VERSION], tv, sizeof(tv));
	cpe_unquote(t->v[CPE_UPDATE], tu, sizeof(tu));
	cpe_unquote(c.v[CPE_VERSION], cv, sizeof(cv));
	cpe_unquote(c.v[CPE_UPDATE], cu, sizeof(cu));
	if (is_any(tv) || is_na(tv)) return false; /* no version: claim nothing */
	if (is_any(tu) || is_na(tu)) tu[0] = 0;
	bool ranged = m->start[0] || m->end[0];
	if (is_na(cv)) return false;
	if (!is_any(cv)) {
		/* An exact version; its update must agree when both name one
		 * (openssh 9.8:- is not 9.8p1). */
		if (version_cmp(tv, cv) != 0) return false;
		if (is_any(cu)) return true;
		if (is_na(cu)) return tu[0] == 0;
		return tu[0] == 0 || !strcasecmp(tu, cu);
	}
	const char *bu = is_any(cu) || is_na(cu) ? "" : cu;
	if (!ranged) return !bu[0] || !tu[0] || !strcasecmp(tu, bu);
	if (m->start[0]) {
		int r = cmp_bound(tv, tu, m->start, bu);
		if (r < 0 || (r == 0 && !m->start_incl)) return false;
	}
	if (m->end[0]) {
		int r = cmp_bound(tv, tu, m->end, bu);
		if (r > 0 || (r == 0 && !m->end_incl)) return false;
	}
	return true;
}

/* Whether a criterion names the subject's product (vendor "*" names any
 * vendor's): the cheap test that skips configurations about other things. */
static bool names_product(const char *crit, const struct cpe *s)
{
	const char *p = crit + 10; /* past "cpe:2.3:x:" */
	size_t vl = strlen(s->v[CPE_VENDOR]), pl = strlen(s->v[CPE_PRODUCT]);
	if (p[0] == '*' && p[1] == ':')
		p += 2;
	else if (!strncmp(p, s->v[CPE_VENDOR], vl) && p[vl] == ':')
		p += vl + 1;
	else
		return false;
	return !strncmp(p, s->v[CPE_PRODUCT], pl) && p[pl] == ':';
}

/* A criterion about something other than the subject: true when a seen
 * platform matches it, false when that kind of platform is known (or it is
 * the subject's own product in another version), else unknown. */
static enum tri eval_match(const struct vmatch *m, const struct vsubject *s, bool *subject_hit)
{
	const char *crit = m->criteria;
	/* cpe:2.3:<part>:<vendor>:<product>: */
	if (strncmp(crit, "cpe:2.3:", 8) || strlen(crit) < 10) return TRI_FALSE;
	if (names_product(crit, &s->cpe)) {
		/* the subject's own product: its version decides, whatever part
		 * NVD files it under (a product seen on the network as an
		 * application may be listed as an OS or firmware, o:/h:) */
		const struct cpe *own = &s->cpe;
		struct cpe other;
		if (crit[8] != s->cpe.v[CPE_PART][0] && crit[9] == ':') {
			other = s->cpe;
			other.v[CPE_PART][0] = crit[8];
			other.v[CPE_PART][1] = 0;
			own = &other;
		}
		if (!vmatch_hits(m, own)) return TRI_FALSE;
		if (m->vulnerable) *subject_hit = true;
		return TRI_TRUE;
	}
	for (size_t i = 0; i < s->n_platforms; i++)
		if (vmatch_hits(m, &s->platforms[i])) return TRI_TRUE;
	char part = crit[8];
	if (part == 'o') return s->os_known ? TRI_FALSE : TRI_UNKNOWN;
	if (part == 'h') return s->hw_known ? TRI_FALSE : TRI_UNKNOWN;
	return TRI_UNKNOWN; /* another application we cannot see from the network */
}

static enum tri combine(bool and_op, enum tri acc, enum tri v, bool first)
{
	if (first) return v;
	if (and_op) return acc < v ? acc : v; /* FALSE < UNKNOWN < TRUE */
	return acc > v ? acc : v;
}

static enum tri negate(enum tri v, bool neg)
{
	if (!neg || v == TRI_UNKNOWN) return v;
	return v == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
}

static bool config_names_subject(const struct vconfigs *c, const struct vconfig *g, const struct cpe *s)
{
	for (size_t j = g->first; j < g->first + g->n; j++)
		for (size_t k = c->nodes[j].first; k < c->nodes[j].first + c->nodes[j].n; k++)
			if (c->m[k].vulnerable && strlen(c->m[k].criteria) > 10 &&
			    names_product(c->m[k].criteria, s))
				return true;
	return false;
}

size_t vconfigs_naming(const struct vconfigs *c, const struct cpe *product, uint32_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_cfg; i++)
		if (config_names_subject(c, &c->cfg[i], product)) out[n++] = (uint32_t)i;
	return n;
}

static bool eval_config(const struct vconfigs *c, size_t i, const struct vsubject *s, struct vverdict *ret)
{
	const struct vconfig *g = &c->cfg[i];
	enum tri cv = TRI_FALSE;
	const struct vmatch *hit = NULL;
	for (size_t j = g->first; j < g->first + g->n; j++) {
		const struct vnode *nd = &c->nodes[j];
		enum tri nv = TRI_FALSE;
		for (size_t k = nd->first; k < nd->first + nd->n; k++) {
			bool sh = false;
			enum tri mv = eval_match(&c->m[k], s, &sh);
			if (sh && !hit) hit = &c->m[k];
			nv = combine(nd->and_op, nv, mv, k == nd->first);
		}
		cv = combine(g->and_op, cv, negate(nv, nd->negate), j == g->first);
	}
	cv = negate(cv, g->negate);
	if (!hit || cv == TRI_FALSE) return false;
	if (cv > ret->result) *ret = (struct vverdict){ cv, hit };
	return cv == TRI_TRUE;
}

void vconfigs_eval(const struct vconfigs *c, const struct vsubject *s, struct vverdict *ret)
{
	*ret = (struct vverdict){ TRI_FALSE, NULL };
	for (size_t i = 0; i < c->n_cfg; i++)
		if (config_names_subject(c, &c->cfg[i], &s->cpe) && eval_config(c, i, s, ret)) return;
}

void vconfigs_eval_named(const struct vconfigs *c, const struct vsubject *s, struct vverdict *ret)
{
	*ret = (struct vverdict){ TRI_FALSE, NULL };
	for (size_t i = 0; i < c->n_cfg; i++)
		if (eval_config(c, i, s, ret)) return;
}

void vconfigs_eval_some(const struct vconfigs *c, const uint32_t *cfgs, size_t n, const struct vsubject *s,
			struct vverdict *ret)
{
	*ret = (struct vverdict){ TRI_FALSE, NULL };
	for (size_t i = 0; i < n; i++)
		if (cfgs[i] < c->n_cfg && eval_config(c, cfgs[i], s, ret)) return;
}

void vmatch_fix(const struct vmatch *m, char *out, size_t n)
{
	if (m->end[0] && !m->end_incl)
		snprintf(out, n, "%s", m->end);
	else if (m->end[0])
		snprintf(out, n, "> %s", m->end);
	else if (n)
		out[0] = 0;
}

/* The packed form: a format byte, then per configuration its flags and
 * node count, per node its flags and criterion count, per criterion its
 * flags and three strings (criteria, start, end), each a length byte and
 * the bytes. Counts are LEB128. */
enum { PACK_FORMAT = 1, F_AND = 1, F_NEG = 2, F_VULN = 1, F_START_INCL = 2, F_END_INCL = 4 };

static void put_count(struct buf *out, size_t n)
{
	do {
		unsigned char b = n & 0x7f;
		n >>= 7;
		buf_putc(out, (char)(b | (n ? 0x80 : 0)));
	} while (n);
}

static void put_str(struct buf *out, const char *s)
{
	size_t l = strlen(s);
	buf_putc(out, (char)(unsigned char)l); /* every field is shorter than 256 */
	buf_append(out, s, l);
}

int vconfigs_pack(const struct vconfigs *c, const uint32_t *idx, size_t n, struct buf *out)
{
	buf_putc(out, PACK_FORMAT);
	put_count(out, n);
	for (size_t i = 0; i < n; i++) {
		const struct vconfig *g = &c->cfg[idx[i]];
		buf_putc(out, (char)((g->and_op ? F_AND : 0) | (g->negate ? F_NEG : 0)));
		put_count(out, g->n);
		for (size_t j = g->first; j < g->first + g->n; j++) {
			const struct vnode *nd = &c->nodes[j];
			buf_putc(out, (char)((nd->and_op ? F_AND : 0) | (nd->negate ? F_NEG : 0)));
			put_count(out, nd->n);
			for (size_t k = nd->first; k < nd->first + nd->n; k++) {
				const struct vmatch *m = &c->m[k];
				buf_putc(out, (char)((m->vulnerable ? F_VULN : 0) |
						     (m->start_incl ? F_START_INCL : 0) |
						     (m->end_incl ? F_END_INCL : 0)));
				put_str(out, m->criteria);
				put_str(out, m->start);
				put_str(out, m->end);
			}
		}
	}
	return buf_error(out);
}

/* A configuration that holds for a product it names exactly when one of
 * that product's vulnerable criteria matches: ORs all through, nothing
 * negated (a criterion about anything else cannot make a hit). */
static bool config_plain(const struct vconfigs *c, const struct vconfig *g)
{
	if (g->negate || (g->and_op && g->n > 1)) return false;
	for (size_t j = g->first; j < g->first + g->n; j++)
		if (c->nodes[j].negate || (c->nodes[j].and_op && c->nodes[j].n > 1)) return false;
	return true;
}

static bool names_own(const struct vmatch *m, const struct cpe *product)
{
	return m->vulnerable && strlen(m->criteria) > 10 && names_product(m->criteria, product);
}

/* The configurations naming the product, whole and in order (another
 * product's criteria may decide them: a platform ANDed, a negation). */
static int brief_whole(const struct vconfigs *c, const struct cpe *product, size_t max, struct buf *out)
{
	size_t start = out->len, n = 0;
	uint32_t idx[64];
	for (size_t i = 0; i < c->n_cfg; i++) {
		if (!config_names_subject(c, &c->cfg[i], product)) continue;
		if (n == sizeof(idx) / sizeof(idx[0])) return 0; /* far over max anyway */
		idx[n++] = (uint32_t)i;
	}
	int r = vconfigs_pack(c, idx, n, out);
	if (r < 0) return r;
	if (out->len - start > max) {
		out->len = start;
		out->data[start] = 0;
		return 0;
	}
	return 1;
}

int vconfigs_brief(const struct vconfigs *c, const struct cpe *product, size_t max, struct buf *out)
{
	size_t n = 0, start = out->len;
	for (size_t i = 0; i < c->n_cfg; i++) {
		const struct vconfig *g = &c->cfg[i];
		if (!config_names_subject(c, g, product)) continue;
		if (!config_plain(c, g)) return brief_whole(c, product, max, out);
		for (size_t j = g->first; j < g->first + g->n; j++)
			for (size_t k = c->nodes[j].first; k < c->nodes[j].first + c->nodes[j].n; k++)
				n += names_own(&c->m[k], product);
	}
	/* one configuration of one OR node: the criteria in the order the
	 * configurations list them, so the first that matches is the hit */
	buf_putc(out, PACK_FORMAT);
	put_count(out, 1);
	buf_putc(out, 0);
	put_count(out, 1);
	buf_putc(out, 0);
	put_count(out, n);
	for (size_t i = 0; i < c->n_cfg; i++) {
		const struct vconfig *g = &c->cfg[i];
		if (!config_names_subject(c, g, product)) continue;
		for (size_t j = g->first; j < g->first + g->n; j++)
			for (size_t k = c->nodes[j].first; k < c->nodes[j].first + c->nodes[j].n; k++) {
				const struct vmatch *m = &c->m[k];
				if (!names_own(m, product)) continue;
				buf_putc(out, (char)(F_VULN | (m->start_incl ? F_START_INCL : 0) |
						     (m->end_incl ? F_END_INCL : 0)));
				put_str(out, m->criteria);
				put_str(out, m->start);
				put_str(out, m->end);
			}
	}
	if (buf_error(out)) return buf_error(out);
	if (out->len - start > max) {
		out->len = start;
		out->data[start] = 0;
		return 0;
	}
	return 1;
}

struct unpack {
	const unsigned char *p, *end;
};

static bool get_count(struct unpack *u, size_t *ret)
{
	size_t v = 0;
	for (unsigned shift = 0; u->p < u->end && shift < 35; shift += 7) {
		unsigned char b = *u->p++;
		v |= (size_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return true;
		}
	}
	return false;
}

static bool get_byte(struct unpack *u, unsigned char *ret)
{
	if (u->p >= u->end) return false;
	*ret = *u->p++;
	return true;
}

struct pack_counts {
	size_t cfg, nodes, m, bytes; /* bytes: the strings with their NULs */
};

/* One walk over packed configurations: counts them (c NULL), or fills c's
 * arrays (room made for the counts) and copies the strings to sp. */
static int walk_packed(const void *data, size_t len, struct pack_counts *k, struct vconfigs *c, char *sp)
{
	static const size_t lim[3] = { VMATCH_CRITERIA_MAX, VMATCH_BOUND_MAX, VMATCH_BOUND_MAX };
	struct unpack u = { data, (const unsigned char *)data + len };
	unsigned char f;
	size_t n_cfg, n_nodes, n_m;
	*k = (struct pack_counts){ 0 };
	if (!get_byte(&u, &f) || f != PACK_FORMAT || !get_count(&u, &n_cfg)) return DM_EINPUT;
	for (size_t i = 0; i < n_cfg; i++) {
		if (!get_byte(&u, &f) || !get_count(&u, &n_nodes)) return DM_EINPUT;
		if (c) c->cfg[k->cfg] = (struct vconfig){ f & F_AND, f & F_NEG, k->nodes, n_nodes };
		k->cfg++;
		for (size_t j = 0; j < n_nodes; j++) {
			if (!get_byte(&u, &f) || !get_count(&u, &n_m)) return DM_EINPUT;
			if (c) c->nodes[k->nodes] = (struct vnode){ f & F_AND, f & F_NEG, k->m, n_m };
			k->nodes++;
			for (size_t x = 0; x < n_m; x++) {
				unsigned char fl, l;
				if (!get_byte(&u, &fl)) return DM_EINPUT;
				struct vmatch *m = c ? &c->m[k->m] : NULL;
				const char **field[3] = { NULL, NULL, NULL };
				if (m) {
					*m = (struct vmatch){ .vulnerable = fl & F_VULN,
							      .start_incl = fl & F_START_INCL,
							      .end_incl = fl & F_END_INCL };
					field[0] = &m->criteria, field[1] = &m->start, field[2] = &m->end;
				}
				for (size_t w = 0; w < 3; w++) {
					if (!get_byte(&u, &l) || l >= lim[w] || (size_t)(u.end - u.p) < l)
						return DM_EINPUT;
					if (l) k->bytes += (size_t)l + 1;
					if (m && !l) *field[w] = "";
					if (m && l) {
						memcpy(sp, u.p, l);
						sp[l] = 0;
						*field[w] = sp;
						sp += l + 1;
					}
					u.p += l;
				}
				k->m++;
			}
		}
	}
	return u.p == u.end ? 0 : DM_EINPUT;
}

int vconfigs_unpack(const void *data, size_t len, struct vconfigs *c)
{
	vconfigs_reset(c);
	struct pack_counts k;
	int r = walk_packed(data, len, &k, NULL, NULL);
	if (r < 0) return r;
	if (k.cfg > c->cap_cfg) c->cfg = xrealloc(c->cfg, (c->cap_cfg = k.cfg) * sizeof(*c->cfg));
	if (k.nodes > c->cap_nodes)
		c->nodes = xrealloc(c->nodes, (c->cap_nodes = k.nodes) * sizeof(*c->nodes));
	if (k.m > c->cap_m) c->m = xrealloc(c->m, (c->cap_m = k.m) * sizeof(*c->m));
	char *sp = k.bytes ? arena_alloc(&c->strs, k.bytes) : NULL;
	if (k.bytes && !sp) return DM_ETOOBIG;
	walk_packed(data, len, &k, c, sp);
	c->n_cfg = k.cfg, c->n_nodes = k.nodes, c->n_m = k.m;
	return 0;
}

int vconfigs_unpack_in(const void *data, size_t len, struct arena *a, struct vconfigs *c)
{
	*c = (struct vconfigs){ 0 };
	struct pack_counts k;
	int r = walk_packed(data, len, &k, NULL, NULL);
	if (r < 0) return r;
	/* one piece of a's memory: arrays first (aligned), strings after */
	size_t off_nodes = k.cfg * sizeof(*c->cfg), off_m = off_nodes + k.nodes * sizeof(*c->nodes),
	       off_s = off_m + k.m * sizeof(*c->m);
	char *p = arena_alloc(a, off_s + k.bytes + 1);
	if (!p) return DM_ETOOBIG;
	c->cfg = (struct vconfig *)(void *)p;
	c->nodes = (struct vnode *)(void *)(p + off_nodes);
	c->m = (struct vmatch *)(void *)(p + off_m);
	walk_packed(data, len, &k, c, p + off_s);
	c->n_cfg = c->cap_cfg = k.cfg, c->n_nodes = c->cap_nodes = k.nodes, c->n_m = c->cap_m = k.m;
	return 0;
}
