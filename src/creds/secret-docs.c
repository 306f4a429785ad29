/* Zip archives and office documents. A member that would pass the
 * per-member cap or the per-file expansion budget is not read (zip bombs):
 * not at all when the archive says so, else up to the cap, since what is
 * decompressed counts, never what the archive claims. XML is read without
 * network, DTD loading or entity substitution, and libxml2's own
 * amplification limits stay on (XML bombs). */
#include "creds/secret-docs.h"
#include "creds/secret-rows.h"
#include "base/log.h"
#include "base/util.h"
#include <libxml/xmlreader.h>
#include <string.h>
#include <zip.h>

#define MAX_CELLS 64
#define MAX_CELL 4096
#define MAX_SHARED 1000000 /* shared strings kept per workbook */

struct shared {
	char **v;
	size_t n, cap;
};

static void shared_release(struct shared *sh)
{
	for (size_t i = 0; i < sh->n; i++) free(sh->v[i]);
	free(sh->v);
	*sh = (struct shared){ 0 };
}

static char *over_cap(struct secrets_stats *st, uint64_t *left, const char *name, uint64_t cap,
		      const char *how)
{
	st->archive_limits++;
	log_warn("secrets: %s: %s %llu bytes (a zip bomb?), not read", name, how, (unsigned long long)cap);
	*left = 0; /* the rest of this archive is not read either */
	return NULL;
}

/* Reads a member whole, within the caps. NULL: skipped (counted). */
static char *member(struct secrets *s, zip_t *z, zip_uint64_t i, const char *name, size_t *len)
{
	const struct secrets_opts *o = secrets_opts(s);
	struct secrets_stats *st = secrets_stats_mut(s);
	uint64_t *left = secrets_expand_left(s);
	zip_file_t *f = zip_fopen_index(z, i, 0);
	if (!f) {
		st->damaged++;
		log_warn("secrets: %s: %s (member skipped)", name, zip_strerror(z));
		return NULL;
	}
	uint64_t cap = MIN(o->max_member, *left);
	const char *past = "expands past";
	zip_stat_t zs;
	if (!zip_stat_index(z, i, 0, &zs) && (zs.valid & ZIP_STAT_SIZE)) {
		if (zs.size > cap) {
			zip_fclose(f);
			return over_cap(st, left, name, cap, "says it expands to more than");
		}
		/* more data than the archive declares is a lie: stop there */
		cap = zs.size;
		past = "holds more than the declared";
	}
	size_t size = 0, alloc = (size_t)MIN(cap + 1, (uint64_t)65536);
	char *b = xmalloc(alloc);
	zip_int64_t r;
	for (;;) {
		if (size == alloc) {
			alloc *= 2;
			b = xrealloc(b, alloc);
		}
		r = zip_fread(f, b + size, MIN(alloc - size, (size_t)(cap - size + 1)));
		if (r <= 0) break;
		size += (size_t)r;
		if (size > cap) break;
	}
	bool bad = r < 0;
	zip_fclose(f);
	if (bad) {
		st->damaged++;
		log_warn("secrets: %s: damaged compressed data (member skipped)", name);
		free(b);
		return NULL;
	}
	if (size > cap) {
		free(b);
		return over_cap(st, left, name, cap, past);
	}
	*left -= size;
	st->members++;
	*len = size;
	return b;
}

static xmlTextReaderPtr reader(const char *d, size_t n, const char *name)
{
	if (n > INT32_MAX) return NULL;
	return xmlReaderForMemory(d, (int)n, name, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static void shared_strings(struct secrets *s, const char *name, const char *d, size_t n, struct shared *sh)
{
	xmlTextReaderPtr r = reader(d, n, name);
	char cur[MAX_CELL];
	size_t cn = 0;
	bool in_si = false, in_t = false;
	int rc;
	while (r && (rc = xmlTextReaderRead(r)) == 1) {
		int t = xmlTextReaderNodeType(r);
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		if (t == XML_READER_TYPE_ELEMENT && !strcmp(ln, "si"))
			in_si = true, cn = 0;
		else if (t == XML_READER_TYPE_ELEMENT && !strcmp(ln, "t") && !xmlTextReaderIsEmptyElement(r))
			in_t = in_si;
		else if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(ln, "t"))
			in_t = false;
		else if ((t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) && in_t) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			size_t vn = strlen(v);
			if (cn + vn >= sizeof(cur)) vn = sizeof(cur) - 1 - cn;
			memcpy(cur + cn, v, vn);
			cn += vn;
		} else if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(ln, "si")) {
			in_si = false;
			if (sh->n >= MAX_SHARED) continue;
			if (sh->n == sh->cap) {
				sh->cap = sh->cap ? sh->cap * 2 : 256;
				sh->v = xrealloc(sh->v, sh->cap * sizeof(*sh->v));
			}
			cur[cn] = 0;
			sh->v[sh->n++] = xstrdup(cur);
		}
	}
	if (!r || rc < 0) {
		secrets_stats_mut(s)->damaged++;
		log_warn("secrets: %s: not well-formed XML (read in part)", name);
	}
	xmlFreeTextReader(r);
}

/* "BC12" -> column 54 (0-based), -1 if none. */
static int column_of(const char *ref)
{
	int c = 0;
	bool any = false;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
		c = c * 26 + (*ref - 'A' + 1);
		if (c > 16384) return -1;
		any = true;
	}
	return any ? c - 1 : -1;
}

enum doc { DOC_XLSX, DOC_ODF, DOC_DOCX };

/* One XML part: rows of cells go to the table detector, paragraphs outside
 * tables go to it as text lines. */
static void sheet(struct secrets *s, const char *name, const char *d, size_t n, enum doc kind,
		  const struct shared *sh, struct secret_items *out)
{
	static const char *const row_el[] = { "row", "table-row", "tr" };
	static const char *const cell_el[] = { "c", "table-cell", "tc" };
	static const char *const text_el[] = { "v", "p", "t" };
	xmlTextReaderPtr r = reader(d, n, name);
	struct secret_unit *u = secret_unit_new(name, true);
	char *cells[MAX_CELLS], para[MAX_CELL];
	size_t ncell = 0, rows = 0, pn = 0, paras = 0;
	for (size_t i = 0; i < MAX_CELLS; i++) cells[i] = xcalloc(1, MAX_CELL);
	int col = -1, in_row = 0, in_cell = 0, in_text = 0, rc = 0;
	bool shared_cell = false;
	while (r && (rc = xmlTextReaderRead(r)) == 1) {
		int t = xmlTextReaderNodeType(r);
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		bool empty = t == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(r);
		if (t == XML_READER_TYPE_ELEMENT && !strcmp(ln, row_el[kind])) {
			in_row = 1, ncell = 0, col = -1;
			for (size_t i = 0; i < MAX_CELLS; i++) cells[i][0] = 0;
		} else if (t == XML_READER_TYPE_ELEMENT && in_row && !strcmp(ln, cell_el[kind])) {
			int c = col + 1, repeat = 1;
			xmlChar *a = NULL;
			if (kind == DOC_XLSX && (a = xmlTextReaderGetAttribute(r, BAD_CAST "r")))
				c = column_of((const char *)a);
			xmlFree(a);
			a = NULL;
			if (kind == DOC_ODF &&
			    (a = xmlTextReaderGetAttribute(r, BAD_CAST "number-columns-repeated")))
				repeat = atoi((const char *)a) > 1 ? atoi((const char *)a) : 1;
			xmlFree(a);
			a = kind == DOC_XLSX ? xmlTextReaderGetAttribute(r, BAD_CAST "t") : NULL;
			shared_cell = a && !strcmp((const char *)a, "s");
			xmlFree(a);
			if (c < 0) c = col + 1;
			col = c + (repeat > MAX_CELLS ? MAX_CELLS : repeat) - 1; /* repeated empty cells */
			in_cell = !empty;
			if (c < MAX_CELLS && (size_t)c + 1 > ncell) ncell = (size_t)c + 1;
			if (ncell > MAX_CELLS) ncell = MAX_CELLS;
		} else if (t == XML_READER_TYPE_ELEMENT && !strcmp(ln, text_el[kind]) && !empty) {
			in_text = 1;
			/* a new paragraph inside a cell is a new line: keep a space */
			if (in_cell && col >= 0 && col < MAX_CELLS && cells[col][0] && kind != DOC_XLSX) {
				size_t L = strlen(cells[col]);
				if (L + 1 < MAX_CELL) cells[col][L] = ' ', cells[col][L + 1] = 0;
			}
		} else if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(ln, text_el[kind])) {
			in_text = 0;
			if (!in_row && kind != DOC_XLSX && pn && kind == DOC_ODF) {
				secret_unit_line(u, para, pn, ++paras);
				pn = 0;
			}
		} else if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(ln, "p") && kind == DOC_DOCX &&
			   !in_row && pn) {
			secret_unit_line(u, para, pn, ++paras);
			pn = 0;
		} else if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(ln, cell_el[kind])) {
			in_cell = 0;
		} else if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(ln, row_el[kind])) {
			in_row = 0;
			rows++;
			secret_unit_row(u, cells, ncell, rows);
		} else if ((t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
			    t == XML_READER_TYPE_CDATA) &&
			   (in_text || (kind == DOC_XLSX && in_cell))) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			if (in_row && in_cell && col >= 0 && col < MAX_CELLS) {
				if (shared_cell) {
					long idx = strtol(v, NULL, 10);
					v = sh && idx >= 0 && (size_t)idx < sh->n ? sh->v[idx] : "";
				}
				size_t L = strlen(cells[col]), vn = strlen(v);
				if (L + vn >= MAX_CELL) vn = MAX_CELL - 1 - L;
				memcpy(cells[col] + L, v, vn);
				cells[col][L + vn] = 0;
			} else if (!in_row && in_text) {
				size_t vn = strlen(v);
				if (pn + vn >= sizeof(para)) vn = sizeof(para) - 1 - pn;
				memcpy(para + pn, v, vn);
				pn += vn;
			}
		}
	}
	if (!r || rc < 0) {
		secrets_stats_mut(s)->damaged++;
		log_warn("secrets: %s: not well-formed XML (read in part)", name);
	}
	xmlFreeTextReader(r);
	for (size_t i = 0; i < MAX_CELLS; i++) free(cells[i]);
	secret_unit_end(u, out);
}

static zip_int64_t find(zip_t *z, const char *n) { return zip_name_locate(z, n, 0); }

void docs_scan_zip(struct secrets *s, const char *name, const char *data, size_t len, int depth,
		   struct secret_items *out)
{
	struct secrets_stats *st = secrets_stats_mut(s);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		st->damaged++;
		log_warn("secrets: %s: not a readable zip archive: %s (skipped)", name,
			 zip_error_strerror(&ze));
		if (src) zip_source_free(src);
		zip_error_fini(&ze);
		return;
	}
	zip_error_fini(&ze);
	st->archives++;
	enum doc kind = find(z, "xl/workbook.xml") >= 0                           ? DOC_XLSX
			: find(z, "word/document.xml") >= 0                       ? DOC_DOCX
			: find(z, "content.xml") >= 0 && find(z, "mimetype") >= 0 ? DOC_ODF
										  : (enum doc) - 1;
	struct shared sh = { 0 };
	size_t n;
	char sub[4096];
	if (kind == DOC_XLSX) {
		zip_int64_t i = find(z, "xl/sharedStrings.xml");
		char *d;
		snprintf(sub, sizeof(sub), "%s!xl/sharedStrings.xml", name);
		if (i >= 0 && (d = member(s, z, (zip_uint64_t)i, sub, &n))) {
			shared_strings(s, sub, d, n, &sh);
			free(d);
		}
	}
	zip_int64_t count = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < count; i++) {
		const char *m = zip_get_name(z, (zip_uint64_t)i, 0);
		size_t ml = m ? strlen(m) : 0;
		if (!ml || m[ml - 1] == '/') continue;
		bool part = kind == DOC_XLSX   ? !strncmp(m, "xl/worksheets/", 14) && strstr(m, ".xml")
			    : kind == DOC_DOCX ? !strcmp(m, "word/document.xml")
			    : kind == DOC_ODF  ? !strcmp(m, "content.xml")
					       : false;
		bool office = (int)kind >= 0;
		if (office && !part) continue; /* styles, themes, media of a document */
		snprintf(sub, sizeof(sub), "%s!%s", name, m);
		char *d = member(s, z, (zip_uint64_t)i, sub, &n);
		if (!d) continue;
		if (part)
			sheet(s, sub, d, n, kind, &sh, out);
		else
			secrets_scan_memory(s, sub, d, n, depth + 1, out);
		free(d);
	}
	shared_release(&sh);
	zip_discard(z);
}
