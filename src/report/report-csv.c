/* CSV (RFC 4180: comma, CRLF, fields quoted when they hold a comma, quote
 * or line break) for spreadsheets and ticket imports. With an analysis,
 * one row per finding in rank order; for a bare scan, one row per open
 * port. A cell that a spreadsheet would run as a formula (=, +, -, @) is
 * prefixed with a quote mark: banners and titles come from the network. */
#include "report/report.h"
#include "base/buf.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <errno.h>
#include <string.h>

/* A cell's text comes from devices and files: controls, C1, bidi overrides
 * and invalid UTF-8 are shown escaped (as on a terminal) so that the file is
 * valid UTF-8 and no viewer is steered by it; line breaks stay, quoted. */
static void cell(struct buf *b, const char *s, bool last)
{
	struct buf t = BUF_INIT;
	if (s) term_put_bytes(&t, s, strlen(s), true);
	s = t.data ? t.data : "";
	bool formula = strchr("=+-@\t\r", s[0]) && s[0];
	if (formula || strpbrk(s, ",\"\r\n")) {
		buf_putc(b, '"');
		if (formula) buf_putc(b, '\'');
		for (const char *p = s; *p; p++) {
			if (*p == '"') buf_putc(b, '"');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	} else {
		buf_puts(b, s);
	}
	buf_puts(b, last ? "\r\n" : ",");
	buf_release(&t);
}

static void cell_time(struct buf *b, double t)
{
	char ts[40] = "";
	if (t > 0) fmt_rfc3339(t, ts, sizeof(ts));
	cell(b, ts, false);
}

/* Writes what is buffered once it is large, or at the end (then frees it). */
static int flush(FILE *f, struct buf *b, bool end)
{
	if (end || b->len > 1 << 16) {
		fwrite(b->data, 1, b->len, f);
		buf_reset(b);
	}
	if (end) buf_release(b);
	return ferror(f) ? -EIO : 0;
}

/* What the run could not judge, as rows above the column names: a first
 * cell "#caveat" (a comment to most CSV readers), the code, the sentence. */
static void caveat_rows(struct buf *b, const struct report_meta *m)
{
	for (size_t i = 0; m->caveats && i < m->caveats->n; i++) {
		cell(b, "#caveat", false);
		cell(b, m->caveats->v[i].code, false);
		cell(b, m->caveats->v[i].text, true);
	}
}

static int findings_csv(FILE *f, const struct report_meta *m)
{
	struct buf b = BUF_INIT;
	caveat_rows(&b, m);
	buf_puts(&b, "rank,severity,rule,ip,port,proto,hostname,title,remediation,first_seen,last_seen,score,"
		     "run,evidence\r\n");
	for (size_t i = 0; i < m->findings->n; i++) {
		const struct finding *x = &m->findings->v[i];
		char num[32], ip[IPADDR_STRLEN] = "", port[8] = "";
		snprintf(num, sizeof(num), "%zu", i + 1);
		cell(&b, num, false);
		cell(&b, severity_name(x->severity), false);
		cell(&b, x->rule, false);
		if (x->has_ip) ipaddr_fmt(&x->ip, ip, sizeof(ip));
		cell(&b, ip, false);
		if (x->port) snprintf(port, sizeof(port), "%u", x->port);
		cell(&b, port, false);
		cell(&b, x->port ? proto_name(x->proto) : "", false);
		cell(&b, x->has_ip ? inventory_name(m->inv, &x->ip) : NULL, false);
		cell(&b, x->title, false);
		cell(&b, x->remediation, false);
		cell_time(&b, x->first_seen);
		cell_time(&b, x->last_seen);
		snprintf(num, sizeof(num), "%.1f", x->score);
		cell(&b, num, false);
		snprintf(num, sizeof(num), "%lld", (long long)m->run_id);
		cell(&b, num, false);
		cell(&b, x->evidence ? x->evidence : "{}", true);
		flush(f, &b, false);
	}
	return flush(f, &b, true);
}

static int ports_csv(FILE *f, const struct resultset *rs, const struct report_meta *m)
{
	struct buf b = BUF_INIT;
	caveat_rows(&b, m);
	buf_puts(&b, "ip,hostname,port,proto,state,service,product,version,cpe,seen,run\r\n");
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *h = &rs->hosts[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&h->h.ip, ip, sizeof(ip));
		for (size_t j = 0; h->up && j < h->n_ports; j++) {
			const struct port_entry *p = &h->ports[j];
			const struct obs_service *s = host_service(h, p->proto, p->port);
			char port[8], run[24];
			snprintf(port, sizeof(port), "%u", p->port);
			snprintf(run, sizeof(run), "%lld", (long long)m->run_id);
			cell(&b, ip, false);
			cell(&b, inventory_name(m->inv, &h->h.ip), false);
			cell(&b, port, false);
			cell(&b, proto_name(p->proto), false);
			cell(&b, p->state == PORT_OPEN ? "open" : "open|filtered", false);
			cell(&b, s ? s->name : NULL, false);
			cell(&b, s ? s->product : NULL, false);
			cell(&b, s ? s->version : NULL, false);
			cell(&b, s ? s->cpe : NULL, false);
			cell_time(&b, p->ts > 0 ? p->ts : h->h.ts);
			cell(&b, run, true);
		}
		flush(f, &b, false);
	}
	return flush(f, &b, true);
}

int report_csv(FILE *f, const struct resultset *rs, const struct report_meta *m)
{
	return m->findings ? findings_csv(f, m) : ports_csv(f, rs, m);
}
