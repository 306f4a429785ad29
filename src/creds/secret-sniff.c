/* Tells credential stores by their structure in the first bytes of a
 * file: the root element of XML, the keys of JSON, the header of a
 * registry export, the section names of an ini file, the line shapes of
 * .netrc, .pgpass, .env and .rdp files. A file name is never consulted. */
#include "creds/secret-sniff.h"
#include "base/util.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool has(const char *d, size_t n, const char *s) { return memmem(d, n, s, strlen(s)) != NULL; }

static bool has_nocase(const char *d, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(d + i, s, k)) return true;
	return false;
}

/* The name of the first element after the prolog, comments and doctype. */
static bool xml_root(const char *d, size_t n, char *out, size_t cap)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && isspace((unsigned char)d[i])) i++;
		if (i + 1 >= n || d[i] != '<') return false;
		if (d[i + 1] == '?' || d[i + 1] == '!') { /* <?xml ...?>, <!-- -->, <!DOCTYPE> */
			const char *end = memchr(d + i, '>', n - i);
			if (!end) return false;
			if (d[i + 1] == '!' && i + 4 <= n && !memcmp(d + i, "<!--", 4)) {
				const char *c = memmem(d + i + 4, n - i - 4, "-->", 3);
				if (!c) return false;
				end = c + 2;
			}
			i = (size_t)(end - d) + 1;
			continue;
		}
		size_t k = 0;
		for (i++; i < n && k + 1 < cap && (isalnum((unsigned char)d[i]) || strchr(":_-.", d[i])); i++)
			out[k++] = d[i];
		out[k] = 0;
		return k > 0;
	}
	return false;
}

/* The next line of [*p, end) without its end; the last one without a
 * newline only when the head is the whole file (a head cut at its size
 * limit may end inside a line, which says nothing). */
#define HEAD_MAX 8192
static bool next_line(const char **p, const char *end, size_t total, const char **s, size_t *len)
{
	if (*p >= end) return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl && total >= HEAD_MAX) return false;
	*s = *p;
	*len = (size_t)((nl ? nl : end) - *p);
	if (*len && (*s)[*len - 1] == '\r') (*len)--;
	*p = nl ? nl + 1 : end;
	return true;
}
#define FOR_LINES(d, n, s, len)                              \
	for (const char *_p = (d), *s = NULL; _p; _p = NULL) \
		for (size_t len = 0; next_line(&_p, (d) + (n), (n), &s, &len);)

static bool blank_or_comment(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)s[i])) i++;
	return i == len || s[i] == '#' || s[i] == ';';
}

/* Whether the n bytes at t (not NUL-terminated) begin with word. */
static bool starts_with(const char *t, size_t n, const char *word)
{
	size_t w = strlen(word);
	return n >= w && memcmp(t, word, w) == 0;
}

/* "machine H login U password P" (tokens may span lines; a line starting
 * with machine or default, and the login or password keyword somewhere). */
static bool netrc_like(const char *d, size_t n)
{
	size_t machines = 0, passwords = 0, other = 0;
	FOR_LINES(d, n, s, len)
	{
		if (blank_or_comment(s, len)) continue;
		const char *t = s;
		while (t < s + len && isspace((unsigned char)*t)) t++;
		size_t rest = len - (size_t)(t - s);
		if ((rest > 8 && starts_with(t, rest, "machine ")) || starts_with(t, rest, "default"))
			machines++;
		else if (!(rest > 6 && (starts_with(t, rest, "login ") || starts_with(t, rest, "password ") ||
					starts_with(t, rest, "account ") || starts_with(t, rest, "macdef "))))
			other++;
		if (memmem(s, len, "password ", 9) || memmem(s, len, "login ", 6)) passwords++;
	}
	return machines && passwords && other == 0;
}

/* host:port:database:user:password, the port a number or '*'. */
static bool pgpass_like(const char *d, size_t n)
{
	size_t good = 0;
	FOR_LINES(d, n, s, len)
	{
		if (blank_or_comment(s, len)) continue;
		size_t colons = 0, field_start[5] = { 0 };
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\\') {
				i++;
				continue;
			}
			if (s[i] == ':' && colons < 4)
				field_start[++colons] = i + 1;
			else if (s[i] == ':')
				colons++;
		}
		if (colons != 4) return false;
		const char *port = s + field_start[1];
		size_t pl = field_start[2] - field_start[1] - 1;
		bool numeric = pl > 0 && pl <= 5;
		for (size_t i = 0; i < pl; i++) numeric &= isdigit((unsigned char)port[i]) != 0;
		if (!numeric && !(pl == 1 && port[0] == '*')) return false;
		good++;
	}
	return good > 0;
}

/* KEY=VALUE lines only, upper-case keys, one of them naming a secret. */
static bool env_like(const char *d, size_t n)
{
	size_t pairs = 0, secrets = 0;
	FOR_LINES(d, n, s, len)
	{
		if (blank_or_comment(s, len)) continue;
		const char *k = s;
		if (len > 7 && !strncmp(k, "export ", 7)) k += 7;
		const char *eq = memchr(k, '=', len - (size_t)(k - s));
		if (!eq || eq == k) return false;
		for (const char *c = k; c < eq; c++)
			if (!(isupper((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_'))
				return false;
		pairs++;
		size_t kl = (size_t)(eq - k);
		if (memmem(k, kl, "PASS", 4) || memmem(k, kl, "SECRET", 6) || memmem(k, kl, "TOKEN", 5) ||
		    memmem(k, kl, "_PWD", 4) || memmem(k, kl, "API_KEY", 7))
			secrets++;
	}
	return pairs >= 2 && secrets;
}

static bool rdp_like(const char *d, size_t n)
{
	return has_nocase(d, n, "full address:s:") &&
	       (has_nocase(d, n, "\nusername:s:") || has_nocase(d, n, "\npassword 51:b:") ||
		has_nocase(d, n, "screen mode id:i:"));
}

enum named_kind secret_sniff_kind(const char *d, size_t n)
{
	if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3)) d += 3, n -= 3; /* UTF-8 byte-order mark */
	size_t i = 0;
	while (i < n && isspace((unsigned char)d[i])) i++;
	if (i == n) return NK_NONE;
	char root[64];
	if (d[i] == '<' && xml_root(d, n, root, sizeof(root))) {
		if (!strcmp(root, "FileZilla3") &&
		    (has(d, n, "<Servers") || has(d, n, "<RecentServers") || has(d, n, "<Server>")))
			return NK_FILEZILLA;
		if ((!strcmp(root, "mrng:Connections") || !strcmp(root, "Connections")) &&
		    has(d, n, "ConfVersion="))
			return NK_MREMOTENG;
		if (!strcmp(root, "KeePassFile")) return NK_KEEPASS_XML;
		return NK_NONE;
	}
	if (d[i] == '{') {
		if (has(d, n, "\"items\"") && has(d, n, "\"encrypted\"") &&
		    (has(d, n, "\"login\"") || has(d, n, "\"folders\"")))
			return NK_BITWARDEN_JSON;
		if (has(d, n, "\"accounts\"") && has(d, n, "\"vaults\"") &&
		    (has(d, n, "\"loginFields\"") || has(d, n, "\"overview\"") || has(d, n, "\"attrs\"")))
			return NK_1PASSWORD_JSON;
		return NK_NONE;
	}
	if ((n - i >= 35 && !strncmp(d + i, "Windows Registry Editor Version 5", 33)) ||
	    (n - i >= 8 && !strncmp(d + i, "REGEDIT4", 8)))
		return has_nocase(d, n, "\\SimonTatham\\PuTTY\\Sessions\\") ||
			       has_nocase(d, n, "\\Martin Prikryl\\WinSCP 2\\Sessions\\")
			   ? NK_SESSIONS
			   : NK_NONE;
	if (has(d, n, "[Sessions\\") && has_nocase(d, n, "HostName=")) return NK_SESSIONS;
	if (rdp_like(d, n)) return NK_RDP;
	if (netrc_like(d, n)) return NK_NETRC;
	if (pgpass_like(d, n)) return NK_PGPASS;
	if (env_like(d, n)) return NK_ENV;
	return NK_NONE;
}

const char *named_kind_name(enum named_kind k)
{
	static const char *const v[] = { "text",
					 ".netrc",
					 ".pgpass",
					 ".env",
					 "Remote Desktop file",
					 "PuTTY/WinSCP sessions",
					 "FileZilla site manager",
					 "mRemoteNG connections",
					 "KeePass XML export",
					 "Bitwarden JSON export",
					 "1Password export" };
	return (size_t)k < ARRAY_SIZE(v) ? v[k] : "?";
}
