/* HTTP and HTTPS: GET / for the Server header, the login realm of a 401
 * and the page title, and the web applications the page shows; then the
 * favicon, whose hash names many devices, and the page a redirect of /
 * points to (a device's login page), once. */
#include "probe/services.h"
#include "base/util.h"
#include "probe/webapps.h"
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void get(struct pconn *c, const char *path)
{
	char ip[IPADDR_STRLEN], req[512];
	ipaddr_fmt(&c->svc->out.ip, ip, sizeof(ip));
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: %s%s%s:%u\r\nUser-Agent: dormant/" DORMANT_VERSION
			 " (service identification)\r\nAccept: */*\r\nConnection: close\r\n\r\n",
			 path, c->svc->out.ip.family == AF_INET6 ? "[" : "", ip,
			 c->svc->out.ip.family == AF_INET6 ? "]" : "", c->svc->out.port);
	pconn_send(c, req, (size_t)n);
}

static void http_start(struct pconn *c) { get(c, "/"); }
static void favicon_start(struct pconn *c) { get(c, "/favicon.ico"); }
static void page_start(struct pconn *c) { get(c, c->svc->follow[0] ? c->svc->follow : "/"); }

/* Where a redirect (or a meta refresh) of / points, as a path on the same
 * service: another host's page is not fetched, only its path here, since
 * devices often name themselves by a host name the scanner cannot resolve. */
static void set_follow(struct svc *s, const char *loc)
{
	const char *p = loc;
	if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8)) {
		p = strchr(strstr(p, "//") + 2, '/');
		if (!p) return;
	}
	if (!*p || !strcmp(p, "/") || strlen(p) + 2 > sizeof(s->follow)) return;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f) return;
	snprintf(s->follow, sizeof(s->follow), "%s%s", *p == '/' ? "" : "/", p);
}

/* The page's applications into the service; path is what was asked for. */
static void page_apps(struct pconn *c, const char *path, bool follow)
{
	struct svc *s = c->svc;
	struct webpage pg;
	if (webpage_parse_http(c->rbuf, c->rlen, &pg) < 0) return;
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(&s->out.ip, ip, sizeof(ip));
	bool v6 = s->out.ip.family == AF_INET6;
	snprintf(pg.url, sizeof(pg.url), "%s://%s%s%s:%u%s", c->tls_ok ? "https" : "http", v6 ? "[" : "", ip,
		 v6 ? "]" : "", s->out.port, path);
	webapps_from_page(s->fps, s->wa, &pg, &s->out);
	if (follow && pg.location[0]) set_follow(s, pg.location);
	webpage_free(&pg);
}

static int http_on_data(struct pconn *c)
{
	struct http_resp r;
	int st = http_parse_response(c->rbuf, c->rlen, false, &r);
	return st < 0 ? PR_FAIL : st > 0 ? PR_DONE : PR_MORE;
}

/* Certificate and version facts of the TLS session into out->tls. */
static void tls_facts(struct pconn *c)
{
	struct obs_tls *t = &c->svc->out.tls;
	t->present = true;
	int v = c->tls_negotiated;
	t->versions |= v == TLS1_VERSION     ? TLS_V_10
		       : v == TLS1_1_VERSION ? TLS_V_11
		       : v == TLS1_2_VERSION ? TLS_V_12
		       : v == TLS1_3_VERSION ? TLS_V_13
					     : 0;
	X509 *x = c->cert;
	if (!x) return;
	X509_NAME_oneline(X509_get_subject_name(x), t->subject, sizeof(t->subject));
	X509_NAME_oneline(X509_get_issuer_name(x), t->issuer, sizeof(t->issuer));
	struct tm tm;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1) t->not_after = (double)timegm(&tm);
	if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) == 1) t->not_before = (double)timegm(&tm);
	t->expired = X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
	t->self_signed = X509_check_issued(x, x) == X509_V_OK;
	unsigned char md[32];
	unsigned int ml = 0;
	if (X509_digest(x, EVP_sha256(), md, &ml) == 1)
		for (unsigned i = 0; i < ml && i < 32; i++) snprintf(t->sha256 + 2 * i, 3, "%02x", md[i]);
}

static void http_finish(struct pconn *c, bool ok)
{
	struct svc *s = c->svc;
	struct obs_service *o = &s->out;
	if (c->tls_ok) tls_facts(c);
	struct http_resp r;
	if (!ok || http_parse_response(c->rbuf, c->rlen, true, &r) <= 0 || r.is_rtsp) {
		if (c->tls_ok && !s->identified) { /* TLS, but not HTTP inside */
			snprintf(o->name, sizeof(o->name), "ssl/unknown");
			s->identified = true;
		}
		return;
	}
	s->identified = true;
	snprintf(o->name, sizeof(o->name), "%s", c->tls_ok ? "https" : "http");
	svc_set_banner(s, c->rbuf, MIN(r.header_len, 400));
	if (r.server[0]) svc_evidence(s, "http_header.server", r.server, strlen(r.server));
	if (r.www_auth[0]) svc_evidence(s, "http_header.wwwauth", r.www_auth, strlen(r.www_auth));
	if (r.title[0]) svc_evidence(s, "html_title", r.title, strlen(r.title));
	page_apps(c, "/", true);
	if (r.status == 401)
		snprintf(o->info, sizeof(o->info), "401 login required: %.200s",
			 r.www_auth[0] ? r.www_auth : "(no WWW-Authenticate)");
	else if (r.title[0])
		snprintf(o->info, sizeof(o->info), "%d, title \"%s\"", r.status, r.title);
	else
		snprintf(o->info, sizeof(o->info), "%d", r.status);
}

static void favicon_finish(struct pconn *c, bool ok)
{
	struct http_resp r;
	if (!ok || http_parse_response(c->rbuf, c->rlen, true, &r) <= 0 || r.status != 200 || !r.body_len)
		return;
	unsigned char md[16];
	unsigned int ml = 0;
	if (EVP_Digest(c->rbuf + r.body_off, r.body_len, md, &ml, EVP_md5(), NULL) != 1) return;
	char hex[33];
	for (unsigned i = 0; i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
	svc_evidence(c->svc, "favicon.md5", hex, 32);
	webapps_from_favicon(c->svc->fps, hex, &c->svc->out);
}

static void page_finish(struct pconn *c, bool ok)
{
	struct http_resp r;
	if (!ok || http_parse_response(c->rbuf, c->rlen, true, &r) <= 0 || r.status >= 400) return;
	page_apps(c, c->svc->follow, false);
}

const struct proto_ops proto_http = {
	.name = "http",
	.cap = 65536,
	.timeout = 5,
	.start = http_start,
	.on_data = http_on_data,
	.finish = http_finish,
};
const struct proto_ops proto_https = {
	.name = "https",
	.tls = true,
	.cap = 65536,
	.timeout = 6,
	.start = http_start,
	.on_data = http_on_data,
	.finish = http_finish,
};
const struct proto_ops proto_favicon = {
	.name = "favicon",
	.cap = 262144,
	.timeout = 5,
	.start = favicon_start,
	.on_data = http_on_data,
	.finish = favicon_finish,
};
const struct proto_ops proto_favicon_tls = {
	.name = "favicon-tls",
	.tls = true,
	.cap = 262144,
	.timeout = 6,
	.start = favicon_start,
	.on_data = http_on_data,
	.finish = favicon_finish,
};
const struct proto_ops proto_page = {
	.name = "page",
	.cap = 65536,
	.timeout = 5,
	.start = page_start,
	.on_data = http_on_data,
	.finish = page_finish,
};
const struct proto_ops proto_page_tls = {
	.name = "page-tls",
	.tls = true,
	.cap = 65536,
	.timeout = 6,
	.start = page_start,
	.on_data = http_on_data,
	.finish = page_finish,
};
