/* The HTML report: one page that needs nothing else (styles and SVG charts
 * inline, no script, no external asset), so it can be mailed or archived
 * and opened anywhere. Every text that came from the network or a file is
 * escaped. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <string.h>

static const char *sev_color[] = { "#8a8f98", "#3f7fbf", "#d9a400", "#e0661b", "#c0162c" };

static void text(struct buf *b, const char *s) { xml_put_str(b, s ? s : ""); }

static void style(struct buf *b)
{
	buf_puts(b, "<style>"
		    "body{font:14px/1.4 system-ui,sans-serif;margin:24px "
		    "auto;max-width:1200px;color:#1d2330;padding:0 16px}"
		    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px "
		    "solid #d8dce3}"
		    ".meta{color:#5b6473}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}"
		    ".card{border-radius:6px;padding:10px 16px;color:#fff;min-width:96px}.card "
		    "b{font-size:24px;display:block}"
		    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}"
		    "figure{margin:0;border:1px solid #d8dce3;border-radius:6px;padding:10px}"
		    "figcaption{font-weight:600;margin-bottom:6px}svg text{font:11px "
		    "system-ui,sans-serif;fill:#1d2330}"
		    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px "
		    "8px;border-bottom:1px solid "
		    "#e6e9ee;vertical-align:top}th{background:#f3f5f8}.sev{color:#fff;border-radius:4px;"
		    "padding:1px 6px;"
		    "font-size:12px}details "
		    "pre{white-space:pre-wrap;word-break:break-all;background:#f6f7f9;padding:6px;"
		    "margin:4px 0}.fix{color:#2d5a27}.none{color:#5b6473;font-style:italic}"
		    "</style>");
}

static void sev_badge(struct buf *b, enum severity s)
{
	buf_printf(b, "<span class=\"sev\" style=\"background:%s\">%s</span>",
		   sev_color[s <= SEV_CRITICAL ? s : 0], severity_name(s));
}

/* A horizontal bar chart: labels on the left, bars scaled to the largest. */
struct bar {
	char label[96];
	double value, part; /* part: a second, inner value (e.g. used of open); <0 none */
	const char *color, *part_color;
	char note[64];
};

static void hbars(struct buf *b, const char *id, const struct bar *v, size_t n, const char *legend)
{
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].value > max) max = v[i].value;
	int row = 20, left = 190, width = 300, h = (int)n * row + (legend ? 24 : 8);
	buf_printf(b, "<svg id=\"%s\" role=\"img\" width=\"100%%\" viewBox=\"0 0 %d %d\">", id,
		   left + width + 150, h);
	for (size_t i = 0; i < n; i++) {
		int y = (int)i * row + 4;
		double w = max > 0 ? v[i].value / max * width : 0;
		buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y + 12);
		text(b, v[i].label);
		buf_printf(
		    b,
		    "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
		    left, y, w < 1 && v[i].value > 0 ? 1 : w, v[i].color);
		if (v[i].part >= 0 && max > 0)
			buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
				   left, y, v[i].part / max * width, v[i].part_color);
		buf_printf(b, "<text x=\"%.1f\" y=\"%d\">", left + w + 4, y + 12);
		text(b, v[i].note);
		buf_puts(b, "</text>");
	}
	if (legend) {
		buf_printf(b, "<text x=\"%d\" y=\"%d\">", left, h - 6);
		text(b, legend);
		buf_puts(b, "</text>");
	}
	buf_puts(b, "</svg>");
}

static void chart_risk(struct buf *b, const struct report_meta *m)
{
	buf_puts(b, "<figure><figcaption>Risk per asset</figcaption>");
	if (!m->n_assets) {
		buf_puts(b, "<p class=\"none\">no asset has a finding</p></figure>");
		return;
	}
	struct bar v[15];
	size_t n = m->n_assets < 15 ? m->n_assets : 15;
	for (size_t i = 0; i < n; i++) {
		const struct asset_risk *a = &m->assets[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&a->ip, ip, sizeof(ip));
		const char *host = inventory_name(m->inv, &a->ip);
		v[i] = (struct bar){ .value = a->risk, .part = -1, .color = sev_color[a->worst] };
		snprintf(v[i].label, sizeof(v[i].label), "%s%s%.40s%s", ip, host ? " (" : "",
			 host ? host : "", host ? ")" : "");
		snprintf(v[i].note, sizeof(v[i].note), "%.1f, %zu finding%s", a->risk, a->findings,
			 a->findings == 1 ? "" : "s");
	}
	hbars(b, "chart-risk", v, n, "colour: the asset's worst finding");
	buf_puts(b, "</figure>");
}

static void chart_exposure(struct buf *b, const struct report_meta *m)
{
	buf_puts(b, "<figure><figcaption>Exposure against use, per port</figcaption>");
	if (!m->n_exposure) {
		buf_puts(b, "<p class=\"none\">no open port</p></figure>");
		return;
	}
	struct bar v[15];
	size_t n = m->n_exposure < 15 ? m->n_exposure : 15;
	for (size_t i = 0; i < n; i++) {
		const struct port_exposure *p = &m->exposure[i];
		v[i] = (struct bar){ .value = p->open,
				     .part = m->exposure_judged ? (double)p->used : -1.0,
				     .color = "#e35d6a",
				     .part_color = "#3c9d5d" };
		snprintf(v[i].label, sizeof(v[i].label), "%u/%s", p->port,
			 p->proto == PROTO_UDP ? "udp" : "tcp");
		if (m->exposure_judged)
			snprintf(v[i].note, sizeof(v[i].note), "%u open, %u used", p->open, p->used);
		else
			snprintf(v[i].note, sizeof(v[i].note), "%u open", p->open);
		if (!m->exposure_judged) v[i].color = "#7a8699";
	}
	hbars(b, "chart-exposure", v, n,
	      m->exposure_judged ? "hosts with the port open: green used in the window, red unused"
				 : "hosts with the port open (no traffic given: use unknown)");
	buf_puts(b, "</figure>");
}

static void chart_hours(struct buf *b, const struct report_meta *m)
{
	const struct traffic_profile *t = m->traffic;
	buf_puts(b, "<figure><figcaption>Traffic by hour of day (site time; off-hours shaded)</figcaption>");
	if (!t || !t->present) {
		buf_puts(b, "<p class=\"none\">no traffic in this audit (--flows FILE)</p></figure>");
		return;
	}
	uint64_t max = 0;
	for (int h = 0; h < 24; h++)
		if (t->bytes_by_hour[h] > max) max = t->bytes_by_hour[h];
	int left = 40, bw = 20, height = 150, top = 10;
	buf_printf(b, "<svg id=\"chart-hours\" role=\"img\" width=\"100%%\" viewBox=\"0 0 %d %d\">",
		   left + 24 * bw + 10, height + top + 36);
	for (int h = 0; h < 24; h++) {
		int x = left + h * bw;
		if (!t->business_hour[h])
			buf_printf(b,
				   "<rect class=\"offhours\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				   "fill=\"#e9ebf2\"/>",
				   x, top, bw, height);
		double bh = max ? (double)t->bytes_by_hour[h] / (double)max * height : 0;
		buf_printf(b,
			   "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
			   "fill=\"%s\"><title>%02d:00 "
			   "%llu flows</title></rect>",
			   x + 3, top + height - bh, bw - 6, bh, t->business_hour[h] ? "#3f7fbf" : "#6b3fa0",
			   h, (unsigned long long)t->flows_by_hour[h]);
		if (h % 3 == 0)
			buf_printf(b, "<text x=\"%d\" y=\"%d\">%02d</text>", x + 3, top + height + 14, h);
	}
	char mx[32];
	fmt_bytes(max, mx, sizeof(mx));
	buf_printf(
	    b,
	    "<text x=\"0\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\">bytes per hour of day; shaded: outside "
	    "business hours</text></svg></figure>",
	    top + 10, mx, left, top + height + 32);
}

static void chart_countries(struct buf *b, const struct report_meta *m)
{
	const struct traffic_profile *t = m->traffic;
	buf_puts(b, "<figure><figcaption>External destinations by country</figcaption>");
	if (!t || !t->n_countries) {
		buf_puts(b, "<p class=\"none\">no external traffic with a known country</p></figure>");
		return;
	}
	struct bar v[PROFILE_COUNTRIES];
	for (size_t i = 0; i < t->n_countries; i++) {
		v[i] = (struct bar){ .value = (double)t->countries[i].bytes,
				     .part = -1,
				     .color = t->countries[i].home ? "#7a8699" : "#c0162c" };
		snprintf(v[i].label, sizeof(v[i].label), "%s%s", t->countries[i].cc,
			 t->countries[i].home ? " (home)" : "");
		char sz[32];
		fmt_bytes(t->countries[i].bytes, sz, sizeof(sz));
		snprintf(v[i].note, sizeof(v[i].note), "%s, %llu flows", sz,
			 (unsigned long long)t->countries[i].flows);
	}
	hbars(b, "chart-countries", v, t->n_countries, "red: foreign (not in home_countries)");
	buf_puts(b, "</figure>");
}

static void chart_changes(struct buf *b, const struct report_meta *m)
{
	buf_puts(b, "<figure><figcaption>What changed since the last audit</figcaption>");
	if (!m->changes) {
		buf_puts(b, "<p class=\"none\">first audit in this database: nothing to compare with "
			    "yet</p></figure>");
		return;
	}
	struct bar v[CHANGE_KINDS];
	for (int k = 0; k < CHANGE_KINDS; k++) {
		v[k] = (struct bar){ .value = (double)m->changes->counts[k],
				     .part = -1,
				     .color = k == CHANGE_HOST_NEW || k == CHANGE_PORT_OPENED ||
						      k == CHANGE_FINDING_NEW || k == CHANGE_HOST_WOKE
						  ? "#e0661b"
						  : "#3c9d5d" };
		snprintf(v[k].label, sizeof(v[k].label), "%s", change_kind_name((enum change_kind)k));
		snprintf(v[k].note, sizeof(v[k].note), "%zu", m->changes->counts[k]);
	}
	char legend[64];
	snprintf(legend, sizeof(legend), "compared with run %lld", (long long)m->changes_from);
	hbars(b, "chart-changes", v, CHANGE_KINDS, legend);
	buf_puts(b, "</figure>");
}

static void findings_table(struct buf *b, const struct findings *fs)
{
	buf_printf(b, "<h2 id=\"findings\">Findings, what to fix first (%zu)</h2>", fs ? fs->n : 0);
	if (!fs || !fs->n) {
		buf_puts(b, "<p class=\"none\">no findings</p>");
		return;
	}
	buf_puts(
	    b,
	    "<table "
	    "id=\"findings-table\"><tr><th>#</th><th>Severity</th><th>Rule</th><th>Asset</th><th>Finding and "
	    "remedy</th></tr>");
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		char ip[IPADDR_STRLEN] = "";
		if (f->has_ip) ipaddr_fmt(&f->ip, ip, sizeof(ip));
		buf_printf(b, "<tr class=\"finding\" data-rule=\"%s\"><td>%zu</td><td>", f->rule, i + 1);
		sev_badge(b, f->severity);
		buf_printf(b, "</td><td>%s</td><td>%s", f->rule, ip);
		if (f->port) buf_printf(b, ":%u/%s", f->port, proto_name(f->proto));
		buf_puts(b, "</td><td>");
		text(b, f->title);
		buf_puts(b, "<div class=\"fix\">Fix: ");
		text(b, f->remediation);
		buf_puts(b, "</div><details><summary>evidence</summary><pre>");
		text(b, f->evidence);
		buf_puts(b, "</pre></details></td></tr>");
	}
	buf_puts(b, "</table>");
}

static void changes_table(struct buf *b, const struct rundiff *d)
{
	if (!d || !d->n) return;
	buf_printf(b,
		   "<h2>Changes (%zu)</h2><table "
		   "id=\"changes-table\"><tr><th>Change</th><th>Asset</th><th>What</th></tr>",
		   d->n);
	for (size_t i = 0; i < d->n; i++) {
		const struct change *c = &d->v[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&c->ip, ip, sizeof(ip));
		buf_printf(b, "<tr><td>%s</td><td>%s", change_kind_name(c->kind), ip);
		if (c->port) buf_printf(b, ":%u/%s", c->port, proto_name(c->proto));
		buf_puts(b, "</td><td>");
		if (c->rule[0]) {
			sev_badge(b, c->severity);
			buf_printf(b, " %s: ", c->rule);
			text(b, c->title);
		}
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</table>");
}

/* What the run could not judge, under the counts they qualify: "0 critical"
 * with no vulnerability data is not a clean bill of health. */
static void caveats_html(struct buf *b, const struct report_meta *m)
{
	if (!m->caveats || !m->caveats->n) return;
	buf_puts(b, "<div id=\"caveats\" style=\"border:1px solid #d9a400;border-left:6px solid "
		    "#d9a400;border-radius:6px;padding:4px 14px;margin:8px 0 16px;background:#fffaf0\">"
		    "<h2 style=\"border:0;margin:8px 0 4px\">Not judged in this run</h2><ul>");
	for (size_t i = 0; i < m->caveats->n; i++) {
		buf_puts(b, "<li data-caveat=\"");
		text(b, m->caveats->v[i].code);
		buf_puts(b, "\">");
		text(b, m->caveats->v[i].text);
		buf_puts(b, "</li>");
	}
	buf_puts(b, "</ul></div>");
}

int report_html(FILE *f, const struct resultset *rs, const struct report_meta *m)
{
	struct buf b = BUF_INIT;
	char when[40];
	fmt_rfc3339(m->end, when, sizeof(when));
	buf_puts(&b, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>dormant "
		     "audit, run ");
	buf_printf(&b, "%lld</title>", (long long)m->run_id);
	style(&b);
	buf_printf(&b, "</head><body><h1>dormant %s, run %lld</h1><div class=\"meta\">%s; ",
		   m->command ? m->command : "report", (long long)m->run_id, when);
	text(&b, m->args);
	size_t open = resultset_count_ports(rs, PORT_OPEN);
	buf_printf(
	    &b,
	    "</div><div class=\"cards\" id=\"summary\"><div class=\"card\" "
	    "style=\"background:#1d2330\"><b>%zu</b>"
	    "hosts up</div><div class=\"card\" style=\"background:#44506a\"><b>%zu</b>open ports</div>",
	    resultset_count_up(rs), open);
	for (int s = SEV_CRITICAL; s >= SEV_LOW; s--)
		buf_printf(&b, "<div class=\"card sev-%s\" style=\"background:%s\"><b>%zu</b>%s</div>",
			   severity_name(s), sev_color[s],
			   m->findings ? findings_count(m->findings, (enum severity)s) : 0, severity_name(s));
	buf_puts(&b, "</div>");
	caveats_html(&b, m);
	buf_puts(&b, "<div class=\"charts\">");
	chart_risk(&b, m);
	chart_exposure(&b, m);
	chart_hours(&b, m);
	chart_countries(&b, m);
	chart_changes(&b, m);
	buf_puts(&b, "</div>");
	findings_table(&b, m->findings);
	changes_table(&b, m->changes);
	buf_puts(&b, "<p class=\"meta\">Written by dormant " DORMANT_VERSION
		     ". Every finding names its evidence; the JSON "
		     "Lines output (-oJ) carries the same records for tools.</p></body></html>\n");
	/* one check for the whole page: an append that failed made every later one a no-op */
	int r = buf_error(&b);
	if (r < 0) {
		buf_release(&b);
		return r;
	}
	bool ok = fwrite(b.data, 1, b.len, f) == b.len;
	buf_release(&b);
	return ok && !ferror(f) ? 0 : -EIO;
}
