/* Password-manager and connection-manager files recognised by content
 * (secret-sniff.c): mRemoteNG connection files (passwords encrypted with
 * a key that is the published default unless the user set one), KeePass
 * XML exports (clear text; entries in <History> are old copies and are not
 * counted), Bitwarden JSON exports (unencrypted ones) and 1Password
 * exports (export.data of a .1pux, or the JSON alone). */
#include "creds/secret-stores.h"
#include "creds/secret-rows.h"
#include "base/json.h"
#include "base/util.h"
#include <libxml/xmlreader.h>
#include <string.h>

static xmlTextReaderPtr reader(const char *path, const char *d, size_t len)
{
	return xmlReaderForMemory(d, (int)MIN(len, (size_t)INT32_MAX), path, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static const char *attr(xmlTextReaderPtr r, const char *name, char *buf, size_t n)
{
	xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
	snprintf(buf, n, "%s", v ? (const char *)v : "");
	xmlFree(v);
	return buf;
}

/* <Node Type="Connection" Hostname=".." Username=".." Password="base64"/> */
static void mremoteng(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "connection-manager", "mRemoteNG connections with stored passwords");
	xmlTextReaderPtr r = reader(path, d, len);
	while (r && xmlTextReaderRead(r) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) continue;
		if (strcmp((const char *)xmlTextReaderConstLocalName(r), "Node")) continue;
		char host[256], user[128], pw[1024];
		attr(r, "Password", pw, sizeof(pw));
		if (!pw[0]) continue;
		attr(r, "Hostname", host, sizeof(host));
		attr(r, "Username", user, sizeof(user));
		secret_acc_add(&a, host, user, pw, strlen(pw), (size_t)xmlTextReaderGetParserLineNumber(r));
	}
	xmlFreeTextReader(r);
	secret_acc_end(&a, out, true);
}

/* <Entry><String><Key>Password</Key><Value>..</Value></String>...</Entry> */
static void keepass_xml(const char *path, const char *d, size_t len, struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "password-manager-export", "KeePass XML export");
	xmlTextReaderPtr r = reader(path, d, len);
	char key[64] = "", val[1024] = "", host[256] = "", user[128] = "", pw[1024] = "";
	char *cur = NULL;
	size_t cur_n = 0, pw_line = 0;
	int history = 0, entry = 0;
	while (r && xmlTextReaderRead(r) == 1) {
		int t = xmlTextReaderNodeType(r);
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		bool empty = xmlTextReaderIsEmptyElement(r) == 1;
		if (t == XML_READER_TYPE_ELEMENT) {
			cur = NULL;
			if (!strcmp(name, "History") && !empty) history++;
			if (!strcmp(name, "Entry") && !empty) {
				if (!entry++) host[0] = user[0] = pw[0] = 0;
			} else if (!strcmp(name, "Key")) {
				cur = key, cur_n = sizeof(key), key[0] = 0;
			} else if (!strcmp(name, "Value")) {
				cur = val, cur_n = sizeof(val), val[0] = 0;
			}
			if (empty && !strcmp(name, "Value")) cur = NULL; /* <Value/>: an empty field */
		} else if ((t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA) && cur) {
			snprintf(cur, cur_n, "%s", (const char *)xmlTextReaderConstValue(r));
		} else if (t == XML_READER_TYPE_END_ELEMENT) {
			cur = NULL;
			if (!strcmp(name, "History")) history--;
			if (!strcmp(name, "String") && entry == 1 && !history) {
				if (!strcmp(key, "URL")) snprintf(host, sizeof(host), "%.255s", val);
				if (!strcmp(key, "UserName")) snprintf(user, sizeof(user), "%.127s", val);
				if (!strcmp(key, "Password"))
					snprintf(pw, sizeof(pw), "%s", val),
					    pw_line = (size_t)xmlTextReaderGetParserLineNumber(r);
				key[0] = val[0] = 0;
			}
			if (!strcmp(name, "Entry") && entry > 0 && !--entry && !history && pw[0])
				secret_acc_add(&a, host, user, pw, strlen(pw), pw_line);
		}
	}
	xmlFreeTextReader(r);
	secret_acc_end(&a, out, false);
}

struct json_walk {
	struct secret_acc *a;
	bool onepassword;
};

static const char *str_of(const struct json *o, const char *key)
{
	const struct json *j = json_get(o, key);
	return j && j->type == JSON_STRING ? j->str : NULL;
}

/* Bitwarden: {"login": {"username", "password", "uris": [{"uri"}]}}.
 * 1Password: {"overview": {"url"}, "details": {"loginFields": [{"designation": "username"|"password", "value"}]}}. */
static void walk(struct json_walk *w, const struct json *o, int depth)
{
	if (!o || depth > 24) return;
	if (o->type == JSON_ARRAY) {
		json_each(c, o) walk(w, c, depth + 1);
		return;
	}
	if (o->type != JSON_OBJECT) return;
	const struct json *login = json_get(o, "login");
	if (!w->onepassword && login && login->type == JSON_OBJECT) {
		const char *pw = str_of(login, "password"), *user = str_of(login, "username"), *host = NULL;
		const struct json *uris = json_get(login, "uris");
		if (uris && uris->first) host = str_of(uris->first, "uri");
		if (pw && *pw) secret_acc_add(w->a, host, user, pw, strlen(pw), 0);
		return;
	}
	const struct json *details = json_get(o, "details");
	const struct json *fields = details ? json_get(details, "loginFields") : NULL;
	if (w->onepassword && fields && fields->type == JSON_ARRAY) {
		const char *user = NULL, *pw = NULL, *host = NULL;
		json_each(f, fields)
		{
			const char *des = str_of(f, "designation"), *v = str_of(f, "value");
			if (des && v && !strcmp(des, "username")) user = v;
			if (des && v && !strcmp(des, "password")) pw = v;
		}
		const struct json *ov = json_get(o, "overview");
		if (ov) host = str_of(ov, "url");
		if (!pw && details) pw = str_of(details, "password"); /* a Password item */
		if (pw && *pw) secret_acc_add(w->a, host, user, pw, strlen(pw), 0);
		return;
	}
	json_each(c, o) walk(w, c, depth + 1);
}

static int json_record(void *ctx, const struct json *rec, const struct json *header, uint64_t offset,
		       struct dm_err *e)
{
	(void)header, (void)offset, (void)e;
	struct json_walk *w = ctx;
	/* an encrypted Bitwarden export holds nothing readable */
	const struct json *enc = json_get(rec, "encrypted");
	if (enc && enc->type == JSON_TRUE) return 0;
	walk(w, rec, 0);
	return 0;
}

static void json_store(const char *path, const char *d, size_t len, bool onepassword,
		       struct secret_items *out)
{
	struct secret_acc a;
	secret_acc_init(&a, path, "password-manager-export",
			onepassword ? "1Password export" : "Bitwarden JSON export");
	struct json_walk w = { &a, onepassword };
	struct json_stream js = { .record = json_record, .ctx = &w, .max_record = 64u << 20 };
	struct dm_err e = { 0 };
	json_stream_mem(&js, d, len, path, &e); /* a damaged end keeps what was read before it */
	secret_acc_end(&a, out, false);
}

void stores_scan(enum named_kind k, const char *path, const char *data, size_t len, struct secret_items *out)
{
	switch (k) {
	case NK_MREMOTENG: mremoteng(path, data, len, out); break;
	case NK_KEEPASS_XML: keepass_xml(path, data, len, out); break;
	case NK_BITWARDEN_JSON: json_store(path, data, len, false, out); break;
	case NK_1PASSWORD_JSON: json_store(path, data, len, true, out); break;
	default: break;
	}
}
