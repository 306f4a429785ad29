/* nmap's XML output (-oX, nmap.dtd) read with libxml2's streaming reader:
 * <nmaprun> (scanner, args, start), <host> with <status>, <address>
 * and <ports><port> (<state>, <service> with -sV's product, version,
 * extrainfo, ostype, devicetype and <cpe>, <script> output kept as the
 * service's evidence), <runstats><finished time>. A host's ports are
 * reported when its element ends, after the host. */
#include "import/import.h"
#include "import/import-util.h"
#include "base/util.h"
#include "model/cpe.h"
#include "net/route.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlreader.h>

struct pending {
	struct obs_port p;
	struct obs_service s;
	bool svc;
};

struct nx {
	const char *name;
	const struct obs_sink *sink;
	struct import_meta *meta;
	xmlTextReaderPtr rd;
	struct dm_err *e;
	int r;
	char xml_err[200]; /* libxml2's first complaint */
	int xml_line;
	bool in_host, host_up, have_ip, in_port, in_service, ended;
	struct obs_host h;
	char host_reason[32];
	struct pending cur, *ports;
	size_t n, cap;
};

static char *attr(struct nx *x, const char *a)
{
	return (char *)xmlTextReaderGetAttribute(x->rd, (const xmlChar *)a);
}

/* Copies attribute a into out (n bytes); false when absent. */
static bool attr_to(struct nx *x, const char *a, char *out, size_t n)
{
	char *v = attr(x, a);
	if (!v) return false;
	snprintf(out, n, "%s", v);
	xmlFree(v);
	return true;
}

static bool attr_num(struct nx *x, const char *a, uint64_t max, uint64_t *ret)
{
	char buf[32];
	return attr_to(x, a, buf, sizeof(buf)) && parse_uint(buf, strlen(buf), max, ret);
}

/* The line of the element being read (the parser itself may be ahead). */
static long node_line(struct nx *x)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(x->rd);
	long l = n ? xmlGetLineNo(n) : -1;
	return l > 0 ? l : xmlTextReaderGetParserLineNumber(x->rd);
}

static int fail(struct nx *x, const char *fmt, const char *what)
{
	char msg[160];
	snprintf(msg, sizeof(msg), fmt, what);
	return x->r = dm_fail(x->e, DM_EINPUT, "%s:%ld: %s", x->name, node_line(x), msg);
}

static void on_xml_error(void *arg, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr loc)
{
	struct nx *x = arg;
	if (x->xml_err[0] || (sev != XML_PARSER_SEVERITY_ERROR && sev != XML_PARSER_SEVERITY_VALIDITY_ERROR))
		return;
	snprintf(x->xml_err, sizeof(x->xml_err), "%s", msg ? msg : "malformed XML");
	x->xml_err[strcspn(x->xml_err, "\n")] = 0;
	x->xml_line = xmlTextReaderLocatorLineNumber(loc);
}

static enum host_how how_of(const char *reason)
{
	if (!strcmp(reason, "arp-response")) return HOW_ARP;
	if (!strncmp(reason, "echo-reply", 10) || !strcmp(reason, "timestamp-reply")) return HOW_ICMP;
	if (!strcmp(reason, "user-set") || !strcmp(reason, "localhost-response")) return HOW_USER;
	if (!strcmp(reason, "udp-response")) return HOW_UDP;
	return HOW_TCP;
}

static void host_end(struct nx *x)
{
	const struct obs_sink *s = x->sink;
	if (x->host_up) {
		x->h.reason = reason_intern(x->host_reason[0] ? x->host_reason : "user-set");
		x->h.how = how_of(x->host_reason);
		if (s->host) s->host(s->ctx, &x->h);
		x->meta->hosts++;
		for (size_t i = 0; i < x->n; i++) {
			struct pending *p = &x->ports[i];
			p->p.ip = p->s.ip = x->h.ip;
			if (s->port) s->port(s->ctx, &p->p);
			x->meta->ports++;
			if (p->svc && p->p.state == PORT_OPEN) {
				if (s->service) s->service(s->ctx, &p->s);
				x->meta->services++;
			}
		}
	}
	x->n = 0;
	x->in_host = false;
}

static int port_state(struct nx *x)
{
	char st[32] = "", reason[32] = "";
	uint64_t ttl = 0;
	attr_to(x, "state", st, sizeof(st));
	attr_to(x, "reason", reason, sizeof(reason));
	attr_num(x, "reason_ttl", 255, &ttl);
	enum port_state ps = !strcmp(st, "open")            ? PORT_OPEN
			     : !strcmp(st, "open|filtered") ? PORT_OPEN_FILTERED
			     : !strcmp(st, "closed")        ? PORT_CLOSED
			     : !strcmp(st, "filtered") || !strcmp(st, "closed|filtered") ||
				     !strcmp(st, "unfiltered")
				 ? PORT_FILTERED
				 : 0;
	if (!ps) return fail(x, "port state \"%.40s\" is not nmap's", st);
	x->cur.p.state = ps;
	x->cur.p.reason = reason_intern(reason);
	x->cur.p.ttl = (uint8_t)ttl;
	return 0;
}

static void service_start(struct nx *x)
{
	struct obs_service *s = &x->cur.s;
	char tunnel[16] = "", method[16] = "";
	x->cur.svc = true;
	attr_to(x, "name", s->name, sizeof(s->name));
	attr_to(x, "tunnel", tunnel, sizeof(tunnel));
	attr_to(x, "method", method, sizeof(method));
	if (!strcmp(tunnel, "ssl")) {
		s->tls.present = true;
		if (!strcmp(s->name, "http")) snprintf(s->name, sizeof(s->name), "https");
	}
	if (!strcmp(method, "table")) return; /* a guess from the port number: nothing was identified */
	attr_to(x, "product", s->product, sizeof(s->product));
	attr_to(x, "version", s->version, sizeof(s->version));
	attr_to(x, "extrainfo", s->info, sizeof(s->info));
	attr_to(x, "ostype", s->os, sizeof(s->os));
	attr_to(x, "devicetype", s->device, sizeof(s->device));
}

/* <cpe>cpe:/a:vendor:product:version</cpe>: the first application (or, if
 * none, hardware) CPE is the service's; an o: CPE is its host's OS. */
static void service_cpe(struct nx *x)
{
	struct obs_service *s = &x->cur.s;
	char *t = (char *)xmlTextReaderReadString(x->rd);
	struct cpe c;
	if (t && cpe_parse(t, &c) == 0) {
		char part = c.v[CPE_PART][0];
		if (part == 'o' && !s->os[0]) cpe_unquote(c.v[CPE_PRODUCT], s->os, sizeof(s->os));
		if (part != 'o' && !s->cpe[0]) {
			if (!strcmp(c.v[CPE_VERSION], "*") && s->version[0])
				cpe_set(&c, CPE_VERSION, s->version);
			cpe_format(&c, s->cpe, sizeof(s->cpe));
			cpe_unquote(c.v[CPE_VENDOR], s->vendor, sizeof(s->vendor));
		}
	}
	xmlFree(t);
}

/* <script id="http-title" output="..."/>: "id: output" added to the
 * service's evidence (its banner field), as much as fits. */
static void service_script(struct nx *x)
{
	struct obs_service *s = &x->cur.s;
	char *id = attr(x, "id"), *out = attr(x, "output");
	if (id && out) {
		size_t w = strlen(s->banner);
		if (w + 4 < sizeof(s->banner))
			snprintf(s->banner + w, sizeof(s->banner) - w, "%s%s: %s", w ? "; " : "", id, out);
	}
	xmlFree(id);
	xmlFree(out);
}

static int element_start(struct nx *x, const char *el)
{
	uint64_t n;
	if (!strcmp(el, "nmaprun")) {
		attr_to(x, "scanner", x->meta->scanner, sizeof(x->meta->scanner));
		attr_to(x, "version", x->meta->version, sizeof(x->meta->version));
		attr_to(x, "args", x->meta->args, sizeof(x->meta->args));
		if (attr_num(x, "start", UINT32_MAX, &n)) meta_time(x->meta, (double)n);
	} else if (!strcmp(el, "scaninfo")) {
		/* <scaninfo type="syn" protocol="tcp" services="1-1000"/>: what was probed */
		char proto[8] = "", *svcs = attr(x, "services");
		attr_to(x, "protocol", proto, sizeof(proto));
		struct dm_err ignored;
		if (svcs && (!strcmp(proto, "tcp") || !strcmp(proto, "udp")))
			portlist_parse(&x->meta->scanned, svcs, proto[0] == 't' ? PROTO_TCP : PROTO_UDP,
				       &ignored);
		xmlFree(svcs);
	} else if (!strcmp(el, "finished")) {
		if (attr_num(x, "time", UINT32_MAX, &n)) meta_time(x->meta, (double)n);
	} else if (!strcmp(el, "host")) {
		x->in_host = true;
		x->host_up = x->have_ip = false;
		x->host_reason[0] = 0;
		x->n = 0;
		x->h = (struct obs_host){ 0 };
		if (attr_num(x, "starttime", UINT32_MAX, &n))
			x->h.ts = (double)n, meta_time(x->meta, (double)n);
		if (attr_num(x, "endtime", UINT32_MAX, &n)) meta_time(x->meta, (double)n);
	} else if (!x->in_host) {
		return 0;
	} else if (!strcmp(el, "status")) {
		char st[16] = "";
		attr_to(x, "state", st, sizeof(st));
		x->host_up = !strcmp(st, "up");
		attr_to(x, "reason", x->host_reason, sizeof(x->host_reason));
		if (attr_num(x, "reason_ttl", 255, &n)) x->h.ttl = (uint8_t)n;
	} else if (!strcmp(el, "address")) {
		char type[16] = "", a[64] = "";
		attr_to(x, "addrtype", type, sizeof(type));
		attr_to(x, "addr", a, sizeof(a));
		if (!strcmp(type, "mac")) {
			if (mac_parse(a, x->h.mac) < 0) return fail(x, "bad MAC address \"%.40s\"", a);
			x->h.has_mac = true;
		} else if (!x->have_ip) {
			if (ipaddr_parse(a, &x->h.ip) < 0) return fail(x, "bad address \"%.60s\"", a);
			x->have_ip = true;
		}
	} else if (!strcmp(el, "port")) {
		char proto[8] = "";
		attr_to(x, "protocol", proto, sizeof(proto));
		x->cur = (struct pending){ 0 };
		x->in_port = !strcmp(proto, "tcp") || !strcmp(proto, "udp"); /* sctp, ip: not kept */
		if (!x->in_port) return 0;
		if (!attr_num(x, "portid", 65535, &n) || !n)
			return fail(x, "%s", "port without a valid portid");
		x->cur.p.port = x->cur.s.port = (uint16_t)n;
		x->cur.p.proto = x->cur.s.proto = proto[0] == 't' ? PROTO_TCP : PROTO_UDP;
		x->cur.p.ts = x->cur.s.ts = x->h.ts;
	} else if (!x->in_port) {
		return 0;
	} else if (!strcmp(el, "state")) {
		return port_state(x);
	} else if (!strcmp(el, "service")) {
		service_start(x);
		x->in_service = !xmlTextReaderIsEmptyElement(x->rd);
	} else if (!strcmp(el, "cpe") && x->in_service) {
		service_cpe(x);
	} else if (!strcmp(el, "script")) {
		service_script(x);
	}
	return 0;
}

static int element_end(struct nx *x, const char *el)
{
	if (!strcmp(el, "service")) {
		x->in_service = false;
	} else if (!strcmp(el, "port") && x->in_port) {
		x->in_port = false;
		if (!x->cur.p.state) return fail(x, "%s", "port without a <state>");
		if (x->n == x->cap) {
			x->cap = x->cap ? x->cap * 2 : 16;
			x->ports = xrealloc(x->ports, x->cap * sizeof(*x->ports));
		}
		x->ports[x->n++] = x->cur;
	} else if (!strcmp(el, "host") && x->in_host) {
		if (!x->have_ip) return fail(x, "%s", "host without an IP address");
		host_end(x);
	} else if (!strcmp(el, "nmaprun")) {
		x->ended = true;
	}
	return 0;
}

int import_nmap_xml(const char *name, const char *data, size_t len, const struct obs_sink *sink,
		    struct import_meta *meta, struct dm_err *e)
{
	if (len > INT_MAX) return dm_fail(e, DM_ETOOBIG, "%s: larger than 2 GiB", name);
	struct nx x = { .name = name, .sink = sink, .meta = meta, .e = e };
	/* no network, no external entities, no DTD: nmap's output needs none */
	x.rd = xmlReaderForMemory(data, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING);
	if (!x.rd) return dm_fail(e, DM_EINPUT, "%s: not readable as XML", name);
	xmlTextReaderSetErrorHandler(x.rd, on_xml_error, &x);
	bool root_seen = false;
	int rr = 0;
	while (x.r == 0 && (rr = xmlTextReaderRead(x.rd)) == 1) {
		int type = xmlTextReaderNodeType(x.rd);
		const char *el = (const char *)xmlTextReaderConstName(x.rd);
		if (!el) continue;
		if (type == XML_READER_TYPE_ELEMENT) {
			if (!root_seen && strcmp(el, "nmaprun")) {
				fail(&x, "root element <%.40s> is not nmap's <nmaprun>", el);
				break;
			}
			root_seen = true;
			if (element_start(&x, el) < 0) break;
			if (xmlTextReaderIsEmptyElement(x.rd) && element_end(&x, el) < 0) break;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			element_end(&x, el);
		}
	}
	if (x.r == 0 && (rr < 0 || x.xml_err[0] || !x.ended)) {
		/* libxml2 names a file cut short by whatever it then misses
		 * ("Premature end of data", "Extra content at the end", an
		 * attribute cut in two): an error on the last line, or any
		 * before the root element closed, is the truncation */
		int last = 1;
		for (size_t i = 0; i + 1 < len; i++) last += data[i] == '\n';
		bool cut = !x.ended &&
			   (x.xml_line >= last || !x.xml_err[0] || strstr(x.xml_err, "Premature end") ||
			    strstr(x.xml_err, "Extra content at the end"));
		if (cut)
			x.r = dm_fail(e, DM_EINPUT, "%s:%d: truncated: the file ends before </nmaprun>%s%s%s",
				      name, last, x.xml_err[0] ? " (" : "", x.xml_err,
				      x.xml_err[0] ? ")" : "");
		else
			x.r = dm_fail(e, DM_EINPUT, "%s:%d: %s", name, x.xml_line > 0 ? x.xml_line : last,
				      x.xml_err[0] ? x.xml_err : "malformed XML");
	}
	if (x.r == 0 && !meta->scanner[0]) snprintf(meta->scanner, sizeof(meta->scanner), "nmap");
	xmlFreeTextReader(x.rd);
	free(x.ports);
	return x.r;
}
