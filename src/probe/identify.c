/* From evidence to identity: fingerprint results into the service record,
 * device classes, and CPE 2.3 names split the way NVD splits them. */
#include "probe/services.h"
#include "base/util.h"
#include "model/cpe.h"
#include "probe/nmap-probes.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void set_if_empty(char *dst, size_t n, const char *v)
{
	if (v && *v && !*dst) snprintf(dst, n, "%s", v);
}

/* Device classes dormant reports, from Recog's free-form hw.device. */
static const char *device_class(const char *hw)
{
	static const struct {
		const char *word, *cls;
	} map[] = {
		{ "camera", "camera" },    { "dvr", "camera" },        { "webcam", "camera" },
		{ "nvr", "camera" },       { "video", "camera" },      { "router", "router" },
		{ "firewall", "router" },  { "switch", "switch" },     { "printer", "printer" },
		{ "storage", "storage" },  { "nas", "storage" },       { "phone", "phone" },
		{ "lights out", "bmc" },   { "embedded", "embedded" }, { "access point", "access-point" },
		{ "wap", "access-point" },
	};
	char low[64];
	size_t i;
	for (i = 0; hw[i] && i + 1 < sizeof(low); i++) low[i] = (char)tolower((unsigned char)hw[i]);
	low[i] = 0;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (strstr(low, map[i].word)) return map[i].cls;
	return "other";
}

void cpe23_format(const char *cpe, const char *version, const char *update, char *out, size_t n)
{
	/* Recog writes 2.2 URIs with {param} templates; the version and update
	 * dormant split out replace whatever the template produced. */
	struct cpe c;
	out[0] = 0;
	if (cpe_parse(cpe, &c) < 0) return;
	if (version && *version)
		cpe_set(&c, CPE_VERSION, version);
	else if (strchr(c.v[CPE_VERSION], '{') || !c.v[CPE_VERSION][0])
		cpe_set(&c, CPE_VERSION, NULL);
	if (update && *update) cpe_set(&c, CPE_UPDATE, update);
	cpe_format(&c, out, n);
}

/* "dormant:http_servers.xml:15" or "recog:ssh_banners.xml:12". */
static void fp_source(const struct fp_result *r, bool own, char *out, size_t n)
{
	const char *base = strrchr(r->db->path, '/');
	snprintf(out, n, "%s:%s:%u", own ? "dormant" : "recog", base ? base + 1 : r->db->path, r->fp->line);
}

static bool is_own(const struct svc *s, const struct fp_db *db)
{
	size_t l = s->own_dir ? strlen(s->own_dir) : 0;
	return l && !strncmp(db->path, s->own_dir, l) && db->path[l] == '/';
}

/* Copies v into dst (n bytes), cut if longer: nmap's fields are longer than ours. */
static void put(char *dst, size_t n, const char *v)
{
	size_t l = strnlen(v, n - 1);
	memcpy(dst, v, l);
	dst[l] = 0;
}

/* A higher rank names the product afresh: what a lower one said goes. */
static void take_product(struct obs_service *o)
{
	o->product[0] = o->vendor[0] = o->version[0] = o->update[0] = o->cpe[0] = 0;
}

void svc_evidence(struct svc *s, const char *key, const char *text, size_t len)
{
	if (!s->fps || !len) return;
	struct fp_result r;
	if (!fp_set_match(s->fps, key, text, len, &r)) return;
	struct obs_service *o = &s->out;
	enum svc_rank rank = is_own(s, r.db) ? RANK_OWN : RANK_RECOG;
	const char *prod = fp_result_get(&r, "service.product");
	if (prod && *prod && o->product[0] && rank > s->rank) take_product(o);
	if (prod && *prod && !o->product[0]) {
		s->rank = rank;
		fp_source(&r, rank == RANK_OWN, o->source, sizeof(o->source));
	}
	bool had_product = o->product[0] != 0;
	set_if_empty(o->product, sizeof(o->product), prod);
	set_if_empty(o->vendor, sizeof(o->vendor), fp_result_get(&r, "service.vendor"));
	if (!had_product || !o->version[0]) {
		set_if_empty(o->version, sizeof(o->version), fp_result_get(&r, "service.version"));
		set_if_empty(o->update, sizeof(o->update), fp_result_get(&r, "service.version.update"));
	}
	/* OpenSSH versions: NVD keeps the portable release apart (7.7p1 = 7.7 + p1). */
	char *p;
	if (!o->update[0] && !strcmp(o->product, "OpenSSH") && (p = strchr(o->version, 'p')) &&
	    isdigit((unsigned char)p[1])) {
		snprintf(o->update, sizeof(o->update), "%s", p);
		*p = 0;
	}
	const char *hw = fp_result_get(&r, "hw.device");
	if (!hw) hw = fp_result_get(&r, "os.device");
	if (hw && !o->device[0]) snprintf(o->device, sizeof(o->device), "%s", device_class(hw));
	if (!o->vendor[0]) set_if_empty(o->vendor, sizeof(o->vendor), fp_result_get(&r, "hw.vendor"));
	const char *osv = fp_result_get(&r, "os.vendor"), *osp = fp_result_get(&r, "os.product"),
		   *osver = fp_result_get(&r, "os.version");
	if (!o->os[0] && (osv || osp))
		snprintf(o->os, sizeof(o->os), "%s%s%s%s%s", osv ? osv : "", osv && osp ? " " : "",
			 osp ? osp : "", osver ? " " : "", osver ? osver : "");
	const char *cpe = fp_result_get(&r, "service.cpe23");
	if (cpe && !o->cpe[0]) cpe23_format(cpe, o->version, o->update, o->cpe, sizeof(o->cpe));
	if (!o->cpe[0] && (cpe = fp_result_get(&r, "os.cpe23")))
		cpe23_format(cpe, osver, NULL, o->cpe, sizeof(o->cpe));
}

/* The vendor:product of a CPE 2.3 string, lower case, into out ("" if none). */
static void cpe_vp(const char *cpe, char *out, size_t n)
{
	struct cpe c;
	out[0] = 0;
	if (!cpe[0] || cpe_parse(cpe, &c) < 0) return;
	int w = snprintf(out, n, "%s:%s", c.v[CPE_VENDOR], c.v[CPE_PRODUCT]);
	if (w < 0 || (size_t)w >= n) { /* a cut key would compare wrongly: none */
		out[0] = 0;
		return;
	}
	for (char *q = out; *q; q++) *q = (char)tolower((unsigned char)*q);
}

/* nmap's first application CPE (else its first of any part). */
static const char *nmap_cpe(const struct nmap_result *res)
{
	for (unsigned k = 0; k < res->n_cpe; k++)
		if (!strncmp(res->cpe[k], "cpe:2.3:a:", 10)) return res->cpe[k];
	return res->n_cpe ? res->cpe[0] : NULL;
}

/* nmap's service names are its own ("ssl/http", "http-proxy"); dormant says
 * "https" for HTTP in TLS, "ssl/imap" for the others in TLS, as nmap does. */
static void nmap_name(struct svc *s, const char *service)
{
	struct obs_service *o = &s->out;
	bool ssl = !strncmp(service, "ssl/", 4) || o->tls.present || s->nmap_ssl;
	if (!strncmp(service, "ssl/", 4)) service += 4;
	if (!strcmp(service, "tcpwrapped") && o->name[0]) return;
	if (!strcmp(service, "http") && ssl)
		put(o->name, sizeof(o->name), "https");
	else
		snprintf(o->name, sizeof(o->name), "%s%.19s", ssl ? "ssl/" : "", service);
}

void svc_nmap_result(struct svc *s, const struct nmap_result *res)
{
	struct obs_service *o = &s->out;
	enum svc_rank rank = res->soft ? RANK_NMAP_SOFT : RANK_NMAP;
	if (!strcmp(res->service, "ssl") && !res->fields[NMAP_PRODUCT][0]) {
		/* "ssl" says TLS, not what speaks inside it: as nmap does, the
		 * port is probed again in the tunnel (services.c), and until then
		 * it is ssl/unknown */
		s->nmap_said_ssl = true;
		if (!s->identified || !o->name[0] || !strcmp(o->name, "unknown"))
			put(o->name, sizeof(o->name), "ssl/unknown");
		return;
	}
	if (!res->soft) {
		/* a match without version goes on with the probes that can name
		 * the same service (memcached answers GenericLines with ERROR
		 * and its version to stats) */
		if (res->fields[NMAP_VERSION][0])
			s->nmap_hard = true;
		else
			put(s->nmap_soft, sizeof(s->nmap_soft), res->service);
		/* an answer in the probe's protocol that named a product: dormant's guesses can stop */
		s->nmap_payload_hit |= res->section && strcmp(res->section->name, "NULL") &&
				       res->fields[NMAP_PRODUCT][0];
	} else if (!s->nmap_soft[0])
		put(s->nmap_soft, sizeof(s->nmap_soft), res->service);
	/* the service name: dormant's protocols know theirs; nmap names the rest */
	if (!s->identified || !o->name[0] || !strcmp(o->name, "unknown") || !strcmp(o->name, "ssl/unknown")) {
		nmap_name(s, res->service);
		if (!res->soft) s->identified = true;
	}
	const char *prod = res->fields[NMAP_PRODUCT], *ver = res->fields[NMAP_VERSION];
	const char *cpe = nmap_cpe(res);
	bool better = rank == RANK_NMAP && s->rank == RANK_NMAP && ver[0] && !o->version[0];
	if ((rank > s->rank || better) && (prod[0] || (rank == RANK_NMAP_SOFT && !o->source[0]))) {
		if (prod[0]) take_product(o);
		s->rank = rank;
		put(o->source, sizeof(o->source), res->source);
		put(o->product, sizeof(o->product), prod);
		put(o->version, sizeof(o->version), ver);
		if (cpe) {
			struct cpe c;
			if (cpe_parse(cpe, &c) == 0 && c.v[CPE_VENDOR][0] && strcmp(c.v[CPE_VENDOR], "*"))
				put(o->vendor, sizeof(o->vendor), c.v[CPE_VENDOR]);
			cpe23_format(cpe, ver, NULL, o->cpe, sizeof(o->cpe));
		}
	} else if (!res->soft && prod[0] && cpe && o->cpe[0]) {
		/* a higher rank named it: when nmap names the same product (same
		 * CPE vendor:product), its name is the one operators know
		 * ("Apache httpd", not Recog's "HTTPD"); the version stays */
		char a[200], b[200];
		cpe_vp(cpe, a, sizeof(a));
		cpe_vp(o->cpe, b, sizeof(b));
		if (a[0] && !strcmp(a, b)) put(o->product, sizeof(o->product), prod);
		if (a[0] && !strcmp(a, b) && !o->version[0] && ver[0])
			put(o->version, sizeof(o->version), ver);
	}
	if (!o->info[0] && res->fields[NMAP_INFO][0]) put(o->info, sizeof(o->info), res->fields[NMAP_INFO]);
	if (!o->os[0] && res->fields[NMAP_OS][0]) put(o->os, sizeof(o->os), res->fields[NMAP_OS]);
	if (!o->device[0] && res->fields[NMAP_DEVICE][0])
		put(o->device, sizeof(o->device), device_class(res->fields[NMAP_DEVICE]));
}

void svc_keep_raw(uint8_t **dst, size_t *dst_len, const uint8_t *data, size_t len)
{
	len = MIN(len, SVC_RAW_MAX);
	if (!*dst) *dst = xmalloc(SVC_RAW_MAX);
	memcpy(*dst, data, len);
	*dst_len = len;
}

void svc_set_banner(struct svc *s, const uint8_t *data, size_t len)
{
	char *b = s->out.banner;
	size_t w = 0, n = sizeof(s->out.banner);
	for (size_t i = 0; i < len && w + 5 < n; i++) {
		unsigned char c = data[i];
		if (c >= 0x20 && c < 0x7f)
			b[w++] = (char)c;
		else if (c == '\r' || c == '\n')
			b[w++] = c == '\n' ? '\n' : '\r';
		else
			w += (size_t)snprintf(b + w, n - w, "\\x%02x", c);
	}
	b[w] = 0;
}
