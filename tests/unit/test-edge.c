/* The edge's port mappings: a gateway's strings checked, the URL rule,
 * the findings and the raise, the store's round trip with ages. */
#include "test.h"
#include "test-db.h"
#include "analyze/edge.h"
#include "analyze/exposure.h"
#include "base/err.h"
#include "exposure/edge.h"
#include "exposure/pcp.h"
#include "model/edge.h"
#include "net/targets.h"
#include "store/store.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_from_strings(void)
{
	struct edge_map m;
	char why[96];
	CHECK_INT(edge_map_from_strings("8080", "198.18.7.15", "80", "TCP", "IPCam web", "1", "", "0", &m,
					why, sizeof(why)),
		  0);
	CHECK_INT(m.ext_port, 8080);
	CHECK_INT(m.int_port, 80);
	CHECK_INT(m.proto, PROTO_TCP);
	CHECK(m.enabled);
	CHECK_INT(m.lease, 0);
	CHECK_STR(edge_map_added_by(&m), "upnp");
	CHECK_INT(edge_map_from_strings("5000", "198.18.7.20", "5000", "udp", "NAT-PMP 5000 udp", "0", "",
					"7190", &m, why, sizeof(why)),
		  0);
	CHECK_INT(m.proto, PROTO_UDP);
	CHECK(!m.enabled);
	CHECK_INT(m.lease, 7190);
	CHECK_STR(edge_map_added_by(&m), "natpmp");
	/* what a hostile gateway may answer */
	CHECK_INT(
	    edge_map_from_strings("70000", "1.2.3.4", "80", "TCP", "", "1", "", "", &m, why, sizeof(why)),
	    DM_EINPUT);
	CHECK_INT(
	    edge_map_from_strings("80", "camera.local", "80", "TCP", "", "1", "", "", &m, why, sizeof(why)),
	    DM_EINPUT);
	CHECK_STR(why, "internal client is not an address");
	CHECK_INT(edge_map_from_strings("80", "1.2.3.4", "0", "TCP", "", "1", "", "", &m, why, sizeof(why)),
		  DM_EINPUT);
	CHECK_INT(edge_map_from_strings("80", "1.2.3.4", "80", "SCTP", "", "1", "", "", &m, why, sizeof(why)),
		  DM_EINPUT);
	CHECK_INT(
	    edge_map_from_strings("80", "1.2.3.4", "80", "TCP", "", "1", "", "-5", &m, why, sizeof(why)),
	    DM_EINPUT);
	CHECK_INT(edge_map_from_strings(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &m, why, sizeof(why)),
		  DM_EINPUT);
}

static void test_url(void)
{
	struct ipaddr a;
	char s[IPADDR_STRLEN];
	CHECK_INT(edge_url_addr("http://198.18.7.254:5000/ctl/IPConn", &a), 0);
	ipaddr_fmt(&a, s, sizeof(s));
	CHECK_STR(s, "198.18.7.254");
	CHECK_INT(edge_url_addr("http://[fe80::1]:5000/x", &a), 0);
	CHECK_INT(edge_url_addr("http://router.lan:5000/x", &a), DM_EINPUT); /* nothing is resolved */
	CHECK_INT(edge_url_addr("https://198.18.7.254/x", &a), DM_EINPUT);
	CHECK_INT(edge_url_addr("http://", &a), DM_EINPUT);
	struct edge_opts o = { 0 };
	ipaddr_parse("192.168.1.1", &a);
	CHECK(edge_addr_allowed(&o, &a));
	ipaddr_parse("8.8.8.8", &a);
	CHECK(!edge_addr_allowed(&o, &a));
	o.allow_public = true;
	CHECK(edge_addr_allowed(&o, &a));
	ipaddr_parse("239.255.255.250", &a);
	CHECK(!edge_addr_allowed(&o, &a));
}

/* One gateway, the camera's mapping and a disabled one. */
static void lab_set(struct edge_set *es)
{
	struct edge_gateway g = { .method = EDGE_UPNP, .has_public = true };
	ipaddr_parse("198.18.7.254", &g.addr);
	ipaddr_parse("11.22.33.44", &g.public_ip);
	snprintf(g.url, sizeof(g.url), "http://198.18.7.254:5000/ctl/IPConn");
	g.open = EDGE_OPEN_ACCEPTED;
	snprintf(g.open_detail, sizeof(g.open_detail), "accepted; deleted");
	edge_set_add_gateway(es, &g);
	struct edge_map m;
	char why[64];
	edge_map_from_strings("8080", "198.18.7.15", "80", "TCP", "cam \"<b>\"", "1", "", "0", &m, why,
			      sizeof(why));
	edge_set_add_map(es, &m);
	edge_map_from_strings("2323", "198.18.7.16", "23", "TCP", "old", "0", "", "0", &m, why, sizeof(why));
	edge_set_add_map(es, &m);
	es->read_at = 1.8e9;
}

static void test_findings_and_raise(void)
{
	struct edge_set es = { 0 };
	lab_set(&es);
	struct resultset rs = { 0 };
	struct findings fs = { 0 };
	struct finding f = { .severity = SEV_HIGH, .has_ip = true, .port = 80, .proto = PROTO_TCP };
	snprintf(f.rule, sizeof(f.rule), "default-credentials");
	ipaddr_parse("198.18.7.15", &f.ip);
	f.evidence = strdup("{\"user\":\"admin\"}");
	findings_add(&fs, &f);
	struct finding g = f;
	ipaddr_parse("198.18.7.16", &g.ip); /* its only mapping is disabled: not raised */
	g.evidence = strdup("{}");
	findings_add(&fs, &g);
	edge_findings(&es, &rs, &fs, 1.8e9 + 3 * 86400);
	CHECK_INT(fs.n, 5); /* two internet-exposed, one upnp-open-mapping */
	CHECK_INT(edge_raise(&es, &fs, 0), 1);
	CHECK_INT(fs.v[0].severity, SEV_CRITICAL);
	CHECK(strstr(fs.v[0].evidence,
		     "\"user\":\"admin\",\"internet_exposed\":{\"outside\":\"11.22.33.44:8080/tcp\"") !=
	      NULL);
	CHECK_INT(fs.v[1].severity, SEV_HIGH);
	CHECK_STR(fs.v[2].rule, "internet-exposed");
	CHECK_INT(fs.v[2].severity, SEV_MEDIUM); /* not scanned: nothing seen open */
	CHECK(strstr(fs.v[2].evidence, "\"description\":\"cam \\\"<b>\\\"\"") != NULL);
	CHECK(strstr(fs.v[2].evidence, "\"age_days\":3") != NULL);
	CHECK_STR(fs.v[3].rule, "internet-exposed");
	CHECK_INT(fs.v[3].severity, SEV_LOW); /* disabled */
	CHECK_STR(fs.v[4].rule, "upnp-open-mapping");
	CHECK_INT(fs.v[4].port, 5000);
	findings_release(&fs);
	edge_set_release(&es);
}

static void test_store(void)
{
	char dir[128], path[160];
	snprintf(dir, sizeof(dir), "/tmp/dormant-unit-edge-%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/x.db", dir);
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st;
	struct dm_err e;
	CHECK_INT(store_open(path, &st, &e), 0);
	int64_t r1, r2, got;
	CHECK_INT(store_run_begin(st, "audit", "", 1.8e9, &r1, &e), 0);
	struct edge_set es = { 0 }, back = { 0 };
	lab_set(&es);
	CHECK_INT(store_edge_save(st, r1, &es, &e), 0);
	CHECK_INT(store_run_begin(st, "audit", "", 1.9e9, &r2, &e), 0);
	es.read_at = 1.9e9;
	es.n_maps = 1; /* the second run sees only the camera's */
	CHECK_INT(store_edge_save(st, r2, &es, &e), 0);
	CHECK_INT(store_edge_load(st, 0, &back, &got, &e), 0);
	CHECK_INT(got, r2);
	CHECK_INT(back.n_gws, 1);
	CHECK_INT(back.n_maps, 1);
	CHECK(back.maps[0].first_seen == 1.8e9); /* the earlier run's */
	CHECK_STR(back.maps[0].desc, "cam \"<b>\"");
	CHECK_INT(back.gws[0].open, EDGE_OPEN_ACCEPTED);
	CHECK(back.gws[0].has_public);
	edge_set_release(&back);
	CHECK_INT(store_edge_load(st, r1, &back, &got, &e), 0);
	CHECK_INT(back.n_maps, 2);
	CHECK(!back.maps[1].enabled);
	edge_set_release(&back);
	edge_set_release(&es);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

/* A platform's sighting of the gateway's public address and mapped port
 * is explained by the mapping: the camera behind it, compared on port 80. */
static void test_join_through_mapping(void)
{
	struct edge_set es = { 0 };
	lab_set(&es);
	struct ext_set x = { 0 };
	struct ext_obs o = { .platform = EXT_SHODAN, .port = 8080, .proto = PROTO_TCP, .indexed = 1.7e9 };
	ipaddr_parse("11.22.33.44", &o.ip);
	snprintf(o.product, sizeof(o.product), "Hikvision IP camera");
	o.file = ext_set_file(&x, "s.json");
	ext_set_add(&x, &o);
	o.port = 9999; /* not mapped: nothing in the register has the address */
	ext_set_add(&x, &o);
	struct inventory inv = { 0 };
	struct resultset rs = { 0 };
	struct obs_host h = { 0 };
	ipaddr_parse("198.18.7.15", &h.ip);
	resultset_add_host(&rs, &h);
	struct obs_port p = { .ip = h.ip, .port = 80, .proto = PROTO_TCP, .state = PORT_OPEN };
	resultset_add_port(&rs, &p);
	struct exposure_input in = { .ext = &x, .inv = &inv, .rs = &rs, .run = 3, .edge = &es };
	struct exposure_rows rows = { 0 };
	struct findings fs = { 0 };
	struct dm_err e;
	CHECK_INT(exposure_join(&in, &rows, &fs, &e), 0);
	CHECK_INT(rows.n, 2);
	CHECK(rows.v[0].via_mapping && rows.v[0].has_asset);
	CHECK_INT(rows.v[0].inside_port, 80);
	CHECK_INT(rows.v[0].verdict, EXP_DIFFERS); /* open inside on 80, which named no product */
	CHECK_INT(rows.v[1].verdict, EXP_UNEXPLAINED);
	CHECK_INT(fs.n, 1); /* only 9999 */
	CHECK_INT(fs.v[0].port, 9999);
	findings_release(&fs);
	exposure_rows_release(&rows);
	resultset_release(&rs);
	ext_set_release(&x);
	edge_set_release(&es);
}

/* PCP's two messages as RFC 6887 lays them out, and replies a hostile
 * gateway may send. */
static void test_pcp(void)
{
	uint8_t b[PCP_MAX_MSG];
	struct pcp_request q = { .opcode = PCP_ANNOUNCE, .client = ipaddr_v4(0xc6120714) };
	CHECK_INT(pcp_request_build(&q, b), 24);
	CHECK_INT(b[0], 2);
	CHECK_INT(b[1], 0);
	CHECK_INT(b[18], 0xff);
	CHECK_INT(b[19], 0xff);
	CHECK_INT(b[20], 198);
	CHECK_INT(b[23], 20);
	q = (struct pcp_request){ .opcode = PCP_MAP,
				  .lifetime = 60,
				  .client = ipaddr_v4(0xc6120714),
				  .proto = 17,
				  .int_port = 40000,
				  .ext_port = 40000 };
	memcpy(q.nonce, "abcdefghijkl", 12);
	CHECK_INT(pcp_request_build(&q, b), 60);
	CHECK_INT(b[1], 1);
	CHECK_INT(b[7], 60);
	CHECK(!memcmp(b + 24, "abcdefghijkl", 12));
	CHECK_INT(b[36], 17);
	CHECK_INT(b[40] << 8 | b[41], 40000);
	CHECK_INT(b[54], 0xff); /* suggested external address ::ffff:0.0.0.0 */
	CHECK_INT(b[56], 0);
	/* the server's answer: the same payload, its external address, an option */
	b[1] = 0x81;
	b[3] = 0;
	b[11] = 7; /* epoch */
	b[56] = 11, b[57] = 22, b[58] = 33, b[59] = 44;
	b[42] = 0x9c, b[43] = 0x41; /* 40001 */
	memcpy(b + 60, "\x02\x00\x00\x04\x01\x02\x03\x04", 8);
	struct pcp_reply r;
	char why[160];
	CHECK_INT(pcp_reply_parse(b, 68, &r, why, sizeof(why)), 0);
	CHECK_INT(r.version, 2);
	CHECK_INT(r.opcode, PCP_MAP);
	CHECK_INT(r.result, PCP_SUCCESS);
	CHECK_INT(r.lifetime, 60);
	CHECK_INT(r.epoch, 7);
	CHECK(r.has_map);
	CHECK(!memcmp(r.nonce, "abcdefghijkl", 12));
	CHECK_INT(r.ext_port, 40001);
	CHECK_INT(r.ext_ip.family, AF_INET);
	CHECK_INT(r.ext_ip.v4, 0x0b16212c);
	CHECK_INT(r.n_options, 1);
	/* an option whose length runs past the end */
	b[63] = 8;
	CHECK_INT(pcp_reply_parse(b, 68, &r, why, sizeof(why)), DM_EINPUT);
	CHECK_STR(why, "option 2 at byte 60: length 8 runs past the end (68 bytes)");
	CHECK_INT(pcp_reply_parse(b, 66, &r, why, sizeof(why)), DM_EINPUT);
	CHECK_STR(why, "66 bytes: not a multiple of 4");
	CHECK_INT(pcp_reply_parse(b, 40, &r, why, sizeof(why)), DM_EINPUT);
	CHECK_STR(why, "MAP reply of 40 bytes: the 36-byte payload is cut short");
	b[1] = 0x01;
	CHECK_INT(pcp_reply_parse(b, 60, &r, why, sizeof(why)), DM_EINPUT);
	/* refused: NOT_AUTHORIZED with no payload */
	b[1] = 0x81;
	b[3] = PCP_NOT_AUTHORIZED;
	CHECK_INT(pcp_reply_parse(b, 24, &r, why, sizeof(why)), 0);
	CHECK(!r.has_map);
	char rb[24];
	CHECK_STR(pcp_result_name(r.result, rb, sizeof(rb)), "NOT_AUTHORIZED");
	CHECK_STR(pcp_result_name(99, rb, sizeof(rb)), "result 99");
	/* a NAT-PMP-only gateway answers version 0, UNSUPP_VERSION */
	const uint8_t natpmp[8] = { 0, 0x80, 0, 1, 0, 0, 0, 9 };
	CHECK_INT(pcp_reply_parse(natpmp, 8, &r, why, sizeof(why)), 0);
	CHECK_INT(r.version, 0);
	CHECK_INT(r.result, 1);
	CHECK_INT(pcp_reply_parse(natpmp, 3, &r, why, sizeof(why)), DM_EINPUT);
}

/* What dormant reached from outside (audit --external), joined like a
 * platform's records: a mapped port is explained, a port the register's
 * public_ip leads to an open inside service is internet-exposed, an
 * address nobody has is external-only; and the targets' check against
 * [site] public. */
static void test_join_from_outside(void)
{
	struct edge_set es = { 0 };
	lab_set(&es);
	struct ext_set x = { 0 };
	struct ext_obs o = { .platform = EXT_DORMANT, .port = 8080, .proto = PROTO_TCP, .indexed = 1.7e9 };
	ipaddr_parse("11.22.33.44", &o.ip);
	o.file = ext_set_file(&x, "audit --external run 2");
	ext_set_add(&x, &o);
	o.port = 22; /* a static forward: no mapping says so */
	ext_set_add(&x, &o);
	ipaddr_parse("11.22.33.45", &o.ip);
	o.port = 8443;
	ext_set_add(&x, &o);
	const char *csv = "ip,hostname,public_ip\n198.18.7.15,cam,\n198.18.7.20,nas,11.22.33.44\n";
	struct inventory inv = { 0 };
	struct dm_err e;
	CHECK_INT(inventory_parse_csv("reg.csv", csv, strlen(csv), &inv, &e), 0);
	struct resultset rs = { 0 };
	struct obs_host h = { 0 };
	const char *hosts[] = { "198.18.7.15", "198.18.7.20" };
	const uint16_t ports[] = { 80, 22 };
	for (int i = 0; i < 2; i++) {
		ipaddr_parse(hosts[i], &h.ip);
		resultset_add_host(&rs, &h);
		struct obs_port p = { .ip = h.ip, .port = ports[i], .proto = PROTO_TCP, .state = PORT_OPEN };
		resultset_add_port(&rs, &p);
	}
	struct exposure_input in = { .ext = &x, .inv = &inv, .rs = &rs, .run = 1, .edge = &es };
	struct exposure_rows rows = { 0 };
	struct findings fs = { 0 };
	CHECK_INT(exposure_join(&in, &rows, &fs, &e), 0);
	CHECK_INT(rows.n, 3);
	CHECK_INT(fs.n, 2);
	const struct finding *ie = !strcmp(fs.v[0].rule, "internet-exposed") ? &fs.v[0] : &fs.v[1];
	const struct finding *eo = ie == &fs.v[0] ? &fs.v[1] : &fs.v[0];
	char a[IPADDR_STRLEN];
	CHECK_STR(ie->rule, "internet-exposed");
	ipaddr_fmt(&ie->ip, a, sizeof(a));
	CHECK_STR(a, "198.18.7.20");
	CHECK_INT(ie->port, 22);
	CHECK_INT(ie->severity, SEV_HIGH);
	CHECK(strstr(ie->evidence, "\"seen_by\":\"dormant from outside\"") != NULL);
	CHECK(strstr(ie->evidence, "\"outside\":\"11.22.33.44:22/tcp\"") != NULL);
	CHECK_STR(eo->rule, "external-only");
	CHECK_INT(eo->port, 8443);
	CHECK(!strncmp(eo->title, "dormant (from outside) reached", 30));
	CHECK(strstr(eo->evidence, "\"platform\"") == NULL);
	findings_release(&fs);
	exposure_rows_release(&rows);
	resultset_release(&rs);
	inventory_release(&inv);
	ext_set_release(&x);
	edge_set_release(&es);

	struct targets t = { 0 };
	struct cidr_list pub = { 0 };
	struct ipaddr out;
	CHECK_INT(cidr_list_parse(&pub, "11.22.33.44/31, 2001:db8:ff::/64", "public", &e), 0);
	CHECK_INT(targets_add(&t, "11.22.33.44/31", "argument 1", &e), 0);
	CHECK_INT(targets_add(&t, "2001:db8:ff::7", "argument 2", &e), 0);
	CHECK_INT(targets_finalize(&t, true, &e), 0);
	CHECK(targets_within(&t, &pub, &out));
	CHECK_INT(targets_add(&t, "11.22.33.40/29", "argument 3", &e), 0);
	CHECK_INT(targets_finalize(&t, true, &e), 0);
	CHECK(!targets_within(&t, &pub, &out));
	ipaddr_fmt(&out, a, sizeof(a));
	CHECK_STR(a, "11.22.33.40");
	targets_release(&t);
	cidr_list_release(&pub);
}

SUITE(suite_edge, "edge", T(test_from_strings), T(test_pcp), T(test_url), T(test_findings_and_raise),
      T(test_store), T(test_join_through_mapping), T(test_join_from_outside));
