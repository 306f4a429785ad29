/* Run-to-run changes as text or JSON Lines ("change" records, after one
 * "comparison" record saying what was compared). */
#include "report/report-diff.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include <errno.h>
#include <string.h>

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

/* "sw1 port Gi0/5 (desk 2.15)", escaped for b's format */
static void netdev_where(struct buf *b, const char *dev, const char *iface, const char *alias, bool json)
{
	char s[300];
	snprintf(s, sizeof(s), "%s port %s%s%s%s", dev, iface[0] ? iface : "?", alias[0] ? " (" : "", alias,
		 alias[0] ? ")" : "");
	if (json)
		json_put_str(b, s);
	else
		term_put_bytes(b, s, strlen(s), false);
}

/* A change of a network device's tables: a "change" record with its
 * "device" (and "was" for a move), or a text line. Device names, port names
 * and aliases are the devices' words: escaped. */
static void netdev_line(FILE *f, const struct change *c, int64_t run_a, int64_t run_b, const char *ts,
			bool json)
{
	char ip[IPADDR_STRLEN];
	ipaddr_fmt(&c->ip, ip, sizeof(ip));
	struct buf b = BUF_INIT;
	bool port = c->kind != CHANGE_ARP_NEW;
	if (json) {
		buf_printf(
		    &b, "{\"type\":\"change\",\"ts\":\"%s\",\"change\":\"%s\",\"ip\":\"%s\",\"device\":", ts,
		    change_kind_name(c->kind), ip);
		json_put_str(&b, c->device);
		if (port) {
			buf_puts(&b, ",\"interface\":");
			json_put_str(&b, c->iface);
			buf_puts(&b, ",\"alias\":");
			json_put_str(&b, c->alias);
		}
		if (c->mac[0]) buf_printf(&b, ",\"mac\":\"%s\"", c->mac);
		if (c->vlan) buf_printf(&b, ",\"vlan\":%u", c->vlan);
		if (c->kind == CHANGE_MAC_MOVED) {
			buf_puts(&b, ",\"was\":{\"device\":");
			json_put_str(&b, c->was_device);
			buf_puts(&b, ",\"interface\":");
			json_put_str(&b, c->was_iface);
			buf_puts(&b, ",\"alias\":");
			json_put_str(&b, c->was_alias);
			buf_putc(&b, '}');
		}
		if (c->name[0]) {
			buf_puts(&b, ",\"hostname\":");
			json_put_str(&b, c->name);
		}
		buf_printf(&b, ",\"run_a\":%lld,\"run_b\":%lld}\n", (long long)run_a, (long long)run_b);
	} else {
		buf_printf(&b, "  %-16s ", change_kind_name(c->kind));
		if (c->kind == CHANGE_MAC_MOVED) {
			buf_printf(&b, "%s from ", c->mac);
			netdev_where(&b, c->was_device, c->was_iface, c->was_alias, false);
			buf_puts(&b, " to ");
		}
		if (c->kind == CHANGE_ARP_NEW) {
			buf_printf(&b, "%s %s%s", ip, c->mac, c->name[0] ? " (" : "");
			term_put_bytes(&b, c->name, strlen(c->name), false);
			buf_printf(&b, "%s in ", c->name[0] ? ")" : "");
			term_put_bytes(&b, c->device, strlen(c->device), false);
			buf_puts(&b, "'s ARP table");
		} else {
			netdev_where(&b, c->device, c->iface, c->alias, false);
		}
		if (c->vlan) buf_printf(&b, " vlan %u", c->vlan);
		buf_putc(&b, '\n');
	}
	fwrite(b.data, 1, b.len, f);
	buf_release(&b);
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
	if (c->device[0]) {
		netdev_line(f, c, run_a, run_b, ts, json);
		return;
	}
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
		size_t nd = d->counts[CHANGE_MAC_MOVED] + d->counts[CHANGE_PORT_UP] +
			    d->counts[CHANGE_PORT_DOWN] + d->counts[CHANGE_ARP_NEW];
		if (nd)
			fprintf(f,
				"; network devices: %zu MAC(s) moved, %zu switch port(s) up, %zu down, %zu "
				"new ARP "
				"entr%s",
				d->counts[CHANGE_MAC_MOVED], d->counts[CHANGE_PORT_UP],
				d->counts[CHANGE_PORT_DOWN], d->counts[CHANGE_ARP_NEW],
				d->counts[CHANGE_ARP_NEW] == 1 ? "y" : "ies");
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
