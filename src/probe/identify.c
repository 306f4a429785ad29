/* From evidence to identity: fingerprint results into the service record,
 * device classes, and CPE 2.3 names split the way NVD splits them. */
#include "probe/services.h"
#include "base/util.h"
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
		{ "camera", "camera" }, { "dvr", "camera" },      { "nvr", "camera" },      { "video", "camera" },
		{ "router", "router" }, { "firewall", "router" }, { "switch", "switch" },   { "printer", "printer" },
		{ "storage", "storage" }, { "nas", "storage" },   { "phone", "phone" },     { "lights out", "bmc" },
		{ "embedded", "embedded" }, { "access point", "access-point" }, { "wap", "access-point" },
	};
	char low[64];
	size_t i;
	for (i = 0; hw[i] && i + 1 < sizeof(low); i++) low[i] = (char)tolower((unsigned char)hw[i]);
	low[i] = 0;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (strstr(low, map[i].word)) return map[i].cls;
	return "other";
}

/* CPE 2.3 formatted-string escaping: everything but letters, digits,
 * '_', '-' and '.' is quoted with a backslash. */
static size_t cpe_put(char *out, size_t w, size_t n, const char *v)
{
	if (!v || !*v) v = "*";
	if (!strcmp(v, "*") || !strcmp(v, "-")) {
		for (; *v && w + 1 < n; v++) out[w++] = *v;
		return w;
	}
	for (; *v && w + 2 < n; v++) {
		unsigned char c = (unsigned char)*v;
		if (!isalnum(c) && c != '_' && c != '-' && c != '.') out[w++] = '\\';
		out[w++] = (char)tolower(c);
	}
	return w;
}

void cpe23_format(const char *cpe, const char *version, const char *update, char *out, size_t n)
{
	char part[8] = "a", vendor[64] = "", product[96] = "", ver[64] = "";
	out[0] = 0;
	if (!strncmp(cpe, "cpe:/", 5)) {
		/* 2.2 URI: cpe:/a:vendor:product:version */
		char tmp[256];
		snprintf(tmp, sizeof(tmp), "%s", cpe + 5);
		char *save = NULL, *f[4] = { 0 };
		int k = 0;
		for (char *t = strtok_r(tmp, ":", &save); t && k < 4; t = strtok_r(NULL, ":", &save)) f[k++] = t;
		if (k < 3) return;
		snprintf(part, sizeof(part), "%s", f[0]);
		snprintf(vendor, sizeof(vendor), "%s", f[1]);
		snprintf(product, sizeof(product), "%s", f[2]);
		if (k > 3) snprintf(ver, sizeof(ver), "%s", f[3]);
	} else if (!strncmp(cpe, "cpe:2.3:", 8)) {
		snprintf(out, n, "%s", cpe);
		return;
	} else {
		return;
	}
	if (version && *version) snprintf(ver, sizeof(ver), "%s", version);
	size_t w = (size_t)snprintf(out, n, "cpe:2.3:%s:", part);
	w = cpe_put(out, w, n, vendor);
	out[w++] = ':';
	w = cpe_put(out, w, n, product);
	out[w++] = ':';
	w = cpe_put(out, w, n, ver);
	out[w++] = ':';
	w = cpe_put(out, w, n, update && *update ? update : "*");
	snprintf(out + w, n - w, ":*:*:*:*:*:*");
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
	if (!o->update[0] && !strcmp(o->product, "OpenSSH") && (p = strchr(o->version, 'p')) && isdigit((unsigned char)p[1])) {
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
		snprintf(o->os, sizeof(o->os), "%s%s%s%s%s", osv ? osv : "", osv && osp ? " " : "", osp ? osp : "",
			 osver ? " " : "", osver ? osver : "");
	const char *cpe = fp_result_get(&r, "service.cpe23");
	if (cpe && !o->cpe[0]) cpe23_format(cpe, o->version, o->update, o->cpe, sizeof(o->cpe));
	if (!o->cpe[0] && (cpe = fp_result_get(&r, "os.cpe23"))) cpe23_format(cpe, osver, NULL, o->cpe, sizeof(o->cpe));
}

void svc_set_banner(struct svc *s, const uint8_t *data, size_t len)
{
	char *b = s->out.banner;
	size_t w = 0, n = sizeof(s->out.banner);
	for (size_t i = 0; i < len && w + 5 < n; i++) {
		unsigned char c = data[i];
		if (c >= 0x20 && c < 0x7f) b[w++] = (char)c;
		else if (c == '\r' || c == '\n') b[w++] = c == '\n' ? '\n' : '\r';
		else w += (size_t)snprintf(b + w, n - w, "\\x%02x", c);
	}
	b[w] = 0;
}
