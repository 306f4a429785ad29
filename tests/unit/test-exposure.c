/* Mapping-platform exports (src/exposure/): each reader on the fixtures of
 * tests/data/exposure (written from the platforms' documentation), bad and
 * truncated records named by line, the time formats, the store's
 * deduplication, the register's public_ip and the join with the inside. */
#include "test.h"
#include "test-db.h"
#include "analyze/exposure.h"
#include "exposure/exposure.h"
#include "model/inventory.h"
#include "store/store.h"
#include <stdlib.h>
#include <unistd.h>

#define FX DORMANT_SOURCEDIR "/tests/data/exposure/"

static int load(const char *file, struct ext_set *s, enum ext_platform *p, struct dm_err *e)
{
	return ext_read_file(file, s, p, e);
}

static double t(const char *s)
{
	double v = -1;
	ext_parse_time(s, &v);
	return v;
}

static void test_shodan_download(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	enum ext_platform p = EXT_N;
	CHECK_INT(load(FX "shodan-download.json", &s, &p, &e), 0);
	CHECK_INT(p, EXT_SHODAN);
	CHECK_INT(s.n, 4);
	CHECK_INT(s.n_errors, 0);
	if (s.n == 4) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&s.v[0].ip, ip, sizeof(ip));
		CHECK_STR(ip, "203.0.113.10");
		CHECK_INT(s.v[0].port, 443);
		CHECK_INT(s.v[0].proto, PROTO_TCP);
		CHECK_STR(s.v[0].product, "nginx");
		CHECK_STR(s.v[0].version, "1.18.0");
		CHECK_STR(s.v[0].cpe, "cpe:2.3:a:f5:nginx:1.18.0");
		CHECK_STR(s.v[0].service, "https");
		CHECK_STR(s.v[0].hostnames, "www.example.com");
		CHECK(s.v[0].indexed > t("2026-11-02T08:14:51") && s.v[0].indexed < t("2026-11-02T08:14:52"));
		CHECK_INT(s.v[0].line, 1);
		CHECK_STR(s.v[1].version, "8.4p1 Debian 5+deb11u1");
		CHECK_STR(s.v[2].cpe, "");
		CHECK_INT(s.v[3].proto, PROTO_UDP);
		CHECK_INT(s.v[3].port, 161);
		CHECK_INT(s.v[3].line, 4);
	}
	ext_set_release(&s);
}

static void test_shodan_search(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	enum ext_platform p = EXT_N;
	CHECK_INT(load(FX "shodan-search.json", &s, &p, &e), 0);
	CHECK_INT(p, EXT_SHODAN);
	CHECK_INT(s.n, 2);
	if (s.n == 2) {
		CHECK_STR(s.v[0].product, "Apache httpd");
		CHECK_STR(s.v[0].cpe, "cpe:2.3:a:apache:http_server:2.4.49");
		CHECK_INT(s.v[0].line, 3); /* where each record of "matches" opens */
		CHECK_INT(s.v[1].line, 14);
	}
	ext_set_release(&s);
}

static void test_censys(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	enum ext_platform p = EXT_N;
	CHECK_INT(load(FX "censys-hosts.json", &s, &p, &e), 0);
	CHECK_INT(p, EXT_CENSYS);
	CHECK_INT(s.n, 4); /* one per service */
	if (s.n == 4) {
		CHECK_INT(s.v[0].port, 22);
		CHECK_STR(s.v[0].product, "OpenSSH");
		CHECK_STR(s.v[0].version, "7.4");
		CHECK_STR(s.v[0].cpe, "cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*");
		CHECK_STR(s.v[0].service, "SSH");
		CHECK_STR(s.v[0].hostnames, "vpn.example.org");
		CHECK(s.v[0].indexed > t("2026-11-04T02:31:09") && s.v[0].indexed < t("2026-11-04T02:31:10"));
		CHECK_INT(s.v[2].proto, PROTO_UDP);
		CHECK_INT(s.v[3].port, 8080);
		CHECK(s.v[3].indexed == t("2026-11-03T07:00:00Z")); /* the service's observed_at */
		CHECK_INT(s.v[3].line, 14);                         /* where its host record opens */
	}
	ext_set_release(&s);
	CHECK_INT(load(FX "censys-search.json", &s, &p, &e), 0);
	CHECK_INT(p, EXT_CENSYS);
	CHECK_INT(s.n, 1);
	if (s.n) {
		CHECK_STR(s.v[0].product, "vsftpd");
		CHECK_STR(s.v[0].version, "2.3.4");
		CHECK_STR(s.v[0].hostnames, "ftp.example.com"); /* a search hit's PTR names */
		CHECK_INT(s.v[0].line, 2);                      /* a record of result.hits: its own line */
	}
	ext_set_release(&s);
}

static void test_fofa(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	enum ext_platform p = EXT_N;
	CHECK_INT(load(FX "fofa.csv", &s, &p, &e), 0);
	CHECK_INT(p, EXT_FOFA);
	CHECK_INT(s.n, 3);
	if (s.n == 3) {
		CHECK_STR(s.v[0].product, "nginx");
		CHECK_STR(s.v[0].service, "http");
		CHECK(s.v[0].indexed == t("2026-11-01T09:00:00Z"));
		CHECK_STR(s.v[1].product, "Jetty"); /* from server, no product given */
		CHECK_INT(s.v[1].line, 3);
		CHECK_INT(s.v[2].proto, PROTO_UDP);
	}
	ext_set_release(&s);
	CHECK_INT(load(FX "fofa.json", &s, &p, &e), 0);
	CHECK_INT(p, EXT_FOFA);
	CHECK_INT(s.n, 2);
	if (s.n == 2) {
		CHECK_STR(s.v[0].product, "BusyBox");
		CHECK_STR(s.v[1].product, "mini_httpd");
		CHECK_STR(s.v[1].version, "1.19");
		CHECK_INT(s.v[1].line, 2);
	}
	ext_set_release(&s);
}

static void test_zoomeye(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	enum ext_platform p = EXT_N;
	CHECK_INT(load(FX "zoomeye.json", &s, &p, &e), 0);
	CHECK_INT(p, EXT_ZOOMEYE);
	CHECK_INT(s.n, 2);
	if (s.n == 2) {
		CHECK_STR(s.v[0].product, "ProFTPD");
		CHECK_STR(s.v[0].version, "1.3.5");
		CHECK_INT(s.v[0].port, 21);
		CHECK_INT(s.v[1].proto, PROTO_UDP);
		CHECK_INT(s.v[1].line, 3);
	}
	ext_set_release(&s);
	CHECK_INT(load(FX "zoomeye.csv", &s, &p, &e), 0);
	CHECK_INT(p, EXT_ZOOMEYE);
	CHECK_INT(s.n, 1);
	if (s.n) {
		CHECK_STR(s.v[0].product, "Apache Tomcat");
		CHECK_INT(s.v[0].port, 8080);
	}
	ext_set_release(&s);
}

static void test_hunter(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	enum ext_platform p = EXT_N;
	CHECK_INT(load(FX "hunter.json", &s, &p, &e), 0);
	CHECK_INT(p, EXT_HUNTER);
	CHECK_INT(s.n, 2);
	if (s.n == 2) {
		CHECK_STR(s.v[0].product, "Nginx"); /* the first component */
		CHECK_STR(s.v[0].version, "1.16.1");
		CHECK_STR(s.v[1].hostnames, "db.example.com");
		CHECK_INT(s.v[0].line, 2); /* records of data.arr: each its own line */
		CHECK_INT(s.v[1].line, 3);
		CHECK(s.v[1].indexed == t("2026-11-01"));
	}
	ext_set_release(&s);
	CHECK_INT(load(FX "hunter.csv", &s, &p, &e), 0);
	CHECK_INT(p, EXT_HUNTER);
	CHECK_INT(s.n, 1);
	if (s.n) {
		CHECK_STR(s.v[0].product, "Redis");
		CHECK_STR(s.v[0].version, "5.0.7");
	}
	ext_set_release(&s);
}

static void test_bad_records(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(load(FX "bad-shodan-records.json", &s, NULL, &e), 0);
	CHECK_INT(s.n, 1);
	CHECK_INT(s.n_errors, 3);
	if (s.n_errors == 3) {
		CHECK(strstr(s.errors[0], "bad-shodan-records.json: line 2: port \"99999\"") != NULL);
		CHECK(strstr(s.errors[1], "line 3: ip_str \"203.0.113.999\"") != NULL);
		CHECK(strstr(s.errors[2], "line 4: transport \"sctp\"") != NULL);
	}
	ext_set_release(&s);
	/* a bad time is named too */
	const char *bad_time =
	    "{\"ip_str\":\"192.0.2.1\",\"port\":80,\"transport\":\"tcp\",\"timestamp\":\"yesterday\"}\n";
	CHECK_INT(ext_read("t.json", bad_time, strlen(bad_time), &s, NULL, &e), 0);
	CHECK_INT(s.n, 0);
	CHECK(s.n_errors == 1 && strstr(s.errors[0], "t.json: line 1: timestamp \"yesterday\""));
	ext_set_release(&s);
}

static void test_truncated(void)
{
	struct ext_set s = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(load(FX "bad-shodan-truncated.json", &s, NULL, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "bad-shodan-truncated.json: byte ") && strstr(e.msg, "truncated"));
	ext_set_release(&s);
	CHECK_INT(load(FX "bad-fofa-truncated.csv", &s, NULL, &e), 0);
	CHECK_INT(s.n, 1);
	CHECK(s.n_errors == 1 && strstr(s.errors[0], "bad-fofa-truncated.csv: line 3: ") &&
	      strstr(s.errors[0], "truncated"));
	ext_set_release(&s);
	CHECK_INT(load(FX "bad-unknown.csv", &s, NULL, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "bad-unknown.csv: line 1: header: not a record") != NULL);
	ext_set_release(&s);
	/* a bad record two deep in an API answer: named by its own line, a
	 * string holding brackets and the key's name does not mislead the count */
	const char *wrapped =
	    "{\"code\": 200, \"data\": {\"note\": \"arr [ ] {\\\"\",\n"
	    "  \"arr\": [\n"
	    "    {\"ip\": \"192.0.2.1\", \"port\": 80, \"component\": [], \"updated_at\": \"2026-11-01\"},\n"
	    "    {\"ip\": \"192.0.2.2\", \"port\": 0, \"updated_at\": \"2026-11-01\"}\n"
	    "]}}\n";
	CHECK_INT(ext_read("w.json", wrapped, strlen(wrapped), &s, NULL, &e), 0);
	CHECK_INT(s.n, 1);
	CHECK(s.n_errors == 1 && strstr(s.errors[0], "w.json: line 4 (data.arr[1]): port \"0\""));
	if (s.n) CHECK_INT(s.v[0].line, 3);
	ext_set_release(&s);
	/* a ZoomEye record in a file read as Shodan (from its first record) */
	const char *mixed =
	    "{\"ip_str\":\"192.0.2.1\",\"port\":80}\n{\"ip\":\"192.0.2.2\",\"portinfo\":{\"port\":21}}\n";
	CHECK_INT(ext_read("m.json", mixed, strlen(mixed), &s, NULL, &e), 0);
	CHECK(s.n == 1 && s.n_errors == 1 && strstr(s.errors[0], "m.json: line 2: a zoomeye record"));
	ext_set_release(&s);
}

static void test_times(void)
{
	CHECK(t("1970-01-01") == 0);
	CHECK(t("1970-01-01T00:01:00") == 60);
	CHECK(t("1970-01-01 01:00:00+01:00") == 0);
	CHECK(t("1970-01-01T00:00:01.5Z") == 1.5);
	double v;
	CHECK(ext_parse_time("2026-02-30", &v) < 0);
	CHECK(ext_parse_time("2026-11-02T25:00:00", &v) < 0);
	CHECK(ext_parse_time("2026-11-02T10:00:00 junk", &v) < 0);
	CHECK(ext_parse_time("", &v) < 0);
}

static void test_store_dedup(void)
{
	char path[256], cmd[300];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-exposure-%d/x.db", (int)getpid());
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st = NULL;
	struct dm_err e = { "" };
	struct ext_set s = { 0 }, back = { 0 };
	CHECK_INT(load(FX "censys-hosts.json", &s, NULL, &e), 0);
	CHECK_INT(store_open(path, &st, &e), 0);
	size_t added = 99;
	CHECK_INT(store_exposure_save(st, "censys-hosts.json", "censys", 1e9, s.v, s.n, &added, &e), 0);
	CHECK_INT(added, 4);
	CHECK_INT(store_exposure_save(st, "censys-hosts.json", "censys", 1e9 + 1, s.v, s.n, &added, &e), 0);
	CHECK_INT(added, 0); /* the same observations again */
	CHECK_INT(store_exposure_load(st, &back, &e), 0);
	CHECK_INT(back.n, 4);
	if (back.n == 4) {
		CHECK(strstr(back.v[3].file, "/censys-hosts.json") != NULL);
		CHECK_INT(back.v[0].port, 8080); /* oldest indexed first: 192.0.2.31 */
		CHECK_STR(back.v[1].product, "OpenSSH");
	}
	/* the register keeps its public address */
	struct inventory inv = { 0 }, inv2 = { 0 };
	const char *csv = "ip,hostname,public_ip\n10.0.0.5,cam1,203.0.113.10\n10.0.0.6,nas,\n";
	CHECK_INT(inventory_parse_csv("r.csv", csv, strlen(csv), &inv, &e), 0);
	CHECK_INT(store_inventory_replace(st, &inv, "r.csv", 1e9, &e), 0);
	CHECK_INT(store_inventory_load(st, &inv2, &e), 0);
	CHECK_INT(inv2.n, 2);
	if (inv2.n == 2) {
		char ip[IPADDR_STRLEN];
		CHECK(inv2.v[0].has_public && !inv2.v[1].has_public);
		ipaddr_fmt(&inv2.v[0].public_ip, ip, sizeof(ip));
		CHECK_STR(ip, "203.0.113.10");
	}
	inventory_release(&inv);
	inventory_release(&inv2);
	const char *bad = "ip,public_ip\n10.0.0.5,203.0.113\n";
	CHECK_INT(inventory_parse_csv("r.csv", bad, strlen(bad), &inv, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "r.csv: line 2: public_ip \"203.0.113\"") != NULL);
	inventory_release(&inv);
	store_close(st);
	ext_set_release(&s);
	ext_set_release(&back);
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/dormant-unit-exposure-%d", (int)getpid());
	if (system(cmd)) {
	}
}

static void add_open(struct resultset *rs, const char *ip, uint16_t port, const char *product,
		     const char *version)
{
	struct obs_host h = { .how = HOW_ARP, .reason = "arp-response", .ts = 1e9 };
	ipaddr_parse(ip, &h.ip);
	resultset_add_host(rs, &h);
	struct obs_port p = {
		.ip = h.ip, .port = port, .proto = PROTO_TCP, .state = PORT_OPEN, .reason = "syn-ack"
	};
	resultset_add_port(rs, &p);
	struct obs_service s = { .ip = h.ip, .port = port, .proto = PROTO_TCP };
	snprintf(s.name, sizeof(s.name), "x");
	snprintf(s.product, sizeof(s.product), "%s", product);
	snprintf(s.version, sizeof(s.version), "%s", version);
	resultset_add_service(rs, &s);
}

static void test_join(void)
{
	/* 203.0.113.10 is cam1 (10.0.0.5) and nas (10.0.0.6) is 203.0.113.11 */
	const char *csv = "ip,hostname,public_ip\n10.0.0.5,cam1,203.0.113.10\n10.0.0.6,nas,203.0.113.11\n";
	const char *exp =
	    "{\"ip_str\":\"203.0.113.10\",\"port\":443,\"product\":\"nginx\",\"version\":\"1.18.0\","
	    "\"timestamp\":\"2026-11-01T00:00:00\"}\n"
	    "{\"ip_str\":\"203.0.113.10\",\"port\":443,\"product\":\"nginx\",\"version\":\"1.14.0\","
	    "\"timestamp\":\"2025-11-01T00:00:00\"}\n"
	    "{\"ip_str\":\"203.0.113.10\",\"port\":22,\"product\":\"OpenSSH\",\"version\":\"9.2p1\","
	    "\"timestamp\":\"2026-11-01T00:00:00\"}\n"
	    "{\"ip_str\":\"203.0.113.10\",\"port\":554,\"timestamp\":\"2026-11-01T00:00:00\"}\n"
	    "{\"ip_str\":\"203.0.113.99\",\"port\":8080,\"timestamp\":\"2026-11-01T00:00:00\"}\n"
	    "{\"ip_str\":\"203.0.113.11\",\"port\":445,\"timestamp\":\"2026-11-01T00:00:00\"}\n";
	struct inventory inv = { 0 };
	struct ext_set x = { 0 };
	struct resultset rs = { 0 };
	struct exposure_rows rows = { 0 };
	struct findings fs = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(inventory_parse_csv("r.csv", csv, strlen(csv), &inv, &e), 0);
	CHECK_INT(ext_read("x.json", exp, strlen(exp), &x, NULL, &e), 0);
	add_open(&rs, "10.0.0.5", 443, "nginx", "1.18.0");
	add_open(&rs, "10.0.0.5", 22, "Dropbear sshd", "2020.81");
	struct exposure_input in = { .ext = &x, .inv = &inv, .rs = &rs, .run = 7 };
	CHECK_INT(exposure_join(&in, &rows, &fs, &e), 0);
	CHECK_INT(rows.n, 5); /* the older sighting of 443 folds into the latest */
	int seen = 0;
	for (size_t i = 0; i < rows.n; i++) {
		const struct exposure_row *r = &rows.v[i];
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&r->obs.ip, ip, sizeof(ip));
		if (r->obs.port == 443) {
			CHECK_INT(r->verdict, EXP_SAME);
			CHECK_STR(r->obs.version, "1.18.0");
			seen++;
		}
		if (r->obs.port == 22) {
			CHECK_INT(r->verdict, EXP_DIFFERS);
			CHECK_STR(r->inside_product, "Dropbear sshd");
			seen++;
		}
		if (r->obs.port == 554) {
			CHECK_INT(r->verdict, EXP_CLOSED);
			CHECK_INT(r->run, 7);
			seen++;
		}
		if (r->obs.port == 8080) {
			CHECK_INT(r->verdict, EXP_UNEXPLAINED);
			CHECK(!r->has_asset);
			seen++;
		}
		if (r->obs.port == 445) {
			CHECK_INT(r->verdict, EXP_NOT_SCANNED);
			CHECK_STR(r->asset_name, "nas");
			seen++;
		}
		if (r->has_asset && r->obs.port != 445) {
			char a[IPADDR_STRLEN];
			ipaddr_fmt(&r->asset, a, sizeof(a));
			CHECK_STR(a, "10.0.0.5");
		}
	}
	CHECK_INT(seen, 5);
	CHECK_INT(fs.n, 2); /* 554 closed inside, 8080 unexplained */
	for (size_t i = 0; i < fs.n; i++) {
		CHECK_STR(fs.v[i].rule, "external-only");
		CHECK(strstr(fs.v[i].evidence, "\"file\":\"x.json\"") != NULL);
	}
	findings_release(&fs);
	exposure_rows_release(&rows);
	resultset_release(&rs);
	ext_set_release(&x);
	inventory_release(&inv);
}

SUITE(suite_exposure, "exposure", T(test_shodan_download), T(test_shodan_search), T(test_censys),
      T(test_fofa), T(test_zoomeye), T(test_hunter), T(test_bad_records), T(test_truncated), T(test_times),
      T(test_store_dedup), T(test_join));
