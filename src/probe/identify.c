/* From evidence to identity: fingerprint results into the service record,
 * device classes, and CPE 2.3 names split the way NVD splits them. */
#include "probe/services.h"
#include "base/util.h"
#include "model/cpe.h"
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
		{ "camera", "camera" },     { "dvr", "camera" },
		{ "nvr", "camera" },        { "video", "camera" },
		{ "router", "router" },     { "firewall", "router" },
		{ "switch", "switch" },     { "printer", "printer" },
		{ "storage", "storage" },   { "nas", "storage" },
		{ "phone", "phone" },       { "lights out", "bmc" },
		{ "embedded", "embedded" }, { "access point", "access-point" },
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

void svc_evidence(struct svc *s, const char *key, const char *text, size_t len)
{
	if (!s->fps || !len) return;
	struct fp_result r;
	if (!fp_set_match(s->fps, key, text, len, &r)) return;
	struct obs_service *o = &s->out;
	bool had_product = o->product[0] != 0;
	set_if_empty(o->product, sizeof(o->product), fp_result_get(&r, "service.product"));
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
