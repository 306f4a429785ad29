/* The HTML report: one page that needs nothing else (styles and SVG charts
 * inline, no script, no external asset), so it can be mailed or archived
 * and opened anywhere. Every text that came from the network or a file is
 * escaped. */
#include "report/report.h"
#include "report/report-diff.h"
#include "report/html-parts.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "base/util.h"
#include <errno.h>
#include <string.h>

static const char *sev_color[] = { "#8a8f98", "#3f7fbf", "#d9a400", "#e0661b", "#c0162c" };

static void text(struct buf *b, const char *s) { xml_put_str(b, s ? s : ""); }

static void style(struct buf *b)
{
	buf_puts(
	    b, "<style>"
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
	       ".name{color:#5b6473}.kv th{width:220px;background:none}h3{font-size:15px;margin:18px 0 4px}"
	       "dl.evidence{display:grid;grid-template-columns:max-content auto;gap:1px 10px;margin:6px 0;"
	       "font-size:12px;color:#3a4252}dl.evidence dt{font-weight:600}dl.evidence dd{margin:0}"
	       "dl.evidence dl.evidence{margin:0}ol.evidence-items{margin:0;padding-left:18px}"
	       /* paper: A4, one section per page, no dark or white-on-colour blocks (backgrounds
		     * are not printed), charts one per row */
	       "@page{size:A4;margin:14mm 12mm}"
	       "@media print{body{max-width:none;margin:0;padding:0;font-size:10.5pt;color:#000}"
	       ".card{background:none!important;color:#000!important;border:1.5px solid #8a8f98;min-width:0;"
	       "padding:4px 10px}.card b{font-size:16px}"
	       ".sev{color:#000!important;background:none!important;border:1px solid #8a8f98}"
	       "th{background:none}.charts{display:block}figure{break-inside:avoid;margin-bottom:10px}"
	       "section.page{break-before:page}.host,dl.evidence dl{break-inside:avoid}"
	       "h2,h3{break-after:avoid}}"
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
	size_t n = 0;
	for (int k = 0; k < CHANGE_KINDS; k++) {
		/* the network devices' table changes only when there are some (dormant diff) */
		if (k > CHANGE_HOST_WOKE && !m->changes->counts[k]) continue;
		v[n++] = (struct bar){ .value = (double)m->changes->counts[k],
				       .part = -1,
				       .color = k == CHANGE_HOST_NEW || k == CHANGE_PORT_OPENED ||
							k == CHANGE_FINDING_NEW || k == CHANGE_HOST_WOKE
						    ? "#e0661b"
						    : "#3c9d5d" };
		snprintf(v[n - 1].label, sizeof(v[n - 1].label), "%s", change_kind_name((enum change_kind)k));
		snprintf(v[n - 1].note, sizeof(v[n - 1].note), "%zu", m->changes->counts[k]);
	}
	char legend[64];
	snprintf(legend, sizeof(legend), "compared with run %lld", (long long)m->changes_from);
	hbars(b, "chart-changes", v, n, legend);
	struct buf scope = BUF_INIT; /* what was compared, and what lay outside (issue 25) */
	report_diff_scope(&scope, m->changes, m->changes_from, m->run_id);
	buf_puts(b, "<p class=\"meta\" id=\"changes-scope\">");
	text(b, scope.data ? scope.data : "");
	buf_puts(b, "</p></figure>");
	buf_release(&scope);
}

/* "198.18.0.13" and, on a second line, the register's name for it */
static void asset_cell(struct buf *b, const struct report_meta *m, const struct ipaddr *ip)
{
	char a[IPADDR_STRLEN];
	ipaddr_fmt(ip, a, sizeof(a));
	buf_puts(b, a);
	const char *name = inventory_name(m->inv, ip);
	if (name) {
		buf_puts(b, "<br><span class=\"name\">");
		text(b, name);
		buf_puts(b, "</span>");
	}
}

static void findings_table(struct buf *b, const struct report_meta *m)
{
	const struct findings *fs = m->findings;
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
		buf_puts(b, "<tr class=\"finding\" data-rule=\"");
		text(b, f->rule);
		buf_printf(b, "\"><td>%zu</td><td>", i + 1);
		sev_badge(b, f->severity);
		buf_puts(b, "</td><td>");
		text(b, f->rule);
		buf_puts(b, "</td><td>");
		if (f->has_ip) asset_cell(b, m, &f->ip);
		if (f->port)
			buf_printf(b, "%sport %u/%s", f->has_ip ? "<br>" : "", f->port, proto_name(f->proto));
		if (f->path) {
			buf_puts(b, "<br>");
			text(b, f->path);
		}
		buf_puts(b, "</td><td>");
		text(b, f->title);
		buf_puts(b, "<div class=\"fix\">Fix: ");
		text(b, f->remediation);
		buf_puts(b, "</div>");
		html_evidence(b, f->evidence);
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</table>");
}

static void changes_table(struct buf *b, const struct report_meta *m)
{
	const struct rundiff *d = m->changes;
	if (!d || !d->n) return;
	buf_printf(b,
		   "<section class=\"page\"><h2>Changes (%zu)</h2><table "
		   "id=\"changes-table\"><tr><th>Change</th><th>Asset</th><th>What</th></tr>",
		   d->n);
	for (size_t i = 0; i < d->n; i++) {
		const struct change *c = &d->v[i];
		buf_printf(b, "<tr><td>%s</td><td>", change_kind_name(c->kind));
		asset_cell(b, m, &c->ip);
		if (c->port) buf_printf(b, "<br>port %u/%s", c->port, proto_name(c->proto));
		buf_puts(b, "</td><td>");
		if (c->rule[0]) {
			sev_badge(b, c->severity);
			buf_printf(b, " %s: ", c->rule);
			text(b, c->title);
		}
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</table></section>");
}

static bool any_service(const struct resultset *rs)
{
	for (size_t i = 0; i < rs->n_hosts; i++)
		if (rs->hosts[i].n_svcs) return true;
	return false;
}

/* A port list, cut after a few lines: a top-1000 list is a page of numbers
 * nobody reads on paper (the JSON Lines run record has them all). */
static void port_ranges(struct buf *b, const uint16_t *ports, size_t n)
{
	enum { SHOWN = 240 };
	struct buf r = BUF_INIT;
	format_port_ranges(&r, ports, n);
	if (r.len > SHOWN) {
		size_t cut = SHOWN;
		while (cut && r.data[cut] != ',') cut--;
		buf_append(b, r.data, cut);
		buf_puts(b, " and more");
	} else if (r.len) {
		buf_append(b, r.data, r.len);
	}
	buf_release(&r);
}

static void kv_row(struct buf *b, const char *key) { buf_printf(b, "<tr><th>%s</th><td>", key); }

/* What the run covered and what it could not judge, for a reader who was not
 * there: the targets, ports and protocols, the checks that ran, and each
 * kind of finding that could not come up because its input was missing.
 * The run's caveats (report_meta) are listed here too. */
static void html_summary(struct buf *b, const struct resultset *rs, const struct report_meta *m)
{
	buf_puts(
	    b, "<h2 id=\"coverage\">What this report covers</h2><table class=\"kv\" id=\"coverage-table\">");
	kv_row(b, "Command line");
	buf_printf(b, "<code>dormant %s ", m->command ? m->command : "");
	html_short_args(b, m->args);
	buf_puts(b, "</code></td></tr>");
	char t0[40], t1[40];
	fmt_rfc3339(m->start, t0, sizeof(t0));
	fmt_rfc3339(m->end, t1, sizeof(t1));
	kv_row(b, "Run");
	buf_printf(b, "%lld, %s to %s (%.0f s)</td></tr>", (long long)m->run_id, t0, t1, m->end - m->start);
	kv_row(b, "Targets");
	if (m->targets) buf_printf(b, "%llu addresses scanned, ", (unsigned long long)m->targets);
	size_t up = resultset_count_up(rs);
	buf_printf(b, "%zu host%s answered</td></tr>", up, up == 1 ? "" : "s");
	kv_row(b, "Ports");
	if (m->ports && (m->ports->n_tcp || m->ports->n_udp)) {
		if (m->ports->n_tcp) {
			buf_printf(b, "TCP, %zu port%s: ", m->ports->n_tcp, m->ports->n_tcp == 1 ? "" : "s");
			port_ranges(b, m->ports->tcp, m->ports->n_tcp);
		}
		if (m->ports->n_udp) {
			buf_printf(b, "%sUDP, %zu port%s: ", m->ports->n_tcp ? "<br>" : "", m->ports->n_udp,
				   m->ports->n_udp == 1 ? "" : "s");
			port_ranges(b, m->ports->udp, m->ports->n_udp);
		}
	} else {
		buf_puts(b, "<span class=\"none\">not recorded for this run</span>");
	}
	buf_puts(b, "</td></tr>");
	kv_row(b, "Protocols");
	if (m->ports && (m->ports->n_tcp || m->ports->n_udp))
		buf_printf(b, "%s%s%s", m->ports->n_tcp ? "TCP" : "",
			   m->ports->n_tcp && m->ports->n_udp ? " and " : "", m->ports->n_udp ? "UDP" : "");
	else
		buf_puts(b, "<span class=\"none\">not recorded for this run</span>");
	buf_puts(b, "</td></tr>");
	bool traffic = m->exposure_judged || (m->traffic && m->traffic->present);
	bool inv = m->inv && m->inv->n;
	kv_row(b, "Checks that ran");
	buf_puts(b, "<ul id=\"checks\">");
	buf_printf(b, "<li>port scan%s%s</li>", m->scan_type ? ", " : "", m->scan_type ? m->scan_type : "");
	if (any_service(rs)) buf_puts(b, "<li>service identification</li>");
	if (m->findings) buf_puts(b, "<li>findings: the rules for the inputs below</li>");
	if (inv) buf_printf(b, "<li>asset register (%zu entries)</li>", m->inv->n);
	if (traffic) buf_puts(b, "<li>traffic (use of hosts and ports)</li>");
	if (m->changes) buf_printf(b, "<li>comparison with run %lld</li>", (long long)m->changes_from);
	buf_puts(b, "</ul></td></tr>");
	kv_row(b, "Could not be judged");
	buf_puts(b, "<ul id=\"not-judged\">");
	size_t n = 0;
	/* the run's own caveats (pipeline/run-caveats.c) when it has them; a
	 * run stored before them is judged from what the page knows */
	bool have_caveats = m->caveats && m->caveats->n;
	for (size_t i = 0; have_caveats && i < m->caveats->n; i++, n++) {
		buf_puts(b, "<li>");
		text(b, m->caveats->v[i].text);
		buf_puts(b, "</li>");
	}
	if (!m->findings && !have_caveats)
		n++, buf_puts(b,
			      "<li>no analysis ran (a scan, not an audit): no findings were looked for</li>");
	if (m->findings && !inv && !have_caveats)
		n++,
		    buf_puts(b, "<li>no asset register: unregistered, decommissioned and expired devices and "
				"services outside a role were not judged</li>");
	if (m->findings && !traffic && !have_caveats)
		n++, buf_puts(b, "<li>no traffic: idle hosts, unused ports, beacons and uploads were not "
				 "judged</li>");
	bool audit = m->command && !strcmp(m->command, "audit");
	if (!m->changes && audit)
		n++, buf_puts(b, "<li>the first audit in this store: no earlier one to compare with</li>");
	else if (!m->changes)
		n++,
		    buf_puts(
			b, "<li>changes: compared for audits only (dormant diff compares any two runs)</li>");
	if (!m->ports) n++, buf_puts(b, "<li>the ports scanned are not recorded for this run</li>");
	if (!n) buf_puts(b, "<li class=\"none\">nothing left out that dormant knows of</li>");
	buf_puts(b, "</ul></td></tr></table>");
}

/* Per host, its open ports and what answers on them: the inventory a
 * manager can check against what should be there. */
static void hosts_table(struct buf *b, const struct resultset *rs, const struct report_meta *m)
{
	size_t with = 0, quiet = 0;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		if (!he->up) continue;
		bool open = false;
		for (size_t j = 0; j < he->n_ports; j++) open |= he->ports[j].state == PORT_OPEN;
		open ? with++ : quiet++;
	}
	buf_printf(b, "<h2 id=\"hosts\">Hosts and open services (%zu)</h2>", with);
	if (!with) buf_puts(b, "<p class=\"none\">no host has an open port</p>");
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		size_t open = 0;
		for (size_t j = 0; j < he->n_ports; j++) open += he->ports[j].state == PORT_OPEN;
		if (!he->up || !open) continue;
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		const char *name = inventory_name(m->inv, &he->h.ip);
		buf_printf(b, "<div class=\"host\"><h3>%s", ip);
		if (name) {
			buf_puts(b, " <span class=\"name\">");
			text(b, name);
			buf_puts(b, "</span>");
		}
		if (he->vendor[0]) {
			buf_puts(b, " <span class=\"name\">(");
			text(b, he->vendor);
			buf_puts(b, ")</span>");
		}
		buf_printf(b,
			   "</h3><table class=\"host-table\" data-ip=\"%s\"><tr><th>Port</th><th>Service</th>"
			   "<th>Product and version</th><th>Details</th></tr>",
			   ip);
		for (size_t j = 0; j < he->n_ports; j++) {
			const struct port_entry *pe = &he->ports[j];
			if (pe->state != PORT_OPEN) continue;
			const struct obs_service *sv = host_service(he, pe->proto, pe->port);
			const char *svc = sv && strcmp(sv->name, "unknown")
					      ? sv->name
					      : port_service_name(pe->proto, pe->port);
			char version[300] = "";
			if (sv) service_version(sv, version, sizeof(version));
			buf_printf(b, "<tr class=\"port\"><td>%u/%s</td><td>", pe->port,
				   proto_name(pe->proto));
			text(b, svc ? svc : "unknown");
			buf_puts(b, "</td><td>");
			text(b, version);
			buf_puts(b, "</td><td>");
			text(b, sv ? sv->info : "");
			if (sv && sv->n_apps) {
				char apps[600];
				webapps_summary(sv, apps, sizeof(apps));
				buf_puts(b, "<br><span class=\"apps\">Web applications: ");
				text(b, apps);
				buf_puts(b, "</span>");
			}
			buf_puts(b, "</td></tr>");
		}
		buf_puts(b, "</table></div>");
	}
	if (quiet) buf_printf(b, "<p class=\"meta\">%zu more hosts answered with no open port.</p>", quiet);
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
	buf_printf(
	    &b, "</head><body><section id=\"overview\"><h1>dormant %s, run %lld</h1><div class=\"meta\">%s",
	    m->command ? m->command : "report", (long long)m->run_id, when);
	size_t open = resultset_count_ports(rs, PORT_OPEN);
	buf_printf(
	    &b,
	    "</div><div class=\"cards\" id=\"summary\"><div class=\"card\" "
	    "style=\"background:#1d2330\"><b>%zu</b>"
	    "hosts up</div><div class=\"card\" style=\"background:#44506a\"><b>%zu</b>open ports</div>",
	    resultset_count_up(rs), open);
	/* no analysis: no count, which would read as "clean" */
	for (int s = SEV_CRITICAL; s >= SEV_LOW; s--)
		if (m->findings)
			buf_printf(&b,
				   "<div class=\"card sev-%s\" style=\"background:%s\"><b>%zu</b>%s</div>",
				   severity_name(s), sev_color[s],
				   findings_count(m->findings, (enum severity)s), severity_name(s));
		else
			buf_printf(&b,
				   "<div class=\"card sev-%s\" style=\"background:%s\"><b>&#8211;</b>%s: not "
				   "judged</div>",
				   severity_name(s), sev_color[s], severity_name(s));
	buf_puts(&b, "</div>");
	caveats_html(&b, m);
	html_summary(&b, rs, m);
	buf_puts(
	    &b,
	    "</section><section class=\"page\" id=\"pictures\"><h2>At a glance</h2><div class=\"charts\">");
	chart_risk(&b, m);
	chart_exposure(&b, m);
	chart_hours(&b, m);
	chart_countries(&b, m);
	chart_changes(&b, m);
	buf_puts(&b, "</div></section><section class=\"page\">");
	findings_table(&b, m);
	if (m->edge) { /* what the internet reaches, from the gateways' own tables */
		buf_puts(&b, "</section><section class=\"page\">");
		report_edge_html(&b, m->edge, m->inv);
	}
	if (m->outside) { /* audit --external: what answered from outside, and what is behind it */
		buf_puts(&b, "</section><section class=\"page\">");
		report_exposure_html(&b, m->outside, m->findings);
	}
	buf_puts(&b, "</section><section class=\"page\">");
	hosts_table(&b, rs, m);
	buf_puts(&b, "</section>");
	changes_table(&b, m);
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
