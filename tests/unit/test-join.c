/* The join rules on a hand-made scan and register (no traffic): role
 * baselines from the config, ownership rules, and which finding hides which. */
#include "test.h"
#include "test-db.h"
#include "analyze/assets.h"
#include "model/leases.h"
#include "model/site-config.h"
#include "net/targets.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_roles(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	site_config_defaults(&c);
	CHECK_INT(site_config_parse(&c, "[role camera]\nservices = http, rtsp\nports = 80, 554, U:3702\n",
				    "roles", &e),
		  0);
	const struct role_baseline *r = site_role(&c, "Camera");
	CHECK(r != NULL);
	if (r) {
		CHECK(role_allows(r, "rtsp", PROTO_TCP, 8554));
		CHECK(role_allows(r, NULL, PROTO_UDP, 3702));
		CHECK(!role_allows(r, "telnet", PROTO_TCP, 23));
		CHECK(!role_allows(r, NULL, PROTO_TCP, 3702));
	}
	/* a later file replaces the role whole */
	CHECK_INT(site_config_parse(&c, "[role camera]\nservices = https\n", "site.conf", &e), 0);
	r = site_role(&c, "camera");
	CHECK(r && !role_allows(r, "http", PROTO_TCP, 80) && role_allows(r, "https", PROTO_TCP, 443));
	CHECK_INT(c.n_roles, 1);
	CHECK(site_config_parse(
		  &c,
		  "[role nvr]\nservices = http\n[role dvr]\nservices = http\n[role nvr]\nservices = rtsp\n",
		  "dup.conf", &e) < 0);
	CHECK(strstr(e.msg, "dup.conf: line 6") && strstr(e.msg, "defined twice"));
	CHECK(site_config_parse(&c, "[role x]\nports = 80, telnetz\n", "bad.conf", &e) < 0);
	CHECK(strstr(e.msg, "bad.conf: line 2") != NULL);
	CHECK(site_config_parse(&c, "[role x]\ncolour = red\n", "bad.conf", &e) < 0);
	site_config_release(&c);
}

static void add_host(struct resultset *rs, const char *ip, const uint16_t *tcp, const char *const *names,
		     size_t n)
{
	struct obs_host h = { .how = HOW_ARP, .reason = "arp-response", .ts = 1e9 };
	ipaddr_parse(ip, &h.ip);
	resultset_add_host(rs, &h);
	for (size_t i = 0; i < n; i++) {
		struct obs_port p = { .ip = h.ip,
				      .port = tcp[i],
				      .proto = PROTO_TCP,
				      .state = PORT_OPEN,
				      .reason = "syn-ack" };
		resultset_add_port(rs, &p);
		struct obs_service s = { .ip = h.ip, .port = tcp[i], .proto = PROTO_TCP };
		snprintf(s.name, sizeof(s.name), "%s", names[i]);
		resultset_add_service(rs, &s);
	}
}

static void reg(struct inventory *inv, const char *ip, const char *role, enum inv_status st, double expires)
{
	struct inv_entry en = { .status = st, .expires = expires, .line = (unsigned)inv->n + 2 };
	ipaddr_parse(ip, &en.ip);
	snprintf(en.role, sizeof(en.role), "%s", role);
	inv->v = realloc(inv->v, (inv->n + 1) * sizeof(*inv->v));
	inv->v[inv->n++] = en;
}

/* "rule ip[:port], ..." in the findings' order. */
static void rules_of(const struct findings *out, bool port, char *got, size_t n)
{
	got[0] = 0;
	for (size_t i = 0; i < out->n; i++) {
		char ip[IPADDR_STRLEN], one[96];
		ipaddr_fmt(&out->v[i].ip, ip, sizeof(ip));
		if (port)
			snprintf(one, sizeof(one), "%s%s %s:%u", i ? ", " : "", out->v[i].rule, ip,
				 out->v[i].port);
		else
			snprintf(one, sizeof(one), "%s%s %s", i ? ", " : "", out->v[i].rule, ip);
		strncat(got, one, n - strlen(got) - 1);
	}
}

static void test_join_rules(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	site_config_defaults(&c);
	CHECK_INT(site_config_parse(&c, "[role camera]\nservices = http, rtsp\n", "roles", &e), 0);
	struct resultset rs = { 0 };
	const uint16_t cam[] = { 80, 23 }, box[] = { 22 };
	const char *cam_names[] = { "http", "telnet" }, *box_names[] = { "ssh" };
	add_host(&rs, "10.0.0.1", cam, cam_names, 2);
	add_host(&rs, "10.0.0.2", box, box_names, 1);
	add_host(&rs, "10.0.0.3", box, box_names, 1);
	add_host(&rs, "10.0.0.4", box, box_names, 1);
	add_host(&rs, "10.0.0.5", box, box_names, 1);
	resultset_sort(&rs);
	struct inventory inv = { 0 };
	double now = 2e9;
	reg(&inv, "10.0.0.1", "camera", INV_ACTIVE, 0);
	reg(&inv, "10.0.0.3", "database", INV_DECOMMISSIONED, 0);
	reg(&inv, "10.0.0.4", "server", INV_TEST, now - 86400 * 10);
	reg(&inv, "10.0.0.5", "server", INV_TEST, now + 86400);
	inventory_sort(&inv);
	struct asset_input in = { .cfg = &c, .scan = &rs, .inv = &inv, .store = NULL, .now = now };
	struct findings out = { 0 };
	CHECK_INT(analyze_assets(&in, NULL, &out, NULL, &e), 0);
	findings_sort(&out);
	char got[512];
	rules_of(&out, true, got, sizeof(got));
	/* high first: telnet on the camera (a shell in clear text), the expired box, the decommissioned one */
	CHECK_STR(got, "unexpected-service 10.0.0.1:23, expired-test-device 10.0.0.4:0, decommissioned-alive "
		       "10.0.0.3:0, "
		       "unregistered-host 10.0.0.2:0");
	for (size_t i = 0; i < out.n; i++) CHECK(out.v[i].evidence[0] == '{' && out.v[i].remediation[0]);
	findings_release(&out);
	/* no register: no ownership findings */
	in.inv = NULL;
	CHECK_INT(analyze_assets(&in, NULL, &out, NULL, &e), 0);
	CHECK_INT(out.n, 0); /* the camera's role came from the register */
	findings_release(&out);
	free(inv.v);
	resultset_release(&rs);
	site_config_release(&c);
}

static void test_leases_parse(void)
{
	struct leases ls = { 0 };
	struct dm_err e = { "" };
	const char *dnsmasq = "1999990000 aa:bb:cc:dd:ee:01 10.0.0.7 printer-7 01:aa:bb:cc:dd:ee:01\n"
			      "0 AA:BB:CC:DD:EE:02 10.0.0.8 * *\n"
			      "duid 00:01:00:01:2c:aa:bb:cc\n"
			      "1999990000 12345678 2001:db8::7 host6 00:01:00:01\n";
	CHECK_INT(leases_parse(&ls, "dnsmasq.leases", dnsmasq, strlen(dnsmasq), &e), 0);
	CHECK_INT(ls.n, 3);
	if (ls.n == 3) {
		CHECK_STR(ls.v[0].mac, "aa:bb:cc:dd:ee:01");
		CHECK_STR(ls.v[0].hostname, "printer-7");
		CHECK(ls.v[0].ends == 1999990000 && !ls.v[0].infinite && ls.v[0].format == LEASE_DNSMASQ);
		CHECK(ls.v[1].infinite && !ls.v[1].hostname[0] && !strcmp(ls.v[1].mac, "aa:bb:cc:dd:ee:02"));
		CHECK(ls.v[2].ip.family == AF_INET6 && !ls.v[2].mac[0] && ls.v[2].line == 4);
	}
	const char *isc =
	    "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
	    "authoring-byte-order little-endian;\n"
	    "server-duid \"\\000\\001\\000\\001\";\n"
	    "failover peer \"p\" state {\n  my state normal at 4 2033/05/17 03:33:20;\n}\n"
	    "lease 10.0.0.9 {\n  starts 3 2033/05/11 03:33:20;\n  ends 3 2033/05/11 15:33:20;\n"
	    "  cltt 3 2033/05/11 03:33:20;\n  binding state active;\n  hardware ethernet AA:BB:CC:DD:EE:09;\n"
	    "  uid \"\\001\\252\\273\";\n  client-hostname \"old-db\";\n}\n"
	    "lease 10.0.0.9 {\n  starts 4 2033/05/17 03:33:20;\n  ends 4 2033/05/17 15:33:20;\n"
	    "  cltt 4 2033/05/17 03:33:20;\n  hardware ethernet aa:bb:cc:dd:ee:09;\n"
	    "  client-hostname \"old-db\";\n  on commit { set x = \"y;}\"; }\n}\n"
	    "lease 10.0.0.10 {\n  starts epoch 1999000000; # a comment\n  ends never;\n"
	    "  binding state abandoned;\n}\n";
	CHECK_INT(leases_parse(&ls, "dhcpd.leases", isc, strlen(isc), &e), 0);
	CHECK_INT(ls.n, 5);
	struct ipaddr a;
	ipaddr_parse("10.0.0.9", &a);
	const struct lease *l = leases_find(&ls, &a, 2e9 - 7 * 86400, 2e9, false);
	CHECK(l && l->format == LEASE_ISC && l->last_seen == 2e9 - 86400 && l->starts == 2e9 - 86400);
	if (l) CHECK(!strcmp(l->mac, "aa:bb:cc:dd:ee:09") && !strcmp(l->hostname, "old-db") && l->line == 16);
	CHECK(leases_find(&ls, &a, 2e9 - 86400 / 4, 2e9, false) == NULL); /* ended before the window */
	ipaddr_parse("10.0.0.8", &a);
	CHECK(leases_find(&ls, &a, 0, 2e9, false) == NULL && leases_find(&ls, &a, 0, 2e9, true) != NULL);
	ipaddr_parse("10.0.0.10", &a);
	CHECK(leases_find(&ls, &a, 0, 2e9, true) == NULL); /* abandoned: an address conflict, no client */
	/* bad files: file and line, and nothing of them kept */
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "lease 10.0.0.1 {\n starts 4 2033/13/01 00:00:00;\n}\n", "bad: line 2: starts: expected" },
		{ "lease 10.0.0.1 {\n ends 4 2033/01/01 00:00:00;\n",
		  "bad: line 3: the lease opened on line 1 is never closed" },
		{ "lease 10.0.0.1 {\n hardware ethernet aa:bb;\n}\n",
		  "bad: line 2: hardware ethernet \"aa:bb\"" },
		{ "lease 10.0.0.300 {\n}\n", "bad: line 1: lease \"10.0.0.300\": expected an address" },
		{ "lease 10.0.0.1 {\n client-hostname \"x;\n}\n",
		  "bad: line 2: a quoted string is never closed" },
		{ "}\n", "bad: line 1: \"}\" without \"{\"" },
		{ "1999990000 aa:bb:cc:dd:ee:01 10.0.0.7 x *\n1999990000 aa:bb:cc:dd:ee:01 10.0.0.300 x *\n",
		  "bad: line 2: address \"10.0.0.300\"" },
		{ "12x aa:bb:cc:dd:ee:01 10.0.0.1 x *\n", "bad: line 1: expiry \"12x\"" },
		{ "1999990000 aa:bb:cc:dd:ee:01\n",
		  "bad: line 1: expected \"expiry mac ip hostname client-id\", found 2" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = 0;
		CHECK(leases_parse(&ls, "bad", bad[i].text, strlen(bad[i].text), &e) < 0);
		if (!strstr(e.msg, bad[i].want)) fprintf(stderr, "    case %zu: %s\n", i, e.msg);
		CHECK(strstr(e.msg, bad[i].want) != NULL);
		CHECK_INT(ls.n, 5);
	}
	leases_release(&ls);
}

/* A lease is presence: a registered-as-decommissioned address that answered
 * nothing still holds one; an unregistered one is on the network; a lease's
 * MAC finds a routed host's register row. Leases outside the targets or the
 * window say nothing. */
static void test_lease_presence(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	site_config_defaults(&c);
	struct resultset rs = { 0 };
	const uint16_t box[] = { 22 };
	const char *box_names[] = { "ssh" };
	add_host(&rs, "10.0.0.1", box, box_names, 1); /* routed: no MAC from the scan */
	resultset_sort(&rs);
	struct inventory inv = { 0 };
	double now = 2e9;
	reg(&inv, "10.0.0.50", "server", INV_ACTIVE, 0);
	snprintf(inv.v[0].mac, sizeof(inv.v[0].mac), "aa:bb:cc:dd:ee:01");
	reg(&inv, "10.0.0.3", "database", INV_DECOMMISSIONED, 0);
	inventory_sort(&inv);
	struct leases ls = { 0 };
	const char *text = "1999990000 aa:bb:cc:dd:ee:01 10.0.0.1 moved *\n"
			   "1999990000 aa:bb:cc:dd:ee:03 10.0.0.3 old-db *\n"
			   "1999990000 aa:bb:cc:dd:ee:04 10.0.0.4 laptop *\n"
			   "1000000000 aa:bb:cc:dd:ee:06 10.0.0.6 gone *\n"
			   "1999990000 aa:bb:cc:dd:ee:07 10.9.9.9 elsewhere *\n";
	CHECK_INT(leases_parse(&ls, "dnsmasq.leases", text, strlen(text), &e), 0);
	struct targets t = { 0 };
	CHECK_INT(targets_add(&t, "10.0.0.0/24", "argument 1", &e), 0);
	CHECK_INT(targets_finalize(&t, false, &e), 0);
	struct asset_input in = {
		.cfg = &c, .scan = &rs, .inv = &inv, .now = now, .leases = &ls, .targets = &t
	};
	struct findings out = { 0 };
	CHECK_INT(analyze_assets(&in, NULL, &out, NULL, &e), 0);
	findings_sort(&out);
	char got[512];
	rules_of(&out, false, got, sizeof(got));
	CHECK_STR(got, "decommissioned-alive 10.0.0.3, unregistered-host 10.0.0.4");
	if (out.n == 2) {
		CHECK(strstr(out.v[0].title,
			     "still holds a DHCP lease (answers no probe; DHCP lease of aa:bb:cc:dd:ee:03 "
			     "(old-db) held until 2033-05-18 00:46 UTC)") != NULL);
		CHECK(strstr(out.v[0].evidence, "\"answered_scan\":false") &&
		      strstr(out.v[0].evidence, "\"dhcp_lease\":{\"file\":\"dnsmasq.leases\",\"line\":2"));
		CHECK(strstr(out.v[1].title, "On the network but not in the asset register") != NULL);
	}
	findings_release(&out);
	targets_release(&t);
	leases_release(&ls);
	free(inv.v);
	resultset_release(&rs);
	site_config_release(&c);
}

/* A database port is unexpected when a user segment reaches it: here the
 * audit's own address is in the user segment. The role allows the service,
 * so only the reach makes it a finding. */
static void test_database_from_users(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	site_config_defaults(&c);
	CHECK_INT(
	    site_config_parse(
		&c,
		"[segment users]\ncidr = 10.0.2.0/24\nusers = yes\n[segment servers]\n"
		"cidr = 10.0.1.0/24\n[role database]\nservices = redis, postgresql, ssh\nports = 5432\n",
		"site.conf", &e),
	    0);
	struct resultset rs = { 0 };
	const uint16_t db[] = { 22, 6379, 5432 }, web[] = { 80 };
	const char *db_names[] = { "ssh", "redis", "unknown" }, *web_names[] = { "http" };
	add_host(&rs, "10.0.1.5", db, db_names, 3);
	add_host(&rs, "10.0.1.6", web, web_names, 1);
	resultset_sort(&rs);
	struct inventory inv = { 0 };
	reg(&inv, "10.0.1.5", "database", INV_ACTIVE, 0);
	reg(&inv, "10.0.1.6", "web-server", INV_ACTIVE, 0);
	inventory_sort(&inv);
	struct asset_input in = { .cfg = &c, .scan = &rs, .inv = &inv, .now = 2e9 };
	ipaddr_parse("10.0.2.9", &in.vantage);
	struct findings out = { 0 };
	CHECK_INT(analyze_assets(&in, NULL, &out, NULL, &e), 0);
	findings_sort(&out);
	CHECK_INT(out.n, 2);
	if (out.n == 2) {
		CHECK(out.v[0].port == 5432 && out.v[1].port == 6379);
		CHECK_STR(out.v[1].title,
			  "Database redis on 6379/tcp is reachable from the user segment users (the audit "
			  "reached it from there)");
		CHECK(strstr(out.v[0].title, "Database postgresql on 5432/tcp") !=
		      NULL); /* named by its port */
		CHECK(strstr(out.v[1].evidence, "\"reached_from\":\"10.0.2.9\"") &&
		      strstr(out.v[1].evidence, "\"segment_cidrs\":\"10.0.2.0/24\""));
		CHECK(strstr(out.v[1].remediation, "block the user segment users (10.0.2.0/24)") != NULL);
	}
	findings_release(&out);
	/* scanned from the server segment: nothing says users reach it */
	ipaddr_parse("10.0.1.1", &in.vantage);
	CHECK_INT(analyze_assets(&in, NULL, &out, NULL, &e), 0);
	CHECK_INT(out.n, 0);
	findings_release(&out);
	free(inv.v);
	resultset_release(&rs);
	site_config_release(&c);
}

/* The register: every bad row of a file in one pass, nothing kept; a merge
 * replaces by address and adds the rest, in order. */
static void test_inventory_rows(void)
{
	struct inventory inv = { 0 }, add = { 0 };
	struct dm_err e;
	const char bad[] = "ip,status\n10.0.0.1,\n10.0.0.2,retired\nnope,\n10.0.0.1,spare\n";
	CHECK_INT(inventory_parse_csv("r.csv", bad, sizeof(bad) - 1, &inv, &e), DM_EINPUT);
	CHECK(inv.n == 0 && inv.n_errors == 3);
	CHECK_STR(e.msg, "r.csv: line 3: status \"retired\": expected active, test, spare or decommissioned "
			 "(and 2 more in the file: "
			 "'dormant inventory import' lists every one)");
	CHECK(strstr(inv.errors[0], "line 3: status \"retired\"") &&
	      strstr(inv.errors[1], "line 4: ip \"nope\"") &&
	      strstr(inv.errors[2], "line 5: 10.0.0.1 is already on line 2"));
	inventory_release(&inv);
	const char one[] = "ip,owner\n10.0.0.1,a\n10.0.0.3,c\n", two[] = "ip,owner\n10.0.0.3,C\n10.0.0.2,b\n";
	CHECK_INT(inventory_parse_csv("1.csv", one, sizeof(one) - 1, &inv, &e), 0);
	CHECK_INT(inventory_parse_csv("2.csv", two, sizeof(two) - 1, &add, &e), 0);
	size_t added, updated;
	inventory_merge(&inv, &add, &added, &updated);
	CHECK(added == 1 && updated == 1 && inv.n == 3);
	CHECK_STR(inv.v[1].owner, "b");
	CHECK_STR(inv.v[2].owner, "C");
	inventory_release(&inv);
	inventory_release(&add);
}

/* A device that drops every probe but talks in the stored traffic is on
 * the network: the ownership rules judge it, the flows as evidence. */
static void test_traffic_only_host(void)
{
	char path[256], cmd[900];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-join-%d.db", (int)getpid());
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	struct site_config c;
	site_config_defaults(&c);
	double now = 2e9;
	struct flow_hour h[2] = { 0 };
	const char *who[2] = { "10.0.0.1", "10.0.0.9" };
	for (int i = 0; i < 2; i++) {
		h[i].hour = (int64_t)(now / 3600) - 5;
		ipaddr_parse(who[i], &h[i].host);
		ipaddr_parse("10.0.0.200", &h[i].peer);
		h[i].port = 443;
		h[i].proto = 6;
		h[i].peer_internal = true;
		h[i].flows = 12;
		h[i].bytes_up = 5000;
	}
	int64_t run;
	bool known;
	CHECK_INT(store_run_begin(st, "flows", "t", now, &run, &e), 0);
	CHECK_INT(store_flow_save_hours(st, run, "d1", h, 2, &known, &e), 0);
	struct resultset rs = { 0 };
	const uint16_t box[] = { 22 };
	const char *box_names[] = { "ssh" };
	add_host(&rs, "10.0.0.1", box, box_names, 1);
	resultset_sort(&rs);
	struct inventory inv = { 0 };
	reg(&inv, "10.0.0.1", "server", INV_ACTIVE, 0);
	inventory_sort(&inv);
	struct asset_input in = { .cfg = &c, .scan = &rs, .inv = &inv, .store = st, .now = now };
	struct findings out = { 0 };
	CHECK_INT(analyze_assets(&in, "unregistered-host", &out, NULL, &e), 0);
	char got[256];
	rules_of(&out, false, got, sizeof(got));
	CHECK_STR(got, "unregistered-host 10.0.0.9");
	if (out.n == 1)
		CHECK(strstr(out.v[0].title, "answers no probe; talks in the traffic: 12 flows") &&
		      strstr(out.v[0].evidence, "\"flows_in_window\":12"));
	findings_release(&out);
	free(inv.v);
	resultset_release(&rs);
	site_config_release(&c);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", path, path, path);
	if (!test_db_pg()) CHECK_INT(system(cmd), 0);
}

/* A site numbered from public space with no `internal =` (issue 19): the
 * audit's targets and the register's rows are its own, so idle hosts and
 * unused ports are judged; `internal =` still says exactly what is. */
static void test_public_numbered_site(void)
{
	char path[256], cmd[900];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-join-pub-%d.db", (int)getpid());
	if (test_db_pg()) test_db_path(path, sizeof(path), "");
	struct store *st;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	double now = 2e9;
	struct flow_hour h = { .hour = (int64_t)(now / 3600) - 5, .port = 443, .proto = 6, .flows = 12 };
	ipaddr_parse("198.51.100.1", &h.host);
	ipaddr_parse("203.0.113.9", &h.peer);
	h.bytes_up = 5000;
	int64_t run;
	bool known;
	CHECK_INT(store_run_begin(st, "flows", "t", now, &run, &e), 0);
	CHECK_INT(store_flow_save_hours(st, run, "d1", &h, 1, &known, &e), 0);
	struct resultset rs = { 0 };
	const uint16_t ssh[] = { 22 }, web[] = { 80 };
	const char *ssh_names[] = { "ssh" }, *web_names[] = { "http" };
	add_host(&rs, "198.51.100.1", ssh, ssh_names, 1); /* talks, its ssh unused */
	add_host(&rs, "198.51.100.2", web, web_names, 1); /* silent */
	resultset_sort(&rs);
	struct targets t = { 0 };
	CHECK_INT(targets_add(&t, "198.51.100.0/28", "argument 1", &e), 0);
	CHECK_INT(targets_finalize(&t, true, &e), 0);
	struct site_config c;
	site_config_defaults(&c);
	char got[256];
	struct findings out = { 0 };
	/* without targets or register nothing here is the site's: not judged */
	struct asset_input in = { .cfg = &c, .scan = &rs, .store = st, .now = now };
	CHECK_INT(analyze_assets(&in, "idle-host,unused-port", &out, NULL, &e), 0);
	CHECK_INT(out.n, 0);
	findings_release(&out);
	in.targets = &t;
	CHECK_INT(analyze_assets(&in, "idle-host,unused-port", &out, NULL, &e), 0);
	rules_of(&out, true, got, sizeof(got));
	CHECK_STR(got, "idle-host 198.51.100.2:0, unused-port 198.51.100.1:22");
	findings_release(&out);
	/* a register row alone makes the host the site's too */
	struct inventory inv = { 0 };
	reg(&inv, "198.51.100.2", "server", INV_ACTIVE, 0);
	inventory_sort(&inv);
	in.targets = NULL;
	in.inv = &inv;
	CHECK_INT(analyze_assets(&in, "idle-host,unused-port", &out, NULL, &e), 0);
	rules_of(&out, true, got, sizeof(got));
	CHECK_STR(got, "idle-host 198.51.100.2:0");
	findings_release(&out);
	/* `internal =` overrides */
	in.targets = &t;
	CHECK_INT(site_config_parse(&c, "[site]\ninternal = 10.0.0.0/8\n", "site", &e), 0);
	CHECK_INT(analyze_assets(&in, "idle-host,unused-port", &out, NULL, &e), 0);
	CHECK_INT(out.n, 0);
	findings_release(&out);
	free(inv.v);
	targets_release(&t);
	resultset_release(&rs);
	site_config_release(&c);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", path, path, path);
	if (!test_db_pg()) CHECK_INT(system(cmd), 0);
}

/* weak-tls: a service is internet-reachable on a publicly routed address
 * the site config does not call internal; one outside the internal ranges
 * on a private address is not, and a public range listed as internal is
 * the site's own. */
static void test_weak_tls_exposure(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	site_config_defaults(&c);
	CHECK_INT(site_config_parse(&c, "[site]\ninternal = 10.0.0.0/8, 93.184.216.0/24\n", "t.conf", &e), 0);
	struct resultset rs = { 0 };
	static const char *const ips[] = { "10.0.0.5", "93.184.216.34", "93.184.217.5", "192.168.5.5" };
	const uint16_t web[] = { 8443 }, ldap[] = { 3269 };
	const char *https[] = { "https" }, *ldaps[] = { "ldaps" };
	for (size_t i = 0; i < 4; i++) {
		add_host(&rs, ips[i], web, https, 1);
		add_host(&rs, ips[i], ldap, ldaps, 1);
	}
	for (size_t i = 0; i < rs.n_hosts; i++)
		for (size_t j = 0; j < rs.hosts[i].n_svcs; j++) { /* TLS 1.0 accepted: medium */
			struct obs_tls *t = &rs.hosts[i].svcs[j].tls;
			*t = (struct obs_tls){ .present = true,
					       .versions = TLS_V_10 | TLS_V_12,
					       .tested = 31 };
			snprintf(t->key_type, sizeof(t->key_type), "RSA");
			t->key_bits = 2048;
			t->not_after = 2e9 + 90 * 86400.0;
			t->chain = TLS_CHAIN_TRUSTED;
		}
	resultset_sort(&rs);
	struct asset_input in = { .cfg = &c, .scan = &rs, .now = 2e9 };
	struct findings out = { 0 };
	CHECK_INT(analyze_assets(&in, "weak-tls", &out, NULL, &e), 0);
	findings_sort(&out);
	char got[1024] = "";
	for (size_t i = 0; i < out.n; i++) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&out.v[i].ip, ip, sizeof(ip));
		const char *x = strstr(out.v[i].evidence, "\"exposure\":\"");
		char ex[16] = "?";
		if (x) sscanf(x + 12, "%15[a-z]", ex);
		size_t len = strlen(got);
		snprintf(got + len, sizeof(got) - len, "%s%s:%u %s %s", len ? ", " : "", ip, out.v[i].port,
			 severity_name(out.v[i].severity), ex);
	}
	CHECK_STR(got,
		  "93.184.217.5:3269 high internet, 93.184.217.5:8443 high internet, 10.0.0.5:8443 medium "
		  "users, 93.184.216.34:8443 medium users, 192.168.5.5:8443 medium users, 10.0.0.5:3269 low "
		  "internal, 93.184.216.34:3269 low internal, 192.168.5.5:3269 low internal");
	findings_release(&out);
	resultset_release(&rs);
	site_config_release(&c);
}

SUITE(suite_join, "join", { "inventory_rows", test_inventory_rows }, { "roles", test_roles },
      { "join_rules", test_join_rules }, { "leases_parse", test_leases_parse },
      { "lease_presence", test_lease_presence }, { "database_from_users", test_database_from_users },
      { "traffic_only_host", test_traffic_only_host }, { "public_numbered_site", test_public_numbered_site },
      { "weak_tls_exposure", test_weak_tls_exposure });
