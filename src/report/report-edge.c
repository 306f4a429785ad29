/* The edge's port mappings (model/edge.h) as text, JSON Lines "gateway"
 * and "mapping" records, and the HTML report's exposure section. Every
 * description came from a LAN client through the gateway: escaped on output. */
#include "base/escape.h"
#include "base/timeutil.h"
#include "report/report.h"
#include <errno.h>
#include <string.h>

static void day(double t, char *out, size_t n)
{
	char full[40];
	if (t <= 0) {
		snprintf(out, n, "-");
		return;
	}
	fmt_rfc3339(t, full, sizeof(full));
	snprintf(out, n, "%.10s", full);
}

static void lease(int64_t s, char *out, size_t n)
{
	if (s <= 0)
		snprintf(out, n, "permanent");
	else
		snprintf(out, n, "%lld s", (long long)s);
}

static void outside(const struct edge_set *es, const struct edge_map *m, char *out, size_t n)
{
	const struct edge_gateway *g = &es->gws[m->gw];
	char a[IPADDR_STRLEN] = "?";
	if (g->has_public) ipaddr_fmt(&g->public_ip, a, sizeof(a));
	snprintf(out, n, "%s:%u/%s", a, m->ext_port, proto_name(m->proto));
}

int report_edge_text(FILE *f, const struct edge_set *es, const struct inventory *inv, int64_t run)
{
	FILE *t = term_open(f);
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	fprintf(t, "EDGE PORT MAPPINGS (run %lld)\n", (long long)run);
	for (size_t i = 0; i < es->n_gws; i++) {
		const struct edge_gateway *g = &es->gws[i];
		char a[IPADDR_STRLEN], p[IPADDR_STRLEN] = "-";
		ipaddr_fmt(&g->addr, a, sizeof(a));
		if (g->has_public) ipaddr_fmt(&g->public_ip, p, sizeof(p));
		fprintf(t, "gateway %s %s%s%s, public %s, %zu mapping%s%s; mapping test: %s%s%s\n", a,
			edge_method_name(g->method), g->service[0] ? " " : "", term_str(&b1, g->service), p,
			g->n_maps, g->n_maps == 1 ? "" : "s", g->truncated ? " (table cut)" : "",
			edge_open_name(g->open), g->open_detail[0] ? ", " : "",
			term_str(&b2, g->open_detail));
	}
	fprintf(t, "%-24s %-22s %-24s %-7s %-10s %-10s %s\n", "OUTSIDE", "INSIDE", "ASSET", "BY", "LEASE",
		"SINCE", "DESCRIPTION");
	for (size_t i = 0; i < es->n_maps; i++) {
		const struct edge_map *m = &es->maps[i];
		char out[IPADDR_STRLEN + 16], in[IPADDR_STRLEN + 16], ip[IPADDR_STRLEN], ls[24], since[16];
		outside(es, m, out, sizeof(out));
		ipaddr_fmt(&m->internal, ip, sizeof(ip));
		snprintf(in, sizeof(in), "%s:%u", ip, m->int_port);
		const char *name = inventory_name(inv, &m->internal);
		lease(m->lease, ls, sizeof(ls));
		day(m->first_seen > 0 ? m->first_seen : es->read_at, since, sizeof(since));
		fprintf(t, "%-24s %-22s %-24.24s %-7s %-10s %-10s %s%s\n", out, in,
			name ? term_str(&b1, name) : "not in the register", edge_map_added_by(m), ls, since,
			term_str(&b2, m->desc), m->enabled ? "" : " (disabled)");
	}
	fprintf(t, "%zu gateway%s, %zu mapping%s\n", es->n_gws, es->n_gws == 1 ? "" : "s", es->n_maps,
		es->n_maps == 1 ? "" : "s");
	buf_release(&b1);
	buf_release(&b2);
	return term_close_stream(t);
}

int report_edge_jsonl(FILE *f, const struct edge_set *es, const struct inventory *inv, int64_t run)
{
	struct buf b = BUF_INIT;
	char when[40];
	for (size_t i = 0; i < es->n_gws; i++) {
		const struct edge_gateway *g = &es->gws[i];
		char a[IPADDR_STRLEN], p[IPADDR_STRLEN];
		ipaddr_fmt(&g->addr, a, sizeof(a));
		buf_reset(&b);
		buf_printf(&b,
			   "{\"type\":\"gateway\",\"run\":%lld,\"gateway\":\"%s\",\"method\":\"%s\",\"url\":",
			   (long long)run, a, edge_method_name(g->method));
		json_put_str(&b, g->url);
		buf_puts(&b, ",\"service\":");
		json_put_str(&b, g->service);
		if (g->has_public) {
			ipaddr_fmt(&g->public_ip, p, sizeof(p));
			buf_printf(&b, ",\"public_ip\":\"%s\"", p);
		} else {
			buf_puts(&b, ",\"public_ip\":null");
		}
		buf_printf(
		    &b, ",\"mappings\":%zu,\"truncated\":%s,\"mapping_test\":\"%s\",\"mapping_test_detail\":",
		    g->n_maps, g->truncated ? "true" : "false", edge_open_name(g->open));
		json_put_str(&b, g->open_detail);
		buf_puts(&b, "}\n");
		fwrite(b.data, 1, b.len, f);
	}
	for (size_t i = 0; i < es->n_maps; i++) {
		const struct edge_map *m = &es->maps[i];
		const struct edge_gateway *g = &es->gws[m->gw];
		char a[IPADDR_STRLEN], in[IPADDR_STRLEN], p[IPADDR_STRLEN];
		ipaddr_fmt(&g->addr, a, sizeof(a));
		ipaddr_fmt(&m->internal, in, sizeof(in));
		buf_reset(&b);
		buf_printf(&b, "{\"type\":\"mapping\",\"run\":%lld,\"gateway\":\"%s\",\"method\":\"%s\",",
			   (long long)run, a, edge_method_name(g->method));
		if (g->has_public) {
			ipaddr_fmt(&g->public_ip, p, sizeof(p));
			buf_printf(&b, "\"public_ip\":\"%s\"", p);
		} else {
			buf_puts(&b, "\"public_ip\":null");
		}
		buf_printf(&b,
			   ",\"external_port\":%u,\"proto\":\"%s\",\"internal\":\"%s\",\"internal_port\":%u,"
			   "\"asset\":",
			   m->ext_port, proto_name(m->proto), in, m->int_port);
		const char *name = inventory_name(inv, &m->internal);
		if (name)
			json_put_str(&b, name);
		else
			buf_puts(&b, "null");
		buf_puts(&b, ",\"description\":");
		json_put_str(&b, m->desc);
		buf_printf(&b, ",\"added_by\":\"%s\",\"enabled\":%s,\"lease_seconds\":%lld,\"remote_host\":",
			   edge_map_added_by(m), m->enabled ? "true" : "false", (long long)m->lease);
		json_put_str(&b, m->remote_host);
		fmt_rfc3339(m->first_seen > 0 ? m->first_seen : es->read_at, when, sizeof(when));
		buf_printf(&b, ",\"first_seen\":\"%s\"}\n", when);
		fwrite(b.data, 1, b.len, f);
	}
	int r = buf_error(&b);
	buf_release(&b);
	return r < 0 ? r : ferror(f) ? -EIO : 0;
}

void report_edge_html(struct buf *b, const struct edge_set *es, const struct inventory *inv)
{
	buf_printf(b, "<h2 id=\"exposure\">Exposed to the internet: port mappings on the edge (%zu)</h2>",
		   es->n_maps);
	buf_puts(b, "<table class=\"kv\" id=\"edge-gateways\"><tr><th>Gateway</th><th>Public address</th><th>"
		    "Mappings</th><th>Mapping test</th></tr>");
	for (size_t i = 0; i < es->n_gws; i++) {
		const struct edge_gateway *g = &es->gws[i];
		char a[IPADDR_STRLEN], p[IPADDR_STRLEN] = "unknown";
		ipaddr_fmt(&g->addr, a, sizeof(a));
		if (g->has_public) ipaddr_fmt(&g->public_ip, p, sizeof(p));
		buf_printf(b, "<tr><td>%s %s ", a, edge_method_name(g->method));
		xml_put_str(b, g->service);
		buf_printf(b, "</td><td>%s</td><td>%zu%s</td><td>%s", p, g->n_maps,
			   g->truncated ? " (cut)" : "", edge_open_name(g->open));
		if (g->open_detail[0]) {
			buf_puts(b, ": ");
			xml_put_str(b, g->open_detail);
		}
		buf_puts(b, "</td></tr>");
	}
	buf_puts(b, "</table>");
	if (!es->n_maps) {
		buf_puts(b, "<p class=\"none\">no port mappings</p>");
		return;
	}
	buf_puts(
	    b,
	    "<table id=\"edge-mappings\"><tr><th>Outside</th><th>Inside</th><th>Asset</th><th>Added by</th>"
	    "<th>Lease</th><th>Since</th><th>Description</th></tr>");
	for (size_t i = 0; i < es->n_maps; i++) {
		const struct edge_map *m = &es->maps[i];
		char out[IPADDR_STRLEN + 16], ip[IPADDR_STRLEN], ls[24], since[16];
		outside(es, m, out, sizeof(out));
		ipaddr_fmt(&m->internal, ip, sizeof(ip));
		lease(m->lease, ls, sizeof(ls));
		day(m->first_seen > 0 ? m->first_seen : es->read_at, since, sizeof(since));
		const char *name = inventory_name(inv, &m->internal);
		buf_printf(b, "<tr class=\"mapping\"><td>%s</td><td>%s:%u</td><td>", out, ip, m->int_port);
		xml_put_str(b, name ? name : "not in the register");
		buf_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td><td>", edge_map_added_by(m), ls, since);
		xml_put_str(b, m->desc);
		buf_printf(b, "%s</td></tr>", m->enabled ? "" : " (disabled)");
	}
	buf_puts(b, "</table>");
}
