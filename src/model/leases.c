/* DHCP lease files (leases.h): dnsmasq and ISC dhcpd, told apart by content. */
#include "model/leases.h"
#include "base/buf.h"
#include "base/util.h"
#include "net/route.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *lease_format_name(enum lease_format f)
{
	return f == LEASE_DNSMASQ ? "dnsmasq" : f == LEASE_ISC ? "isc-dhcpd" : "?";
}

static struct lease *push(struct leases *ls)
{
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 64;
		ls->v = xrealloc(ls->v, ls->cap * sizeof(*ls->v));
	}
	struct lease *l = &ls->v[ls->n++];
	*l = (struct lease){ 0 };
	return l;
}

static void set_mac(struct lease *l, const char *s)
{
	uint8_t m[6];
	if (mac_parse(s, m) == 0)
		snprintf(l->mac, sizeof(l->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
}

/* --- dnsmasq: "expiry mac ip hostname client-id", IPv6 after a "duid" line
 * with the IAID where the MAC would be. */

static int parse_dnsmasq(struct leases *ls, const char *name, const char *data, size_t len, const char *file,
			 struct dm_err *e)
{
	unsigned line = 0;
	for (size_t pos = 0; pos < len;) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		line++;
		char buf[1024], *f[6], *save = NULL;
		if (n >= sizeof(buf))
			return dm_fail(e, DM_EINPUT,
				       "%s: line %u: longer than %zu bytes: not a dnsmasq lease", name, line,
				       sizeof(buf) - 1);
		memcpy(buf, s, n);
		buf[n] = 0;
		if (memchr(buf, 0, n))
			return dm_fail(e, DM_EINPUT, "%s: line %u: a NUL byte: not a lease file", name, line);
		int k = 0;
		for (char *t = strtok_r(buf, " \t\r", &save); t && k < 6; t = strtok_r(NULL, " \t\r", &save))
			f[k++] = t;
		if (k == 0 || f[0][0] == '#' || !strcmp(f[0], "duid")) continue;
		if (k < 4)
			return dm_fail(
			    e, DM_EINPUT,
			    "%s: line %u: expected \"expiry mac ip hostname client-id\", found %d fields",
			    name, line, k);
		char *end;
		errno = 0;
		unsigned long long exp = strtoull(f[0], &end, 10);
		if (*end || !isdigit((unsigned char)f[0][0]) || errno)
			return dm_fail(e, DM_EINPUT,
				       "%s: line %u: expiry \"%.32s\": expected seconds since 1970", name,
				       line, f[0]);
		struct lease l = { .format = LEASE_DNSMASQ, .file = file, .line = line };
		if (ipaddr_parse(f[2], &l.ip) < 0)
			return dm_fail(e, DM_EINPUT,
				       "%s: line %u: address \"%.64s\": not an IPv4 or IPv6 address", name,
				       line, f[2]);
		l.ends = (double)exp;
		l.infinite = exp == 0;
		set_mac(&l, f[1]); /* an IAID or another hardware type leaves it empty */
		if (strcmp(f[3], "*")) snprintf(l.hostname, sizeof(l.hostname), "%.63s", f[3]);
		*push(ls) = l;
	}
	return 0;
}

/* --- ISC dhcpd: statements in braces, quoted strings, # comments. */

enum { T_EOF, T_WORD, T_STRING, T_OPEN, T_CLOSE, T_SEMI };

struct lexer {
	const char *p, *end, *name;
	unsigned line;
	char tok[256];
	int type;
	struct dm_err *e;
};

static int lex(struct lexer *x)
{
	for (;;) {
		while (x->p < x->end && isspace((unsigned char)*x->p)) x->line += *x->p++ == '\n';
		if (x->p < x->end && *x->p == '#') {
			while (x->p < x->end && *x->p != '\n') x->p++;
			continue;
		}
		break;
	}
	size_t n = 0;
	x->tok[0] = 0;
	if (x->p >= x->end) return x->type = T_EOF;
	char c = *x->p;
	if (c == '{' || c == '}' || c == ';') {
		x->p++;
		return x->type = c == '{' ? T_OPEN : c == '}' ? T_CLOSE : T_SEMI;
	}
	if (c == '"') {
		unsigned start = x->line;
		for (x->p++; x->p < x->end && *x->p != '"'; x->p++) {
			if (*x->p == '\\' && x->p + 1 < x->end) x->p++;
			x->line += *x->p == '\n';
			if (n + 1 < sizeof(x->tok)) x->tok[n++] = *x->p;
		}
		if (x->p >= x->end)
			return dm_fail(x->e, DM_EINPUT, "%s: line %u: a quoted string is never closed",
				       x->name, start);
		x->p++;
		x->tok[n] = 0;
		return x->type = T_STRING;
	}
	if (!c)
		return dm_fail(x->e, DM_EINPUT, "%s: line %u: a NUL byte: not a lease file", x->name,
			       x->line);
	while (x->p < x->end && !isspace((unsigned char)*x->p) && !strchr("{};\"#", *x->p) && *x->p) {
		if (n + 1 < sizeof(x->tok)) x->tok[n++] = *x->p;
		x->p++;
	}
	x->tok[n] = 0;
	return x->type = T_WORD;
}

/* The rest of a statement whose first token was read: up to ';', or over
 * a block and its closing brace. */
static int skip_statement(struct lexer *x)
{
	unsigned depth = 0, opened = x->line;
	for (;;) {
		int t = lex(x);
		if (t < 0) return t;
		if (t == T_EOF) {
			if (depth)
				return dm_fail(x->e, DM_EINPUT,
					       "%s: line %u: the block opened on line %u is never closed "
					       "(truncated?)",
					       x->name, x->line, opened);
			return 0;
		}
		if (t == T_SEMI && !depth) return 0;
		if (t == T_OPEN && !depth++) opened = x->line;
		if (t == T_CLOSE) {
			if (!depth)
				return dm_fail(x->e, DM_EINPUT, "%s: line %u: \"}\" without \"{\"", x->name,
					       x->line);
			if (!--depth) return 0;
		}
	}
}

/* "W YYYY/MM/DD HH:MM:SS" (UTC), "epoch N", or "never" (*t = 0). */
static int isc_time(char f[][256], int k, double *t)
{
	if (k == 2 && !strcmp(f[1], "never")) {
		*t = 0;
		return 0;
	}
	char *end;
	if (k >= 3 && !strcmp(f[1], "epoch")) {
		unsigned long long v = strtoull(f[2], &end, 10);
		if (*end || !isdigit((unsigned char)f[2][0])) return -1;
		*t = (double)v;
		return 0;
	}
	struct tm tm = { 0 };
	int y, mo, d, h, mi, s, n1 = 0, n2 = 0;
	if (k != 4 || sscanf(f[2], "%4d/%2d/%2d%n", &y, &mo, &d, &n1) != 3 || f[2][n1] ||
	    sscanf(f[3], "%2d:%2d:%2d%n", &h, &mi, &s, &n2) != 3 || f[3][n2] || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970)
		return -1;
	tm = (struct tm){
		.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s
	};
	*t = (double)timegm(&tm);
	return 0;
}

static int isc_lease(struct lexer *x, struct lease *l, bool *drop)
{
	unsigned opened = x->line;
	for (;;) {
		char f[6][256];
		int k = 0, t;
		unsigned at = 0;
		while ((t = lex(x)) == T_WORD || t == T_STRING) {
			if (!at) at = x->line; /* where the statement starts */
			if (k < 6) snprintf(f[k++], sizeof(f[0]), "%s", x->tok);
		}
		if (t < 0) return t;
		if (t == T_EOF)
			return dm_fail(
			    x->e, DM_EINPUT,
			    "%s: line %u: the lease opened on line %u is never closed (truncated?)", x->name,
			    x->line, opened);
		if (t == T_CLOSE && !k) return 0;
		if (t == T_OPEN) { /* a nested block (on commit { ... }): not about presence */
			x->p--;
			if ((t = skip_statement(x)) < 0) return t;
			continue;
		}
		if (t != T_SEMI)
			return dm_fail(x->e, DM_EINPUT, "%s: line %u: expected \";\" after \"%.40s\"",
				       x->name, x->line, k ? f[0] : "");
		if (!k) continue;
		double *slot = !strcmp(f[0], "starts") ? &l->starts
			       : !strcmp(f[0], "ends") ? &l->ends
			       : !strcmp(f[0], "cltt") ? &l->last_seen
						       : NULL;
		if (slot) {
			if (isc_time(f, k, slot) < 0)
				return dm_fail(
				    x->e, DM_EINPUT,
				    "%s: line %u: %s: expected \"W YYYY/MM/DD HH:MM:SS\", \"epoch N\" or "
				    "\"never\"",
				    x->name, at, f[0]);
			if (slot == &l->ends && !*slot) l->infinite = true;
		} else if (!strcmp(f[0], "hardware") && k == 3 && !strcmp(f[1], "ethernet")) {
			set_mac(l, f[2]);
			if (!l->mac[0])
				return dm_fail(
				    x->e, DM_EINPUT,
				    "%s: line %u: hardware ethernet \"%.40s\": expected six bytes in hex",
				    x->name, at, f[2]);
		} else if (!strcmp(f[0], "client-hostname") && k == 2) {
			snprintf(l->hostname, sizeof(l->hostname), "%.63s", f[1]);
		} else if (!strcmp(f[0], "binding") && k == 3 && !strcmp(f[1], "state")) {
			*drop = !strcmp(f[2], "abandoned"); /* an address conflict, not a client */
		}
	}
}

static int parse_isc(struct leases *ls, const char *name, const char *data, size_t len, const char *file,
		     struct dm_err *e)
{
	struct lexer x = { .p = data, .end = data + len, .name = name, .line = 1, .e = e };
	for (;;) {
		int t = lex(&x);
		if (t < 0) return t;
		if (t == T_EOF) return 0;
		if (t == T_SEMI) continue;
		if (t == T_CLOSE)
			return dm_fail(e, DM_EINPUT, "%s: line %u: \"}\" without \"{\"", name, x.line);
		if (t != T_WORD || strcmp(x.tok, "lease")) {
			if (t == T_OPEN) x.p--;
			if ((t = skip_statement(&x)) < 0) return t;
			continue;
		}
		struct lease l = { .format = LEASE_ISC, .file = file, .line = x.line };
		if ((t = lex(&x)) < 0) return t;
		if (t != T_WORD || ipaddr_parse(x.tok, &l.ip) < 0)
			return dm_fail(e, DM_EINPUT, "%s: line %u: lease \"%.64s\": expected an address",
				       name, x.line, x.tok);
		if ((t = lex(&x)) < 0) return t;
		if (t != T_OPEN)
			return dm_fail(e, DM_EINPUT, "%s: line %u: expected \"{\" after the lease address",
				       name, x.line);
		bool drop = false;
		if ((t = isc_lease(&x, &l, &drop)) < 0) return t;
		if (!l.last_seen) l.last_seen = l.starts;
		if (!drop) *push(ls) = l;
	}
}

/* dnsmasq's lines start with a number (or "duid"); anything else is ISC. */
static enum lease_format sniff(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && isspace((unsigned char)data[i])) i++;
		if (i < len && data[i] == '#') {
			while (i < len && data[i] != '\n') i++;
			continue;
		}
		break;
	}
	if (i < len && (isdigit((unsigned char)data[i]) || (len - i > 5 && !memcmp(data + i, "duid ", 5))))
		return LEASE_DNSMASQ;
	return LEASE_ISC;
}

static int cmp_lease(const void *pa, const void *pb)
{
	const struct lease *a = pa, *b = pb;
	int c = ipaddr_cmp(&a->ip, &b->ip);
	if (c) return c;
	double ea = a->infinite ? -1 : a->ends, eb = b->infinite ? -1 : b->ends;
	if (ea != eb) return ea < eb ? -1 : 1;
	if (a->file != b->file) return a->file < b->file ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

int leases_parse(struct leases *ls, const char *name, const char *data, size_t len, struct dm_err *e)
{
	size_t before = ls->n;
	ls->files = xrealloc(ls->files, (ls->n_files + 1) * sizeof(*ls->files));
	const char *file = ls->files[ls->n_files++] = xstrdup(name);
	int r = sniff(data, len) == LEASE_DNSMASQ ? parse_dnsmasq(ls, name, data, len, file, e)
						  : parse_isc(ls, name, data, len, file, e);
	if (r == 0 && ls->n == before)
		/* given as evidence, a file that holds none would silently judge nothing */
		r = dm_fail(e, DM_EINPUT, "%s: no DHCP lease in it (expected dnsmasq or ISC dhcpd leases)",
			    name);
	if (r < 0) {
		ls->n = before; /* nothing of a bad file */
		return r;
	}
	if (ls->n) qsort(ls->v, ls->n, sizeof(*ls->v), cmp_lease);
	return 0;
}

int leases_load_file(struct leases *ls, const char *path, struct dm_err *e)
{
	struct buf b = BUF_INIT;
	int r = buf_read_file(&b, path, 1u << 30, "a lease file", e);
	if (!r) r = leases_parse(ls, path, b.data ? b.data : "", b.len, e);
	buf_release(&b);
	return r;
}

const struct lease *leases_find(const struct leases *ls, const struct ipaddr *ip, double from, double to,
				bool any)
{
	if (!ls || !ls->n) return NULL;
	size_t lo = 0, hi = ls->n;
	while (lo < hi) { /* the first lease of ip */
		size_t mid = lo + (hi - lo) / 2;
		if (ipaddr_cmp(&ls->v[mid].ip, ip) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct lease *best = NULL;
	for (size_t i = lo; i < ls->n && !ipaddr_cmp(&ls->v[i].ip, ip); i++) {
		const struct lease *l = &ls->v[i];
		bool held = l->infinite ? any : l->ends >= from && (!l->starts || l->starts <= to);
		if (held) best = l;
	}
	return best;
}

void leases_release(struct leases *ls)
{
	for (size_t i = 0; i < ls->n_files; i++) free(ls->files[i]);
	free(ls->files);
	free(ls->v);
	*ls = (struct leases){ 0 };
}
