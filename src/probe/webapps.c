/* Web application identification: what Recog's page databases and
 * Wappalyzer's rules say about one page, merged into the service's list of
 * applications (one entry a name, the first source kept, versions and CPEs
 * completed from later ones). */
#include "probe/webapps.h"
#include "base/util.h"
#include "model/cpe.h"
#include "probe/services.h"
#include <string.h>
#include <strings.h>

/* Wappalyzer's category of web servers: the service record names the
 * server itself (Server header, Recog's http_servers), so these are not
 * applications. */
#define WA_CAT_WEB_SERVER 22
/* ... nor is the operating system the Server header names ("Debian"). */
#define WA_CAT_OS 28

/* Two CPEs of one product (part, vendor and product equal): the second
 * database naming it is the same application. */
static bool same_product(const char *a, const char *b)
{
	if (!*a || !*b) return false;
	int colons = 0;
	size_t i;
	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == ':' && ++colons == 5) return true;
	return false;
}

void webapps_add(struct obs_service *o, const char *name, const char *version, const char *cpe,
		 const char *source)
{
	if (!name || !*name) return;
	char c23[160] = "";
	struct cpe pc;
	if (cpe && *cpe && cpe_parse(cpe, &pc) == 0) cpe_format(&pc, c23, sizeof(c23));
	struct obs_webapp *a = NULL;
	for (unsigned i = 0; i < o->n_apps && !a; i++)
		if (!strcasecmp(o->apps[i].name, name) || same_product(o->apps[i].cpe, c23)) a = &o->apps[i];
	if (!a) {
		if (o->n_apps >= OBS_MAX_APPS) return;
		a = &o->apps[o->n_apps++];
		memset(a, 0, sizeof(*a));
		snprintf(a->name, sizeof(a->name), "%s", name);
		snprintf(a->source, sizeof(a->source), "%s", source);
	}
	if (version && *version && !a->version[0]) {
		snprintf(a->version, sizeof(a->version), "%s", version);
		a->cpe[0] = 0; /* made again with the version */
	}
	if (cpe && *cpe && !a->cpe[0]) {
		/* Recog writes "-" (not applicable) where it knows no version: "any" here */
		struct cpe c;
		if (cpe_parse(cpe, &c) == 0) {
			cpe_set(&c, CPE_VERSION, a->version);
			cpe_format(&c, a->cpe, sizeof(a->cpe));
		}
	}
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* A Recog match as an application: "Vendor Product" (the product alone when
 * it already starts with the vendor), its version and CPE. */
static void from_recog(const struct fp_set *fps, const char *key, const char *text, bool devices_only,
		       struct obs_service *o)
{
	struct fp_result r;
	size_t len = strlen(text);
	if (!fps || !len || !fp_set_match(fps, key, text, len, &r)) return;
	const char *v = fp_result_get(&r, "service.vendor"), *p = fp_result_get(&r, "service.product");
	const char *fam = NULL, *cpe = fp_result_get(&r, "service.cpe23");
	const char *ver = fp_result_get(&r, "service.version");
	bool device = fp_result_get(&r, "hw.device") || fp_result_get(&r, "os.device");
	if (devices_only && !device) return; /* a web server's own name: the service record has it */
	if (!p || devices_only) {            /* a device named by its hardware (cameras, printers) */
		const char *hp = fp_result_get(&r, "hw.product"), *op = fp_result_get(&r, "os.product");
		v = fp_result_get(&r, "hw.vendor");
		fam = fp_result_get(&r, "hw.family");
		p = hp ? hp : op ? op : fam ? fam : fp_result_get(&r, "hw.device");
		if (p == fam) fam = NULL;
		if (!v) v = fp_result_get(&r, "os.vendor");
		ver = fp_result_get(&r, hp ? "hw.version" : "os.version");
		cpe = fp_result_get(&r, hp ? "hw.cpe23" : "os.cpe23");
	}
	if (!p) return;
	char name[64];
	bool has_v = v && strncasecmp(p, v, strlen(v)), has_fam = fam && strncasecmp(p, fam, strlen(fam));
	snprintf(name, sizeof(name), "%s%s%s%s%s", has_v ? v : "", has_v ? " " : "", has_fam ? fam : "",
		 has_fam ? " " : "", p);
	char src[64];
	snprintf(src, sizeof(src), "recog:%s:%u", base_name(r.db->path), r.fp->line);
	webapps_add(o, name, ver, cpe, src);
}

static bool not_an_app(const struct wa_hit *h)
{
	for (size_t i = 0; i < h->n_cats; i++)
		if (h->cats[i] == WA_CAT_WEB_SERVER || h->cats[i] == WA_CAT_OS) return true;
	return false;
}

void webapps_from_page(const struct fp_set *fps, const struct wa_db *wa, const struct webpage *pg,
		       struct obs_service *o)
{
	/* Recog first: its entries name products the way NVD does. */
	if (pg->title[0]) from_recog(fps, "html_title", pg->title, false, o);
	const char *xp = webpage_header(pg, "x-powered-by"), *srv = webpage_header(pg, "server");
	if (xp) from_recog(fps, "http_header.x-powered-by", xp, false, o);
	/* an embedded server that names its device (a printer's, a camera's) */
	if (srv) from_recog(fps, "http_header.server", srv, true, o);
	for (size_t i = 0; i < pg->n_cookies; i++) {
		char c[WEBPAGE_MAX_VALUE * 2 + 2];
		snprintf(c, sizeof(c), "%s=%s", pg->cookies[i].name, pg->cookies[i].value);
		from_recog(fps, "http_header.cookie", c, false, o);
	}
	if (!wa) return;
	struct wa_hit hits[32];
	size_t n = wa_match(wa, pg, WEBAPPS_MIN_CONFIDENCE, hits, ARRAY_SIZE(hits));
	for (size_t i = 0; i < n; i++) {
		if (not_an_app(&hits[i])) continue;
		char src[64];
		snprintf(src, sizeof(src), "wappalyzer:%s", hits[i].name);
		webapps_add(o, hits[i].name, hits[i].version, hits[i].cpe, src);
	}
}

void webapps_from_favicon(const struct fp_set *fps, const char *md5_hex, struct obs_service *o)
{
	from_recog(fps, "favicon.md5", md5_hex, false, o);
}
