/* Recog-format fingerprint loading (libxml2), Ruby-to-PCRE2 expression
 * translation, matching with value extraction, and the verifier. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "probe/fingerprint.h"
#include "probe/pcre-util.h"
#include "base/buf.h"
#include "base/util.h"
#include <dirent.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <string.h>

/* Ruby and PCRE2 differ where Recog's expressions care:
 * - Ruby's ^ and $ always anchor at lines: compile with PCRE2_MULTILINE;
 * - Ruby's (?m) and /m make '.' match newlines: PCRE2's (?s) / DOTALL;
 * - Ruby's \h is a hex digit, PCRE2's is horizontal space. */
static void translate(const char *in, struct buf *out)
{
	bool in_class = false;
	for (const char *p = in; *p; p++) {
		if (*p == '\\' && p[1]) {
			if (p[1] == 'h')
				buf_puts(out, in_class ? "0-9a-fA-F" : "[0-9a-fA-F]");
			else if (p[1] == 'H' && !in_class)
				buf_puts(out, "[^0-9a-fA-F]");
			else
				buf_append(out, p, 2);
			p++;
			continue;
		}
		if (in_class) {
			if (*p == '[' && p[1] == ':') { /* POSIX class [:alpha:] */
				const char *end = strstr(p, ":]");
				if (end) {
					buf_append(out, p, (size_t)(end + 2 - p));
					p = end + 1;
					continue;
				}
			}
			if (*p == ']') in_class = false;
			buf_putc(out, *p);
			continue;
		}
		if (*p == '[') {
			in_class = true;
			buf_putc(out, *p);
			if (p[1] == '^') buf_putc(out, *++p);
			if (p[1] == ']') buf_putc(out, *++p); /* a leading ] is literal */
			continue;
		}
		if (*p == '(' && p[1] == '?') {
			/* inline options (?imx-imx) or (?imx-imx:...): Ruby's m is PCRE2's s */
			const char *q = p + 2;
			while (*q && strchr("imx-", *q)) q++;
			if (q > p + 2 && (*q == ')' || *q == ':')) {
				buf_puts(out, "(?");
				for (const char *r = p + 2; r < q; r++) buf_putc(out, *r == 'm' ? 's' : *r);
				p = q - 1;
				continue;
			}
		}
		buf_putc(out, *p);
	}
}

static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v) return NULL;
	char *s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static char *content(xmlNodePtr n, size_t *len)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = xstrdup(v ? (const char *)v : "");
	if (v) xmlFree(v);
	*len = strlen(s);
	return s;
}

/* Base64 example text: white space removed, then decoded by OpenSSL. */
static char *decode_base64(const char *in, size_t *len)
{
	size_t n = strlen(in), w = 0;
	char *clean = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", in[i])) clean[w++] = in[i];
	clean[w] = 0;
	char *out = xmalloc(w / 4 * 3 + 4);
	int r = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)clean, (int)w);
	if (r < 0) {
		free(clean);
		free(out);
		return NULL;
	}
	size_t pad = (w >= 1 && clean[w - 1] == '=') + (w >= 2 && clean[w - 2] == '=');
	*len = (size_t)r - pad;
	out[*len] = 0;
	free(clean);
	return out;
}

static uint32_t parse_flags(const char *flags)
{
	uint32_t o = PCRE2_MULTILINE;
	if (!flags) return o;
	if (strstr(flags, "REG_ICASE")) o |= PCRE2_CASELESS;
	if (strstr(flags, "REG_DOT_NEWLINE") || strstr(flags, "REG_MULTILINE")) o |= PCRE2_DOTALL;
	return o;
}

static void add_example(struct fingerprint *fp, xmlNodePtr n)
{
	fp->examples = xrealloc(fp->examples, (fp->n_examples + 1) * sizeof(*fp->examples));
	struct fp_example *ex = &fp->examples[fp->n_examples++];
	memset(ex, 0, sizeof(*ex));
	char *enc = attr(n, "_encoding");
	size_t len;
	char *raw = content(n, &len);
	if (enc && !strcmp(enc, "base64")) {
		ex->text = decode_base64(raw, &ex->len);
		free(raw);
		if (!ex->text) ex->text = xstrdup(""), ex->len = 0;
	} else {
		ex->text = raw;
		ex->len = len;
	}
	free(enc);
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		if (a->name[0] == '_') continue;
		char *v = attr(n, (const char *)a->name);
		ex->attrs = xrealloc(ex->attrs, (ex->n_attrs + 2) * sizeof(char *));
		ex->attrs[ex->n_attrs++] = xstrdup((const char *)a->name);
		ex->attrs[ex->n_attrs++] = v ? v : xstrdup("");
	}
}

static int load_fingerprint(struct fp_set *set, struct fp_db *db, xmlNodePtr n)
{
	db->fps = xrealloc(db->fps, (db->n + 1) * sizeof(*db->fps));
	struct fingerprint *fp = &db->fps[db->n++];
	memset(fp, 0, sizeof(*fp));
	fp->line = (unsigned)xmlGetLineNo(n);
	fp->pattern = attr(n, "pattern");
	if (!fp->pattern) fp->pattern = xstrdup("");
	char *flags = attr(n, "flags");
	struct buf t = BUF_INIT, b = BUF_INIT;
	translate(fp->pattern, &t);
	pcre_util_flatten_nested(t.data ? t.data : "", &b);
	buf_release(&t);
	/* Ruby matches a UTF-8 banner by character ('.' takes all of "\xc2\xb7")
	 * and a binary one by byte ("\x84" is one byte). Both forms are compiled;
	 * fp_db_match picks by the banner. Byte mode serves pure ASCII too. */
	fp->code = pcre_util_compile(b.data, b.len, parse_flags(flags), true, NULL, 0, NULL);
	fp->code_utf = pcre_util_compile(b.data, b.len, parse_flags(flags) | PCRE2_UTF, true, NULL, 0, NULL);
	if (!fp->code) set->unsupported++;
	buf_release(&b);
	free(flags);
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) continue;
		if (!strcmp((const char *)c->name, "description")) {
			size_t len;
			free(fp->description);
			fp->description = content(c, &len);
		} else if (!strcmp((const char *)c->name, "example")) {
			add_example(fp, c);
		} else if (!strcmp((const char *)c->name, "param")) {
			char *pos = attr(c, "pos"), *name = attr(c, "name");
			if (!name) {
				free(pos);
				continue;
			}
			fp->params = xrealloc(fp->params, (fp->n_params + 1) * sizeof(*fp->params));
			struct fp_param *pa = &fp->params[fp->n_params++];
			pa->pos = pos ? (unsigned)strtoul(pos, NULL, 10) : 0;
			pa->name = name;
			pa->value = pa->pos ? NULL : attr(c, "value");
			if (!pa->pos && !pa->value) pa->value = xstrdup("");
			free(pos);
		}
	}
	return 0;
}

int fp_set_load_file(struct fp_set *set, const char *path, struct dm_err *e)
{
	xmlResetLastError();
	xmlDocPtr doc = xmlReadFile(
	    path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	if (!doc) {
		const xmlError *xe = xmlGetLastError();
		const char *msg = xe && xe->message ? xe->message : "parse error";
		return dm_fail(e, DM_EINPUT, "%s:%d: not well-formed XML: %.*s", path, xe ? xe->line : 0,
			       (int)strcspn(msg, "\n"), msg);
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "fingerprints")) {
		xmlFreeDoc(doc);
		return dm_fail(e, DM_EINPUT, "%s: the root element is not <fingerprints>", path);
	}
	set->dbs = xrealloc(set->dbs, (set->n + 1) * sizeof(*set->dbs));
	struct fp_db *db = &set->dbs[set->n++];
	memset(db, 0, sizeof(*db));
	db->path = xstrdup(path);
	db->matches = attr(root, "matches");
	if (!db->matches) db->matches = xstrdup("");
	db->protocol = attr(root, "protocol");
	char *pref = attr(root, "preference");
	db->preference = pref ? strtod(pref, NULL) : 0;
	free(pref);
	for (xmlNodePtr n = root->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "fingerprint"))
			load_fingerprint(set, db, n);
	xmlFreeDoc(doc);
	return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int fp_set_load_dir(struct fp_set *set, const char *dir, struct dm_err *e)
{
	DIR *d = opendir(dir);
	if (!d) return dm_fail(e, -errno, "%s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".xml")) continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1) qsort(names, n, sizeof(*names), cmp_str);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (r == 0) r = fp_set_load_file(set, path, e);
		free(names[i]);
	}
	free(names);
	if (r == 0 && n == 0) r = dm_fail(e, DM_EEMPTY, "%s: no fingerprint databases (*.xml)", dir);
	return r;
}

void fp_set_release(struct fp_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct fp_db *db = &set->dbs[i];
		for (size_t j = 0; j < db->n; j++) {
			struct fingerprint *fp = &db->fps[j];
			free(fp->pattern);
			free(fp->description);
			pcre2_code_free(fp->code);
			pcre2_code_free(fp->code_utf);
			for (size_t k = 0; k < fp->n_params; k++)
				free(fp->params[k].name), free(fp->params[k].value);
			free(fp->params);
			for (size_t k = 0; k < fp->n_examples; k++) {
				free(fp->examples[k].text);
				for (size_t a = 0; a < fp->examples[k].n_attrs; a++)
					free(fp->examples[k].attrs[a]);
				free(fp->examples[k].attrs);
			}
			free(fp->examples);
		}
		free(db->fps);
		free(db->path);
		free(db->matches);
		free(db->protocol);
	}
	free(set->dbs);
	memset(set, 0, sizeof(*set));
}

const struct fp_db *fp_set_find(const struct fp_set *set, const char *key, size_t *iter)
{
	for (size_t i = *iter; i < set->n; i++)
		if (!strcmp(set->dbs[i].matches, key)) {
			*iter = i + 1;
			return &set->dbs[i];
		}
	*iter = set->n;
	return NULL;
}

const char *fp_result_get(const struct fp_result *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->attrs[i].name, name)) return r->attrs[i].value;
	return NULL;
}

static void interpolate(const struct fp_result *r, const char *tmpl, char *out, size_t n)
{
	size_t w = 0;
	for (const char *p = tmpl; *p && w + 1 < n; p++) {
		const char *close;
		if (*p == '{' && (close = strchr(p, '}'))) {
			char name[64];
			size_t l = (size_t)(close - p - 1);
			if (l < sizeof(name)) {
				memcpy(name, p + 1, l);
				name[l] = 0;
				const char *v = fp_result_get(r, name);
				if (v) {
					size_t vl = MIN(strlen(v), n - 1 - w);
					memcpy(out + w, v, vl);
					w += vl;
				}
				p = close;
				continue;
			}
		}
		out[w++] = *p;
	}
	out[w] = 0;
}

/* 1: pure ASCII, 2: valid UTF-8 with non-ASCII, 0: not UTF-8 (binary). */
static int text_kind(const unsigned char *p, size_t n)
{
	int kind = 1;
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		kind = 2;
		size_t l = (p[i] & 0xe0) == 0xc0   ? 2
			   : (p[i] & 0xf0) == 0xe0 ? 3
			   : (p[i] & 0xf8) == 0xf0 ? 4
						   : 0;
		if (!l || i + l > n || (l == 2 && p[i] < 0xc2)) return 0;
		for (size_t k = 1; k < l; k++)
			if ((p[i + k] & 0xc0) != 0x80) return 0;
		i += l;
	}
	return kind;
}

bool fp_db_match(const struct fp_db *db, const char *text, size_t len, struct fp_result *ret)
{
	bool utf = text_kind((const unsigned char *)text, len) == 2;
	/* per-thread match state, so matching needs no allocation per call */
	pcre2_match_data *tls_md = pcre_util_match_data();
	pcre2_match_context *tls_mc = pcre_util_match_context();
	for (size_t i = 0; i < db->n; i++) {
		const struct fingerprint *fp = &db->fps[i];
		const pcre2_code *code = utf && fp->code_utf ? fp->code_utf : fp->code;
		if (!code) continue;
		int rc = pcre2_match(code, (PCRE2_SPTR)text, len, 0, 0, tls_md, tls_mc);
		if (rc < 0) continue;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(tls_md);
		memset(ret, 0, sizeof(*ret));
		ret->fp = fp;
		ret->db = db;
		for (size_t k = 0; k < fp->n_params && ret->n < ARRAY_SIZE(ret->attrs); k++) {
			const struct fp_param *pa = &fp->params[k];
			if (!pa->pos) continue;
			/* unsigned: a pos from the file beyond INT_MAX must not turn negative and pass */
			if (rc <= 0 || pa->pos >= (unsigned)rc || ov[2 * pa->pos] == PCRE2_UNSET) continue;
			size_t l =
			    MIN(ov[2 * pa->pos + 1] - ov[2 * pa->pos], sizeof(ret->attrs[0].value) - 1);
			ret->attrs[ret->n].name = pa->name;
			memcpy(ret->attrs[ret->n].value, text + ov[2 * pa->pos], l);
			ret->attrs[ret->n].value[l] = 0;
			ret->n++;
		}
		/* fixed values last: they may refer to captured ones */
		for (size_t k = 0; k < fp->n_params && ret->n < ARRAY_SIZE(ret->attrs); k++) {
			const struct fp_param *pa = &fp->params[k];
			if (pa->pos) continue;
			ret->attrs[ret->n].name = pa->name;
			interpolate(ret, pa->value, ret->attrs[ret->n].value, sizeof(ret->attrs[0].value));
			ret->n++;
		}
		return true;
	}
	return false;
}

bool fp_set_match(const struct fp_set *set, const char *key, const char *text, size_t len,
		  struct fp_result *ret)
{
	size_t it = 0;
	const struct fp_db *db;
	while ((db = fp_set_find(set, key, &it)))
		if (fp_db_match(db, text, len, ret)) return true;
	return false;
}

static void show(FILE *out, const char *text, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x20 && c < 0x7f && c != '"')
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputs(len > 80 ? "...\"" : "\"", out);
}

void fp_set_verify(const struct fp_set *set, FILE *out, unsigned max_lines, struct fp_verify_stats *st)
{
	memset(st, 0, sizeof(*st));
	unsigned lines = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct fp_db *db = &set->dbs[i];
		st->dbs++;
		for (size_t j = 0; j < db->n; j++) {
			const struct fingerprint *fp = &db->fps[j];
			st->fingerprints++;
			struct fp_db one = { .path = db->path,
					     .matches = db->matches,
					     .fps = (struct fingerprint *)fp,
					     .n = 1 };
			for (size_t k = 0; k < fp->n_examples; k++) {
				const struct fp_example *ex = &fp->examples[k];
				st->examples++;
				char why[512] = "";
				struct fp_result r;
				if (!fp->code) {
					st->unsupported++;
					snprintf(why, sizeof(why), "expression not supported by PCRE2");
				} else if (!fp_db_match(&one, ex->text, ex->len, &r)) {
					snprintf(why, sizeof(why), "does not match /%s/", fp->pattern);
				} else {
					for (size_t a = 0; a + 1 < ex->n_attrs && !why[0]; a += 2) {
						const char *got = fp_result_get(&r, ex->attrs[a]);
						if (!got || strcmp(got, ex->attrs[a + 1]))
							snprintf(why, sizeof(why),
								 "%s is \"%s\", expected \"%s\"",
								 ex->attrs[a], got ? got : "(none)",
								 ex->attrs[a + 1]);
					}
				}
				if (!why[0]) {
					st->passed++;
					continue;
				}
				st->failed++;
				if (out && lines++ < max_lines) {
					fprintf(out, "FAIL %s:%u: %s: example ", db->path, fp->line,
						fp->description ? fp->description : "");
					show(out, ex->text, ex->len);
					fprintf(out, ": %s\n", why);
				}
			}
		}
	}
}
