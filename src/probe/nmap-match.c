/* Matching responses against nmap's service probe database: the order of
 * probes for a port, the walk over a probe's matches and fallbacks, and the
 * version templates ($1, $P(), $SUBST(), $I()) with the CPE conversion to
 * 2.3. Written from nmap's documentation of the file format; where nmap's
 * behaviour is finer than the documentation says (trailing commas dropped,
 * cpe substitutions %-encoded) the comments say so. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "probe/nmap-probes.h"
#include "probe/pcre-util.h"
#include "model/cpe.h"
#include "base/util.h"
#include <ctype.h>
#include <pcre2.h>
#include <string.h>

/* An output cursor that fails once full instead of truncating: a cut
 * version string is a wrong version string. */
struct out {
	char *p;
	size_t n, w;
	bool full;
};

static void put(struct out *o, const char *s, size_t l)
{
	if (!o->p) return; /* syntax check only */
	if (o->full || o->w + l >= o->n) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->w, s, l);
	o->w += l;
}

/* nmap's transform of substituted text inside a cpe: template. */
static void put_cpe(struct out *o, const char *s, size_t l)
{
	for (size_t i = 0; i < l; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[4];
		if (c && strchr(":/?#[]@!$&'()*+,;=%<>\"", c)) {
			snprintf(tmp, sizeof(tmp), "%%%02X", c);
			put(o, tmp, 3);
		} else if (isspace(c)) {
			put(o, "_", 1);
		} else {
			tmp[0] = (char)tolower(c);
			put(o, tmp, 1);
		}
	}
}

/* A helper's arguments: up to three, each an integer or a quoted string. */
struct args {
	int n;
	bool is_str[3];
	long num[3];
	uint8_t str[3][128];
	size_t len[3];
};

/* Parses "(...)" at p; returns the position after ')' or NULL. */
static const char *parse_args(const char *p, struct args *a)
{
	memset(a, 0, sizeof(*a));
	if (*p++ != '(') return NULL;
	for (;;) {
		while (*p == ' ') p++;
		if (*p == ')' && a->n == 0) return p + 1;
		if (a->n == 3) return NULL;
		if (*p == '"') {
			const char *s = ++p;
			while (*p && *p != '"') p += (*p == '\\' && p[1]) ? 2 : 1;
			if (*p != '"' || (size_t)(p - s) >= sizeof(a->str[0])) return NULL;
			long l = nmap_unescape(s, (size_t)(p - s), a->str[a->n], NULL);
			if (l < 0) return NULL;
			a->len[a->n] = (size_t)l;
			a->is_str[a->n++] = true;
			p++;
		} else {
			char *end;
			a->num[a->n] = strtol(p, &end, 0);
			if (end == p) return NULL;
			a->n++;
			p = end;
		}
		while (*p == ' ') p++;
		if (*p == ')') return p + 1;
		if (*p++ != ',') return NULL;
	}
}

/* The text of group g, or false when it is out of range or unset. */
static bool group(const uint8_t *subject, size_t len, const size_t *ov, unsigned npairs, long g,
		  const uint8_t **ret, size_t *ret_len)
{
	if (g < 1 || g > 9) return false;
	if (!ov) { /* syntax check: any group number 1-9 will do */
		*ret = (const uint8_t *)"";
		*ret_len = 0;
		return true;
	}
	if ((unsigned long)g >= npairs || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] == PCRE2_UNSET)
		return false;
	if (ov[2 * g] > ov[2 * g + 1] || ov[2 * g + 1] > len) return false;
	*ret = subject + ov[2 * g];
	*ret_len = ov[2 * g + 1] - ov[2 * g];
	return true;
}

/* One $... at p (p[0] == '$'): appends its value and returns the position
 * after it, or NULL when it cannot be expanded. */
static const char *subst(const char *p, const uint8_t *subject, size_t len, const size_t *ov, unsigned npairs,
			 bool cpe, struct out *o)
{
	struct buf_like {
		char s[512];
		size_t l;
	} v = { .l = 0 };
	const uint8_t *g;
	size_t gl;
	p++;
	if (isdigit((unsigned char)*p)) {
		if (!group(subject, len, ov, npairs, *p - '0', &g, &gl)) return NULL;
		p++;
		if (cpe)
			put_cpe(o, (const char *)g, gl);
		else
			put(o, (const char *)g, gl);
		return p;
	}
	const char *open = p;
	while (isalpha((unsigned char)*open)) open++;
	size_t cmd = (size_t)(open - p);
	struct args a;
	const char *after = parse_args(open, &a);
	if (!cmd || !after || a.n < 1 || a.is_str[0] || !group(subject, len, ov, npairs, a.num[0], &g, &gl))
		return NULL;
	if (cmd == 1 && *p == 'P' && a.n == 1) {
		/* printable bytes only: "W\0O\0R\0K\0" is WORK */
		for (size_t i = 0; i < gl && v.l < sizeof(v.s); i++)
			if (g[i] >= 0x20 && g[i] < 0x7f) v.s[v.l++] = (char)g[i];
	} else if (cmd == 5 && !strncmp(p, "SUBST", 5) && a.n == 3 && a.is_str[1] && a.is_str[2]) {
		if (!a.len[1]) return NULL; /* replacing "" would never advance */
		for (size_t i = 0; i < gl;) {
			if (i + a.len[1] <= gl && !memcmp(g + i, a.str[1], a.len[1])) {
				if (v.l + a.len[2] > sizeof(v.s)) return NULL;
				memcpy(v.s + v.l, a.str[2], a.len[2]);
				v.l += a.len[2];
				i += a.len[1];
			} else {
				if (v.l + 1 > sizeof(v.s)) return NULL;
				v.s[v.l++] = (char)g[i++];
			}
		}
	} else if (cmd == 1 && *p == 'I' && a.n == 2 && a.is_str[1] && a.len[1] == 1 &&
		   (a.str[1][0] == '>' || a.str[1][0] == '<')) {
		if (gl > 8) return NULL; /* would overflow 64 bits */
		unsigned long long x = 0;
		for (size_t i = 0; i < gl; i++) x = x << 8 | g[a.str[1][0] == '>' ? i : gl - 1 - i];
		v.l = (size_t)snprintf(v.s, sizeof(v.s), "%llu", x);
	} else {
		return NULL;
	}
	if (cpe)
		put_cpe(o, v.s, v.l);
	else
		put(o, v.s, v.l);
	return after;
}

int nmap_expand(const char *tmpl, const uint8_t *subject, size_t len, const size_t *ov, unsigned npairs,
		bool cpe, char *out, size_t n)
{
	struct out o = { .p = ov ? out : NULL, .n = n };
	if (ov && n) out[0] = 0;
	for (const char *p = tmpl; *p;) {
		if (*p != '$') {
			size_t l = strcspn(p, "$");
			put(&o, p, l);
			p += l;
			continue;
		}
		p = subst(p, subject, len, ov, npairs, cpe, &o);
		if (!p) goto fail;
	}
	if (!ov) return 0;
	if (o.full) goto fail;
	/* nmap drops trailing white space and commas (left by empty groups) */
	while (o.w && (isspace((unsigned char)out[o.w - 1]) || out[o.w - 1] == ',')) o.w--;
	out[o.w] = 0;
	return 0;
fail:
	if (ov && n) out[0] = 0;
	return -1;
}

size_t nmap_db_plan(const struct nmap_db *db, enum proto proto, uint16_t port, bool ssl, unsigned intensity,
		    const char *softmatched, const struct nmap_probe **ret, size_t max)
{
	size_t n = 0;
	if (nmap_db_excludes(db, proto, port)) return 0;
	if (proto == PROTO_TCP && db->null_probe && !softmatched && n < max) ret[n++] = db->null_probe;
	/* pass 0: the probes listing the port, in file order; passes 1-9: the
	 * others by rarity (nmap keeps file order, where rarity 8 may come
	 * before rarity 1: likely probes first serves a parallel engine better) */
	for (unsigned pass = 0; pass <= 9; pass++) {
		for (size_t i = 0; i < db->n_probes && n < max; i++) {
			const struct nmap_probe *p = &db->probes[i];
			if (p == db->null_probe || p->proto != proto) continue;
			bool listed = nmap_probe_has_port(p, port, ssl);
			if (listed != (pass == 0) || (pass && p->rarity != pass)) continue;
			if (softmatched) {
				if (intensity < 9 && !nmap_probe_can_name(p, softmatched)) continue;
			} else if (!listed && p->rarity > intensity) {
				continue;
			}
			ret[n++] = p;
		}
	}
	return n;
}

/* Fills the result of match m over buf from the offsets in ov. */
static void fill(const struct nmap_db *db, const struct nmap_probe *section, const struct nmap_match *m,
		 const uint8_t *buf, size_t len, const size_t *ov, unsigned npairs, struct nmap_result *r)
{
	memset(r, 0, sizeof(*r));
	r->match = m;
	r->section = section;
	r->soft = m->soft;
	snprintf(r->service, sizeof(r->service), "%s", m->service);
	for (int f = 0; f < NMAP_NFIELDS; f++)
		if (m->tmpl[f])
			nmap_expand(m->tmpl[f], buf, len, ov, npairs, false, r->fields[f],
				    sizeof(r->fields[f]));
	for (unsigned k = 0; k < m->n_cpe; k++) {
		char uri[512] = "cpe:/";
		struct cpe c;
		size_t pre = strlen(uri);
		if (nmap_expand(m->cpe[k], buf, len, ov, npairs, true, uri + pre, sizeof(uri) - pre) < 0)
			continue;
		if (uri[pre] == '/') memmove(uri + pre, uri + pre + 1, strlen(uri + pre)); /* cpe:|/a:..| */
		if (cpe_parse(uri, &c) < 0) continue; /* a name the templates broke is no name */
		char fs[1600];
		cpe_format(&c, fs, sizeof(fs));
		size_t l = strlen(fs);
		if (l >= sizeof(r->cpe[0])) continue;
		memcpy(r->cpe[r->n_cpe++], fs, l + 1);
	}
	const char *base = strrchr(db->path, '/');
	snprintf(r->source, sizeof(r->source), "%s:%u", base ? base + 1 : db->path, m->line);
}

bool nmap_match_may_match(const struct nmap_match *m, const uint8_t *buf, size_t len)
{
	if (m->first >= 0) {
		if (!len) return false;
		if (buf[0] != m->first && !(m->first_fold && tolower(buf[0]) == tolower(m->first)))
			return false;
	}
	return !m->lit_len || (len >= m->lit_len && memmem(buf, len, m->lit, m->lit_len));
}

bool nmap_db_match(const struct nmap_db *db, const struct nmap_probe *probe, const uint8_t *buf, size_t len,
		   struct nmap_result *ret)
{
	pcre2_match_data *md = pcre_util_match_data();
	pcre2_match_context *mc = pcre_util_match_context_tight();
	bool have_soft = false;
	unsigned limits = 0;
	for (size_t c = 0; c < probe->n_chain && limits < NMAP_MAX_LIMIT_HITS; c++) {
		const struct nmap_probe *sec = probe->chain[c];
		for (size_t i = 0; i < sec->n_matches; i++) {
			const struct nmap_match *m = &sec->matches[i];
			if ((m->soft && have_soft) || !nmap_match_may_match(m, buf, len)) continue;
			int rc = pcre2_match(m->code, buf ? buf : (const uint8_t *)"", len, 0, 0, md, mc);
			if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
			    rc == PCRE2_ERROR_HEAPLIMIT) {
				/* nmap counts a limit as no match; dormant also stops after a few,
				 * so that one response cannot cost thousands of limits */
				if (++limits == NMAP_MAX_LIMIT_HITS) break;
				continue;
			}
			if (rc < 0) continue;
			unsigned npairs = rc == 0 ? pcre2_get_ovector_count(md) : (unsigned)rc;
			const size_t *ov = pcre2_get_ovector_pointer(md);
			fill(db, sec, m, buf, len, ov, npairs, ret);
			if (!m->soft) return true;
			have_soft = true; /* kept in ret; a hard match later still wins */
		}
	}
	return have_soft;
}
