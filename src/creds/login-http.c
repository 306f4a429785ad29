/* HTTP and RTSP logins: Basic and Digest (RFC 7617, RFC 7616 with MD5 or
 * SHA-256, qop=auth). The challenge comes from a request without
 * credentials on its own connection; the answer goes on a second one. */
#include "creds/login.h"
#include "creds/sock.h"
#include "creds/cred-db.h"
#include "base/util.h"
#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct reply {
	int status;
	char www[512]; /* the WWW-Authenticate header we answer to */
	char first[160];
	bool lock_words; /* the body talks of locking or too many attempts */
};

/* Sends one request on s and reads the status line, headers and the start
 * of the body (HTTP: until the server closes or briefly; RTSP: exactly its
 * Content-Length, the connection stays open for the next request). */
static int exchange(struct csock *s, const struct login_target *t, const char *req, bool rtsp,
		    struct reply *rp)
{
	struct buf b = BUF_INIT;
	memset(rp, 0, sizeof(*rp));
	int r = csock_send(s, req, strlen(req));
	if (r < 0) return r;
	r = csock_read_until(s, &b, "\r\n\r\n", 32768, t->timeout);
	if (r < 0) goto out;
	if (r == 1) {
		const char *cl = strcasestr(b.data, "\nContent-Length:");
		size_t body = cl ? (size_t)strtoul(cl + 16, NULL, 10) : 0;
		size_t have = b.len - (size_t)(strstr(b.data, "\r\n\r\n") + 4 - b.data);
		struct buf more = BUF_INIT; /* a little of the body, for lockout pages */
		if (!rtsp)
			csock_read_until(s, &more, "</html>", 4096, 0.3);
		else if (body > have)
			csock_read_until(s, &more, NULL, MIN(body - have, (size_t)4096), t->timeout);
		buf_append(&b, more.data ? more.data : "", more.len);
		buf_release(&more);
	}
	const char *proto = rtsp ? "RTSP/1." : "HTTP/1.";
	if (b.len < 12 || strncmp(b.data, proto, 7)) {
		r = -EPROTO;
		goto out;
	}
	rp->status = atoi(b.data + 9);
	size_t fl = strcspn(b.data, "\r\n");
	snprintf(rp->first, sizeof(rp->first), "%.*s", (int)MIN(fl, sizeof(rp->first) - 1), b.data);
	/* prefer a Digest challenge when both are offered */
	for (const char *p = b.data; (p = strcasestr(p, "\nWWW-Authenticate:"));) {
		p += 18;
		while (*p == ' ') p++;
		size_t n = strcspn(p, "\r\n");
		if (!rp->www[0] || !strncasecmp(p, "Digest", 6))
			snprintf(rp->www, sizeof(rp->www), "%.*s", (int)MIN(n, sizeof(rp->www) - 1), p);
	}
	rp->lock_words = strcasestr(b.data, "locked") || strcasestr(b.data, "too many") ||
			 strcasestr(b.data, "try again later");
	r = 0;
out:
	buf_release(&b);
	return r;
}

/* A parameter of a Digest challenge: name="value" or name=value. */
static void param(const char *h, const char *name, char *out, size_t len)
{
	out[0] = 0;
	size_t nl = strlen(name);
	for (const char *p = h; (p = strcasestr(p, name)); p += nl) {
		if (p > h && (isalnum((unsigned char)p[-1]) || p[-1] == '-')) continue;
		const char *v = p + nl;
		while (*v == ' ') v++;
		if (*v != '=') continue;
		v++;
		while (*v == ' ') v++;
		size_t n = *v == '"' ? strcspn(++v, "\"") : strcspn(v, ", \r\n");
		snprintf(out, len, "%.*s", (int)MIN(n, len - 1), v);
		return;
	}
}

static void hex_digest(const EVP_MD *md, const char *s, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	EVP_Digest(s, strlen(s), d, &n, md, NULL);
	for (unsigned i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

/* The Authorization header's value for a challenge. */
static bool authorization(const char *www, const char *method, const char *uri, const char *user,
			  const char *pass, char *out, size_t len, char *scheme, size_t slen)
{
	if (!strncasecmp(www, "Basic", 5)) {
		char up[160];
		unsigned char enc[224];
		int n = snprintf(up, sizeof(up), "%s:%s", user, pass);
		EVP_EncodeBlock(enc, (const unsigned char *)up, MIN(n, (int)sizeof(up) - 1));
		snprintf(out, len, "Basic %s", enc);
		snprintf(scheme, slen, "basic");
		return true;
	}
	if (strncasecmp(www, "Digest", 6)) return false;
	char realm[128], nonce[256], qop[64], opaque[256], alg[32];
	param(www, "realm", realm, sizeof(realm));
	param(www, "nonce", nonce, sizeof(nonce));
	param(www, "qop", qop, sizeof(qop));
	param(www, "opaque", opaque, sizeof(opaque));
	param(www, "algorithm", alg, sizeof(alg));
	const EVP_MD *md = !alg[0] || !strcasecmp(alg, "MD5") ? EVP_md5()
			   : !strcasecmp(alg, "SHA-256")      ? EVP_sha256()
							      : NULL;
	if (!md || !nonce[0]) return false;
	char a1[400], a2[300], ha1[129], ha2[129], resp[129], all[1024], cnonce[17];
	unsigned char rnd[8];
	RAND_bytes(rnd, sizeof(rnd));
	for (int i = 0; i < 8; i++) sprintf(cnonce + 2 * i, "%02x", rnd[i]);
	snprintf(a1, sizeof(a1), "%s:%s:%s", user, realm, pass);
	snprintf(a2, sizeof(a2), "%s:%s", method, uri);
	hex_digest(md, a1, ha1);
	hex_digest(md, a2, ha2);
	bool auth_qop = strcasestr(qop, "auth") != NULL;
	if (auth_qop)
		snprintf(all, sizeof(all), "%s:%s:00000001:%s:auth:%s", ha1, nonce, cnonce, ha2);
	else
		snprintf(all, sizeof(all), "%s:%s:%s", ha1, nonce, ha2);
	hex_digest(md, all, resp);
	int n = snprintf(out, len,
			 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\"",
			 user, realm, nonce, uri, resp);
	if (alg[0]) n += snprintf(out + n, len - (size_t)n, ", algorithm=%s", alg);
	if (opaque[0]) n += snprintf(out + n, len - (size_t)n, ", opaque=\"%s\"", opaque);
	if (auth_qop) snprintf(out + n, len - (size_t)n, ", qop=auth, nc=00000001, cnonce=\"%s\"", cnonce);
	snprintf(scheme, slen, "digest");
	return true;
}

static void judge(const struct reply *rp, struct login_out *o)
{
	login_said(o, "", rp->first);
	if (rp->status == 423 || rp->status == 429 || rp->lock_words)
		o->r = AUTH_LOCKED;
	else if (rp->status == 401 || rp->status == 403)
		o->r = AUTH_FAIL;
	else if (rp->status >= 200 && rp->status < 400)
		o->r = AUTH_OK;
	else
		o->r = AUTH_ERROR;
}

static void attempt(const struct login_target *t, bool rtsp, const char *user, const char *pass,
		    struct login_out *o)
{
	char host[IPADDR_STRLEN + 8], uri[128], req[2048], auth[1024], line[1100], scheme[16];
	struct reply rp;
	struct csock s;
	ipaddr_fmt(&t->ip, host, sizeof(host));
	if (rtsp)
		snprintf(uri, sizeof(uri), "rtsp://%s%s%s:%u/", t->ip.family == AF_INET6 ? "[" : "", host,
			 t->ip.family == AF_INET6 ? "]" : "", t->port);
	else
		snprintf(uri, sizeof(uri), "/");
	const char *method = rtsp ? "DESCRIBE" : "GET";
	int r = csock_connect(&s, &t->ip, t->port, t->tls, t->timeout);
	if (r < 0) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "%s", strerror(-r));
		return;
	}
	/* the challenge; RTSP answers on the same connection (nonces are often
	 * tied to it), HTTP on a new one (Connection: close) */
	for (int round = 0; round < 2; round++) {
		const char *extra = "";
		if (round == 1) {
			if (!authorization(rp.www, method, uri, user, pass, auth, sizeof(auth), scheme,
					   sizeof(scheme))) {
				o->r = AUTH_ERROR;
				login_said(o, "unsupported challenge: ", rp.www);
				break;
			}
			snprintf(o->method, sizeof(o->method), "%s", scheme);
			snprintf(line, sizeof(line), "Authorization: %s\r\n", auth);
			extra = line;
			if (!rtsp) {
				csock_close(&s);
				if ((r = csock_connect(&s, &t->ip, t->port, t->tls, t->timeout)) < 0) {
					o->r = AUTH_ERROR;
					snprintf(o->detail, sizeof(o->detail), "%s", strerror(-r));
					return;
				}
			}
		}
		if (rtsp)
			snprintf(req, sizeof(req),
				 "DESCRIBE %s RTSP/1.0\r\nCSeq: %d\r\nAccept: application/sdp\r\nUser-Agent: "
				 "dormant\r\n%s\r\n",
				 uri, round + 2, extra);
		else
			snprintf(req, sizeof(req),
				 "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: dormant\r\nConnection: "
				 "close\r\n%s\r\n",
				 host, extra);
		if ((r = exchange(&s, t, req, rtsp, &rp)) < 0) {
			o->r = AUTH_ERROR;
			snprintf(o->detail, sizeof(o->detail), "%s", strerror(-r));
			break;
		}
		judge(&rp, o);
		if (round == 1) break;
		if (rp.status != 401) {
			/* nothing asks for a login here: an open page, or an open stream */
			if (o->r == AUTH_OK && !rtsp) o->r = AUTH_NOAUTH;
			break;
		}
		if (!user) break; /* the anonymous check: a login is asked for */
	}
	csock_close(&s);
}

/* ---- web login forms ---- */

/* One request on its own connection (Connection: close); the whole reply, up to 64 KiB. */
static int fetch(const struct login_target *t, const char *req, struct buf *out)
{
	struct csock s;
	int r = csock_connect(&s, &t->ip, t->port, t->tls, t->timeout);
	if (r < 0) return r;
	if ((r = csock_send(&s, req, strlen(req))) == 0)
		r = csock_read_until(&s, out, NULL, 65536, t->timeout);
	csock_close(&s);
	if (r < 0) return r;
	return out->len >= 12 && !strncmp(out->data, "HTTP/1.", 7) ? atoi(out->data + 9) : -EPROTO;
}

/* The value of attribute name inside one tag [p, end). */
static void attr(const char *p, const char *end, const char *name, char *out, size_t len)
{
	out[0] = 0;
	size_t nl = strlen(name);
	for (const char *q = p; q && q < end && (q = strcasestr(q, name)) && q < end; q += nl) {
		if (!isspace((unsigned char)q[-1]) || (q[nl] != '=' && q[nl] != ' ')) continue;
		const char *v = q + nl;
		while (*v == ' ' || *v == '=') v++;
		char quote = *v == '"' || *v == '\'' ? *v++ : 0;
		size_t n = 0;
		while (v + n < end && v[n] &&
		       (quote ? v[n] != quote : !isspace((unsigned char)v[n]) && v[n] != '>'))
			n++;
		snprintf(out, len, "%.*s", (int)MIN(n, len - 1), v);
		return;
	}
}

static void url_encode(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c))
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

struct form_page {
	char action[256], user[64], pass[64], cookie[512];
	struct buf hidden; /* name=value& pairs of hidden inputs, encoded */
	bool has_password;
};

/* Reads the login page: its form's action, user and password fields, the
 * hidden inputs (tokens) and the cookies to send back. */
static void read_page(const char *page, const struct login_form *f, struct form_page *fp)
{
	memset(fp, 0, sizeof(*fp));
	const char *body = strstr(page, "\r\n\r\n");
	for (const char *c = page; (c = strcasestr(c, "\nSet-Cookie:")) && (!body || c < body); c += 12) {
		const char *v = c + 12;
		while (*v == ' ') v++;
		size_t n = strcspn(v, ";\r\n"), L = strlen(fp->cookie);
		if (L + n + 3 < sizeof(fp->cookie))
			snprintf(fp->cookie + L, sizeof(fp->cookie) - L, "%s%.*s", L ? "; " : "", (int)n, v);
	}
	const char *form = strcasestr(page, "<form");
	const char *form_end = form ? strchr(form, '>') : NULL;
	if (form_end) attr(form, form_end, "action", fp->action, sizeof(fp->action));
	char last_text[64] = "";
	for (const char *in = form ? form : page; (in = strcasestr(in, "<input")); in += 6) {
		const char *end = strchr(in, '>');
		if (!end) break;
		char type[24], name[64], value[128];
		attr(in, end, "type", type, sizeof(type));
		attr(in, end, "name", name, sizeof(name));
		attr(in, end, "value", value, sizeof(value));
		if (!name[0]) continue;
		if (!strcasecmp(type, "password")) {
			fp->has_password = true;
			if (!fp->pass[0]) snprintf(fp->pass, sizeof(fp->pass), "%s", name);
			if (!fp->user[0]) snprintf(fp->user, sizeof(fp->user), "%s", last_text);
		} else if (!strcasecmp(type, "hidden")) {
			url_encode(&fp->hidden, name);
			buf_putc(&fp->hidden, '=');
			url_encode(&fp->hidden, value);
			buf_putc(&fp->hidden, '&');
		} else if (!type[0] || !strcasecmp(type, "text") || !strcasecmp(type, "email")) {
			snprintf(last_text, sizeof(last_text), "%s", name);
		}
	}
	/* the table's own names win over what the page suggests */
	if (f->action[0]) snprintf(fp->action, sizeof(fp->action), "%s", f->action);
	if (f->user_field[0]) snprintf(fp->user, sizeof(fp->user), "%s", f->user_field);
	if (f->pass_field[0]) snprintf(fp->pass, sizeof(fp->pass), "%s", f->pass_field);
	if (!fp->action[0] || fp->action[0] == '#') snprintf(fp->action, sizeof(fp->action), "/");
}

static void form_login(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	char host[IPADDR_STRLEN], req[4096];
	struct buf page = BUF_INIT, reply = BUF_INIT, body = BUF_INIT;
	struct form_page fp = { 0 };
	ipaddr_fmt(&t->ip, host, sizeof(host));
	snprintf(o->method, sizeof(o->method), "form");
	snprintf(req, sizeof(req),
		 "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: dormant\r\nConnection: close\r\n\r\n", host);
	int st = fetch(t, req, &page);
	if (st < 0) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "login page: %s", strerror(-st));
		goto out;
	}
	buf_release(&fp.hidden);
	read_page(page.data, t->form, &fp);
	if (!user) { /* the anonymous check: is there a login form at all? */
		o->r = fp.has_password && fp.pass[0] ? AUTH_FAIL : AUTH_NOAUTH;
		snprintf(o->detail, sizeof(o->detail),
			 fp.has_password ? "login form (%s)" : "no login form on the page", fp.action);
		goto out;
	}
	if (!fp.pass[0] || !fp.user[0]) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "no user and password fields in the login form");
		goto out;
	}
	buf_append(&body, fp.hidden.data ? fp.hidden.data : "", fp.hidden.len);
	url_encode(&body, fp.user);
	buf_putc(&body, '=');
	url_encode(&body, user);
	buf_putc(&body, '&');
	url_encode(&body, fp.pass);
	buf_putc(&body, '=');
	url_encode(&body, pass);
	snprintf(req, sizeof(req),
		 "POST %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: dormant\r\nConnection: close\r\n"
		 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n%s%s%s\r\n%s",
		 fp.action[0] == '/' ? "" : "/", fp.action, host, body.len, fp.cookie[0] ? "Cookie: " : "",
		 fp.cookie, fp.cookie[0] ? "\r\n" : "", body.data ? body.data : "");
	st = fetch(t, req, &reply);
	if (st < 0) {
		o->r = AUTH_ERROR;
		snprintf(o->detail, sizeof(o->detail), "posting the form: %s", strerror(-st));
		goto out;
	}
	login_said(o, "", reply.data);
	const char *loc = strcasestr(reply.data, "\nLocation:");
	char where[160] = "";
	if (loc)
		snprintf(where, sizeof(where), "%.*s", (int)MIN(strcspn(loc + 10, "\r\n"), sizeof(where) - 1),
			 loc + 10);
	if (st == 423 || st == 429 || strcasestr(reply.data, "locked") || strcasestr(reply.data, "too many"))
		o->r = AUTH_LOCKED;
	else if (t->form->failure_re && cred_re_find(t->form->failure_re, reply.data))
		o->r = AUTH_FAIL;
	else if (st >= 300 && st < 400)
		o->r = where[0] && !strcasestr(where, "login") && !strcasestr(where, "error") ? AUTH_OK
											      : AUTH_FAIL;
	else if (st >= 200 && st < 300)
		o->r = strcasestr(reply.data, "type=\"password\"") || strcasestr(reply.data, "type=password")
			   ? AUTH_FAIL
			   : AUTH_OK;
	else
		o->r = st == 401 || st == 403 ? AUTH_FAIL : AUTH_ERROR;
out:
	buf_release(&fp.hidden);
	buf_release(&page);
	buf_release(&reply);
	buf_release(&body);
}

void login_http(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	if (t->form)
		form_login(t, user, pass, o);
	else
		attempt(t, false, user, pass, o);
}

void login_rtsp(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	attempt(t, true, user, pass, o);
}

/* The parsers above on one reply, as the checks would meet it: the status
 * and challenge (answered as Digest or Basic would be), and the login form.
 * For the fuzz target; returns the status or -1. */
int login_http_inspect(const char *reply, char *out, size_t len)
{
	static const struct login_form any = { .vendor = "fuzz" };
	struct form_page fp;
	char auth[1024], scheme[16] = "";
	int status = strlen(reply) < 12 || (strncmp(reply, "HTTP/1.", 7) && strncmp(reply, "RTSP/1.", 7))
			 ? -1
			 : atoi(reply + 9);
	const char *w = strcasestr(reply, "\nWWW-Authenticate:");
	char www[512] = "";
	if (w) {
		w += 18;
		while (*w == ' ') w++;
		snprintf(www, sizeof(www), "%.*s", (int)MIN(strcspn(w, "\r\n"), sizeof(www) - 1), w);
		authorization(www, "GET", "/", "admin", "12345", auth, sizeof(auth), scheme, sizeof(scheme));
	}
	read_page(reply, &any, &fp);
	snprintf(out, len, "%d %s %s %s %s", status, scheme, fp.action, fp.user, fp.pass);
	buf_release(&fp.hidden);
	return status;
}
