/* Credential tables and inline credentials from rows of cells. */
#include "creds/secret-rows.h"
#include "base/redact.h"
#include "base/util.h"
#include <ctype.h>
#include <openssl/evp.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define MAX_CELLS 64
#define HOSTS_COUNTED 4096 /* distinct hosts counted exactly up to this */

/* ---- the accumulator ---- */

void secret_acc_init(struct secret_acc *a, const char *path, const char *kind, const char *what)
{
	memset(a, 0, sizeof(*a));
	a->path = xstrdup(path);
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	snprintf(a->what, sizeof(a->what), "%s", what);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c) abort();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, path, strlen(path) + 1);
	EVP_DigestUpdate(c, kind, strlen(kind) + 1);
	a->digest = c;
}

/* Keeps a printable copy of at most 96 bytes of an untrusted name. */
static char *clean_copy(const char *s)
{
	char out[97];
	size_t n = 0;
	for (; *s && n < sizeof(out) - 1; s++) out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	out[n] = 0;
	return xstrdup(out);
}

static void list_add(char **v, size_t *n, char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i], s)) {
			free(s);
			return;
		}
	if (*n < SECRET_MAX_LISTED)
		v[(*n)++] = s;
	else
		free(s);
}

static void count_host(struct secret_acc *a, const char *host)
{
	for (size_t i = 0; i < a->it.hosts_total; i++)
		if (!strcmp(a->host_seen[i], host)) return;
	if (a->it.hosts_total >= HOSTS_COUNTED) return;
	if (a->it.hosts_total == a->host_seen_cap) {
		a->host_seen_cap = a->host_seen_cap ? a->host_seen_cap * 2 : 16;
		a->host_seen = xrealloc(a->host_seen, a->host_seen_cap * sizeof(*a->host_seen));
	}
	a->host_seen[a->it.hosts_total++] = xstrdup(host);
}

void secret_acc_add(struct secret_acc *a, const char *host, const char *user, const char *value, size_t vlen,
		    size_t line)
{
	char h[REDACT_HASH_LEN], r[64];
	a->it.entries++;
	if (!a->it.line) a->it.line = line;
	redact_hash(value, vlen, h);
	EVP_DigestUpdate(a->digest, h, 8);
	if (host && *host) {
		char *c = clean_copy(host);
		count_host(a, c);
		list_add(a->it.hosts, &a->it.n_hosts, c);
	}
	if (user && *user) {
		redact_fmt(user, strlen(user), r, sizeof(r));
		list_add(a->it.users, &a->it.n_users, xstrdup(r));
	}
	redact_fmt(value, vlen, r, sizeof(r));
	list_add(a->it.values, &a->it.n_values, xstrdup(r));
}

void secret_acc_end(struct secret_acc *a, struct secret_items *out, bool obfuscated)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_DigestFinal_ex(a->digest, md, &mdlen);
	EVP_MD_CTX_free(a->digest);
	for (size_t i = 0; i < a->it.hosts_total; i++) free(a->host_seen[i]);
	free(a->host_seen);
	if (!a->it.entries) {
		free(a->path);
		for (size_t k = 0; k < a->it.n_hosts; k++) free(a->it.hosts[k]);
		for (size_t k = 0; k < a->it.n_users; k++) free(a->it.users[k]);
		for (size_t k = 0; k < a->it.n_values; k++) free(a->it.values[k]);
		return;
	}
	struct secret_item *it = secret_items_add(out);
	*it = a->it;
	it->path = a->path;
	memcpy(it->kind, a->kind, sizeof(it->kind));
	memcpy(it->what, a->what, sizeof(it->what));
	it->obfuscated = obfuscated;
	for (unsigned i = 0; i < 8 && i < mdlen; i++) snprintf(it->fingerprint + 2 * i, 3, "%02x", md[i]);
}

/* ---- shapes of values ---- */

static bool is_ipv4(const char *s)
{
	int parts = 0, digits = 0, v = 0;
	for (;; s++) {
		if (isdigit((unsigned char)*s)) {
			v = v * 10 + (*s - '0');
			if (++digits > 3 || v > 255) return false;
		} else if (*s == '.' || *s == 0 || *s == ':' || *s == '/') {
			if (!digits) return false;
			parts++;
			digits = v = 0;
			if (*s != '.') return parts == 4 && (!*s || isdigit((unsigned char)s[1]));
		} else
			return false;
	}
}

bool secret_looks_host(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 255) return false;
	if (is_ipv4(s)) return true;
	if (strstr(s, "://")) return true;
	if (s[0] == '\\' && s[1] == '\\') return true;
	size_t colons = 0, dots = 0;
	bool hex = true, name = true;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		colons += c == ':';
		dots += c == '.';
		if (!isxdigit(c) && c != ':' && c != '[' && c != ']') hex = false;
		if (!isalnum(c) && c != '.' && c != '-' && c != ':' && c != '_') name = false;
	}
	if (colons >= 2 && hex) return true;
	if (!name || !dots || s[0] == '.' || s[n - 1] == '.') return false;
	/* a DNS name: the last label (before any :port) is letters */
	const char *end = strchr(s, ':');
	if (!end) end = s + n;
	const char *lab = end;
	while (lab > s && lab[-1] != '.') lab--;
	if (end - lab < 2) return false;
	for (const char *p = lab; p < end; p++)
		if (!isalpha((unsigned char)*p)) return false;
	return true;
}

static bool looks_user(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;
	if (!n || n > 64) return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalpha(c))
			letter = true;
		else if (!isdigit(c) && !strchr("._@\\$-", c))
			return false;
	}
	return letter && !secret_looks_host(s);
}

bool secret_placeholder(const char *s, size_t n)
{
	static const char *const words[] = { "password", "passwd",       "pass",          "pwd",
					     "secret",   "yourpassword", "your_password", "mypassword",
					     "none",     "null",         "n/a",           "na",
					     "true",     "false",        "yes",           "no",
					     "required", "optional",     "string",        "text" };
	if (n < 3) return true;
	if (strchr("$<{%[(*", s[0])) return true;
	size_t same = 0;
	for (size_t i = 0; i < n; i++) same += s[i] == s[0];
	if (same == n && strchr("*xX.-_#?", s[0])) return true;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == n && !strncasecmp(s, words[i], n)) return true;
	return false;
}

/* Passwords that are secrets on sight, whatever their shape: the weak
 * ones people use, and the defaults of the credential database. */
#define COMMON_SLOTS 4096
static char *common[COMMON_SLOTS];
static size_t common_n;
static bool common_seeded;

static size_t common_slot(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (COMMON_SLOTS - 1);
}

static void common_put(const char *pw)
{
	if (strlen(pw) < 4 || common_n >= COMMON_SLOTS / 2) return;
	size_t i = common_slot(pw);
	while (common[i]) {
		if (!strcmp(common[i], pw)) return;
		i = (i + 1) & (COMMON_SLOTS - 1);
	}
	common[i] = xstrdup(pw);
	common_n++;
}

/* The built-in weak list goes in first, whoever adds first: it once went in
 * only while the table was empty, and the credential database filled it. */
static void common_seed(void)
{
	static const char *const seed[] = { "123456",       "12345678", "123456789", "1234",      "12345",
					    "qwerty",       "admin",    "admin123",  "root",      "toor",
					    "letmein",      "welcome",  "changeme",  "P@ssw0rd",  "Passw0rd",
					    "abc123",       "111111",   "password1", "Password1", "iloveyou",
					    "default",      "guest",    "test",      "test123",   "master",
					    "administrator" };
	if (common_seeded) return;
	common_seeded = true;
	for (size_t i = 0; i < ARRAY_SIZE(seed); i++) common_put(seed[i]);
}

void secret_common_add(const char *pw)
{
	common_seed();
	common_put(pw);
}

static bool is_common(const char *s)
{
	common_seed();
	for (size_t i = common_slot(s); common[i]; i = (i + 1) & (COMMON_SLOTS - 1))
		if (!strcmp(common[i], s)) return true;
	return false;
}

/* A password in a headerless table: a common one, or one with the mix of
 * classes people are told to use. Dates, numbers, versions and words
 * without digits are not. */
static bool looks_secret(const char *s)
{
	size_t n = strlen(s);
	int lower = 0, upper = 0, digit = 0, sym = 0;
	if (n < 4 || n > 128 || secret_looks_host(s) || secret_placeholder(s, n)) return false;
	if (is_common(s)) return true;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isspace(c) || c < 0x20) return false;
		if (islower(c))
			lower = 1;
		else if (isupper(c))
			upper = 1;
		else if (isdigit(c))
			digit = 1;
		else
			sym = 1;
	}
	if (!lower && !upper) return false;
	int classes = lower + upper + digit + sym;
	return classes >= 3 || (classes == 2 && n >= 10 && digit);
}

/* ---- header rows ---- */

static void norm(const char *s, char *out, size_t len)
{
	size_t n = 0;
	for (; *s && n < len - 1; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '"' || c == '\'' || c == ':' ||
		    c == '*')
			continue;
		out[n++] = (char)tolower(c);
	}
	out[n] = 0;
}

static bool in_set(const char *w, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(w, *set)) return true;
	return false;
}

static const char *const pass_names[] = {
	"password",      "passwd",        "pass",         "pwd",    "passwort", "kennwort",
	"motdepasse",    "contrasena",    "contraseña",   "senha",  "密码",     "口令",
	"loginpassword", "adminpassword", "rootpassword", "secret", "pw",       NULL
};
static const char *const user_names[] = {
	"user",          "username",     "login",       "loginname",   "account", "userid", "usuario",
	"benutzer",      "benutzername", "用户名",      "用户",        "账号",    "账户",   "帐号",
	"loginusername", "adminuser",    "utilisateur", "identifiant", NULL
};
static const char *const host_names[] = { "host",         "hostname", "ip",      "ipaddress", "address",
					  "server",       "url",      "uri",     "website",   "site",
					  "system",       "device",   "target",  "loginuri",  "machine",
					  "origin",       "endpoint", "主机",    "地址",      "ip地址",
					  "服务器",       "设备",     "adresse", "servidor",  "mgmtip",
					  "managementip", "client",   "domain",  NULL };

struct header {
	int host, user, pass;
	const char *kind, *what;
};

static bool parse_header(char **cells, size_t n, struct header *h)
{
	char w[64], all[512] = "";
	*h = (struct header){ -1, -1, -1, "password-table", "password table (header row)" };
	for (size_t i = 0; i < n && i < MAX_CELLS; i++) {
		norm(cells[i], w, sizeof(w));
		if (strlen(all) + strlen(w) + 2 < sizeof(all)) {
			strcat(all, ",");
			strcat(all, w);
		}
		if (h->pass < 0 && in_set(w, pass_names))
			h->pass = (int)i;
		else if (h->user < 0 && in_set(w, user_names))
			h->user = (int)i;
		else if (h->host < 0 && in_set(w, host_names))
			h->host = (int)i;
	}
	if (h->pass < 0 || (h->user < 0 && h->host < 0)) return false;
	strcat(all, ",");
	if (strstr(all, ",loginuri,") && strstr(all, ",loginpassword,"))
		h->kind = "password-manager-export", h->what = "Bitwarden export";
	else if (strstr(all, ",account,") && strstr(all, ",loginname,") && strstr(all, ",website,"))
		h->kind = "password-manager-export", h->what = "KeePass export";
	else if (strstr(all, ",title,") && strstr(all, ",username,") && strstr(all, ",group,"))
		h->kind = "password-manager-export", h->what = "KeePassXC export";
	else if (strstr(all, ",httprealm,") && strstr(all, ",formactionorigin,"))
		h->kind = "browser-export", h->what = "Firefox password export";
	else if (!strncmp(all, ",name,url,username,password,", 28))
		h->kind = "browser-export", h->what = "Chrome password export";
	else if (strstr(all, ",username2,") && strstr(all, ",title,") && strstr(all, ",category,"))
		h->kind = "password-manager-export", h->what = "Dashlane export";
	else if (strstr(all, ",title,") && (strstr(all, ",website,") || strstr(all, ",url,")) &&
		 (strstr(all, ",onetimepassword,") || strstr(all, ",otpauth,") ||
		  strstr(all, ",favoritestatus,")))
		h->kind = "password-manager-export", h->what = "1Password export";
	return true;
}

/* ---- inline credentials in text ---- */

enum { RX_KV, RX_URL, RX_SSHPASS, RX_MYSQL, RX_CURL, RX_USER, RX_N };
static pcre2_code *rx[RX_N];
static pcre2_match_data *md;

static void rx_init(void)
{
	static const char *const src[RX_N] = {
		[RX_KV] =
		    "(?:^|[^a-z])(?:password|passwd|passwort|kennwort|pass|pwd|pw|contrase(?:n|ñ)a|senha|"
		    "mot de "
		    "passe|密码|口令)[\"']?\\s*(?:[:=：]|\\bis\\b)\\s*([\"']?)([^\\s\"',;<>]{3,128})\\1",
		[RX_URL] = "\\b[a-z][a-z0-9+.\\-]{1,15}://([^\\s:/@\"']{1,64}):([^\\s/"
			   "@\"']{1,128})@([A-Za-z0-9.\\-_\\[\\]]+)",
		[RX_SSHPASS] = "\\bsshpass\\s+-p\\s*([\"']?)(\\S+?)\\1\\s+(?:ssh|scp|sftp|rsync)\\b(?:\\s+-["
			       "a-z]+(?:\\s+\\d+)?)*"
			       "\\s+(?:([^\\s@]+)@)?([^\\s:]+)",
		[RX_MYSQL] = "\\b(?:mysql|mysqldump|mysqladmin|mariadb)\\b.*?\\s(?:-p|--password=)([\"']?)([^"
			     "\\s\"']+)\\1",
		[RX_CURL] = "\\bcurl\\b.*?\\s(?:-u|--user)\\s+([\"']?)([^\\s:\"']+):([^\\s\"']+)\\1",
		[RX_USER] = "(?:^|[^a-z])(?:user|username|login|user "
			    "name|用户名|账号|-u\\s*|--user=)[\"']?\\s*[:=：]?\\s*"
			    "[\"']?([A-Za-z0-9._@\\\\$-]{1,64})",
	};
	int err;
	PCRE2_SIZE off;
	for (int i = 0; i < RX_N; i++) {
		rx[i] = pcre2_compile((PCRE2_SPTR)src[i], PCRE2_ZERO_TERMINATED,
				      PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		if (!rx[i]) abort(); /* a pattern of ours: a bug, not input */
		pcre2_jit_compile(rx[i], PCRE2_JIT_COMPLETE);
	}
	md = pcre2_match_data_create(16, NULL);
}

/* Capture k of the last match as a NUL-terminated copy (empty if unset). */
static void cap(const char *s, int k, char *out, size_t len)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	out[0] = 0;
	if (ov[2 * k] == PCRE2_UNSET) return;
	size_t n = ov[2 * k + 1] - ov[2 * k];
	if (n >= len) n = len - 1;
	memcpy(out, s + ov[2 * k], n);
	out[n] = 0;
}

static bool match(int which, const char *s, size_t n, size_t start)
{
	return pcre2_match(rx[which], (PCRE2_SPTR)s, n, start, 0, md, NULL) > 0;
}

/* ---- units ---- */

#define MAX_SIG 4
struct sig {
	int host, user, pass;
	size_t rows;
	struct secret_acc acc;
};

struct secret_unit {
	char *path;
	bool text;
	size_t rows, rows_wide;
	bool header;
	struct header h;
	struct secret_acc hdr;
	bool hdr_open;
	struct sig sig[MAX_SIG];
	size_t nsig;
	struct secret_acc inl, cmdline;
	char last_host[128], last_user[72];
	size_t last_host_line, last_user_line;
};

struct secret_unit *secret_unit_new(const char *path, bool text)
{
	struct secret_unit *u = xcalloc(1, sizeof(*u));
	u->path = xstrdup(path);
	u->text = text;
	if (!rx[0]) rx_init();
	secret_acc_init(&u->inl, path, "inline-credentials", "passwords written in text");
	secret_acc_init(&u->cmdline, path, "command-line-passwords", "passwords on command lines");
	return u;
}

static void headerless(struct secret_unit *u, char **c, size_t n, size_t line)
{
	int host = -1;
	for (size_t i = 0; i < n; i++)
		if (secret_looks_host(c[i])) {
			host = (int)i;
			break;
		}
	if (host < 0) return;
	int user = -1, pass = -1;
	for (size_t j = 0; j + 1 < n; j++) {
		if ((int)j == host || (int)j + 1 == host) continue;
		if (looks_user(c[j]) && looks_secret(c[j + 1])) {
			user = (int)j, pass = (int)j + 1;
			break;
		}
	}
	if (pass < 0 && (size_t)host + 1 < n && looks_secret(c[host + 1]) && n == 2) pass = host + 1;
	if (pass < 0) return;
	struct sig *s = NULL;
	for (size_t i = 0; i < u->nsig; i++)
		if (u->sig[i].host == host && u->sig[i].user == user && u->sig[i].pass == pass)
			s = &u->sig[i];
	if (!s) {
		if (u->nsig == MAX_SIG) return;
		s = &u->sig[u->nsig++];
		s->host = host, s->user = user, s->pass = pass;
		secret_acc_init(&s->acc, u->path, "password-table",
				"password table (columns: address, user, password)");
	}
	s->rows++;
	secret_acc_add(&s->acc, c[host], user >= 0 ? c[user] : NULL, c[pass], strlen(c[pass]), line);
}

void secret_unit_row(struct secret_unit *u, char **c, size_t n, size_t line)
{
	struct header h;
	if (n > MAX_CELLS) n = MAX_CELLS;
	while (n && !*c[n - 1]) n--;
	if (!n) return;
	u->rows++;
	if (n >= 2 && parse_header(c, n, &h)) {
		if (!u->hdr_open) {
			secret_acc_init(&u->hdr, u->path, h.kind, h.what);
			u->hdr_open = true;
		}
		u->header = true;
		u->h = h;
		return;
	}
	if (u->header && (size_t)u->h.pass < n) {
		const char *v = c[u->h.pass];
		size_t vn = strlen(v);
		if (vn && !secret_placeholder(v, vn)) {
			const char *host = u->h.host >= 0 && (size_t)u->h.host < n ? c[u->h.host] : NULL;
			const char *user = u->h.user >= 0 && (size_t)u->h.user < n ? c[u->h.user] : NULL;
			secret_acc_add(&u->hdr, host, user, v, vn, line);
		}
		return;
	}
	if (n >= 2) {
		u->rows_wide++;
		headerless(u, c, n, line);
	}
}

/* Splits a line into cells: the separator is tab, else comma, semicolon or
 * pipe when the line has two of them, else runs of blanks. Quotes around a
 * cell are removed (a quoted comma stays in its cell). */
static size_t split(char *s, char **cells)
{
	char sep = 0;
	size_t commas = 0, semis = 0, pipes = 0;
	for (char *p = s; *p; p++) {
		if (*p == '\t') {
			sep = '\t';
			break;
		}
		commas += *p == ',', semis += *p == ';', pipes += *p == '|';
	}
	if (!sep) sep = commas >= 2 ? ',' : semis >= 2 ? ';' : pipes >= 2 ? '|' : ' ';
	size_t n = 0;
	char *p = s;
	while (*p && n < MAX_CELLS) {
		if (sep == ' ')
			while (*p == ' ') p++;
		if (!*p) break;
		char *start = p, *w = p;
		bool q = *p == '"';
		if (q) p++;
		for (; *p; p++) {
			if (q && *p == '"') {
				if (p[1] == '"') {
					*w++ = '"';
					p++;
					continue;
				}
				q = false;
				continue;
			}
			if (!q && (*p == sep || (sep == ' ' && *p == '\t'))) break;
			*w++ = *p;
		}
		bool more = *p != 0;
		*w = 0;
		/* trim blanks around a cell */
		while (*start == ' ' || *start == '"') start++;
		for (char *e = w; e > start && (e[-1] == ' ' || e[-1] == '\r'); e--) e[-1] = 0;
		cells[n++] = start;
		if (!more) break;
		p++;
	}
	return n;
}

static void remember_context(struct secret_unit *u, const char *s, size_t n, size_t line)
{
	char tok[128];
	size_t i = 0;
	while (i < n) {
		while (i < n && strchr(" \t,;|=:()[]\"'<>", s[i])) i++;
		size_t k = 0;
		while (i < n && !strchr(" \t,;|=()[]\"'<>", s[i]) && k < sizeof(tok) - 1) tok[k++] = s[i++];
		while (i < n && !strchr(" \t,;|=()[]\"'<>", s[i])) i++;
		tok[k] = 0;
		if (k && secret_looks_host(tok)) {
			snprintf(u->last_host, sizeof(u->last_host), "%s", tok);
			u->last_host_line = line;
			break;
		}
	}
	if (match(RX_USER, s, n, 0)) {
		cap(s, 1, u->last_user, sizeof(u->last_user));
		u->last_user_line = line;
	}
}

static void inline_search(struct secret_unit *u, const char *s, size_t n, size_t line)
{
	char pw[136], user[72], host[128];
	remember_context(u, s, n, line);
	const char *ctx_host = u->last_host_line + 3 >= line ? u->last_host : "";
	const char *ctx_user = u->last_user_line + 3 >= line ? u->last_user : "";
	if (match(RX_URL, s, n, 0)) {
		cap(s, 2, pw, sizeof(pw));
		if (!secret_placeholder(pw, strlen(pw))) {
			cap(s, 1, user, sizeof(user));
			cap(s, 3, host, sizeof(host));
			secret_acc_add(&u->inl, host, user, pw, strlen(pw), line);
		}
	}
	if (match(RX_SSHPASS, s, n, 0)) {
		cap(s, 2, pw, sizeof(pw));
		cap(s, 3, user, sizeof(user));
		cap(s, 4, host, sizeof(host));
		if (!secret_placeholder(pw, strlen(pw)))
			secret_acc_add(&u->cmdline, host, user, pw, strlen(pw), line);
		return;
	}
	if (match(RX_MYSQL, s, n, 0)) {
		cap(s, 2, pw, sizeof(pw));
		if (!secret_placeholder(pw, strlen(pw)))
			secret_acc_add(&u->cmdline, ctx_host, ctx_user, pw, strlen(pw), line);
		return;
	}
	if (match(RX_CURL, s, n, 0)) {
		cap(s, 3, pw, sizeof(pw));
		cap(s, 2, user, sizeof(user));
		if (!secret_placeholder(pw, strlen(pw)))
			secret_acc_add(&u->cmdline, ctx_host, user, pw, strlen(pw), line);
		return;
	}
	for (size_t start = 0; start < n && match(RX_KV, s, n, start);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		cap(s, 2, pw, sizeof(pw));
		if (!secret_placeholder(pw, strlen(pw)))
			secret_acc_add(&u->inl, ctx_host, ctx_user, pw, strlen(pw), line);
		if (ov[1] <= start) break;
		start = ov[1];
	}
}

void secret_unit_line(struct secret_unit *u, const char *s, size_t len, size_t line)
{
	char buf[4096], *cells[MAX_CELLS];
	if (len >= sizeof(buf)) len = sizeof(buf) - 1;
	while (len && (s[len - 1] == '\r' || s[len - 1] == '\n')) len--;
	if (!len) return;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (u->text) inline_search(u, buf, len, line);
	size_t n = split(buf, cells);
	secret_unit_row(u, cells, n, line);
}

void secret_unit_end(struct secret_unit *u, struct secret_items *out)
{
	size_t table_entries = 0;
	if (u->hdr_open) {
		table_entries = u->hdr.it.entries;
		secret_acc_end(&u->hdr, out, false);
	}
	/* A headerless table: the commonest column layout, on two rows or more
	 * and on at least a third of the rows with several cells. */
	struct sig *best = NULL;
	for (size_t i = 0; i < u->nsig; i++)
		if (!best || u->sig[i].rows > best->rows) best = &u->sig[i];
	if (best && (best->rows < 2 || best->rows * 3 < u->rows_wide || table_entries)) best = NULL;
	for (size_t i = 0; i < u->nsig; i++) {
		struct sig *s = &u->sig[i];
		if (s == best) {
			table_entries += s->rows;
			secret_acc_end(&s->acc, out, false);
		} else {
			s->acc.it.entries = 0;
			secret_acc_end(&s->acc, out, false);
		}
	}
	/* inline passwords inside a table already reported are the table's */
	if (table_entries) u->inl.it.entries = 0;
	secret_acc_end(&u->inl, out, false);
	secret_acc_end(&u->cmdline, out, false);
	free(u->path);
	free(u);
}
