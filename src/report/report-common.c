/* Helpers shared by the reporters. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "model/cpe.h"
#include <stdio.h>
#include <string.h>

void format_port_ranges(struct buf *b, const uint16_t *ports, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && ports[j + 1] == ports[j] + 1) j++;
		if (i) buf_putc(b, ',');
		if (j > i)
			buf_printf(b, "%u-%u", ports[i], ports[j]);
		else
			buf_printf(b, "%u", ports[i]);
		i = j + 1;
	}
}

void cpe23_to_uri(const char *cpe23, char *out, size_t n)
{
	struct cpe c;
	out[0] = 0;
	if (cpe_parse(cpe23, &c) == 0) cpe_format_uri(&c, out, n);
}

static void tls_version_list(struct buf *b, unsigned bits)
{
	static const char *const names[] = { "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3" };
	buf_putc(b, '[');
	bool first = true;
	for (int i = 0; i < 5; i++)
		if (bits & (1u << i)) buf_printf(b, "%s\"%s\"", first ? "" : ",", names[i]), first = false;
	buf_putc(b, ']');
}

void webapps_summary(const struct obs_service *sv, char *out, size_t n)
{
	size_t w = 0;
	out[0] = 0;
	for (unsigned i = 0; i < sv->n_apps && i < OBS_MAX_APPS && w < n; i++)
		w += (size_t)snprintf(out + w, n - w, "%s%s%s%s", i ? ", " : "", sv->apps[i].name,
				      sv->apps[i].version[0] ? " " : "", sv->apps[i].version);
}

int json_service_fields(struct buf *b, const struct obs_service *sv)
{
	buf_puts(b, "\"name\":");
	json_put_str(b, sv->name);
	buf_puts(b, ",\"vendor\":");
	json_put_str(b, sv->vendor);
	buf_puts(b, ",\"product\":");
	json_put_str(b, sv->product);
	buf_puts(b, ",\"version\":");
	json_put_str(b, sv->version);
	buf_puts(b, ",\"update\":");
	json_put_str(b, sv->update);
	buf_puts(b, ",\"cpe\":[");
	if (sv->cpe[0]) json_put_str(b, sv->cpe);
	buf_puts(b, "],\"device\":");
	json_put_str(b, sv->device);
	buf_puts(b, ",\"os\":");
	json_put_str(b, sv->os);
	buf_printf(b, ",\"anonymous\":%s,\"info\":", sv->anonymous ? "true" : "false");
	json_put_str(b, sv->info);
	buf_puts(b, ",\"banner\":");
	json_put_str(b, sv->banner);
	buf_puts(b, ",\"apps\":[");
	for (unsigned i = 0; i < sv->n_apps && i < OBS_MAX_APPS; i++) {
		const struct obs_webapp *a = &sv->apps[i];
		buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		json_put_str(b, a->name);
		buf_puts(b, ",\"version\":");
		json_put_str(b, a->version);
		buf_puts(b, ",\"cpe\":");
		json_put_str(b, a->cpe);
		buf_puts(b, ",\"source\":");
		json_put_str(b, a->source);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\"tls\":");
	if (!sv->tls.present) return buf_puts(b, "null");
	buf_puts(b, "{\"versions\":");
	tls_version_list(b, sv->tls.versions);
	buf_puts(b, ",\"tested\":");
	tls_version_list(b, sv->tls.tested);
	buf_puts(b, ",\"subject\":");
	json_put_str(b, sv->tls.subject);
	buf_puts(b, ",\"issuer\":");
	json_put_str(b, sv->tls.issuer);
	char nb[40], na[40];
	fmt_rfc3339(sv->tls.not_before, nb, sizeof(nb));
	fmt_rfc3339(sv->tls.not_after, na, sizeof(na));
	return buf_printf(
	    b, ",\"not_before\":\"%s\",\"not_after\":\"%s\",\"self_signed\":%s,\"expired\":%s,\"sha256\":\"%s\"}",
	    nb, na, sv->tls.self_signed ? "true" : "false", sv->tls.expired ? "true" : "false",
	    sv->tls.sha256);
}
