/* Run-to-run changes as text or JSON Lines ("change" records, after one
 * "comparison" record saying what was compared). */
#include "report/report-diff.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <errno.h>

void report_diff_scope(struct buf *b, const struct rundiff *d, int64_t run_a, int64_t run_b)
{
	const struct rundiff_scope *s = &d->scope;
	if (!s->known) {
		buf_printf(b,
			   "compared as stored: %s of what it covered (stored before dormant kept one); "
			   "changes may include targets, ports or checks only one run covered",
			   !s->a_known && !s->b_known ? "neither run has a record"
			   : !s->a_known              ? "the older run has no record"
						      : "the newer run has no record");
		return;
	}
	buf_printf(b, "compared: %llu address%s x %zu port%s (%zu TCP, %zu UDP)",
		   (unsigned long long)s->addrs, s->addrs == 1 ? "" : "es", s->tcp + s->udp,
		   s->tcp + s->udp == 1 ? "" : "s", s->tcp, s->udp);
	if (s->checks) {
		buf_puts(b, "; checks: ");
		coverage_checks_names(s->checks, ", ", b);
	}
	bool any = s->addrs_only_a || s->addrs_only_b || s->ports_only_a || s->ports_only_b ||
		   s->checks_only_a || s->checks_only_b;
	if (!any) {
		buf_puts(b, "; both runs covered the same");
		return;
	}
	buf_puts(b, "; outside the overlap:");
	const char *sep = " ";
	struct {
		uint64_t n;
		const char *what;
		int64_t in, notin;
	} parts[] = {
		{ s->addrs_only_a, "address", run_a, run_b },
		{ s->addrs_only_b, "address", run_b, run_a },
		{ s->ports_only_a, "port", run_a, run_b },
		{ s->ports_only_b, "port", run_b, run_a },
	};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!parts[i].n) continue;
		bool addr = parts[i].what[0] == 'a';
		buf_printf(b, "%s%llu %s%s of run %lld not scanned in run %lld", sep,
			   (unsigned long long)parts[i].n, parts[i].what,
			   addr ? (parts[i].n == 1 ? "" : "es") : (parts[i].n == 1 ? "" : "s"),
			   (long long)parts[i].in, (long long)parts[i].notin);
		sep = ", ";
	}
	unsigned only[2] = { s->checks_only_a, s->checks_only_b };
	int64_t in[2] = { run_a, run_b }, notin[2] = { run_b, run_a };
	for (int i = 0; i < 2; i++) {
		if (!only[i]) continue;
		buf_printf(b, "%schecks of run %lld not made in run %lld: ", sep, (long long)in[i],
			   (long long)notin[i]);
		coverage_checks_names(only[i], ", ", b);
		sep = "; ";
	}
	buf_printf(b, "; %zu difference%s there not stated as change%s", s->outside,
		   s->outside == 1 ? "" : "s", s->outside == 1 ? "" : "s");
}

static void scope_json(struct buf *b, const struct rundiff *d, const char *ts, int64_t run_a, int64_t run_b)
{
	const struct rundiff_scope *s = &d->scope;
	struct buf text = BUF_INIT;
	report_diff_scope(&text, d, run_a, run_b);
	buf_printf(
	    b, "{\"type\":\"comparison\",\"ts\":\"%s\",\"run_a\":%lld,\"run_b\":%lld,\"coverage_known\":%s",
	    ts, (long long)run_a, (long long)run_b, s->known ? "true" : "false");
	if (s->known) {
		buf_printf(
		    b,
		    ",\"addresses\":%llu,\"tcp_ports\":%zu,\"udp_ports\":%zu,\"outside\":{\"addresses_a\":%"
		    "llu,"
		    "\"addresses_b\":%llu,\"ports_a\":%zu,\"ports_b\":%zu,\"differences\":%zu},\"checks\":[",
		    (unsigned long long)s->addrs, s->tcp, s->udp, (unsigned long long)s->addrs_only_a,
		    (unsigned long long)s->addrs_only_b, s->ports_only_a, s->ports_only_b, s->outside);
		struct buf names = BUF_INIT;
		coverage_checks_names(s->checks, "\",\"", &names);
		if (names.len) buf_printf(b, "\"%s\"", names.data);
		buf_release(&names);
		buf_puts(b, "]");
	}
	buf_puts(b, ",\"summary\":");
	json_put_str(b, text.data ? text.data : "");
	buf_puts(b, "}\n");
	buf_release(&text);
}

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
		struct buf scope = BUF_INIT;
		report_diff_scope(&scope, d, run_a, run_b);
		fprintf(f, "  %s\n", scope.data ? scope.data : "");
		buf_release(&scope);
	} else {
		struct buf b = BUF_INIT;
		scope_json(&b, d, ts, run_a, run_b);
		fwrite(b.data, 1, b.len, f);
		buf_release(&b);
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
