/* Findings in the outputs: "finding" JSON Lines records (docs/ARCHITECTURE.md) and
 * the ranked text section of the terminal summary. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <errno.h>
#include <string.h>

static void put_time(struct buf *b, const char *key, double t)
{
	char ts[40];
	fmt_rfc3339(t, ts, sizeof(ts));
	buf_printf(b, ",\"%s\":\"%s\"", key, ts);
}

int finding_json(struct buf *b, const struct finding *f, int64_t run)
{
	buf_puts(b, "{\"type\":\"finding\"");
	put_time(b, "ts", f->last_seen);
	buf_puts(b, ",\"rule\":");
	json_put_str(b, f->rule);
	buf_printf(b, ",\"severity\":\"%s\"", severity_name(f->severity));
	if (f->confidence) buf_printf(b, ",\"confidence\":\"%s\"", confidence_name(f->confidence));
	if (f->has_ip) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&f->ip, ip, sizeof(ip));
		buf_printf(b, ",\"ip\":\"%s\"", ip);
	}
	if (f->port) buf_printf(b, ",\"port\":%u,\"proto\":\"%s\"", f->port, proto_name(f->proto));
	if (f->path) {
		buf_puts(b, ",\"path\":");
		json_put_str(b, f->path);
	}
	buf_puts(b, ",\"title\":");
	json_put_str(b, f->title);
	/* Evidence is JSON that dormant wrote; anything else is kept as a string. */
	buf_puts(b, ",\"evidence\":");
	if (f->evidence && f->evidence[0] == '{')
		buf_puts(b, f->evidence);
	else if (f->evidence)
		json_put_str(b, f->evidence);
	else
		buf_puts(b, "{}");
	buf_puts(b, ",\"remediation\":");
	json_put_str(b, f->remediation ? f->remediation : "");
	put_time(b, "first_seen", f->first_seen);
	put_time(b, "last_seen", f->last_seen);
	buf_printf(b, ",\"score\":%.1f,\"run\":%lld}\n", f->score, (long long)run);
	return 0;
}

int report_findings_jsonl(FILE *f, const struct findings *fs, int64_t run)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < fs->n; i++) {
		buf_reset(&b);
		finding_json(&b, &fs->v[i], run);
		fwrite(b.data, 1, b.len, f);
	}
	buf_release(&b);
	return ferror(f) ? -EIO : 0;
}

/* "198.18.0.13 6379/tcp (redis-old)": the address, the port, the register's name */
static void finding_host(const struct finding *x, const struct inventory *inv, char *out, size_t n)
{
	out[0] = 0;
	if (!x->has_ip) {
		snprintf(out, n, "-");
		return;
	}
	char ip[IPADDR_STRLEN], port[16] = "";
	ipaddr_fmt(&x->ip, ip, sizeof(ip));
	if (x->port) snprintf(port, sizeof(port), " %u/%s", x->port, proto_name(x->proto));
	const char *name = inventory_name(inv, &x->ip);
	snprintf(out, n, "%s%s%s%.60s%s", ip, port, name ? " (" : "", name ? name : "", name ? ")" : "");
}

static int findings_text_body(FILE *f, const struct findings *fs, const struct inventory *inv)
{
	if (!fs->n) {
		fprintf(f, "\nno findings\n");
		return ferror(f) ? -EIO : 0;
	}
	fprintf(f, "\nFINDINGS  ");
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--) {
		size_t n = findings_count(fs, (enum severity)s);
		if (n) fprintf(f, " %zu %s", n, severity_name((enum severity)s));
	}
	fprintf(f, "\n  %-8s %-19s %-32s %s\n", "SEVERITY", "RULE", "HOST", "FINDING");
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *x = &fs->v[i];
		bool unsure = x->confidence && x->confidence < CONF_HIGH;
		char host[160];
		finding_host(x, inv, host, sizeof(host));
		fprintf(f, "  %-8s %-19s %-32s %s%s%s%s\n", severity_name(x->severity), x->rule, host,
			x->title, unsure ? "  [confidence " : "",
			unsure ? confidence_name(x->confidence) : "", unsure ? "]" : "");
		if (x->path) fprintf(f, "  %-8s %-19s in:  %s\n", "", "", x->path);
		if (x->remediation) fprintf(f, "  %-8s %-19s fix: %s\n", "", "", x->remediation);
	}
	return ferror(f) ? -EIO : 0;
}

/* Through the terminal escaper: fields hold what devices and files said. */
int report_findings_text(FILE *out, const struct findings *fs, const struct inventory *inv)
{
	FILE *f = term_open(out);
	int r = findings_text_body(f, fs, inv);
	int c = term_close_stream(f);
	return r < 0 ? r : c;
}

const char *inventory_name(const struct inventory *inv, const struct ipaddr *ip)
{
	const struct inv_entry *en = inventory_find(inv, ip);
	return en && en->hostname[0] ? en->hostname : NULL;
}

static int assets_text_body(FILE *f, const struct report_meta *m, size_t max)
{
	fprintf(f, "\nTOP ASSETS (risk = exposure x weakness x exploitation x traffic)\n");
	fprintf(f, "  %-8s %-40s %-9s %-8s %s\n", "RISK", "ASSET", "WORST", "FINDINGS", "FIRST TO FIX");
	for (size_t i = 0; i < m->n_assets && i < max; i++) {
		const struct asset_risk *a = &m->assets[i];
		char ip[IPADDR_STRLEN], name[128];
		ipaddr_fmt(&a->ip, ip, sizeof(ip));
		const char *host = inventory_name(m->inv, &a->ip);
		snprintf(name, sizeof(name), "%s%s%.60s%s", ip, host ? " (" : "", host ? host : "",
			 host ? ")" : "");
		const struct finding *top = m->findings && a->top < m->findings->n ? &m->findings->v[a->top]
										   : NULL;
		fprintf(f, "  %-8.1f %-40s %-9s %-8zu %s\n", a->risk, name, severity_name(a->worst),
			a->findings, top ? top->title : "");
	}
	if (m->n_assets > max) fprintf(f, "  ... and %zu more assets with findings\n", m->n_assets - max);
	return ferror(f) ? -EIO : 0;
}

/* Through the terminal escaper: fields hold what devices and files said. */
int report_assets_text(FILE *out, const struct report_meta *m, size_t max)
{
	FILE *f = term_open(out);
	int r = assets_text_body(f, m, max);
	int c = term_close_stream(f);
	return r < 0 ? r : c;
}

int report_assets_jsonl(FILE *f, const struct report_meta *m)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < m->n_assets; i++) {
		const struct asset_risk *a = &m->assets[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&a->ip, ip, sizeof(ip));
		buf_reset(&b);
		buf_puts(&b, "{\"type\":\"asset\"");
		put_time(&b, "ts", m->end);
		buf_printf(&b,
			   ",\"ip\":\"%s\",\"rank\":%zu,\"risk\":%.1f,\"exposure\":%.2f,\"weakness\":%.1f,"
			   "\"exploitation\":%.1f,\"traffic\":%.1f,\"findings\":%zu,\"worst\":\"%s\"",
			   ip, i + 1, a->risk, a->exposure, a->weakness, a->exploitation, a->traffic,
			   a->findings, severity_name(a->worst));
		const char *host = inventory_name(m->inv, &a->ip);
		if (host) {
			buf_puts(&b, ",\"hostname\":");
			json_put_str(&b, host);
		}
		buf_printf(&b, ",\"run\":%lld}\n", (long long)m->run_id);
		fwrite(b.data, 1, b.len, f);
	}
	buf_release(&b);
	return ferror(f) ? -EIO : 0;
}
