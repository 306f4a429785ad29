/* HTTP and RTSP logins: Basic and Digest (RFC 7617, RFC 7616 with MD5 or
 * SHA-256, qop=auth). The challenge comes from a request without
 * credentials on its own connection; the answer goes on a second one. */
#include "creds/login.h"
#include "creds/sock.h"
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
	char www[512];       /* the WWW-Authenticate header we answer to */
	char first[160];
	bool lock_words;     /* the body talks of locking or too many attempts */
};

/* Sends one request on s and reads the status line, headers and the start
 * of the body (HTTP: until the server closes or briefly; RTSP: exactly its
 * Content-Length, the connection stays open for the next request). */
static int exchange(struct csock *s, const struct login_target *t, const char *req, bool rtsp, struct reply *rp)
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
		if (!rtsp) csock_read_until(s, &more, "</html>", 4096, 0.3);
		else if (body > have) csock_read_until(s, &more, NULL, MIN(body - have, (size_t)4096), t->timeout);
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
		if (!rp->www[0] || !strncasecmp(p, "Digest", 6)) snprintf(rp->www, sizeof(rp->www), "%.*s", (int)MIN(n, sizeof(rp->www) - 1), p);
	}
	rp->lock_words = strcasestr(b.data, "locked") || strcasestr(b.data, "too many") || strcasestr(b.data, "try again later");
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
static bool authorization(const char *www, const char *method, const char *uri, const char *user, const char *pass,
			  char *out, size_t len, char *scheme, size_t slen)
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
	const EVP_MD *md = !alg[0] || !strcasecmp(alg, "MD5") ? EVP_md5() : !strcasecmp(alg, "SHA-256") ? EVP_sha256() : NULL;
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
	if (auth_qop) snprintf(all, sizeof(all), "%s:%s:00000001:%s:auth:%s", ha1, nonce, cnonce, ha2);
	else snprintf(all, sizeof(all), "%s:%s:%s", ha1, nonce, ha2);
	hex_digest(md, all, resp);
	int n = snprintf(out, len, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\"", user,
			 realm, nonce, uri, resp);
	if (alg[0]) n += snprintf(out + n, len - (size_t)n, ", algorithm=%s", alg);
	if (opaque[0]) n += snprintf(out + n, len - (size_t)n, ", opaque=\"%s\"", opaque);
	if (auth_qop) snprintf(out + n, len - (size_t)n, ", qop=auth, nc=00000001, cnonce=\"%s\"", cnonce);
	snprintf(scheme, slen, "digest");
	return true;
}

static void judge(const struct reply *rp, struct login_out *o)
{
	login_said(o, "", rp->first);
	if (rp->status == 423 || rp->status == 429 || rp->lock_words) o->r = AUTH_LOCKED;
	else if (rp->status == 401 || rp->status == 403) o->r = AUTH_FAIL;
	else if (rp->status >= 200 && rp->status < 400) o->r = AUTH_OK;
	else o->r = AUTH_ERROR;
}

static void attempt(const struct login_target *t, bool rtsp, const char *user, const char *pass, struct login_out *o)
{
	char host[IPADDR_STRLEN + 8], uri[128], req[2048], auth[1024], line[1100], scheme[16];
	struct reply rp;
	struct csock s;
	ipaddr_fmt(&t->ip, host, sizeof(host));
	if (rtsp) snprintf(uri, sizeof(uri), "rtsp://%s%s%s:%u/", t->ip.family == AF_INET6 ? "[" : "", host,
			   t->ip.family == AF_INET6 ? "]" : "", t->port);
	else snprintf(uri, sizeof(uri), "/");
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
			if (!authorization(rp.www, method, uri, user, pass, auth, sizeof(auth), scheme, sizeof(scheme))) {
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
		if (rtsp) snprintf(req, sizeof(req), "DESCRIBE %s RTSP/1.0\r\nCSeq: %d\r\nAccept: application/sdp\r\nUser-Agent: dormant\r\n%s\r\n",
				   uri, round + 2, extra);
		else snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: dormant\r\nConnection: close\r\n%s\r\n", host, extra);
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

void login_http(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	attempt(t, false, user, pass, o);
}

void login_rtsp(const struct login_target *t, const char *user, const char *pass, struct login_out *o)
{
	attempt(t, true, user, pass, o);
}
