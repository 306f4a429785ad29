/* report/: the formats other tools parse. */
#include "test.h"
#include "report/report.h"
#include "report/html-parts.h"
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

static char *render(int (*fn)(FILE *, const struct resultset *, const struct report_meta *),
		    const struct resultset *rs, const struct report_meta *m)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	CHECK_INT(fn(f, rs, m), 0);
	fclose(f);
	return out;
}

static void sample(struct resultset *rs, struct portlist *pl)
{
	struct obs_host h = { .ip = ipaddr_v4(0xc612000b),
			      .how = HOW_ARP,
			      .reason = "arp-response",
			      .has_mac = true,
			      .mac = { 2, 0, 0x5e, 0, 0, 11 },
			      .ts = 1700000000 };
	resultset_add_host(rs, &h);
	struct obs_port p = { .ip = h.ip,
			      .port = 22,
			      .proto = PROTO_TCP,
			      .state = PORT_OPEN,
			      .reason = "syn-ack",
			      .ttl = 64,
			      .ts = 1700000000 };
	resultset_add_port(rs, &p);
	p.port = 161, p.proto = PROTO_UDP, p.reason = "udp-response";
	resultset_add_port(rs, &p);
	resultset_sort(rs);
	struct dm_err e;
	portlist_parse(pl, "21-23,80,U:161", PROTO_TCP, &e);
}

static void jsonl_records(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct report_meta m = { .command = "scan",
				 .args = "a \"quoted\" arg",
				 .scan_type = "syn",
				 .ports = &pl,
				 .start = 1700000000,
				 .end = 1700000002,
				 .targets = 256,
				 .run_id = 4 };
	char *s = render(report_jsonl, &rs, &m);
	CHECK(strstr(s, "{\"type\":\"host\",\"ts\":\"2023-11-14T22:13:20.000Z\",\"ip\":\"198.18.0.11\","
			"\"mac\":\"02:00:5E:00:00:0B\"") == s);
	CHECK(strstr(s, "\"state\":\"up\",\"how\":\"arp\"") != NULL);
	CHECK(strstr(s, "{\"type\":\"port\",\"ts\":\"2023-11-14T22:13:20.000Z\",\"ip\":\"198.18.0.11\","
			"\"port\":22,\"proto\":\"tcp\",\"state\":\"open\"") != NULL);
	CHECK(strstr(s, "\"port\":161,\"proto\":\"udp\"") != NULL);
	CHECK(strstr(s, "\"args\":\"a \\\"quoted\\\" arg\",\"caveats\":[]}\n") != NULL);
	int lines = 0;
	for (char *c = s; *c; c++) lines += *c == '\n';
	CHECK_INT(lines, 4);
	free(s);
	resultset_release(&rs);
	portlist_release(&pl);
}

static void nmap_xml(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct report_meta m = { .command = "scan",
				 .args = "<x>",
				 .scan_type = "syn",
				 .ports = &pl,
				 .start = 1700000000,
				 .end = 1700000002,
				 .targets = 256,
				 .run_id = 4 };
	char *s = render(report_nmap_xml, &rs, &m);
	CHECK(strstr(s, "<nmaprun scanner=\"dormant\" args=\"&lt;x&gt;\" start=\"1700000000\"") != NULL);
	CHECK(
	    strstr(s, "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"4\" services=\"21-23,80\"/>") !=
	    NULL);
	CHECK(strstr(s, "<scaninfo type=\"udp\" protocol=\"udp\" numservices=\"1\" services=\"161\"/>") !=
	      NULL);
	CHECK(strstr(s, "<address addr=\"02:00:5E:00:00:0B\" addrtype=\"mac\"/>") != NULL);
	CHECK(strstr(s, "<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" "
			"reason_ttl=\"64\"/><service name=\"ssh\"") != NULL);
	CHECK(strstr(s, "<hosts up=\"1\" down=\"255\" total=\"256\"/>") != NULL);
	CHECK(strstr(s, "</nmaprun>\n") != NULL);
	free(s);
	resultset_release(&rs);
	portlist_release(&pl);
}

static void port_ranges(void)
{
	struct buf b = BUF_INIT;
	uint16_t p[] = { 1, 2, 3, 5, 7, 8, 65535 };
	format_port_ranges(&b, p, 7);
	CHECK_STR(b.data, "1-3,5,7-8,65535");
	buf_release(&b);
}

/* RFC 4180 quoting, and no cell a spreadsheet would run as a formula:
 * titles and banners come from the network. */
static void csv_rows(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct findings fs = { 0 };
	struct finding f = { .rule = "unexpected-service",
			     .severity = SEV_HIGH,
			     .has_ip = true,
			     .ip = ipaddr_v4(0xc612000b),
			     .port = 22,
			     .proto = PROTO_TCP,
			     .title = "=HYPERLINK(\"http://x\"), \"quoted\"",
			     .evidence = strdup("{\"a\":1,\"b\":\"x\"}"),
			     .remediation = strdup("-close it\nnow"),
			     .first_seen = 1700000000,
			     .last_seen = 1700000000,
			     .score = 2 };
	findings_add(&fs, &f);
	struct report_meta m = { .command = "audit", .run_id = 7, .findings = &fs };
	char *s = render(report_csv, &rs, &m);
	CHECK_STR(
	    s,
	    "rank,severity,rule,ip,port,proto,hostname,title,remediation,first_seen,last_seen,score,run,"
	    "evidence\r\n"
	    "1,high,unexpected-service,198.18.0.11,22,tcp,,\"'=HYPERLINK(\"\"http://x\"\"), \"\"quoted\"\"\","
	    "\"'-close "
	    "it\nnow\",2023-11-14T22:13:20.000Z,2023-11-14T22:13:20.000Z,2.0,7,\"{\"\"a\"\":1,\"\"b\"\":"
	    "\"\"x\"\"}\"\r\n");
	free(s);
	m.findings = NULL; /* a bare scan: its open ports */
	s = render(report_csv, &rs, &m);
	CHECK(strstr(s, "ip,hostname,port,proto,state,service,product,version,cpe,seen,run\r\n198.18.0.11,,"
			"22,tcp,open,") == s);
	CHECK(strstr(s, "198.18.0.11,,161,udp,open,") != NULL);
	free(s);
	findings_release(&fs);
	resultset_release(&rs);
	portlist_release(&pl);
}

/* A page larger than the buffer's cap is an error, not a truncated page
 * returned as success: the first append that does not fit sticks. */
static void html_too_big_is_an_error(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct report_meta m = { .command = "audit", .args = "198.18.0.0/24", .ports = &pl, .run_id = 3 };
	char *page = render(report_html, &rs, &m);
	CHECK(page && strstr(page, "</html>\n"));
	free(page);
	size_t n = (65u << 20) + 1;
	char *huge = malloc(n);
	memset(huge, 'a', n - 1);
	huge[n - 1] = 0;
	m.args = huge;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	CHECK_INT(report_html(f, &rs, &m), DM_ETOOBIG);
	fclose(f);
	CHECK_INT(len, 0); /* nothing written, not a page cut in the middle */
	free(out);
	free(huge);
	portlist_release(&pl);
	resultset_release(&rs);
}

/* A device's words with every hostile class in them: terminal controls,
 * C1, bidi, invalid UTF-8 and the noncharacters XML forbids. */
#define HOSTILE "\x1b]0;owned\x07\x1b[2J\xc2\x9b\xe2\x80\xae\xef\xbf\xbe\xef\xbf\xbf\xff\x01"

static void hostile_sample(struct resultset *rs, struct portlist *pl)
{
	sample(rs, pl);
	struct obs_service sv = {
		.ip = ipaddr_v4(0xc612000b), .port = 22, .proto = PROTO_TCP, .name = "ssh", .ts = 1700000000
	};
	snprintf(sv.product, sizeof(sv.product), "Open%s", HOSTILE);
	snprintf(sv.version, sizeof(sv.version), "9%s", HOSTILE);
	snprintf(sv.info, sizeof(sv.info), "info %s", HOSTILE);
	snprintf(sv.banner, sizeof(sv.banner), "SSH-2.0-%s", HOSTILE);
	snprintf(sv.vendor, sizeof(sv.vendor), "v%s", HOSTILE);
	resultset_add_service(rs, &sv);
	resultset_sort(rs);
}

static void hostile_banner_xml_well_formed(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	hostile_sample(&rs, &pl);
	struct report_meta m = { .command = "scan",
				 .args = "x" HOSTILE,
				 .scan_type = "syn",
				 .ports = &pl,
				 .start = 1700000000,
				 .end = 1700000002,
				 .targets = 256,
				 .run_id = 4 };
	char *s = render(report_nmap_xml, &rs, &m);
	xmlDocPtr doc = xmlReadMemory(s, (int)strlen(s), "t.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	CHECK(doc != NULL);
	xmlFreeDoc(doc);
	CHECK(strstr(s, "\\u{FFFE}\\u{FFFF}") != NULL);
	free(s);
	/* HTML: the same text, no control byte, no bidi override */
	s = render(report_html, &rs, &m);
	CHECK(strchr(s, '\x1b') == NULL && strstr(s, "\xe2\x80\xae") == NULL &&
	      strstr(s, "\xc2\x9b") == NULL);
	free(s);
	resultset_release(&rs);
	portlist_release(&pl);
}

static void hostile_banner_text_escaped(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	hostile_sample(&rs, &pl);
	struct report_meta m = { .command = "scan",
				 .args = "x",
				 .scan_type = "syn",
				 .ports = &pl,
				 .start = 1700000000,
				 .end = 1700000002,
				 .targets = 256,
				 .run_id = 4 };
	char *s = render(report_text, &rs, &m);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if ((*c < 0x20 && *c != '\n' && *c != '\t') || *c == 0x7f || *c == 0xff) {
			test_fail(__FILE__, __LINE__, "raw byte 0x%02x at %zu", *c,
				  (size_t)(c - (const unsigned char *)s));
			break;
		}
	CHECK(strstr(s, "\xc2\x9b") == NULL && strstr(s, "\xe2\x80\xae") == NULL);
	CHECK(strstr(s, "\\x1b]0;owned\\x07\\x1b[2J\\u{009B}\\u{202E}") != NULL);
	free(s);
	resultset_release(&rs);
	portlist_release(&pl);
}

/* CSV cells hold device text too: the file stays valid UTF-8 with no
 * control byte, and the hostile bytes are shown escaped. */
static void hostile_banner_csv_escaped(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	hostile_sample(&rs, &pl);
	struct report_meta m = { .command = "scan",
				 .args = "x",
				 .scan_type = "syn",
				 .ports = &pl,
				 .start = 1700000000,
				 .end = 1700000002,
				 .targets = 256,
				 .run_id = 4 };
	char *s = render(report_csv, &rs, &m);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if ((*c < 0x20 && *c != '\n' && *c != '\r') || *c == 0x7f || *c == 0xff) {
			test_fail(__FILE__, __LINE__, "raw byte 0x%02x at %zu", *c,
				  (size_t)(c - (const unsigned char *)s));
			break;
		}
	CHECK(strstr(s, "\xc2\x9b") == NULL && strstr(s, "\xe2\x80\xae") == NULL);
	CHECK(strstr(s, "\\x1b]0;owned\\x07") != NULL);
	free(s);
	resultset_release(&rs);
	portlist_release(&pl);
}

/* Evidence for people: lists, not JSON; nested values as nested lists;
 * every value through the escaper. */
static void html_evidence_lists(void)
{
	struct buf b = BUF_INIT;
	html_evidence(&b, "{\"flows_in_window\":0,\"register\":{\"line\":5,\"owner\":\"<script>x</script>\"},"
			  "\"user_clients\":[\"198.18.0.21\",\"198.18.0.22\"],\"cves\":[{\"id\":\"CVE-1\"}],"
			  "\"answered_scan\":false,\"seen\":null}");
	buf_putc(&b, 0);
	CHECK_STR(
	    b.data,
	    "<dl class=\"evidence\"><dt>flows in window</dt><dd>0</dd><dt>register</dt><dd>"
	    "<dl class=\"evidence\"><dt>line</dt><dd>5</dd><dt>owner</dt><dd>&lt;script&gt;x&lt;/script&gt;"
	    "</dd></dl></dd><dt>user clients</dt><dd>198.18.0.21, 198.18.0.22</dd><dt>cves</dt><dd>"
	    "<ol class=\"evidence-items\"><li><dl class=\"evidence\"><dt>id</dt><dd>CVE-1</dd></dl></li>"
	    "</ol></dd><dt>answered scan</dt><dd>no</dd><dt>seen</dt><dd><span "
	    "class=\"none\">none</span></dd></dl>");
	/* not JSON (a store from before evidence objects): escaped text */
	buf_reset(&b);
	html_evidence(&b, "{broken <b>");
	buf_putc(&b, 0);
	CHECK_STR(b.data, "<p class=\"evidence-text\">{broken &lt;b&gt;</p>");
	buf_release(&b);
}

/* The command line on the page names files, not the operator's folders. */
static void html_args_shortened(void)
{
	struct buf b = BUF_INIT;
	html_short_args(&b, "198.18.0.0/24 fd00::/8 --db /var/lib/x/dormant.db --flows=/srv/cap/mon.pcap -iL "
			    "./t.txt nvd/ --html <r>.html");
	buf_putc(&b, 0);
	CHECK_STR(b.data, "198.18.0.0/24 fd00::/8 --db dormant.db --flows=mon.pcap -iL t.txt nvd --html "
			  "&lt;r&gt;.html");
	buf_release(&b);
}

/* The terminal table: VERSION holds what runs, INFO what it said; ports left out are
 * counted by protocol; --open keeps open ports and the hosts with one; findings and the
 * host line carry the register's name. */
static void text_table_columns(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct obs_port p = { .ip = ipaddr_v4(0xc612000b), .proto = PROTO_TCP, .state = PORT_CLOSED, .ts = 1 };
	for (p.port = 21; p.port <= 23; p.port += 2) resultset_add_port(&rs, &p); /* 21, 23 closed */
	p.port = 53, p.proto = PROTO_UDP;
	resultset_add_port(&rs, &p);
	p.port = 123, p.state = PORT_OPEN_FILTERED, p.reason = "no-response";
	resultset_add_port(&rs, &p);
	struct obs_service sv = { .ip = p.ip, .port = 22, .proto = PROTO_TCP, .name = "http", .ts = 1 };
	snprintf(sv.product, sizeof(sv.product), "nginx");
	snprintf(sv.version, sizeof(sv.version), "1.18.0");
	snprintf(sv.info, sizeof(sv.info), "401 login required: admin");
	resultset_add_service(&rs, &sv);
	/* a quiet host: up, no open port */
	struct obs_host h = { .ip = ipaddr_v4(0xc612000c), .how = HOW_ICMP, .reason = "echo-reply", .ts = 1 };
	resultset_add_host(&rs, &h);
	resultset_sort(&rs);
	struct dm_err e;
	struct inventory inv = { 0 };
	const char *csv = "ip,hostname\n198.18.0.11,cam-lobby\n";
	CHECK_INT(inventory_parse_csv("t.csv", csv, strlen(csv), &inv, &e), 0);
	struct inv_entry en = { .ip = ipaddr_v4(0xc612000b) };
	struct finding fd = { .rule = "unused-port",
			      .severity = SEV_LOW,
			      .has_ip = true,
			      .ip = en.ip,
			      .port = 22,
			      .proto = PROTO_TCP,
			      .title = "nobody uses ssh" };
	struct findings fs = { 0 };
	findings_add(&fs, &fd);
	struct report_meta m = {
		.command = "audit", .args = "x", .ports = &pl, .run_id = 2, .inv = &inv, .findings = &fs
	};
	char *s = render(report_text, &rs, &m);
	CHECK(strstr(s, "\n198.18.0.11 (cam-lobby)  up (arp-response)") != NULL);
	CHECK(
	    strstr(s, "  PORT       STATE          SERVICE        VERSION                          INFO\n") !=
	    NULL);
	CHECK(strstr(s,
		     "  22/tcp     open           http           nginx 1.18.0                     401 login "
		     "required: admin\n") != NULL);
	CHECK(strstr(s, "  not shown: 2 closed TCP, 1 closed UDP, 1 open|filtered UDP ports\n") != NULL);
	CHECK(strstr(s, "\n198.18.0.12  up (echo-reply)\n") != NULL);
	CHECK(
	    strstr(s, "  low      unused-port         198.18.0.11 22/tcp (cam-lobby)   nobody uses ssh\n") !=
	    NULL);
	free(s);
	m.only_open = true;
	s = render(report_text, &rs, &m);
	CHECK(strstr(s, "not shown") == NULL && strstr(s, "198.18.0.12") == NULL &&
	      strstr(s, "open|filtered") == NULL);
	CHECK(strstr(s, "  161/udp    open ") != NULL &&
	      strstr(s, "1 more hosts up with no open port (--open)") != NULL);
	free(s);
	/* a stored run keeps no port list and no split: the counts are not named by a protocol */
	m.only_open = false, m.ports = NULL;
	resultset_host(&rs, &en.ip, false)->udp_closed = 0;
	s = render(report_text, &rs, &m);
	CHECK(strstr(s, "  not shown: 3 closed, 1 open|filtered UDP ports\n") != NULL);
	free(s);
	findings_release(&fs);
	inventory_release(&inv);
	resultset_release(&rs);
	portlist_release(&pl);
}

/* The page of a scan (no analysis) does not show "0 critical": nothing was judged. The
 * summary states what ran, the ports and what was left out; the command line shows no
 * folder. */
static void html_summary_of_a_scan(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct report_meta m = { .command = "scan",
				 .args = "198.18.0.0/24 -oJ /home/op/out/scan.jsonl",
				 .scan_type = "syn",
				 .ports = &pl,
				 .targets = 256,
				 .run_id = 3 };
	char *page = render(report_html, &rs, &m);
	CHECK(strstr(page, "<b>0</b>critical") == NULL && strstr(page, "critical: not judged") != NULL);
	CHECK(strstr(page, "<code>dormant scan 198.18.0.0/24 -oJ scan.jsonl</code>") != NULL);
	CHECK(strstr(page, "256 addresses scanned, 1 host answered") != NULL);
	CHECK(strstr(page, "TCP, 4 ports: 21-23,80<br>UDP, 1 port: 161") != NULL);
	CHECK(strstr(page, "<li>no analysis ran") != NULL &&
	      strstr(page, "compared for audits only") != NULL);
	CHECK(strstr(page, "/home/op") == NULL);
	CHECK(strstr(page, "<table class=\"host-table\" data-ip=\"198.18.0.11\">") != NULL);
	free(page);
	resultset_release(&rs);
	portlist_release(&pl);
}

/* Every format says what the run could not judge; the stored text is escaped in each. */
static void caveats_in_every_format(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct caveats cs = { 0 };
	caveats_add(&cs, "no-vuln-data", "no vulnerability data: <b>not</b> checked, \"at all\"");
	caveats_add(&cs, "no-traffic", "no traffic =1+1");
	struct findings fs = { 0 };
	struct report_meta m = {
		.command = "audit", .ports = &pl, .run_id = 7, .findings = &fs, .caveats = &cs
	};
	char *s = render(report_jsonl, &rs, &m);
	CHECK(
	    strstr(s,
		   "\"caveats\":[{\"code\":\"no-vuln-data\",\"text\":\"no vulnerability data: <b>not</b> "
		   "checked, \\\"at all\\\"\"},{\"code\":\"no-traffic\",\"text\":\"no traffic =1+1\"}]}\n") !=
	    NULL);
	free(s);
	s = render(report_csv, &rs, &m);
	CHECK(strstr(s,
		     "#caveat,no-vuln-data,\"no vulnerability data: <b>not</b> checked, \"\"at all\"\"\"\r\n"
		     "#caveat,no-traffic,no traffic =1+1\r\nrank,severity,") == s);
	free(s);
	m.findings = NULL; /* a bare scan: the rows above the port rows */
	s = render(report_csv, &rs, &m);
	CHECK(strstr(s, "#caveat,no-traffic,no traffic =1+1\r\nip,hostname,") != NULL);
	free(s);
	s = render(report_html, &rs, &m);
	CHECK(strstr(s, "<li data-caveat=\"no-vuln-data\">no vulnerability data: &lt;b&gt;not&lt;/b&gt;") !=
	      NULL);
	/* the summary's "could not be judged" lists the same caveats, not a guess of its own */
	CHECK(strstr(s, "<ul id=\"not-judged\"><li>no vulnerability data: &lt;b&gt;not&lt;/b&gt;") != NULL);
	CHECK(strstr(s, "nothing left out") == NULL && strstr(s, "no analysis ran") == NULL);
	free(s);
	s = render(report_text, &rs, &m);
	CHECK(strstr(s,
		     "\nnot judged in this run:\n  - no vulnerability data: <b>not</b> checked, \"at all\"\n"
		     "  - no traffic =1+1\n") != NULL);
	free(s);
	m.caveats = NULL; /* none known: nothing said, in every format */
	s = render(report_text, &rs, &m);
	CHECK(!strstr(s, "not judged"));
	free(s);
	resultset_release(&rs);
	portlist_release(&pl);
}

/* audit --external: the section of its own, every outside and register text escaped */
static void html_external_section(void)
{
	struct resultset rs = { 0 };
	struct portlist pl = { 0 };
	sample(&rs, &pl);
	struct exposure_row row = { .obs = { .platform = EXT_DORMANT,
					     .ip = ipaddr_v4(0x0b16212c),
					     .port = 8080,
					     .proto = PROTO_TCP },
				    .has_asset = true,
				    .asset = ipaddr_v4(0xc612070f),
				    .inside_port = 80,
				    .via_mapping = true,
				    .gateway = ipaddr_v4(0xc61207fe),
				    .verdict = EXP_DIFFERS };
	snprintf(row.obs.service, sizeof(row.obs.service), "http");
	snprintf(row.obs.product, sizeof(row.obs.product), "cam<script>%s", HOSTILE);
	snprintf(row.asset_name, sizeof(row.asset_name), "nas <b>store</b>");
	snprintf(row.inside_product, sizeof(row.inside_product), "lighttpd");
	struct exposure_rows rows = { .v = &row, .n = 1 };
	struct findings fs = { 0 };
	struct finding f = { .rule = "external-only",
			     .severity = SEV_MEDIUM,
			     .has_ip = true,
			     .ip = ipaddr_v4(0x0b16212d),
			     .port = 8443,
			     .proto = PROTO_TCP };
	snprintf(f.title, sizeof(f.title), "8443 answers <i>outside</i>");
	f.evidence = strdup("{\"seen_by\":\"dormant from outside\",\"inside\":\"unexplained\"}");
	f.remediation = strdup("close it");
	findings_add(&fs, &f);
	struct finding g = {
		.rule = "idle-host", .severity = SEV_LOW, .has_ip = true, .ip = ipaddr_v4(0xc6120001)
	};
	snprintf(g.title, sizeof(g.title), "not an outside finding");
	g.evidence = strdup("{}");
	g.remediation = strdup("-");
	findings_add(&fs, &g);
	struct report_meta m = { .command = "external", .args = "11.22.33.44", .ports = &pl, .findings = &fs };
	char *s = render(report_html, &rs, &m);
	CHECK(strstr(s, "id=\"external\"") == NULL); /* no --external: no section */
	free(s);
	m.outside = &rows;
	s = render(report_html, &rs, &m);
	CHECK(strstr(s, "<h2 id=\"external\">Seen from outside: 1 service answered</h2>") != NULL);
	CHECK(strstr(s, "<tr class=\"external\"><td>11.22.33.44:8080/tcp</td><td>http cam&lt;script&gt;") !=
	      NULL);
	CHECK(
	    strstr(s,
		   "<td>198.18.7.15:80 <span class=\"name\">nas &lt;b&gt;store&lt;/b&gt;</span><br>through a "
		   "port mapping of 198.18.7.254</td><td>lighttpd</td><td>differs</td><td>-</td></tr>") !=
	    NULL);
	CHECK(
	    strstr(
		s,
		"<tr class=\"external-finding\"><td>external-only</td><td>medium</td><td>11.22.33.45:8443/tcp"
		"</td><td>8443 answers &lt;i&gt;outside&lt;/i&gt;</td>") != NULL);
	CHECK(strstr(s, "not an outside finding</td><td><dl") == NULL);
	CHECK(strstr(s, "<script") == NULL && strstr(s, "<b>store") == NULL && strchr(s, '\x1b') == NULL &&
	      strstr(s, "\xe2\x80\xae") == NULL);
	free(s);
	findings_release(&fs);
	resultset_release(&rs);
	portlist_release(&pl);
}

SUITE(suite_report, "report", T(jsonl_records), T(nmap_xml), T(port_ranges), T(csv_rows),
      T(hostile_banner_xml_well_formed), T(hostile_banner_text_escaped), T(html_too_big_is_an_error),
      T(hostile_banner_csv_escaped), T(html_evidence_lists), T(html_args_shortened), T(text_table_columns),
      T(html_summary_of_a_scan), T(caveats_in_every_format), T(html_external_section));
