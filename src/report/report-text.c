/* The terminal table: one block per live host, in nmap's familiar shape. */
#include "report/report.h"
#include "base/escape.h"
#include "base/timeutil.h"
#include "net/route.h"
#include <errno.h>
#include <string.h>

/* Past this many, live hosts without an open port are counted, not listed. */
#define QUIET_HOSTS_LISTED 64

/* "OpenSSH 9.2p1 (camera, Hikvision) TLS 1.0,1.2 self-signed expired; 401 login required ..." */
void service_summary(const struct obs_service *sv, char *out, size_t n)
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
			w += (size_t)snprintf(out + w, n - w, "%s%s]",
					      sv->tls.self_signed ? " self-signed" : "",
					      sv->tls.expired ? " expired" : "");
	}
	if (sv->info[0] && w < n) snprintf(out + w, n - w, "%s%s", w ? "; " : "", sv->info);
}

static bool has_open(const struct host_entry *he)
{
	for (size_t j = 0; j < he->n_ports; j++)
		if (he->ports[j].state == PORT_OPEN) return true;
	return false;
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
	size_t up = 0, open = 0, quiet = 0, unlisted = 0;
	for (size_t i = 0; i < rs->n_hosts; i++) quiet += rs->hosts[i].up && !has_open(&rs->hosts[i]);
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		if (!he->up) continue;
		up++;
		if (quiet > QUIET_HOSTS_LISTED && !has_open(he)) {
			unlisted++;
			continue;
		}
		char ip[IPADDR_STRLEN], mac[24] = "";
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		if (he->h.has_mac) mac_fmt(he->h.mac, mac, sizeof(mac));
		fprintf(f, "\n%s  up (%s)%s%s%s%s%s\n", ip,
			he->h.reason ? he->h.reason : host_how_name(he->h.how), he->h.has_mac ? "  MAC " : "",
			mac, he->vendor[0] ? " (" : "", he->vendor, he->vendor[0] ? ")" : "");
		size_t shown = 0;
		for (size_t j = 0; j < he->n_ports; j++) {
			const struct port_entry *pe = &he->ports[j];
			if (pe->state == PORT_OPEN_FILTERED && !m->show_closed) continue;
			if (shown++ == 0)
				fprintf(f, "  %-10s %-14s %-14s %s\n", "PORT", "STATE", "SERVICE",
					he->n_svcs ? "VERSION" : "REASON");
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
			char detail[400] = "";
			if (sv) service_summary(sv, detail, sizeof(detail));
			fprintf(f, "  %-10s %-14s %-14s %s\n", port, port_state_name(pe->state),
				svc ? svc : "unknown",
				sv           ? detail
				: pe->reason ? pe->reason
					     : "");
			open += pe->state == PORT_OPEN;
		}
		if (he->closed && he->filtered)
			fprintf(f, "  not shown: %llu closed, %llu filtered ports\n",
				(unsigned long long)he->closed, (unsigned long long)he->filtered);
		else if (he->closed || he->filtered)
			fprintf(f, "  not shown: %llu %s ports\n",
				(unsigned long long)(he->closed + he->filtered),
				he->closed ? "closed" : "filtered");
		if (!shown && !he->closed && !he->filtered) fprintf(f, "  no port answered\n");
	}
	if (m->n_assets) report_assets_text(f, m, 10);
	if (m->findings) report_findings_text(f, m->findings);
	if (unlisted)
		fprintf(f, "\n%zu more hosts up with no open port (all in the JSON and XML outputs)\n",
			unlisted);
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
