/* Named credential files and private keys. */
#include "creds/secret-files.h"
#include "creds/secret-rows.h"
#include "creds/secret-stores.h"
#include "base/redact.h"
#include "base/util.h"
#include <ctype.h>
#include <libxml/xmlreader.h>
#include <openssl/evp.h>
#include <string.h>

enum named_kind named_kind_of(const char *b)
{
	size_t n = strlen(b);
	const char *dot = strrchr(b, '.');
	if (!strcmp(b, ".netrc") || !strcmp(b, "_netrc")) return NK_NETRC;
	if (!strcmp(b, ".pgpass") || !strcmp(b, "pgpass.conf")) return NK_PGPASS;
	if (!strcmp(b, ".env") || !strncmp(b, ".env.", 5) || (n > 4 && !strcmp(b + n - 4, ".env")))
		return NK_ENV;
	if (dot && !strcasecmp(dot, ".rdp")) return NK_RDP;
	if (!strcasecmp(b, "WinSCP.ini") || (dot && !strcasecmp(dot, ".reg"))) return NK_SESSIONS;
	if (!strcasecmp(b, "sitemanager.xml") || !strcasecmp(b, "recentservers.xml")) return NK_FILEZILLA;
	return NK_NONE;
}

/* The next line of [*p, end): its start and length without the newline. */
static bool next_line(const char **p, const char *end, const char **s, size_t *n)
{
	if (*p >= end) return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	*s = *p;
	*n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

static void copy(char *out, size_t len, const char *s, size_t n)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ')) n--;
	if (n >= len) n = len - 1;
	memcpy(out, s, n);
	out[n] = 0;
}

/* .netrc: "machine H login U password P" tokens, over any line breaks. */
static void netrc(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "netrc", ".netrc (FTP/HTTP logins)");
	char tok[256], host[256] = "", user[128] = "";
	size_t line = 1, tline = 1;
	enum { NONE, MACHINE, LOGIN, PASSWORD } want = NONE;
	for (size_t i = 0; i < len;) {
		while (i < len && isspace((unsigned char)d[i])) line += d[i++] == '\n';
		size_t k = 0;
		tline = line;
		while (i < len && !isspace((unsigned char)d[i])) {
			if (k < sizeof(tok) - 1) tok[k++] = d[i];
			i++;
		}
		tok[k] = 0;
		if (!k) break;
		if (want == MACHINE)
			copy(host, sizeof(host), tok, k), user[0] = 0;
		else if (want == LOGIN)
			copy(user, sizeof(user), tok, k);
		else if (want == PASSWORD)
			secret_acc_add(&a, host, user, tok, k, tline);
		want = !strcmp(tok, "machine")    ? MACHINE
		       : !strcmp(tok, "login")    ? LOGIN
		       : !strcmp(tok, "password") ? PASSWORD
						  : NONE;
		if (!strcmp(tok, "default")) snprintf(host, sizeof(host), "(default)");
	}
	secret_acc_end(&a, out, false);
}

/* .pgpass: host:port:database:user:password, backslash escapes. */
static void pgpass(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "pgpass", ".pgpass (PostgreSQL logins)");
	size_t line = 0;
	const char *p = d, *s;
	size_t n;
	while (next_line(&p, d + len, &s, &n)) {
		line++;
		char f[5][256];
		size_t nf = 0, k = 0;
		for (size_t i = 0; i < n && nf < 5; i++) {
			if (s[i] == '\\' && i + 1 < n) {
				if (k < 255) f[nf][k++] = s[++i];
			} else if (s[i] == ':' && nf < 4) {
				f[nf++][k] = 0;
				k = 0;
			} else if (s[i] != '\r' && k < 255)
				f[nf][k++] = s[i];
		}
		if (nf != 4 || s[0] == '#') continue;
		f[4][k] = 0;
		if (k) secret_acc_add(&a, f[0], f[3], f[4], k, line);
	}
	secret_acc_end(&a, out, false);
}

/* .env: KEY=VALUE where the key names a password or secret; *_HOST and
 * *_USER keys name the system and the account. */
static void envfile(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "env-file", ".env file with passwords");
	char host[128] = "", user[128] = "";
	size_t line = 0;
	const char *p = d, *s;
	size_t n;
	while (next_line(&p, d + len, &s, &n)) {
		line++;
		const char *eq = memchr(s, '=', n);
		if (!eq || s[0] == '#') continue;
		char key[128], val[256];
		const char *k0 = s;
		if (n > 7 && !strncmp(s, "export ", 7)) k0 += 7;
		copy(key, sizeof(key), k0, (size_t)(eq - k0));
		const char *v = eq + 1;
		size_t vn = n - (size_t)(v - s);
		copy(val, sizeof(val), v, vn);
		size_t L = strlen(val);
		if (L >= 2 && (val[0] == '"' || val[0] == '\'') && val[L - 1] == val[0]) {
			memmove(val, val + 1, L - 2);
			val[L - 2] = 0;
		}
		for (char *q = key; *q; q++) *q = (char)toupper((unsigned char)*q);
		L = strlen(val);
		if (strstr(key, "HOST") || strstr(key, "SERVER"))
			copy(host, sizeof(host), val, L);
		else if (strstr(key, "USER") || strstr(key, "LOGIN"))
			copy(user, sizeof(user), val, L);
		else if ((strstr(key, "PASSWORD") || strstr(key, "PASSWD") || strstr(key, "_PASS") ||
			  strstr(key, "_PWD") || strstr(key, "SECRET") || strstr(key, "API_KEY") ||
			  strstr(key, "TOKEN")) &&
			 !secret_placeholder(val, L))
			secret_acc_add(&a, host, user, val, L, line);
	}
	secret_acc_end(&a, out, false);
}

/* Remote Desktop files: "password 51:b:<hex>" is a DPAPI blob, readable by
 * the user who saved it: a stored credential, though not clear text. */
static void rdp(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "rdp-saved-password", "Remote Desktop file with a saved password");
	char host[128] = "", user[128] = "";
	size_t line = 0, pw_line = 0;
	char pw[4096] = "";
	const char *p = d, *s;
	size_t n;
	while (next_line(&p, d + len, &s, &n)) {
		line++;
		if (n > 15 && !strncasecmp(s, "full address:s:", 15))
			copy(host, sizeof(host), s + 15, n - 15);
		else if (n > 11 && !strncasecmp(s, "username:s:", 11))
			copy(user, sizeof(user), s + 11, n - 11);
		else if (n > 13 && !strncasecmp(s, "password 51:b:", 14))
			copy(pw, sizeof(pw), s + 14, n - 14), pw_line = line;
	}
	if (pw[0]) secret_acc_add(&a, host, user, pw, strlen(pw), pw_line);
	secret_acc_end(&a, out, true);
}

/* PuTTY and WinSCP sessions (registry exports or WinSCP.ini): HostName,
 * UserName, and a password WinSCP stores reversibly or a proxy password
 * PuTTY stores in clear. */
static void sessions(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc clear, obf;
	secret_acc_init(&clear, path, "session-export", "PuTTY/WinSCP session with a clear password");
	secret_acc_init(&obf, path, "session-export", "WinSCP session with a stored password");
	char host[128] = "", user[128] = "";
	size_t line = 0;
	const char *p = d, *s;
	size_t n;
	while (next_line(&p, d + len, &s, &n)) {
		line++;
		char key[64], val[512];
		const char *eq = memchr(s, '=', n);
		if (s[0] == '[') host[0] = user[0] = 0;
		if (!eq) continue;
		const char *k = s, *ke = eq;
		if (*k == '"') k++;
		if (ke > k && ke[-1] == '"') ke--;
		copy(key, sizeof(key), k, (size_t)(ke - k));
		const char *v = eq + 1;
		size_t vn = n - (size_t)(v - s);
		if (vn && *v == '"') v++, vn--;
		while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '"')) vn--;
		copy(val, sizeof(val), v, vn);
		if (!strcasecmp(key, "HostName"))
			copy(host, sizeof(host), val, strlen(val));
		else if (!strcasecmp(key, "UserName"))
			copy(user, sizeof(user), val, strlen(val));
		else if (!strcasecmp(key, "Password") && val[0])
			secret_acc_add(&obf, host, user, val, strlen(val), line);
		else if (!strcasecmp(key, "ProxyPassword") && val[0])
			secret_acc_add(&clear, host, user, val, strlen(val), line);
	}
	secret_acc_end(&clear, out, false);
	secret_acc_end(&obf, out, true);
}

/* FileZilla: <Server><Host/><User/><Pass encoding="base64"/></Server>. */
static void filezilla(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "ftp-client-sites", "FileZilla site manager with passwords");
	xmlTextReaderPtr r = xmlReaderForMemory(d, (int)MIN(len, (size_t)INT32_MAX), path, NULL,
						XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	char host[128] = "", user[128] = "", pass[512] = "", *cur = NULL;
	size_t cur_len = 0, pass_line = 0;
	while (r && xmlTextReaderRead(r) == 1) {
		int t = xmlTextReaderNodeType(r);
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		if (t == XML_READER_TYPE_ELEMENT) {
			cur = NULL;
			if (!strcmp(name, "Server"))
				host[0] = user[0] = pass[0] = 0;
			else if (!strcmp(name, "Host"))
				cur = host, cur_len = sizeof(host);
			else if (!strcmp(name, "User"))
				cur = user, cur_len = sizeof(user);
			else if (!strcmp(name, "Pass"))
				cur = pass, cur_len = sizeof(pass),
				pass_line = (size_t)xmlTextReaderGetParserLineNumber(r);
		} else if ((t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA) && cur) {
			snprintf(cur, cur_len, "%s", (const char *)xmlTextReaderConstValue(r));
		} else if (t == XML_READER_TYPE_END_ELEMENT) {
			cur = NULL;
			if (!strcmp(name, "Server") && pass[0])
				secret_acc_add(&a, host, user, pass, strlen(pass), pass_line);
		}
	}
	xmlFreeTextReader(r);
	secret_acc_end(&a, out, false);
}

void named_scan(enum named_kind k, const char *path, const char *data, size_t len, struct secret_items *out)
{
	switch (k) {
	case NK_NETRC: netrc(path, data, len, out); break;
	case NK_PGPASS: pgpass(path, data, len, out); break;
	case NK_ENV: envfile(path, data, len, out); break;
	case NK_RDP: rdp(path, data, len, out); break;
	case NK_SESSIONS: sessions(path, data, len, out); break;
	case NK_FILEZILLA: filezilla(path, data, len, out); break;
	case NK_MREMOTENG:
	case NK_KEEPASS_XML:
	case NK_BITWARDEN_JSON:
	case NK_1PASSWORD_JSON: stores_scan(k, path, data, len, out); break;
	case NK_NONE: break;
	}
}

/* ---- private keys ---- */

/* An OpenSSH key body starts "openssh-key-v1\0" then the cipher name as a
 * 32-bit length and bytes: "none" means no passphrase. */
static bool openssh_unencrypted(const char *b64, size_t n)
{
	unsigned char raw[72];
	int got = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)(n / 4 * 4));
	if (got < 23 || memcmp(raw, "openssh-key-v1", 15)) return false;
	uint32_t L = (uint32_t)raw[15] << 24 | (uint32_t)raw[16] << 16 | (uint32_t)raw[17] << 8 | raw[18];
	return L == 4 && !memcmp(raw + 19, "none", 4);
}

static void key_done(struct key_scan *k, bool unencrypted)
{
	k->keys++;
	if (!unencrypted) return;
	if (!k->unencrypted++) k->first_line = k->begin_line;
	if (!strstr(k->kinds, k->type) && strlen(k->kinds) + strlen(k->type) + 3 < sizeof(k->kinds)) {
		size_t L = strlen(k->kinds);
		snprintf(k->kinds + L, sizeof(k->kinds) - L, "%s%s", L ? ", " : "", k->type);
	}
}

void key_scan_line(struct key_scan *k, const char *s, size_t n, size_t line)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
	if (k->state == 0) {
		if (n >= 27 && !strncmp(s, "-----BEGIN ", 11) && n < 80 &&
		    !memcmp(s + n - 16, "PRIVATE KEY-----", 16)) {
			k->state = 1, k->encrypted = false, k->b64_n = 0, k->begin_line = line;
			copy(k->type, sizeof(k->type), s + 11, n >= 28 ? n - 28 : 0);
			if (!k->type[0]) snprintf(k->type, sizeof(k->type), "PKCS#8");
			if (strstr(k->type, "ENCRYPTED")) k->encrypted = true;
		} else if (n > 20 && !strncmp(s, "PuTTY-User-Key-File-", 20)) {
			k->state = 2, k->begin_line = line;
			snprintf(k->type, sizeof(k->type), "PuTTY");
		}
		return;
	}
	if (k->state == 2) {
		if (n >= 11 && !strncmp(s, "Encryption:", 11)) {
			const char *v = s + 11;
			while (*v == ' ') v++;
			key_done(k, !strncmp(v, "none", 4));
			k->state = 0;
		}
		return;
	}
	if (n > 9 && !strncmp(s, "-----END ", 9)) {
		bool clear = !k->encrypted;
		if (!strcmp(k->type, "OPENSSH")) clear = openssh_unencrypted(k->b64, k->b64_n);
		key_done(k, clear);
		k->state = 0;
		return;
	}
	if (n >= 10 && !strncmp(s, "Proc-Type:", 10) && memmem(s, n, "ENCRYPTED", 9))
		k->encrypted = true;
	else if (!memchr(s, ':', n))
		for (size_t i = 0; i < n && k->b64_n < sizeof(k->b64) - 1; i++) k->b64[k->b64_n++] = s[i];
}

void key_scan_end(struct key_scan *k, const char *path, struct secret_items *out)
{
	if (!k->unencrypted) return;
	struct secret_item *it = secret_items_add(out);
	it->path = xstrdup(path);
	snprintf(it->kind, sizeof(it->kind), "private-key");
	snprintf(it->what, sizeof(it->what), "private key without a passphrase (%.28s)", k->kinds);
	it->entries = k->unencrypted;
	it->line = k->first_line;
	/* the fingerprint names the file and count, never key bytes */
	char h[REDACT_HASH_LEN], buf[4200];
	snprintf(buf, sizeof(buf), "%s|private-key|%zu", path, k->unencrypted);
	redact_hash(buf, strlen(buf), h);
	snprintf(it->fingerprint, sizeof(it->fingerprint), "%s%s", h, "00000000");
}
