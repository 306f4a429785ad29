/* Loads threat-intelligence lists (intel.h) in three formats and answers
 * whether an address, a name or a hash is listed. */
#include "model/intel.h"
#include "base/log.h"
#include "base/util.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_WARN = 5, MAX_COLS = 32, MAX_FILE = 256 << 20 };
enum format { F_UNKNOWN, F_LINES, F_CSV, F_ZEEK };

static const char *const type_names[INTEL_TYPES] = { "address", "domain", "ja3", "ja4", "cert-hash" };

const char *intel_type_name(enum intel_type t) { return t < INTEL_TYPES ? type_names[t] : "?"; }

void intel_init(struct intel_set *s) { *s = (struct intel_set){ 0 }; }

void intel_release(struct intel_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].value);
		free(s->v[i].note);
	}
	for (size_t i = 0; i < s->n_files; i++) free(s->files[i]);
	free(s->files);
	free(s->v);
	free(s->keyed);
	free(s->hosts);
	free(s->nets);
	*s = (struct intel_set){ 0 };
}

static bool all_hex(const char *v, size_t n)
{
	if (strlen(v) != n) return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)v[i])) return false;
	return true;
}

/* t13d1516h2_8daaf6152771_b186095e22b6: protocol, version, SNI flag,
 * counts and ALPN, then two 12-digit hex hashes. */
static bool is_ja4(const char *v)
{
	if (strlen(v) != 36 || v[10] != '_' || v[23] != '_') return false;
	if (!strchr("tqd", v[0]) || !isdigit((unsigned char)v[1]) || !strchr("di", v[3])) return false;
	for (int i = 4; i < 8; i++)
		if (!isdigit((unsigned char)v[i])) return false;
	for (int i = 11; i < 36; i++)
		if (i != 23 && !isxdigit((unsigned char)v[i])) return false;
	return true;
}

static bool is_domain(const char *v)
{
	size_t n = strlen(v), label = 0;
	if (n < 3 || n > 253 || !strchr(v, '.') || v[0] == '.') return false;
	bool alpha = false;
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '.') {
			if (!label) return false;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63) return false;
			alpha |= isalpha(c) != 0;
		} else {
			return false;
		}
	}
	return alpha; /* 1.2.3 is not a name */
}

/* The type from an explicit name (Zeek Intel::ADDR, a CSV type column);
 * -1 unknown, -2 known but not matched here. */
static int type_from_name(const char *t)
{
	if (!strncasecmp(t, "Intel::", 7)) t += 7;
	static const struct {
		const char *name;
		int type;
	} names[] = {
		{ "addr", INTEL_ADDR },
		{ "ip", INTEL_ADDR },
		{ "ipv4", INTEL_ADDR },
		{ "ipv6", INTEL_ADDR },
		{ "ip-dst", INTEL_ADDR },
		{ "ip-src", INTEL_ADDR },
		{ "address", INTEL_ADDR },
		{ "subnet", INTEL_ADDR },
		{ "cidr", INTEL_ADDR },
		{ "network", INTEL_ADDR },
		{ "domain", INTEL_DOMAIN },
		{ "hostname", INTEL_DOMAIN },
		{ "fqdn", INTEL_DOMAIN },
		{ "host", INTEL_DOMAIN },
		{ "ja3", INTEL_JA3 },
		{ "ja3_hash", INTEL_JA3 },
		{ "ja4", INTEL_JA4 },
		{ "cert_hash", INTEL_CERT },
		{ "x509-fingerprint-sha1", INTEL_CERT },
		{ "x509-fingerprint-sha256", INTEL_CERT },
		{ "cert", INTEL_CERT },
		{ "cert_sha1", INTEL_CERT },
		{ "cert_sha256", INTEL_CERT },
		{ "sha1_cert", INTEL_CERT },
		{ "url", -2 },
		{ "email", -2 },
		{ "file_hash", -2 },
		{ "file_name", -2 },
		{ "user_name", -2 },
		{ "software", -2 },
		{ "pubkey_hash", -2 },
		{ "md5", -2 },
		{ "sha1", -2 },
		{ "sha256", -2 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(t, names[i].name)) return names[i].type;
	return -1;
}

/* The type a bare indicator looks like; -1 when none. */
static int type_guess(const char *v)
{
	struct cidr c;
	struct dm_err e;
	if (strpbrk(v, ":/") || isdigit((unsigned char)v[0]))
		if (cidr_parse(v, &c, &e) == 0) return INTEL_ADDR;
	if (all_hex(v, 32)) return INTEL_JA3; /* an MD5 in a list meant for traffic */
	if (all_hex(v, 40) || all_hex(v, 64)) return INTEL_CERT;
	if (is_ja4(v)) return INTEL_JA4;
	if (is_domain(v)) return INTEL_DOMAIN;
	return -1;
}

struct loading {
	struct intel_set *s;
	const char *file;
	unsigned line, warned;
	enum format fmt;
	char sep;
	int col_value, col_type, col_note, ncols; /* CSV and Zeek columns */
	size_t added;
};

static void bad(struct loading *l, const char *why, const char *what)
{
	l->s->bad++;
	if (l->warned++ < MAX_WARN)
		log_warn("%s:%u: %s \"%.60s\": line skipped", l->file, l->line, why, what ? what : "");
}

static char *trim(char *p)
{
	while (isspace((unsigned char)*p)) p++;
	size_t n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1])) p[--n] = 0;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') { /* a quoted CSV field, without inner quotes */
		p[n - 1] = 0;
		p++;
	}
	return p;
}

static void add(struct loading *l, int type, const char *raw, const char *note)
{
	char v[256];
	if (strlen(raw) >= sizeof(v)) return bad(l, "indicator too long", raw);
	size_t n = 0;
	for (; raw[n]; n++) v[n] = (char)tolower((unsigned char)raw[n]);
	v[n] = 0;
	while (n && v[n - 1] == '.') v[--n] = 0; /* a fully-qualified name's root */
	if (type == -2) {
		l->s->unsupported++;
		return;
	}
	if (type < 0) return bad(l, "not an address, prefix, domain name, JA3, JA4 or certificate hash", raw);
	struct intel_item it = { .type = (enum intel_type)type,
				 .source = l->s->files[l->s->n_files - 1],
				 .line = l->line };
	struct dm_err e;
	if (type == INTEL_ADDR && cidr_parse(v, &it.net, &e) < 0)
		return bad(l, "not an address or prefix", raw);
	if (type == INTEL_DOMAIN && !is_domain(v)) return bad(l, "not a domain name", raw);
	if (type == INTEL_JA3 && !all_hex(v, 32)) return bad(l, "a JA3 hash is 32 hex digits", raw);
	if (type == INTEL_JA4 && !is_ja4(v)) return bad(l, "not a JA4 fingerprint", raw);
	if (type == INTEL_CERT) {
		char *w = v; /* AB:CD:... as some tools write fingerprints */
		for (char *p = v; *p; p++)
			if (*p != ':') *w++ = *p;
		*w = 0;
		if (!all_hex(v, 40) && !all_hex(v, 64))
			return bad(l, "a certificate hash is 40 (SHA-1) or 64 (SHA-256) hex digits", raw);
	}
	it.value = xstrdup(v);
	it.note = note && *note ? xstrdup(note) : NULL;
	if (l->s->n == l->s->cap) {
		l->s->cap = l->s->cap ? 2 * l->s->cap : 256;
		l->s->v = xrealloc(l->s->v, l->s->cap * sizeof(*l->s->v));
	}
	l->s->v[l->s->n++] = it;
	l->s->sorted = false;
	l->added++;
}

static int split(char *line, char sep, char **cols)
{
	int n = 0;
	for (char *p = line; n < MAX_COLS;) {
		cols[n++] = p;
		char *t = strchr(p, sep);
		if (!t) break;
		*t = 0;
		p = t + 1;
	}
	return n;
}

static void zeek_fields(struct loading *l, char *val)
{
	char *cols[MAX_COLS];
	int n = split(val, '\t', cols);
	l->fmt = F_ZEEK;
	l->col_value = l->col_type = l->col_note = -1;
	for (int i = 0; i < n; i++) {
		if (!strcmp(cols[i], "indicator")) l->col_value = i;
		if (!strcmp(cols[i], "indicator_type")) l->col_type = i;
		if (!strcmp(cols[i], "meta.desc")) l->col_note = i;
		if (!strcmp(cols[i], "meta.source") && l->col_note < 0) l->col_note = i;
	}
	if (l->col_value < 0 || l->col_type < 0)
		bad(l, "a Zeek intel #fields line without indicator and indicator_type", "");
}

/* A CSV header: a type column and an indicator column. */
static bool csv_header(struct loading *l, char *line)
{
	char copy[1024], *cols[MAX_COLS];
	snprintf(copy, sizeof(copy), "%s", line);
	int n = split(copy, ',', cols);
	int value = -1, type = -1, note = -1;
	for (int i = 0; i < n; i++) {
		const char *c = trim(cols[i]);
		if (!strcasecmp(c, "type") || !strcasecmp(c, "indicator_type") || !strcasecmp(c, "ioc_type"))
			type = i;
		else if (!strcasecmp(c, "indicator") || !strcasecmp(c, "value") || !strcasecmp(c, "ioc") ||
			 !strcasecmp(c, "observable"))
			value = i;
		else if (!strcasecmp(c, "description") || !strcasecmp(c, "comment") ||
			 !strcasecmp(c, "desc") || !strcasecmp(c, "note"))
			note = i;
	}
	if (type < 0 || value < 0) return false;
	l->fmt = F_CSV;
	l->col_value = value;
	l->col_type = type;
	l->col_note = note;
	l->ncols = n;
	return true;
}

static void one_line(struct loading *l, char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n')) line[--n] = 0;
	if (l->fmt == F_UNKNOWN || l->fmt == F_ZEEK) {
		if (!strncmp(line, "#fields\t", 8)) return zeek_fields(l, line + 8);
	}
	char *t = trim(line);
	if (!*t || *t == '#' || (l->fmt != F_ZEEK && *t == ';')) return;
	if (l->fmt == F_UNKNOWN && strchr(t, ',') && csv_header(l, t)) return;
	if (l->fmt == F_UNKNOWN) l->fmt = F_LINES;
	if (l->fmt == F_LINES) {
		char whole[256];
		snprintf(whole, sizeof(whole), "%s", t);
		char *note = t + strcspn(t, " \t,");
		if (*note) *note++ = 0;
		note = trim(note);
		if (*note == '#') note = trim(note + 1);
		int type = type_guess(t);
		if (type < 0)
			return bad(l, "not an address, prefix, domain name, JA3, JA4 or certificate hash",
				   whole);
		return add(l, type, t, note);
	}
	char *cols[MAX_COLS];
	int nc = split(line, l->fmt == F_ZEEK ? '\t' : ',', cols);
	if (l->col_value < 0 || l->col_type < 0) return bad(l, "no indicator columns", line);
	if (nc <= l->col_value || nc <= l->col_type) return bad(l, "missing columns", line);
	const char *value = trim(cols[l->col_value]), *type = trim(cols[l->col_type]);
	const char *note = l->col_note >= 0 && l->col_note < nc ? trim(cols[l->col_note]) : NULL;
	if (note && !strcmp(note, "-")) note = NULL;
	int ty = type_from_name(type);
	if (ty == -1) return bad(l, "unknown indicator type", type);
	add(l, ty, value, note);
}

int intel_load_mem(struct intel_set *s, const char *name, const char *text, size_t len, struct dm_err *e)
{
	s->files = xrealloc(s->files, (s->n_files + 1) * sizeof(*s->files));
	s->files[s->n_files++] = xstrdup(name);
	struct loading l = {
		.s = s, .file = s->files[s->n_files - 1], .col_value = -1, .col_type = -1, .col_note = -1
	};
	uint64_t bad_before = s->bad;
	char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = 0;
	for (char *p = copy; p < copy + len;) {
		char *nl = memchr(p, '\n', (size_t)(copy + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(copy + len - p);
		p[n] = 0;
		l.line++;
		if (strlen(p) != n)
			bad(&l, "a NUL byte in the line", "");
		else
			one_line(&l, p);
		p += n + 1;
	}
	free(copy);
	if (!l.added && s->bad > bad_before)
		return dm_fail(e, DM_EINPUT, "%s: no indicator could be read (%llu bad lines)", name,
			       (unsigned long long)(s->bad - bad_before));
	if (l.warned > MAX_WARN) log_warn("%s: %u more bad lines skipped", name, l.warned - MAX_WARN);
	log_debug("%s: %zu indicators", name, l.added);
	return 0;
}

int intel_load_file(struct intel_set *s, const char *path, struct dm_err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) return dm_fail(e, DM_EINPUT, "intel file %s: %s", path, strerror(errno));
	char *data = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 65536 > cap) {
			cap = cap ? 2 * cap : 1 << 20;
			data = xrealloc(data, cap);
		}
		size_t r = fread(data + len, 1, cap - len, f);
		len += r;
		if (r == 0) break;
		if (len > MAX_FILE) {
			fclose(f);
			free(data);
			return dm_fail(e, DM_EINPUT, "intel file %s: larger than %d MB", path,
				       MAX_FILE >> 20);
		}
	}
	bool failed = ferror(f) != 0;
	fclose(f);
	if (failed) {
		free(data);
		return dm_fail(e, DM_EINPUT, "intel file %s: read error", path);
	}
	int r = intel_load_mem(s, path, data ? data : "", len, e);
	free(data);
	return r;
}

int intel_load_list(struct intel_set *s, const char *files, const char *base_dir, struct dm_err *e)
{
	char *copy = xstrdup(files), *save = NULL;
	int r = 0;
	for (char *t = strtok_r(copy, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save)) {
		t = trim(t);
		if (!*t) continue;
		char path[1024];
		if (t[0] != '/' && base_dir && *base_dir)
			snprintf(path, sizeof(path), "%s/%s", base_dir, t);
		else
			snprintf(path, sizeof(path), "%s", t);
		r = intel_load_file(s, path, e);
	}
	free(copy);
	return r;
}

static const struct intel_set *cmp_set; /* qsort has no context argument */

static int cmp_keyed(const void *a, const void *b)
{
	const struct intel_item *x = &cmp_set->v[*(const uint32_t *)a],
				*y = &cmp_set->v[*(const uint32_t *)b];
	if (x->type != y->type) return x->type < y->type ? -1 : 1;
	int c = strcmp(x->value, y->value);
	if (c) return c;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1; /* the first listed wins */
}

static int cmp_host(const void *a, const void *b)
{
	const struct intel_item *x = &cmp_set->v[*(const uint32_t *)a],
				*y = &cmp_set->v[*(const uint32_t *)b];
	int c = ipaddr_cmp(&x->net.net, &y->net.net);
	if (c) return c;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static void build(struct intel_set *s)
{
	if (s->sorted) return;
	free(s->keyed);
	free(s->hosts);
	free(s->nets);
	s->keyed = xcalloc(s->n + 1, sizeof(*s->keyed));
	s->hosts = xcalloc(s->n + 1, sizeof(*s->hosts));
	s->nets = xcalloc(s->n + 1, sizeof(*s->nets));
	s->n_keyed = s->n_hosts = s->n_nets = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct intel_item *it = &s->v[i];
		if (it->type != INTEL_ADDR)
			s->keyed[s->n_keyed++] = (uint32_t)i;
		else if (it->net.bits == (it->net.net.family == AF_INET ? 32 : 128))
			s->hosts[s->n_hosts++] = (uint32_t)i;
		else
			s->nets[s->n_nets++] = (uint32_t)i;
	}
	cmp_set = s;
	if (s->n_keyed) qsort(s->keyed, s->n_keyed, sizeof(*s->keyed), cmp_keyed);
	if (s->n_hosts) qsort(s->hosts, s->n_hosts, sizeof(*s->hosts), cmp_host);
	s->sorted = true;
}

const struct intel_item *intel_match_addr(struct intel_set *s, const struct ipaddr *a)
{
	build(s);
	size_t lo = 0, hi = s->n_hosts;
	while (lo < hi) { /* the first entry not below a */
		size_t mid = (lo + hi) / 2;
		if (ipaddr_cmp(&s->v[s->hosts[mid]].net.net, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n_hosts && !ipaddr_cmp(&s->v[s->hosts[lo]].net.net, a)) return &s->v[s->hosts[lo]];
	for (size_t i = 0; i < s->n_nets; i++)
		if (cidr_contains(&s->v[s->nets[i]].net, a)) return &s->v[s->nets[i]];
	return NULL;
}

static const struct intel_item *find_keyed(struct intel_set *s, enum intel_type t, const char *v)
{
	build(s);
	size_t lo = 0, hi = s->n_keyed;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct intel_item *it = &s->v[s->keyed[mid]];
		int c = it->type != t ? (it->type < t ? -1 : 1) : strcmp(it->value, v);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n_keyed) {
		const struct intel_item *it = &s->v[s->keyed[lo]];
		if (it->type == t && !strcmp(it->value, v)) return it;
	}
	return NULL;
}

const struct intel_item *intel_match_domain(struct intel_set *s, const char *name)
{
	char v[256];
	size_t n = 0;
	if (!name) return NULL;
	for (; name[n] && n + 1 < sizeof(v); n++) v[n] = (char)tolower((unsigned char)name[n]);
	v[n] = 0;
	while (n && v[n - 1] == '.') v[--n] = 0;
	for (const char *p = v; p && *p;) { /* the name, then each parent down to the last two labels */
		const struct intel_item *it = find_keyed(s, INTEL_DOMAIN, p);
		if (it) return it;
		p = strchr(p, '.');
		if (p) p++;
		if (p && !strchr(p, '.')) break; /* a top-level domain alone is never an indicator */
	}
	return NULL;
}

const struct intel_item *intel_match_hash(struct intel_set *s, enum intel_type t, const char *hash)
{
	char v[80];
	size_t n = 0;
	if (!hash || strlen(hash) >= sizeof(v)) return NULL;
	for (; hash[n]; n++) v[n] = (char)tolower((unsigned char)hash[n]);
	v[n] = 0;
	return find_keyed(s, t, v);
}
