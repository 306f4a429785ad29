/* Import readers (src/import/) on fixtures written from the formats'
 * documentation and on real scanner output (tests/data/import/), the bad
 * and truncated files they must refuse with a position, and the product
 * names read from nmap's service probes (src/vuln/nmap-names.c). */
#include "test.h"
#include "base/buf.h"
#include "import/import.h"
#include "model/resultset.h"
#include "vuln/nmap-names.h"
#include <stdlib.h>

#define DIR DORMANT_SOURCEDIR "/tests/data/import/"

struct got {
	struct resultset rs;
	struct import_meta meta;
	struct dm_err e;
	int r;
	size_t scanned_tcp; /* meta.scanned.n_tcp before it was released */
};

static void read_text(const char *name, const char *text, size_t len, struct got *g)
{
	*g = (struct got){ .e = { "" } };
	struct obs_sink sink = import_sink(&g->rs);
	g->r = import_read(name, text, len, &sink, &g->meta, &g->e);
	g->scanned_tcp = g->meta.scanned.n_tcp;
	import_meta_release(&g->meta); /* the counts stay */
	resultset_sort(&g->rs);
}

static void read_fixture(const char *file, struct got *g)
{
	struct buf b = BUF_INIT;
	struct dm_err e = { "" };
	char path[512];
	snprintf(path, sizeof(path), "%s%s", DIR, file);
	if (buf_read_file(&b, path, 1 << 20, "a fixture", &e) < 0) test_fail(__FILE__, __LINE__, "%s", e.msg);
	read_text(file, b.data ? b.data : "", b.len, g);
	buf_release(&b);
}

static const struct port_entry *port_of(struct got *g, const char *ip, enum proto proto, uint16_t port)
{
	struct ipaddr a;
	if (ipaddr_parse(ip, &a) < 0) return NULL;
	struct host_entry *he = resultset_host(&g->rs, &a, false);
	for (size_t i = 0; he && i < he->n_ports; i++)
		if (he->ports[i].port == port && he->ports[i].proto == proto) return &he->ports[i];
	return NULL;
}

static const struct obs_service *svc_of(struct got *g, const char *ip, enum proto proto, uint16_t port)
{
	struct ipaddr a;
	if (ipaddr_parse(ip, &a) < 0) return NULL;
	struct host_entry *he = resultset_host(&g->rs, &a, false);
	return he ? host_service(he, proto, port) : NULL;
}

static void nmap_documented(void)
{
	struct got g;
	read_fixture("doc-nmap.xml", &g);
	CHECK_INT(g.r, 0);
	CHECK_INT(g.meta.format, IMPORT_NMAP_XML);
	CHECK_STR(g.meta.scanner, "nmap");
	CHECK_STR(g.meta.version, "7.93");
	CHECK(strstr(g.meta.args, "-sV -sC") != NULL);
	CHECK_INT((long long)g.meta.start, 1700000000);
	CHECK_INT((long long)g.meta.end, 1700000050);
	CHECK_INT(g.scanned_tcp, 1000);
	CHECK_INT(resultset_count_up(&g.rs), 2); /* the down host is not */
	CHECK(port_of(&g, "192.0.2.1", PROTO_TCP, 22) &&
	      port_of(&g, "192.0.2.1", PROTO_TCP, 22)->state == PORT_OPEN);
	CHECK(port_of(&g, "192.0.2.1", PROTO_UDP, 161) &&
	      port_of(&g, "192.0.2.1", PROTO_UDP, 161)->state == PORT_OPEN_FILTERED);
	CHECK(port_of(&g, "192.0.2.1", PROTO_TCP, 25) == NULL); /* closed: counted, not listed */
	CHECK(port_of(&g, "192.0.2.2", PROTO_TCP, 22) == NULL);
	struct ipaddr gw;
	ipaddr_parse("192.0.2.1", &gw);
	struct host_entry *he = resultset_host(&g.rs, &gw, false);
	CHECK(he && he->h.has_mac && he->h.mac[5] == 0x55 && he->h.how == HOW_ARP);
	CHECK(he && he->closed == 1 && he->filtered == 1);
	const struct obs_service *ssh = svc_of(&g, "192.0.2.1", PROTO_TCP, 22);
	CHECK(ssh != NULL);
	if (ssh) {
		CHECK_STR(ssh->product, "OpenSSH");
		CHECK_STR(ssh->version, "7.7p1");
		CHECK_STR(ssh->cpe, "cpe:2.3:a:openbsd:openssh:7.7p1:*:*:*:*:*:*:*");
		CHECK_STR(ssh->vendor, "openbsd");
		CHECK_STR(ssh->info, "protocol 2.0");
		CHECK_STR(ssh->os, "Linux");
		CHECK(strstr(ssh->banner, "ssh-hostkey: ") && strstr(ssh->banner, "2048 aa:bb (RSA)"));
	}
	const struct obs_service *web = svc_of(&g, "192.0.2.1", PROTO_TCP, 443);
	CHECK(web && !strcmp(web->name, "https") && web->tls.present &&
	      !strcmp(web->product, "Apache httpd"));
	CHECK(web && !strcmp(web->banner, "http-title: Router login"));
	const struct obs_service *guess = svc_of(&g, "192.0.2.1", PROTO_TCP, 8080);
	CHECK(guess && !strcmp(guess->name, "http-proxy") &&
	      !guess->product[0]); /* method="table": a guess */
	CHECK(svc_of(&g, "2001:db8::5", PROTO_TCP, 21) &&
	      !strcmp(svc_of(&g, "2001:db8::5", PROTO_TCP, 21)->product, "vsftpd"));
	resultset_release(&g.rs);
}

static void nmap_real(void)
{
	struct got g;
	read_fixture("nmap-real.xml", &g); /* nmap 7.93 -sV -sC of sshd and lighttpd (make-real.sh) */
	CHECK_INT(g.r, 0);
	CHECK(port_of(&g, "198.18.100.2", PROTO_TCP, 22) && port_of(&g, "198.18.100.2", PROTO_TCP, 80));
	CHECK(port_of(&g, "198.18.100.2", PROTO_TCP, 81) == NULL);
	const struct obs_service *s = svc_of(&g, "198.18.100.2", PROTO_TCP, 80);
	CHECK(s && !strcmp(s->product, "lighttpd") && !strncmp(s->cpe, "cpe:2.3:a:lighttpd:lighttpd:", 28));
	CHECK(s && strstr(s->banner, "http-title: import lab"));
	resultset_release(&g.rs);
	read_fixture("nmap-loopback.xml", &g);
	CHECK_INT(g.r, 0);
	CHECK_INT(resultset_count_ports(&g.rs, PORT_OPEN), 3);
	resultset_release(&g.rs);
}

static void nmap_refused(void)
{
	struct buf b = BUF_INIT;
	struct dm_err e = { "" };
	CHECK_INT(buf_read_file(&b, DIR "doc-nmap.xml", 1 << 20, "a fixture", &e), 0);
	struct got g;
	/* cut inside the third host: truncated, named with its line */
	const char *cut = strstr(b.data, "<ports><port protocol=\"tcp\" portid=\"21\"");
	read_text("cut.xml", b.data, (size_t)(cut - b.data) + 20, &g);
	CHECK_INT(g.r, DM_EINPUT);
	CHECK(!strncmp(g.e.msg, "cut.xml:29: truncated: the file ends before </nmaprun>", 54));
	resultset_release(&g.rs);
	/* the whole elements, but no </nmaprun> */
	const char *end = strstr(b.data, "</nmaprun>");
	read_text("noend.xml", b.data, (size_t)(end - b.data), &g);
	CHECK_INT(g.r, DM_EINPUT);
	CHECK(!strncmp(g.e.msg, "noend.xml:33: truncated: the file ends before </nmaprun>", 56));
	resultset_release(&g.rs);
	buf_release(&b);
	static const char bad_state[] =
	    "<nmaprun>\n<host><status state=\"up\"/><address addr=\"192.0.2.1\" addrtype=\"ipv4\"/>\n"
	    "<ports><port protocol=\"tcp\" portid=\"22\"><state "
	    "state=\"ajar\"/></port></ports></host></nmaprun>\n";
	read_text("s.xml", bad_state, strlen(bad_state), &g);
	CHECK_STR(g.e.msg, "s.xml:3: port state \"ajar\" is not nmap's");
	resultset_release(&g.rs);
	static const char bad_port[] =
	    "<nmaprun><host><status state=\"up\"/><address addr=\"192.0.2.1\" addrtype=\"ipv4\"/>"
	    "<ports><port protocol=\"tcp\" portid=\"70000\"/></ports></host></nmaprun>";
	read_text("p.xml", bad_port, strlen(bad_port), &g);
	CHECK_STR(g.e.msg, "p.xml:1: port without a valid portid");
	resultset_release(&g.rs);
	static const char other[] = "<?xml version=\"1.0\"?>\n<nmaprun><host><address addr=\"x\" "
				    "addrtype=\"ipv4\"/></host></nmaprun>";
	read_text("a.xml", other, strlen(other), &g);
	CHECK_STR(g.e.msg, "a.xml:2: bad address \"x\"");
	resultset_release(&g.rs);
}

static void masscan_json(void)
{
	struct got g;
	read_fixture("doc-masscan.json", &g);
	CHECK_INT(g.r, 0);
	CHECK_INT(g.meta.format, IMPORT_MASSCAN_JSON);
	CHECK_STR(g.meta.scanner, "masscan");
	CHECK_INT((long long)g.meta.start, 1700000100);
	CHECK_INT((long long)g.meta.end, 1700000104);
	CHECK(port_of(&g, "192.0.2.11", PROTO_UDP, 53) && !port_of(&g, "192.0.2.11", PROTO_TCP, 23));
	CHECK(port_of(&g, "2001:db8::11", PROTO_TCP, 22) &&
	      port_of(&g, "2001:db8::11", PROTO_TCP, 22)->ttl == 64);
	const struct obs_service *s = svc_of(&g, "192.0.2.10", PROTO_TCP, 80);
	CHECK(s && !strcmp(s->name, "http") && strstr(s->info, "server: nginx/1.20.0"));
	resultset_release(&g.rs);
	read_fixture("doc-masscan-old.json", &g);
	CHECK_INT(g.r, 0);
	s = svc_of(&g, "192.0.2.21", PROTO_TCP, 22);
	CHECK(s && !strcmp(s->banner, "SSH-2.0-OpenSSH_7.7p1"));
	resultset_release(&g.rs);
	read_fixture("masscan-real.json", &g);
	CHECK_INT(g.r, 0);
	CHECK(port_of(&g, "198.18.100.2", PROTO_TCP, 22) && port_of(&g, "198.18.100.2", PROTO_TCP, 80));
	resultset_release(&g.rs);
	/* cut before the closing ], inside a record, and a bad record */
	static const char noclose[] = "[\n{\"ip\": \"192.0.2.1\", \"ports\": [{\"port\": 1, \"proto\": "
				      "\"tcp\", \"status\": \"open\"}]}\n,\n";
	read_text("n.json", noclose, strlen(noclose), &g);
	CHECK_STR(g.e.msg, "n.json:3: truncated: the file ends without the closing ]");
	resultset_release(&g.rs);
	static const char cut[] = "[\n{\"ip\": \"192.0.2.1\",\n \"ports\": [{\"port\": 1, \"pro";
	read_text("c.json", cut, strlen(cut), &g);
	CHECK_STR(g.e.msg, "c.json:2: truncated: the record begun here never ends");
	resultset_release(&g.rs);
	static const char badport[] = "[\n{\"ip\": \"192.0.2.1\", \"ports\": []}\n,\n{\"ip\": \"192.0.2.1\", "
				      "\"ports\": [{\"port\": 0, \"proto\": \"tcp\"}]}\n]\n";
	read_text("b.json", badport, strlen(badport), &g);
	CHECK_STR(g.e.msg, "b.json:4: port 1: expected \"port\" and \"proto\" (tcp or udp)");
	resultset_release(&g.rs);
	static const char notjson[] = "[\n{\"ip\": \"192.0.2.1\" \"ports\": []}\n]\n";
	read_text("j.json", notjson, strlen(notjson), &g);
	CHECK(!strncmp(g.e.msg, "j.json:2: not a JSON record: ", 29));
	resultset_release(&g.rs);
}

static void masscan_list(void)
{
	struct got g;
	read_fixture("doc-masscan.list", &g);
	CHECK_INT(g.r, 0);
	CHECK_INT(g.meta.format, IMPORT_MASSCAN_LIST);
	CHECK(port_of(&g, "192.0.2.30", PROTO_UDP, 161) && port_of(&g, "192.0.2.31", PROTO_TCP, 21));
	const struct obs_service *s = svc_of(&g, "192.0.2.31", PROTO_TCP, 21);
	CHECK(s && !strcmp(s->name, "ftp") && !strcmp(s->banner, "220 (vsFTPd 2.3.4)"));
	resultset_release(&g.rs);
	read_fixture("masscan-real.list", &g);
	CHECK_INT(g.r, 0);
	CHECK_INT(resultset_count_ports(&g.rs, PORT_OPEN), 2);
	resultset_release(&g.rs);
	static const char noend[] = "#masscan\nopen tcp 80 192.0.2.1 1700000000\n";
	read_text("n.list", noend, strlen(noend), &g);
	CHECK_STR(g.e.msg, "n.list:2: truncated: the file ends without masscan's \"# end\" line");
	resultset_release(&g.rs);
	static const char bad[] =
	    "#masscan\nopen tcp 80 192.0.2.1 1700000000\nopen tcp 99999 192.0.2.1 1700000000\n# end\n";
	read_text("b.list", bad, strlen(bad), &g);
	CHECK_STR(g.e.msg, "b.list:3: bad port \"99999\"");
	resultset_release(&g.rs);
}

static void zmap_csv(void)
{
	struct got g;
	read_fixture("doc-zmap.csv", &g);
	CHECK_INT(g.r, 0);
	CHECK_INT(g.meta.format, IMPORT_ZMAP_CSV);
	CHECK_STR(g.meta.scanner, "zmap");
	CHECK(port_of(&g, "192.0.2.40", PROTO_TCP, 443) && !port_of(&g, "192.0.2.41", PROTO_TCP, 443));
	CHECK_INT((long long)g.meta.start, 1700000000 - 3600);
	resultset_release(&g.rs);
	read_fixture("doc-zmap-plain.csv", &g);
	CHECK_INT(g.r, 0);
	CHECK_INT(resultset_count_up(&g.rs), 2);
	resultset_release(&g.rs);
	read_fixture("zmap-real.csv", &g);
	CHECK_INT(g.r, 0);
	CHECK(port_of(&g, "198.18.100.2", PROTO_TCP, 22) != NULL);
	resultset_release(&g.rs);
	static const char cut[] = "saddr,sport,classification,success\n192.0.2.1,22,synack,1\n192.0.2.2,2";
	read_text("c.csv", cut, strlen(cut), &g);
	CHECK_STR(g.e.msg, "c.csv:3: 2 fields, the header has 4");
	resultset_release(&g.rs);
	static const char cut2[] = "saddr\n192.0.2.1\n192.0.2.2";
	read_text("d.csv", cut2, strlen(cut2), &g);
	CHECK_STR(g.e.msg, "d.csv:3: truncated: the last line has no end");
	resultset_release(&g.rs);
}

static void unknown_format(void)
{
	struct got g;
	read_text("x.txt", "hello\n", 6, &g);
	CHECK_INT(g.r, DM_EINPUT);
	CHECK_STR(g.e.msg, "x.txt: not nmap XML, masscan JSON or list, or ZMap CSV (unknown content)");
	resultset_release(&g.rs);
	read_text("e.txt", "", 0, &g);
	CHECK(strstr(g.e.msg, "empty file") != NULL);
	CHECK_INT(import_detect("<?xml version=\"1.0\"?><svg/>", 27), IMPORT_UNKNOWN);
	resultset_release(&g.rs);
}

static void nmap_names(void)
{
	static const char probes[] =
	    "match http m|^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: Apache/([\\d.]+)|s p/Apache httpd/ v/$1/ "
	    "cpe:/a:apache:http_server:$1/\n"
	    "match http m|^X| p/Apache httpd/ cpe:/a:apache:http_server/\n"
	    "match http m|^Y| p/Apache httpd/ cpe:/a:someone:else/\n"
	    "match ssh m=^SSH-2\\.0-ROSSSH= p/MikroTik RouterOS sshd/ o/RouterOS/ cpe:/o:mikrotik:routeros/ "
	    "a\n"
	    "match smtp m|^220 Z| p/Zmail smtpd/ o/Linux/ cpe:/o:linux:linux_kernel/\n"
	    "softmatch ftp m|^220 (\\w+) FTP| p/$1 ftpd/ cpe:/a:x:y/\n"
	    "match ftp m|^220 vs| p/vsftpd/ cpe:/a:beasts:vsftpd/\n";
	struct aliases a = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(aliases_load(&a, ALIASES_DEFAULT_PATH, &e), 0);
	size_t before = a.n;
	int n = aliases_add_nmap_text(&a, probes, strlen(probes));
	CHECK_INT(n, 1); /* only the RouterOS sshd: Apache httpd and vsftpd are in aliases.csv, Zmail's
			  * CPE is its OS's, "$1 ftpd" no name */
	CHECK_INT(a.n, before + 1);
	const struct alias_rule *r = aliases_rule_by_name(&a, "mikrotik routeros sshd");
	CHECK(r && !strcmp(r->to, "mikrotik:routeros") && r->part == 'o');
	CHECK_STR(aliases_by_name(&a, "Apache httpd"), "apache:http_server");
	CHECK_STR(aliases_by_name(&a, "vsftpd"), "vsftpd_project:vsftpd"); /* aliases.csv wins */
	CHECK(aliases_by_name(&a, "Zmail smtpd") == NULL);
	struct cpe c;
	CHECK(aliases_subject(&a, NULL, "MikroTik RouterOS sshd", "6.40", NULL, &c));
	CHECK_STR(c.v[CPE_PART], "o");
	aliases_release(&a);
	/* the majority CPE of a name nmap pairs with two */
	static const char votes[] =
	    "match a m|1| p/Foo server/ cpe:/a:foo:server/\nmatch a m|2| p/Foo server/ cpe:/a:bar:server/\n"
	    "match a m|3| p/Foo server/ cpe:/a:bar:server/\n";
	CHECK_INT(aliases_add_nmap_text(&a, votes, strlen(votes)), 1);
	CHECK_STR(aliases_by_name(&a, "foo server"), "bar:server");
	aliases_release(&a);
	/* the installed database, when nmap is: names the operators read in its output */
	if (aliases_load_nmap_opt(&a, NULL, &e) > 1000) {
		CHECK_STR(aliases_by_name(&a, "Postfix smtpd"), "postfix:postfix");
		CHECK_STR(aliases_by_name(&a, "Microsoft IIS httpd"),
			  "microsoft:internet_information_services");
		CHECK_STR(aliases_by_name(&a, "Dovecot imapd"), "dovecot:dovecot");
	}
	aliases_release(&a);
	CHECK_INT(aliases_load_nmap_opt(&a, "/nonexistent/nmap-service-probes", &e) < 0, 1);
	CHECK(strstr(e.msg, "/nonexistent/nmap-service-probes") != NULL);
	aliases_release(&a);
}

SUITE(suite_import, "import", T(nmap_documented), T(nmap_real), T(nmap_refused), T(masscan_json),
      T(masscan_list), T(zmap_csv), T(unknown_format), T(nmap_names));
