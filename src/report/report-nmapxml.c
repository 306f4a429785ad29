/* nmap-compatible XML (-oX), the format every scan importer reads: the
 * nmaprun/scaninfo/host/ports/runstats elements and attributes of nmap's
 * DTD, with dormant named as the scanner. */
#include "report/report.h"
#include "base/escape.h"
#include "net/route.h"
#include <errno.h>
#include <string.h>
#include <time.h>

#define DORMANT_XML_VERSION "1.05"

static void ctime_str(double t, char *out, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	localtime_r(&s, &tm);
	strftime(out, n, "%a %b %e %H:%M:%S %Y", &tm);
}

static void scaninfo(struct buf *b, const struct report_meta *m, enum proto p, const uint16_t *ports,
		     size_t n)
{
	if (!n) return;
	buf_printf(b, "<scaninfo type=\"%s\" protocol=\"%s\" numservices=\"%zu\" services=\"",
		   p == PROTO_UDP ? "udp"
				  : (m->scan_type && !strcmp(m->scan_type, "connect") ? "connect" : "syn"),
		   proto_name(p), n);
	format_port_ranges(b, ports, n);
	buf_puts(b, "\"/>\n");
}

int report_nmap_xml(FILE *f, const struct resultset *rs, const struct report_meta *m)
{
	struct buf b = BUF_INIT;
	char start[64], end[64];
	ctime_str(m->start, start, sizeof(start));
	ctime_str(m->end, end, sizeof(end));
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n<nmaprun "
		     "scanner=\"dormant\" args=\"");
	xml_put_str(&b, m->args ? m->args : "");
	buf_printf(&b,
		   "\" start=\"%lld\" startstr=\"%s\" version=\"%s\" xmloutputversion=\"" DORMANT_XML_VERSION
		   "\">\n",
		   (long long)m->start, start, DORMANT_VERSION);
	if (m->ports) {
		scaninfo(&b, m, PROTO_TCP, m->ports->tcp, m->ports->n_tcp);
		scaninfo(&b, m, PROTO_UDP, m->ports->udp, m->ports->n_udp);
	}
	buf_puts(&b, "<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n");
	fwrite(b.data, 1, b.len, f);
	size_t up = 0;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		const struct host_entry *he = &rs->hosts[i];
		if (!he->up) continue;
		up++;
		buf_reset(&b);
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&he->h.ip, ip, sizeof(ip));
		double t = he->h.ts;
		buf_printf(&b,
			   "<host starttime=\"%lld\" endtime=\"%lld\"><status state=\"up\" reason=\"%s\" "
			   "reason_ttl=\"%u\"/>\n",
			   (long long)m->start, (long long)(t > m->start ? t : m->end),
			   he->h.reason ? he->h.reason : "unknown", he->h.ttl);
		buf_printf(&b, "<address addr=\"%s\" addrtype=\"%s\"/>\n", ip,
			   he->h.ip.family == AF_INET ? "ipv4" : "ipv6");
		if (he->h.has_mac) {
			char mac[24];
			mac_fmt(he->h.mac, mac, sizeof(mac));
			buf_printf(&b, "<address addr=\"%s\" addrtype=\"mac\"", mac);
			if (he->vendor[0])
				buf_puts(&b, " vendor=\""), xml_put_str(&b, he->vendor), buf_puts(&b, "\"");
			buf_puts(&b, "/>\n");
		}
		buf_puts(&b, "<hostnames>\n</hostnames>\n<ports>");
		if (he->closed)
			buf_printf(&b,
				   "<extraports state=\"closed\" count=\"%llu\">\n<extrareasons "
				   "reason=\"resets\" count=\"%llu\"/>\n</extraports>\n",
				   (unsigned long long)he->closed, (unsigned long long)he->closed);
		if (he->filtered)
			buf_printf(&b,
				   "<extraports state=\"filtered\" count=\"%llu\">\n<extrareasons "
				   "reason=\"no-responses\" count=\"%llu\"/>\n</extraports>\n",
				   (unsigned long long)he->filtered, (unsigned long long)he->filtered);
		for (size_t j = 0; j < he->n_ports; j++) {
			const struct port_entry *pe = &he->ports[j];
			const char *svc = port_service_name(pe->proto, pe->port);
			buf_printf(&b,
				   "<port protocol=\"%s\" portid=\"%u\"><state state=\"%s\" reason=\"%s\" "
				   "reason_ttl=\"%u\"/>",
				   proto_name(pe->proto), pe->port, port_state_name(pe->state),
				   pe->reason ? pe->reason : "unknown", pe->ttl);
			const struct obs_service *sv = host_service(he, pe->proto, pe->port);
			if (sv) {
				char ver[80], extra[300] = "";
				snprintf(ver, sizeof(ver), "%s%s", sv->version, sv->update);
				if (sv->info[0]) snprintf(extra, sizeof(extra), "%s", sv->info);
				buf_puts(&b, "<service name=\"");
				xml_put_str(&b, !strcmp(sv->name, "https") ? "http" : sv->name);
				buf_puts(&b, "\"");
				if (sv->product[0])
					buf_puts(&b, " product=\""), xml_put_str(&b, sv->product),
					    buf_puts(&b, "\"");
				if (ver[0])
					buf_puts(&b, " version=\""), xml_put_str(&b, ver), buf_puts(&b, "\"");
				if (extra[0])
					buf_puts(&b, " extrainfo=\""), xml_put_str(&b, extra),
					    buf_puts(&b, "\"");
				if (sv->os[0])
					buf_puts(&b, " ostype=\""), xml_put_str(&b, sv->os),
					    buf_puts(&b, "\"");
				if (sv->device[0])
					buf_puts(&b, " devicetype=\""), xml_put_str(&b, sv->device),
					    buf_puts(&b, "\"");
				if (sv->tls.present) buf_puts(&b, " tunnel=\"ssl\"");
				buf_printf(&b, " method=\"probed\" conf=\"%d\"", sv->product[0] ? 10 : 8);
				char uri[200];
				cpe23_to_uri(sv->cpe, uri, sizeof(uri));
				if (uri[0]) {
					buf_puts(&b, "><cpe>");
					xml_put_str(&b, uri);
					buf_puts(&b, "</cpe></service>");
				} else {
					buf_puts(&b, "/>");
				}
			} else if (svc) {
				buf_puts(&b, "<service name=\"");
				xml_put_str(&b, svc);
				buf_puts(&b, "\" method=\"table\" conf=\"3\"/>");
			}
			buf_puts(&b, "</port>\n");
		}
		buf_puts(&b, "</ports>\n<times srtt=\"0\" rttvar=\"0\" to=\"100000\"/>\n</host>\n");
		fwrite(b.data, 1, b.len, f);
	}
	buf_reset(&b);
	size_t total = m->targets ? (size_t)m->targets : up;
	buf_printf(
	    &b,
	    "<runstats><finished time=\"%lld\" timestr=\"%s\" summary=\"dormant done at %s; %llu IP "
	    "addresses (%zu hosts up) scanned in %.2f seconds\" elapsed=\"%.2f\" exit=\"success\"/><hosts "
	    "up=\"%zu\" down=\"%zu\" total=\"%zu\"/>\n</runstats>\n</nmaprun>\n",
	    (long long)m->end, end, end, (unsigned long long)m->targets, up, m->end - m->start,
	    m->end - m->start, up, total > up ? total - up : 0, total);
	fwrite(b.data, 1, b.len, f);
	buf_release(&b);
	return ferror(f) ? -EIO : 0;
}
