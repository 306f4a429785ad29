/* Run-to-run changes as text or JSON Lines ("change" records). */
#include "report/report-diff.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <errno.h>

/* One change: a "change" record, or a text line whose host column is the address, the port
 * and the register's name: "  port-opened      198.18.0.13 80/tcp (redis-old)". */
static void diff_line(FILE *f, const struct change *c, int64_t run_a, int64_t run_b, const char *ts,
		      bool json)
{
	char ip[IPADDR_STRLEN], host[160], port[16] = "";
	ipaddr_fmt(&c->ip, ip, sizeof(ip));
	bool has_port = c->kind == CHANGE_PORT_OPENED || c->kind == CHANGE_PORT_CLOSED ||
			(c->rule[0] && c->port);
	if (json) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "{\"type\":\"change\",\"ts\":\"%s\",\"change\":\"%s\",\"ip\":\"%s\"", ts,
			   change_kind_name(c->kind), ip);
		if (c->name[0]) {
			buf_puts(&b, ",\"hostname\":");
			json_put_str(&b, c->name);
		}
		if (has_port) buf_printf(&b, ",\"port\":%u,\"proto\":\"%s\"", c->port, proto_name(c->proto));
		if (c->rule[0]) {
			buf_printf(&b, ",\"rule\":\"%s\",\"severity\":\"%s\",\"title\":", c->rule,
				   severity_name(c->severity));
			json_put_str(&b, c->title);
		}
		buf_printf(&b, ",\"run_a\":%lld,\"run_b\":%lld}\n", (long long)run_a, (long long)run_b);
		fwrite(b.data, 1, b.len, f);
		buf_release(&b);
		return;
	}
	if (has_port) snprintf(port, sizeof(port), " %u/%s", c->port, proto_name(c->proto));
	snprintf(host, sizeof(host), "%s%s%s%.60s%s", ip, port, c->name[0] ? " (" : "", c->name,
		 c->name[0] ? ")" : "");
	if (c->rule[0])
		fprintf(f, "  %-16s %-8s %-20s %-32s %s\n", change_kind_name(c->kind),
			severity_name(c->severity), c->rule, host, c->title);
	else
		fprintf(f, "  %-16s %s%s\n", change_kind_name(c->kind), host,
			c->kind == CHANGE_HOST_GONE ? "  (answered before, silent now)" : "");
}

static int diff_body(FILE *f, const struct rundiff *d, int64_t run_a, int64_t run_b, bool json)
{
	char ts[40];
	fmt_rfc3339(now_real(), ts, sizeof(ts));
	if (!json) {
		fprintf(f,
			"changes from run %lld to run %lld: %zu new host(s), %zu gone, %zu port(s) opened, "
			"%zu closed",
			(long long)run_a, (long long)run_b, d->counts[CHANGE_HOST_NEW],
			d->counts[CHANGE_HOST_GONE], d->counts[CHANGE_PORT_OPENED],
			d->counts[CHANGE_PORT_CLOSED]);
		size_t nf = d->counts[CHANGE_FINDING_NEW] + d->counts[CHANGE_FINDING_RESOLVED] +
			    d->counts[CHANGE_HOST_SILENT] + d->counts[CHANGE_HOST_WOKE];
		if (nf)
			fprintf(f, "; %zu new finding(s), %zu resolved, %zu host(s) went silent, %zu woke",
				d->counts[CHANGE_FINDING_NEW], d->counts[CHANGE_FINDING_RESOLVED],
				d->counts[CHANGE_HOST_SILENT], d->counts[CHANGE_HOST_WOKE]);
		fprintf(f, "\n");
	}
	for (size_t i = 0; i < d->n; i++) diff_line(f, &d->v[i], run_a, run_b, ts, json);
	return ferror(f) ? -EIO : 0;
}

/* Through the terminal escaper: fields hold what devices and files said. */
int report_diff(FILE *out, const struct rundiff *d, int64_t run_a, int64_t run_b, bool json)
{
	if (json) return diff_body(out, d, run_a, run_b, json);
	FILE *f = term_open(out);
	int r = diff_body(f, d, run_a, run_b, json);
	int c = term_close_stream(f);
	return r < 0 ? r : c;
}
