/* The terminal table: one block per live host, in nmap's familiar shape. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "net/route.h"
#include <errno.h>
#include <string.h>

/* Past this many, live hosts without an open port are counted, not listed. */
#define QUIET_HOSTS_LISTED 64

/* "OpenSSH 9.2p1 (camera, Hikvision) [TLS1.0,TLS1.2 self-signed expired]": what runs, not what it said */
void service_version(const struct obs_service *sv, char *out, size_t n)
{
	size_t w = (size_t)snprintf(out, n, "%s%s%s%s", sv->product, sv->version[0] ? " " : "", sv->version,
				    sv->update);
	if (sv->device[0] || (sv->vendor[0] && !sv->product[0]))
		w += (size_t)snprintf(out + w, n - MIN(w, n), "%s(%s%s%s)", w ? " " : "", sv->device,
				      sv->device[0] && sv->vendor[0] ? ", " : "", sv->vendor);
	if (sv->tls.present && w < n) {
		static const char *const names[] = { "SSLv3", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3" };
		w += (size_t)snprintf(out + w, n - MIN(w, n), "%s[", w ? " " : "");
		bool first = true;
		for (int i = 0; i < 5 && w < n; i++)
			if (sv->tls.versions & (1u << i))
				w += (size_t)snprintf(out + w, n - w, "%s%s", first ? "" : ",", names[i]),
				    first = false;
		if (w < n)
			snprintf(out + w, n - w, "%s%s]", sv->tls.self_signed ? " self-signed" : "",
				 sv->tls.expired ? " expired" : "");
	}
}

/* The version, then "; " and the protocol details (HTTP status and title, ...) */
void service_summary(const struct obs_service *sv, char *out, size_t n)
{
	service_version(sv, out, n);
	size_t w = strlen(out);
	if (sv->info[0] && w + 1 < n) snprintf(out + w, n - w, "%s%s", w ? "; " : "", sv->info);
}

static bool has_open(const struct host_entry *he)
{
	for (size_t j = 0; j < he->n_ports; j++)
		if (he->ports[j].state == PORT_OPEN) return true;
	return false;
}

/* "not shown: 995 closed TCP ports, 2 closed UDP ports, 3 open|filtered UDP ports". A stored
 * run keeps no split by protocol (and no port list), so its counts are not named by one. */
static void not_shown(FILE *f, const struct host_entry *he, uint64_t open_filtered,
		      const struct report_meta *m)
{
	bool known = m->ports != NULL;
	uint64_t uc = MIN(he->udp_closed, he->closed), uf = MIN(he->udp_filtered, he->filtered);
	const struct {
		uint64_t n;
		const char *what;
	} part[] = {
		{ he->closed - uc, known ? "closed TCP" : "closed" },
		{ he->filtered - uf, known ? "filtered TCP" : "filtered" },
		{ uc, "closed UDP" },
		{ uf, "filtered UDP" },
		{ open_filtered, "open|filtered UDP" },
	};
	uint64_t total = 0;
	for (size_t i = 0; i < ARRAY_SIZE(part); i++) total += part[i].n;
	if (!total) return;
	fprintf(f, "  not shown:");
	const char *sep = " ";
	for (size_t i = 0; i < ARRAY_SIZE(part); i++)
		if (part[i].n)
			fprintf(f, "%s%llu %s", sep, (unsigned long long)part[i].n, part[i].what), sep = ", ";
	fprintf(f, " port%s\n", total == 1 ? "" : "s");
}

/* PORT STATE SERVICE, then VERSION (what runs) and INFO (what it said: HTTP status and
 * title, ...) when the host has identified services, else REASON. Nothing trails a line. */
static void port_line(FILE *f, const char *port, const char *state, const char *svc, const char *a,
		      const char *b, bool two)
{
	char line[1024];
	if (two && b[0])
		snprintf(line, sizeof(line), "  %-10s %-14s %-14s %-32s %s", port, state, svc, a, b);
	else
		snprintf(line, sizeof(line), "  %-10s %-14s %-14s %s", port, state, svc, a);
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ') n--;
	fprintf(f, "%.*s\n", (int)n, line);
}

/* What the run could not judge, above the totals they qualify. */
static void caveats_text(FILE *f, const struct report_meta *m)
{
	if (!m->caveats || !m->caveats->n) return;
	fprintf(f, "\nnot judged in this run:\n");
	for (size_t i = 0; i < m->caveats->n; i++) fprintf(f, "  - %s\n", m->caveats->v[i].text);
}

static int text_body(FILE *f, const struct resultset *rs, const struct report_meta *m)
{
	size_t up = 0, open = 0, quiet = 0, unlisted = 0, closed_hosts = 0;
	for (size_t i = 0; i < rs->n_hosts; i++) quiet += rs->hosts[i].up && !has_open(&rs->hosts[i]);
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		if (!he->up) continue;
		up++;
		if (m->only_open && !has_open(he)) {
			closed_hosts++;
			continue;
		}
		if (quiet > QUIET_HOSTS_LISTED && !has_open(he)) {
			unlisted++;
			continue;
		}
		char ip[IPADDR_STRLEN], mac[24] = "";
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		if (he->h.has_mac) mac_fmt(he->h.mac, mac, sizeof(mac));
		const char *name = inventory_name(m->inv, &he->h.ip);
		fprintf(f, "\n%s%s%s%s  up (%s)%s%s%s%s%s\n", ip, name ? " (" : "", name ? name : "",
			name ? ")" : "", he->h.reason ? he->h.reason : host_how_name(he->h.how),
			he->h.has_mac ? "  MAC " : "", mac, he->vendor[0] ? " (" : "", he->vendor,
			he->vendor[0] ? ")" : "");
		size_t shown = 0;
		uint64_t open_filtered = 0;
		for (size_t j = 0; j < he->n_ports; j++) {
			const struct port_entry *pe = &he->ports[j];
			if (pe->state != PORT_OPEN && (m->only_open || !m->show_closed)) {
				open_filtered += pe->state == PORT_OPEN_FILTERED;
				continue;
			}
			if (shown++ == 0)
				port_line(f, "PORT", "STATE", "SERVICE", he->n_svcs ? "VERSION" : "REASON",
					  he->n_svcs ? "INFO" : "", he->n_svcs);
			char port[16];
			snprintf(port, sizeof(port), "%u/%s", pe->port, proto_name(pe->proto));
			const struct obs_service *sv = host_service(he, pe->proto, pe->port);
			/* probed but not recognised: the port's usual name, with a '?' as nmap marks a guess */
			char guess[32];
			const char *svc = sv && strcmp(sv->name, "unknown")
					      ? sv->name
					      : port_service_name(pe->proto, pe->port);
			if (sv && !strcmp(sv->name, "unknown")) {
				snprintf(guess, sizeof(guess), "%s?", svc ? svc : "unknown");
				svc = guess;
			}
			char version[300] = "";
			if (sv) service_version(sv, version, sizeof(version));
			const char *reason = pe->reason ? pe->reason : "";
			if (he->n_svcs)
				port_line(f, port, port_state_name(pe->state), svc ? svc : "unknown",
					  sv ? version : "", sv ? sv->info : reason, true);
			else
				port_line(f, port, port_state_name(pe->state), svc ? svc : "unknown", reason,
					  "", false);
			char apps[600];
			if (sv && sv->n_apps) {
				webapps_summary(sv, apps, sizeof(apps));
				fprintf(f, "  |_ web applications: %s\n", apps);
			}
			open += pe->state == PORT_OPEN;
		}
		if (!m->only_open) not_shown(f, he, open_filtered, m);
		if (!shown && !he->closed && !he->filtered && !open_filtered)
			fprintf(f, "  no port answered\n");
	}
	if (m->n_assets) report_assets_text(f, m, 10);
	if (m->findings) report_findings_text(f, m->findings, m->inv);
	if (unlisted)
		fprintf(f, "\n%zu more hosts up with no open port (all in the JSON and XML outputs)\n",
			unlisted);
	if (closed_hosts) fprintf(f, "\n%zu more hosts up with no open port (--open)\n", closed_hosts);
	caveats_text(f, m);
	char when[40];
	fmt_rfc3339(m->end, when, sizeof(when));
	char scanned[40] = "";
	if (m->targets)
		snprintf(scanned, sizeof(scanned), " of %llu scanned", (unsigned long long)m->targets);
	fprintf(f, "\n%zu host%s up%s, %zu open port%s, %.2f s (run %lld, %s)\n", up, up == 1 ? "" : "s",
		scanned, open, open == 1 ? "" : "s", m->end - m->start, (long long)m->run_id, when);
	return ferror(f) ? -EIO : 0;
}

/* Through the terminal escaper: fields hold what devices and files said. */
int report_text(FILE *out, const struct resultset *rs, const struct report_meta *m)
{
	FILE *f = term_open(out);
	int r = text_body(f, rs, m);
	int c = term_close_stream(f);
	return r < 0 ? r : c;
}
