/* The exposure listing (report.h): text for the operator, JSON Lines for
 * tools. Everything a platform wrote is untrusted text: escaped on output. */
#include "base/escape.h"
#include "base/timeutil.h"
#include "report/html-parts.h"
#include "report/report.h"
#include <string.h>

static void day(double t, char *out, size_t n)
{
	if (t <= 0) {
		snprintf(out, n, "-");
		return;
	}
	char full[40];
	fmt_rfc3339(t, full, sizeof(full));
	snprintf(out, n, "%.10s", full);
}

/* "product version" or "-" */
static const char *pv(char *out, size_t n, const char *product, const char *version)
{
	snprintf(out, n, "%s%s%s", product, *product && *version ? " " : "", version);
	if (!*out) snprintf(out, n, "-");
	return out;
}

/* The table and its summary line; fs NULL: the findings are printed elsewhere. */
static int table(FILE *f, const struct exposure_rows *rows, const struct findings *fs)
{
	FILE *t = term_open(f);
	struct buf b1 = BUF_INIT, b2 = BUF_INIT, b3 = BUF_INIT;
	size_t unexplained = 0, vulnerable = 0, mapped = 0;
	fprintf(t, "%-22s %-8s %-10s %-26s %-26s %-26s %-13s %s\n", "PUBLIC", "PLATFORM", "INDEXED",
		"OUTSIDE", "ASSET", "INSIDE", "VERDICT", "CVES");
	for (size_t i = 0; i < rows->n; i++) {
		const struct exposure_row *r = &rows->v[i];
		char ip[IPADDR_STRLEN], where[IPADDR_STRLEN + 16], d[16], out[160], in[160], asset[160],
		    cv[48];
		ipaddr_fmt(&r->obs.ip, ip, sizeof(ip));
		snprintf(where, sizeof(where), "%s:%u/%s", ip, r->obs.port, proto_name(r->obs.proto));
		day(r->obs.indexed, d, sizeof(d));
		pv(out, sizeof(out), r->obs.product, r->obs.version);
		pv(in, sizeof(in), r->inside_product, r->inside_version);
		if (r->verdict == EXP_CLOSED || r->verdict == EXP_NOT_SCANNED ||
		    r->verdict == EXP_UNEXPLAINED)
			snprintf(in, sizeof(in), "-");
		if (r->has_asset) {
			char a[IPADDR_STRLEN];
			ipaddr_fmt(&r->asset, a, sizeof(a));
			snprintf(asset, sizeof(asset), "%s%s%s%s%s", a, r->via_mapping ? "*" : "",
				 r->asset_name[0] ? " (" : "", r->asset_name, r->asset_name[0] ? ")" : "");
		} else {
			snprintf(asset, sizeof(asset), "none in the register");
		}
		cv[0] = 0;
		if (r->n_cves)
			snprintf(cv, sizeof(cv), "%zu%s (max %.1f)", r->n_cves, r->kev ? " KEV" : "",
				 r->max_cvss);
		fprintf(t, "%-22s %-8s %-10s %-26.26s %-26.26s %-26.26s %-13s %s\n", where,
			ext_platform_name(r->obs.platform), d, term_str(&b1, out), term_str(&b2, asset),
			term_str(&b3, in), exposure_verdict_name(r->verdict), r->n_cves ? cv : "-");
		unexplained += r->verdict == EXP_UNEXPLAINED;
		vulnerable += r->n_cves > 0;
		mapped += r->via_mapping;
	}
	if (mapped)
		fprintf(t, "* behind a port mapping of the edge (dormant audit --upnp): the inside port is "
			   "the mapping's\n");
	fprintf(t,
		"\n%zu externally visible service%s, %zu with no asset in the register, %zu with known "
		"vulnerabilities on the external banner",
		rows->n, rows->n == 1 ? "" : "s", unexplained, vulnerable);
	if (fs) fprintf(t, "; %zu finding%s", fs->n, fs->n == 1 ? "" : "s");
	fputc('\n', t);
	buf_release(&b1), buf_release(&b2), buf_release(&b3);
	return term_close_stream(t);
}

int report_exposure_rows_text(FILE *f, const struct exposure_rows *rows) { return table(f, rows, NULL); }

int report_exposure_text(FILE *f, const struct exposure_rows *rows, const struct findings *fs)
{
	int r = table(f, rows, fs);
	if (fs->n) {
		fputc('\n', f);
		report_findings_text(f, fs, NULL);
	}
	return r;
}

static void str(struct buf *b, const char *key, const char *v)
{
	buf_printf(b, ",\"%s\":", key);
	if (*v)
		json_put_str(b, v);
	else
		buf_puts(b, "null");
}

int report_exposure_jsonl(FILE *f, const struct exposure_rows *rows, const struct findings *fs)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < rows->n; i++) {
		const struct exposure_row *r = &rows->v[i];
		char ip[IPADDR_STRLEN], when[40];
		ipaddr_fmt(&r->obs.ip, ip, sizeof(ip));
		buf_reset(&b);
		buf_printf(&b,
			   "{\"type\":\"exposure\",\"public_ip\":\"%s\",\"port\":%u,\"proto\":\"%s\","
			   "\"platform\":\"%s\"",
			   ip, r->obs.port, proto_name(r->obs.proto), ext_platform_name(r->obs.platform));
		if (r->obs.indexed > 0) {
			fmt_rfc3339(r->obs.indexed, when, sizeof(when));
			buf_printf(&b, ",\"indexed\":\"%s\"", when);
		} else {
			buf_puts(&b, ",\"indexed\":null");
		}
		buf_puts(&b, ",\"outside\":{\"service\":");
		json_put_str(&b, r->obs.service);
		str(&b, "product", r->obs.product);
		str(&b, "version", r->obs.version);
		str(&b, "cpe", r->obs.cpe);
		str(&b, "hostnames", r->obs.hostnames);
		str(&b, "file", r->obs.file ? r->obs.file : "");
		buf_printf(&b, ",\"line\":%u}", r->obs.line);
		if (r->has_asset) {
			char a[IPADDR_STRLEN];
			ipaddr_fmt(&r->asset, a, sizeof(a));
			buf_printf(&b, ",\"asset\":{\"ip\":\"%s\"", a);
			str(&b, "name", r->asset_name);
			buf_printf(&b, ",\"register_line\":%u,\"assets_behind\":%zu", r->asset_line,
				   r->n_assets);
			if (r->via_mapping) { /* found through the gateway's mapping table */
				char gw[IPADDR_STRLEN];
				ipaddr_fmt(&r->gateway, gw, sizeof(gw));
				buf_printf(&b, ",\"via_mapping\":{\"gateway\":\"%s\",\"internal_port\":%u}",
					   gw, r->inside_port);
			}
			buf_putc(&b, '}');
		} else {
			buf_puts(&b, ",\"asset\":null");
		}
		if (r->verdict == EXP_SAME || r->verdict == EXP_DIFFERS || r->verdict == EXP_UNIDENTIFIED) {
			buf_printf(&b, ",\"inside\":{\"run\":%lld,\"port\":%u", (long long)r->run,
				   r->inside_port);
			str(&b, "service", r->inside_service);
			str(&b, "product", r->inside_product);
			str(&b, "version", r->inside_version);
			buf_putc(&b, '}');
		} else {
			buf_puts(&b, ",\"inside\":null");
		}
		buf_printf(&b,
			   ",\"verdict\":\"%s\",\"vulns\":{\"matched\":", exposure_verdict_name(r->verdict));
		if (r->vuln_cpe[0])
			json_put_str(&b, r->vuln_cpe);
		else
			buf_puts(&b, "null");
		buf_printf(&b, ",\"count\":%zu,\"kev\":%s", r->n_cves, r->kev ? "true" : "false");
		if (r->max_cvss >= 0) buf_printf(&b, ",\"max_cvss\":%.1f", r->max_cvss);
		str(&b, "cves", r->cves);
		buf_puts(&b, "}}\n");
		fwrite(b.data, 1, b.len, f);
	}
	buf_release(&b);
	return report_findings_jsonl(f, fs, 0);
}

/* "product version" escaped into b, "-" when neither is known */
static void html_pv(struct buf *b, const char *product, const char *version)
{
	char s[160];
	xml_put_str(b, pv(s, sizeof(s), product, version));
}

static bool from_outside(const struct finding *f)
{
	return !strcmp(f->rule, "external-only") || !strcmp(f->rule, "internet-exposed");
}

void report_exposure_html(struct buf *b, const struct exposure_rows *rows, const struct findings *fs)
{
	buf_printf(b, "<h2 id=\"external\">Seen from outside: %zu service%s answered</h2>", rows->n,
		   rows->n == 1 ? "" : "s");
	if (!rows->n) {
		buf_puts(b, "<p class=\"none\">nothing answered from outside</p>");
	} else {
		buf_puts(b,
			 "<table id=\"external-services\"><tr><th>Outside</th><th>Service seen</th><th>Asset "
			 "behind it</th><th>Inside says</th><th>Verdict</th><th>CVEs</th></tr>");
	}
	for (size_t i = 0; i < rows->n; i++) {
		const struct exposure_row *r = &rows->v[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&r->obs.ip, ip, sizeof(ip));
		buf_printf(b, "<tr class=\"external\"><td>%s:%u/%s</td><td>", ip, r->obs.port,
			   proto_name(r->obs.proto));
		xml_put_str(b, r->obs.service);
		buf_puts(b, " ");
		html_pv(b, r->obs.product, r->obs.version);
		buf_puts(b, "</td><td>");
		if (r->has_asset) {
			char a[IPADDR_STRLEN];
			ipaddr_fmt(&r->asset, a, sizeof(a));
			buf_printf(b, "%s:%u", a, r->inside_port);
			if (r->asset_name[0]) {
				buf_puts(b, " <span class=\"name\">");
				xml_put_str(b, r->asset_name);
				buf_puts(b, "</span>");
			}
			if (r->via_mapping) {
				char gw[IPADDR_STRLEN];
				ipaddr_fmt(&r->gateway, gw, sizeof(gw));
				buf_printf(b, "<br>through a port mapping of %s", gw);
			}
		} else {
			buf_puts(b, "none in the register");
		}
		buf_puts(b, "</td><td>");
		if (r->verdict == EXP_SAME || r->verdict == EXP_DIFFERS || r->verdict == EXP_UNIDENTIFIED)
			html_pv(b, r->inside_product, r->inside_version);
		else
			buf_puts(b, "-");
		buf_printf(b, "</td><td>%s</td><td>", exposure_verdict_name(r->verdict));
		if (r->n_cves) {
			buf_printf(b, "%zu%s (max %.1f): ", r->n_cves, r->kev ? " KEV" : "", r->max_cvss);
			xml_put_str(b, r->cves);
		} else {
			buf_puts(b, "-");
		}
		buf_puts(b, "</td></tr>");
	}
	if (rows->n) buf_puts(b, "</table>");
	size_t n = 0;
	for (size_t i = 0; fs && i < fs->n; i++) n += from_outside(&fs->v[i]);
	buf_printf(
	    b, "<h3 id=\"external-findings-title\">Exposed to the internet, or seen only from outside (%zu)</h3>",
	    n);
	if (!n) {
		buf_puts(b, "<p class=\"none\">every service that answered is explained by the inside</p>");
		return;
	}
	buf_puts(
	    b,
	    "<table id=\"external-findings\"><tr><th>Rule</th><th>Severity</th><th>Host</th><th>Finding</th>"
	    "<th>Evidence</th></tr>");
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		if (!from_outside(f)) continue;
		char ip[IPADDR_STRLEN] = "-";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		buf_printf(b, "<tr class=\"external-finding\"><td>%s</td><td>%s</td><td>%s", f->rule,
			   severity_name(f->severity), ip);
		if (f->port) buf_printf(b, ":%u/%s", f->port, proto_name(f->proto));
		buf_puts(b, "</td><td>");
		xml_put_str(b, f->title);
		buf_puts(b, "</td><td>");
		html_evidence(b, f->evidence);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</table>");
}
