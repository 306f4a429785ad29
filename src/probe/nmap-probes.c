/* The loader of nmap's service probe database (nmap-service-probes), written
 * from the file format nmap documents (nmap.org/book/vscan-fileformat.html).
 * The database is data operators already trust and Debian keeps current, so
 * dormant reads it at run time instead of copying it. Like nmap, one bad line
 * refuses the whole file: a half-read database would silently name fewer
 * services, which is worse than a clear error naming the line. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "probe/nmap-probes.h"
#include "probe/pcre-util.h"
#include "base/buf.h"
#include "base/util.h"
#include <ctype.h>
#include <pcre2.h>
#include <stdarg.h>
#include <string.h>

#define MAX_FILE (64u << 20)
#define MAX_FALLBACKS 20

static const char field_letters[NMAP_NFIELDS + 1] = "pvihod";

long nmap_unescape(const char *in, size_t n, uint8_t *out, size_t *ret_bad)
{
	static const char from[] = "\\0abfnrtv";
	static const uint8_t to[] = { '\\', 0, '\a', '\b', '\f', '\n', '\r', '\t', '\v' };
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] != '\\') {
			out[w++] = (uint8_t)in[i];
			continue;
		}
		const char *k = i + 1 < n && in[i + 1] ? strchr(from, in[i + 1]) : NULL;
		if (k) {
			out[w++] = to[k - from];
			i++;
		} else if (i + 3 < n && in[i + 1] == 'x' && isxdigit((unsigned char)in[i + 2]) &&
			   isxdigit((unsigned char)in[i + 3])) {
			char hex[3] = { in[i + 2], in[i + 3], 0 };
			out[w++] = (uint8_t)strtoul(hex, NULL, 16);
			i += 3;
		} else {
			if (ret_bad) *ret_bad = i;
			return -1;
		}
	}
	return (long)w;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t') p++;
	return p;
}

int nmap_parse_ports(const char *s, uint16_t **ret, size_t *ret_n, const char **why)
{
	struct buf tmp = BUF_INIT; /* the new ports: added to *ret only when the whole list is good */
	const char *p = s;
	*why = "a port list looks like 21-25,53,80";
	for (;;) {
		p = skip_space(p);
		if (!isdigit((unsigned char)*p)) goto bad;
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		p = skip_space(end);
		if (*p == '-') {
			p = skip_space(p + 1);
			if (!isdigit((unsigned char)*p)) goto bad;
			hi = strtoul(p, &end, 10);
			p = skip_space(end);
		}
		if (lo > 65535 || hi > 65535 || hi < lo) {
			*why = "ports are 0 to 65535 and a range is low-high";
			goto bad;
		}
		for (unsigned long q = lo; q <= hi; q++) {
			uint16_t v = (uint16_t)q;
			buf_append(&tmp, &v, sizeof(v));
		}
		if (!*p) break;
		if (*p++ != ',') goto bad;
	}
	size_t add = tmp.len / sizeof(uint16_t), n = *ret_n;
	uint16_t *v = xrealloc(*ret, (n + add) * sizeof(*v));
	memcpy(v + n, tmp.data, tmp.len);
	n += add;
	buf_release(&tmp);
	qsort(v, n, sizeof(*v), cmp_u16);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (!w || v[w - 1] != v[i]) v[w++] = v[i];
	*ret = v;
	*ret_n = w;
	return 0;
bad:
	buf_release(&tmp);
	return -1;
}

/* The parser's position, for messages. */
struct ctx {
	struct nmap_db *db;
	const char *path;
	unsigned line;
	struct dm_err *e;
	bool seen_exclude;
};

static int fail(struct ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dm_fail(c->e, DM_EINPUT, "%s:%u: %s", c->path, c->line, msg);
}

static struct nmap_probe *cur_probe(struct ctx *c)
{
	return c->db->n_probes ? &c->db->probes[c->db->n_probes - 1] : NULL;
}

/* Probe TCP|UDP NAME q<d>...<d> [no-payload] */
static int parse_probe(struct ctx *c, const char *p)
{
	enum proto proto;
	if (!strncmp(p, "TCP ", 4))
		proto = PROTO_TCP;
	else if (!strncmp(p, "UDP ", 4))
		proto = PROTO_UDP;
	else
		return fail(c, "Probe: the protocol must be TCP or UDP");
	p = skip_space(p + 4);
	if (!isalnum((unsigned char)*p)) return fail(c, "Probe: a probe name starts with a letter or digit");
	const char *name = p;
	while (*p && *p != ' ' && *p != '\t') p++;
	int name_len = (int)(p - name);
	p = skip_space(p);
	if (p[0] != 'q' || !p[1])
		return fail(c, "Probe %.*s: the probe string must be q<delimiter>...<delimiter>", name_len,
			    name);
	char delim = p[1];
	const char *body = p + 2, *end = strchr(body, delim);
	if (!end) return fail(c, "Probe %.*s: no closing '%c' after the probe string", name_len, name, delim);
	size_t bad = 0, n = (size_t)(end - body);
	uint8_t *payload = xmalloc(n + 1);
	long len = nmap_unescape(body, n, payload, &bad);
	if (len < 0) {
		free(payload);
		return fail(
		    c,
		    "Probe %.*s: bad escape \"%.4s\" in the probe string (nmap knows \\\\ \\0 \\a \\b \\f "
		    "\\n \\r \\t \\v \\xHH)",
		    name_len, name, body + bad);
	}
	if (proto == PROTO_TCP && name_len == 4 && !strncmp(name, "NULL", 4) &&
	    nmap_db_probe(c->db, proto, "NULL")) {
		free(payload);
		return fail(c, "a second TCP NULL probe");
	}
	struct nmap_db *db = c->db;
	db->probes = xrealloc(db->probes, (db->n_probes + 1) * sizeof(*db->probes));
	struct nmap_probe *pr = &db->probes[db->n_probes++];
	memset(pr, 0, sizeof(*pr));
	pr->name = strndup(name, (size_t)name_len);
	if (!pr->name) abort();
	pr->proto = proto;
	pr->payload = len ? payload : NULL;
	if (!len) free(payload);
	pr->payload_len = (size_t)len;
	pr->rarity = 5;
	pr->line = c->line;
	/* Extensible flags: nmap knows no-payload and ignores words it does not
	 * know, so that newer files still load. */
	for (p = skip_space(end + 1); *p; p = skip_space(p)) {
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t') p++;
		if (p - w == 10 && !strncmp(w, "no-payload", 10)) pr->no_payload = true;
	}
	/* db->null_probe is set once loading is done: probes moves while it grows */
	return 0;
}

static int parse_number(struct ctx *c, const char *what, const char *s, unsigned lo, unsigned hi,
			unsigned *ret)
{
	const char *p = skip_space(s);
	char *end;
	unsigned long v = isdigit((unsigned char)*p) ? strtoul(p, &end, 10) : 0;
	if (!isdigit((unsigned char)*p) || *skip_space(end) || v < lo || v > hi)
		return fail(c, "%s must be a number from %u to %u, not \"%s\"", what, lo, hi, s);
	*ret = (unsigned)v;
	return 0;
}

/* One delimited template: MODE<d>text<d>[flags]. Fills the mode (up to 3
 * letters), the text (allocated) and the flags; returns the position after
 * it, or NULL with a reason. cpe is written cpe:<d>text<d>: its text is the
 * name without "cpe:/". */
static const char *next_template(const char *p, char mode[4], char **text, char flags[4], const char **why)
{
	size_t i = 0;
	while (i < 3 && isalpha((unsigned char)p[i])) mode[i] = p[i], i++;
	mode[i] = 0;
	const char *q = p + i;
	if (!strcmp(mode, "cpe") && *q == ':') q++;
	if (!i || !*q || isspace((unsigned char)*q)) {
		*why = "expected a field like p/.../ (a bare word)";
		return NULL;
	}
	char delim = *q;
	const char *end = strchr(q + 1, delim);
	if (!end) {
		*why = "no closing delimiter";
		return NULL;
	}
	*text = strndup(q + 1, (size_t)(end - q - 1));
	if (!*text) abort();
	p = end + 1;
	for (i = 0; i < 3 && isalpha((unsigned char)p[i]); i++) flags[i] = p[i];
	flags[i] = 0;
	p += i;
	if (*p && !isspace((unsigned char)*p)) {
		free(*text);
		*text = NULL;
		*why = "unexpected text after a field's closing delimiter";
		return NULL;
	}
	return p;
}

static void free_match(struct nmap_match *m)
{
	free(m->service);
	free(m->pattern);
	pcre_util_free(m->code);
	for (int f = 0; f < NMAP_NFIELDS; f++) free(m->tmpl[f]);
	for (unsigned k = 0; k < m->n_cpe; k++) free(m->cpe[k]);
}

/* The prefilter of struct nmap_match: PCRE2 reports an anchored expression
 * (^ outside multiline mode) and the byte every match starts with. */
static void set_prefilter(struct nmap_match *m)
{
	uint32_t opts = 0, type = 0, unit = 0;
	m->first = -1;
	pcre2_pattern_info(m->code, PCRE2_INFO_ALLOPTIONS, &opts);
	pcre2_pattern_info(m->code, PCRE2_INFO_FIRSTCODETYPE, &type);
	if (!(opts & PCRE2_ANCHORED) || type != 1) return;
	pcre2_pattern_info(m->code, PCRE2_INFO_FIRSTCODEUNIT, &unit);
	m->first = (int)(unit & 0xff);
	/* caselessness is not reported (and (?i) may sit inside): fold letters */
	m->first_fold = isalpha((unsigned char)unit);
}

/* The ']' that closes the bracket class opening at p, or NULL. */
static const char *class_end(const char *p)
{
	const char *q = p + 1;
	if (*q == '^') q++;
	if (*q == ']') q++; /* a leading ] is literal */
	while (*q && *q != ']') {
		if (*q == '\\' && q[1])
			q += 2;
		else if (*q == '[' && q[1] == ':' && strstr(q + 2, ":]"))
			q = strstr(q + 2, ":]") + 2;
		else
			q++;
	}
	return *q ? q : NULL;
}

/* The longest run of literal bytes that every match of pattern contains:
 * top-level text between the atoms that may vary (classes, groups, '.',
 * escapes like \d), minus a character a quantifier may drop. Conservative:
 * a pattern with top-level alternation, case-insensitivity anywhere,
 * extended syntax or \Q gets no run. */
static void set_literal(struct nmap_match *m, uint32_t opts)
{
	const char *p = m->pattern;
	uint8_t cur[sizeof(m->lit)], best[sizeof(m->lit)];
	size_t n = 0, nbest = 0;
	m->lit_len = 0;
	if ((opts & PCRE2_CASELESS) || strstr(p, "\\Q")) return;
	/* inline options: (?i) and (?x), also as (?si) or (?-i:, change what a byte means */
	for (const char *q = strstr(p, "(?"); q; q = strstr(q + 2, "(?")) {
		const char *f = q + 2;
		if (*f == '^') return;
		while (isalpha((unsigned char)*f) || *f == '-') {
			if (*f == 'i' || *f == 'x' || *f == 'n') return;
			f++;
		}
	}
#define END_RUN()                                               \
	do {                                                    \
		if (n > nbest) memcpy(best, cur, n), nbest = n; \
		n = 0;                                          \
	} while (0)
	while (*p) {
		int c = -1; /* the literal byte of this atom, if it is one */
		if (*p == '\\') {
			char e = p[1];
			const char *lit = e ? strchr("rntfae", e) : NULL;
			if (!e) return;
			if (lit) {
				c = "\r\n\t\f\a\x1b"[lit - "rntfae"];
				p += 2;
			} else if (e == '0') { /* \0 and up to two more octal digits */
				p += 2;
				c = 0;
				for (int k = 0; k < 2 && *p >= '0' && *p <= '7'; k++)
					c = c * 8 + (*p++ - '0');
			} else if (e == 'x' && p[2] != '{') { /* \x and up to two hex digits */
				p += 2;
				c = 0;
				for (int k = 0; k < 2 && isxdigit((unsigned char)*p); k++, p++)
					c = c * 16 + (isdigit((unsigned char)*p)
							  ? *p - '0'
							  : tolower((unsigned char)*p) - 'a' + 10);
			} else if (!isalnum((unsigned char)e)) {
				c = (unsigned char)e;
				p += 2;
			} else if (strchr("dDsSwWhHvVbBAzZGRXK", e)) {
				p += 2; /* a class or an assertion without argument: the run ends */
			} else if ((e == 'p' || e == 'P') && p[2] && p[2] != '{') {
				p += 3; /* \pL */
			} else if ((e == 'p' || e == 'P' || e == 'x') && p[2] == '{' && strchr(p, '}')) {
				p = strchr(p, '}') + 1;
			} else if (e == 'c' && p[2]) {
				p += 3;
			} else {
				return; /* references (\1, \g, \k), \o{}, \N{}: give up rather than guess */
			}
		} else if (*p == '[') {
			const char *q = class_end(p);
			if (!q) return;
			p = q + 1;
		} else if (*p == '(') {
			int depth = 0;
			do {
				if (*p == '\\' && p[1]) {
					p++;
				} else if (*p == '[') { /* a class may hold parentheses */
					const char *q = class_end(p);
					if (!q) return;
					p = q;
				} else if (*p == '(') {
					depth++;
				} else if (*p == ')') {
					depth--;
				}
				p++;
			} while (*p && depth > 0);
			if (depth) return;
		} else if (*p == '|') {
			return; /* top-level alternation: no byte is required */
		} else if (strchr("*+?{", *p)) {
			/* a quantifier on the last atom: a literal it may drop leaves the run */
			bool may_drop = *p == '*' || *p == '?' || (*p == '{' && (p[1] == '0' || p[1] == ','));
			if (*p == '{' && !isdigit((unsigned char)p[1]) && p[1] != ',')
				return; /* a literal brace: keep it simple */
			if (*p == '{') p = strchr(p, '}') ? strchr(p, '}') : p;
			p++;
			if (*p == '?' || *p == '+') p++; /* lazy, possessive */
			if (may_drop && n) n--;
			END_RUN();
			continue;
		} else if (*p == '.' || *p == '^' || *p == '$' || *p == ')') {
			p++;
		} else {
			c = (unsigned char)*p++;
		}
		if (c < 0) {
			END_RUN();
			continue;
		}
		/* a quantifier after this literal decides whether it belongs to the run */
		if (n == sizeof(cur)) END_RUN();
		cur[n++] = (uint8_t)c;
	}
	END_RUN();
#undef END_RUN
	if (nbest >= 3) {
		memcpy(m->lit, best, nbest);
		m->lit_len = nbest;
	}
}

/* match|softmatch SERVICE m<d>PATTERN<d>[is] [p/../ v/../ i/../ h/../ o/../ d/../ cpe:/../[a]]... */
static int parse_match(struct ctx *c, const char *p, bool soft)
{
	struct nmap_probe *pr = cur_probe(c);
	struct nmap_match m = { .soft = soft, .line = c->line, .first = -1 };
	char mode[4], flags[4], *text = NULL, err[160];
	const char *why = NULL;
	int r = 0;
	p = skip_space(p);
	const char *svc = p;
	while (*p && *p != ' ' && *p != '\t') p++;
	if (p == svc || !*p)
		return fail(c, "%s: expected a service name and m/pattern/", soft ? "softmatch" : "match");
	m.service = strndup(svc, (size_t)(p - svc));
	if (!m.service) abort();
	p = next_template(skip_space(p), mode, &text, flags, &why);
	if (!p) {
		r = fail(c, "%s %s: the pattern: %s", soft ? "softmatch" : "match", m.service, why);
		goto out;
	}
	if (strcmp(mode, "m")) {
		free(text);
		r = fail(c, "%s %s: the pattern must be m<delimiter>...<delimiter>",
			 soft ? "softmatch" : "match", m.service);
		goto out;
	}
	m.pattern = text;
	uint32_t opts = 0;
	for (const char *f = flags; *f; f++) {
		if (*f == 'i')
			opts |= PCRE2_CASELESS;
		else if (*f == 's')
			opts |= PCRE2_DOTALL;
		else {
			r = fail(c, "match %s: unknown pattern flag '%c' (nmap knows i and s)", m.service,
				 *f);
			goto out;
		}
	}
	struct buf flat = BUF_INIT;
	pcre_util_flatten_nested(m.pattern, &flat);
	size_t off = 0;
	m.code = pcre_util_compile(flat.data ? flat.data : "", flat.len, opts, false, err, sizeof(err), &off);
	buf_release(&flat);
	if (!m.code) {
		r = fail(c, "match %s: PCRE2 refuses the pattern at offset %zu: %s", m.service, off, err);
		goto out;
	}
	uint32_t empty = 0;
	if (pcre2_pattern_info(m.code, PCRE2_INFO_MATCHEMPTY, &empty) == 0 && empty) {
		r = fail(c, "match %s: the pattern matches an empty response", m.service);
		goto out;
	}
	set_prefilter(&m);
	set_literal(&m, opts);
	for (p = skip_space(p); *p; p = skip_space(p)) {
		p = next_template(p, mode, &text, flags, &why);
		if (!p) {
			r = fail(c, "match %s: %s", m.service, why);
			goto out;
		}
		bool is_cpe = !strcmp(mode, "cpe");
		const char *letter = mode[1] ? NULL : strchr(field_letters, mode[0]);
		if ((!is_cpe && !letter) || (flags[0] && !(is_cpe && !strcmp(flags, "a")))) {
			r = fail(c,
				 "match %s: unknown field %s%s%s (nmap knows p v i h o d cpe:, and the flag "
				 "a after cpe:)",
				 m.service, mode, flags[0] ? " with flags " : "", flags);
			free(text);
			goto out;
		}
		if (nmap_expand(text, NULL, 0, NULL, 0, is_cpe, NULL, 0) < 0) {
			r = fail(
			    c,
			    "match %s: bad template \"%s\" (nmap knows $1-$9, $P(n), $SUBST(n,\"a\",\"b\"), "
			    "$I(n,\">\") and $I(n,\"<\"))",
			    m.service, text);
			free(text);
			goto out;
		}
		if (is_cpe) {
			if (m.n_cpe == NMAP_MAX_CPE) {
				r = fail(c, "match %s: more than %d cpe: fields", m.service, NMAP_MAX_CPE);
				free(text);
				goto out;
			}
			/* "cpe:/a:x/" is the usual form; the name starts after the slash */
			m.cpe[m.n_cpe++] = text;
		} else {
			int f = (int)(letter - field_letters);
			free(m.tmpl[f]); /* nmap: a repeated field replaces the earlier one */
			m.tmpl[f] = text;
		}
	}
	if ((pr->n_matches & (pr->n_matches - 1)) ==
	    0) /* doubling at powers of two: the NULL probe has 4,000 */
		pr->matches = xrealloc(pr->matches, MAX(pr->n_matches * 2, 8) * sizeof(*pr->matches));
	pr->matches[pr->n_matches++] = m;
	if (soft)
		c->db->n_softmatches++;
	else
		c->db->n_matches++;
	return 0;
out:
	free_match(&m);
	return r;
}

static int parse_ports_line(struct ctx *c, const char *what, const char *s, uint16_t **v, size_t *n)
{
	const char *why;
	if (nmap_parse_ports(s, v, n, &why) < 0) return fail(c, "%s: %s, not \"%s\"", what, why, s);
	return 0;
}

static int parse_line(struct ctx *c, const char *line)
{
	struct nmap_probe *pr = cur_probe(c);
	if (!strncmp(line, "Exclude ", 8)) {
		if (pr) return fail(c, "Exclude must come before the first Probe");
		if (c->seen_exclude) return fail(c, "only one Exclude directive is allowed");
		c->seen_exclude = true;
		struct portlist tcp = { 0 }, udp = { 0 };
		struct dm_err pe;
		char spec[1024];
		const char *a = skip_space(line + 8);
		size_t l = strlen(a);
		while (l && isspace((unsigned char)a[l - 1])) l--;
		if (l >= sizeof(spec))
			return fail(c, "Exclude: a port list of more than %zu characters", sizeof(spec) - 1);
		memcpy(spec, a, l);
		spec[l] = 0;
		/* ports without T: or U: are excluded for both protocols */
		int r = portlist_parse(&tcp, spec, PROTO_TCP, &pe);
		if (r == 0) r = portlist_parse(&udp, spec, PROTO_UDP, &pe);
		if (r < 0) {
			portlist_release(&tcp);
			portlist_release(&udp);
			return fail(c, "Exclude: %s", pe.msg);
		}
		c->db->exclude.tcp = tcp.tcp, c->db->exclude.n_tcp = tcp.n_tcp;
		c->db->exclude.udp = udp.udp, c->db->exclude.n_udp = udp.n_udp;
		free(tcp.udp);
		free(udp.tcp);
		return 0;
	}
	if (!strncmp(line, "Probe ", 6)) return parse_probe(c, line + 6);
	const char *dirs[] = { "match ",  "softmatch ", "ports ",       "sslports ",
			       "rarity ", "fallback ",  "totalwaitms ", "tcpwrappedms " };
	size_t d;
	for (d = 0; d < ARRAY_SIZE(dirs); d++)
		if (!strncmp(line, dirs[d], strlen(dirs[d]))) break;
	if (d == ARRAY_SIZE(dirs))
		return fail(c, "unknown directive \"%.*s\"", (int)strcspn(line, " \t"), line);
	if (!pr) return fail(c, "%.*s before the first Probe", (int)strlen(dirs[d]) - 1, dirs[d]);
	const char *arg = line + strlen(dirs[d]);
	switch (d) {
	case 0: return parse_match(c, arg, false);
	case 1: return parse_match(c, arg, true);
	case 2: return parse_ports_line(c, "ports", arg, &pr->ports, &pr->n_ports);
	case 3: return parse_ports_line(c, "sslports", arg, &pr->sslports, &pr->n_sslports);
	case 4: return parse_number(c, "rarity", arg, 1, 9, &pr->rarity);
	case 5:
		if (pr->fallback) return fail(c, "a second fallback directive for probe %s", pr->name);
		/* resolved after the whole file: fallbacks may name later probes */
		pr->fallback = xstrdup(arg);
		pr->fallback_line = c->line;
		return 0;
	case 6: return parse_number(c, "totalwaitms", arg, 100, 300000, &pr->totalwaitms);
	default: return parse_number(c, "tcpwrappedms", arg, 100, 300000, &pr->tcpwrappedms);
	}
}

const struct nmap_probe *nmap_db_probe(const struct nmap_db *db, enum proto proto, const char *name)
{
	for (size_t i = 0; i < db->n_probes; i++)
		if (db->probes[i].proto == proto && !strcmp(db->probes[i].name, name)) return &db->probes[i];
	return NULL;
}

/* Each probe's chain (nmap's fallbacks array): itself, the probes its
 * fallback directive names, then the NULL probe for TCP. */
static int resolve_fallbacks(struct ctx *c)
{
	struct nmap_db *db = c->db;
	for (size_t i = 0; i < db->n_probes; i++)
		if (db->probes[i].proto == PROTO_TCP && !strcmp(db->probes[i].name, "NULL"))
			db->null_probe = &db->probes[i];
	for (size_t i = 0; i < db->n_probes; i++) {
		struct nmap_probe *pr = &db->probes[i];
		pr->chain = xcalloc(MAX_FALLBACKS + 2, sizeof(*pr->chain));
		pr->chain[pr->n_chain++] = pr;
		if (pr->fallback) {
			char *save = NULL;
			for (char *t = strtok_r(pr->fallback, ", \t", &save); t;
			     t = strtok_r(NULL, ", \t", &save)) {
				/* the same protocol first, then the other (DNS over TCP falls back
				 * to the UDP DNS probe's matches: the answers look alike) */
				const struct nmap_probe *fb = nmap_db_probe(db, pr->proto, t);
				if (!fb)
					fb = nmap_db_probe(db, pr->proto == PROTO_TCP ? PROTO_UDP : PROTO_TCP,
							   t);
				c->line = pr->fallback_line;
				if (!fb)
					return fail(c, "probe %s: unknown fallback probe \"%s\"", pr->name,
						    t);
				if (pr->n_chain > MAX_FALLBACKS)
					return fail(c, "probe %s: more than %d fallbacks", pr->name,
						    MAX_FALLBACKS);
				pr->chain[pr->n_chain++] = fb;
			}
			free(pr->fallback);
			pr->fallback = NULL;
		}
		if (pr->proto == PROTO_TCP && db->null_probe && pr != db->null_probe)
			pr->chain[pr->n_chain++] = db->null_probe;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void count_services(struct nmap_db *db)
{
	const char **names = xcalloc(db->n_matches + db->n_softmatches + 1, sizeof(*names));
	size_t n = 0, u = 0;
	for (size_t i = 0; i < db->n_probes; i++)
		for (size_t k = 0; k < db->probes[i].n_matches; k++)
			names[n++] = db->probes[i].matches[k].service;
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(names[i - 1], names[i])) u++;
	db->n_services = (unsigned)u;
	free(names);
}

int nmap_db_load(struct nmap_db *db, const char *path, struct dm_err *e)
{
	memset(db, 0, sizeof(*db));
	struct buf b = BUF_INIT;
	int r = buf_read_file(&b, path, MAX_FILE, "an nmap-service-probes file", e);
	if (r < 0) return r;
	db->path = xstrdup(path);
	struct ctx c = { .db = db, .path = path, .e = e };
	char *p = b.data, *end = b.data ? b.data + b.len : NULL;
	while (p && p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol) eol = end; /* buf keeps a NUL after the data */
		*eol = 0;
		c.line++;
		size_t len = strlen(p);
		if (p + len != eol) {
			r = fail(&c, "a NUL byte in the line");
			break;
		}
		if (len && p[len - 1] == '\r') p[--len] = 0;
		if (!db->id && !strncmp(p, "# $Id:", 6)) db->id = xstrdup(p + 2);
		if (*skip_space(p) && p[0] != '#' && (r = parse_line(&c, p)) < 0) break;
		p = eol + 1;
	}
	db->lines = c.line;
	if (r == 0) r = resolve_fallbacks(&c);
	if (r == 0 && db->n_probes == 0)
		r = dm_fail(e, DM_EEMPTY, "%s: no Probe directive: not an nmap-service-probes file", path);
	buf_release(&b);
	if (r < 0) {
		nmap_db_release(db);
		return r;
	}
	count_services(db);
	return 0;
}

void nmap_db_release(struct nmap_db *db)
{
	for (size_t i = 0; i < db->n_probes; i++) {
		struct nmap_probe *pr = &db->probes[i];
		for (size_t k = 0; k < pr->n_matches; k++) free_match(&pr->matches[k]);
		free(pr->matches);
		free(pr->name);
		free(pr->payload);
		free(pr->ports);
		free(pr->sslports);
		free(pr->chain);
		free(pr->fallback);
	}
	free(db->probes);
	free(db->path);
	free(db->id);
	portlist_release(&db->exclude);
	memset(db, 0, sizeof(*db));
}

static bool has_u16(const uint16_t *v, size_t n, uint16_t x)
{
	return n && bsearch(&x, v, n, sizeof(*v), cmp_u16) != NULL;
}

bool nmap_db_excludes(const struct nmap_db *db, enum proto proto, uint16_t port)
{
	return proto == PROTO_TCP ? has_u16(db->exclude.tcp, db->exclude.n_tcp, port)
				  : has_u16(db->exclude.udp, db->exclude.n_udp, port);
}

bool nmap_probe_has_port(const struct nmap_probe *p, uint16_t port, bool ssl)
{
	return ssl ? has_u16(p->sslports, p->n_sslports, port) : has_u16(p->ports, p->n_ports, port);
}

bool nmap_probe_can_name(const struct nmap_probe *p, const char *service)
{
	for (size_t i = 0; i < p->n_matches; i++)
		if (!strcmp(p->matches[i].service, service)) return true;
	return false;
}
