/* The join rules on a hand-made scan and register (no traffic): role
 * baselines from the config, ownership rules, and which finding hides which. */
#include "test.h"
#include "analyze/assets.h"
#include "model/site-config.h"
#include <string.h>

static void test_roles(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	site_config_defaults(&c);
	CHECK_INT(site_config_parse(&c, "[role camera]\nservices = http, rtsp\nports = 80, 554, U:3702\n", "roles", &e), 0);
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
	CHECK(site_config_parse(&c, "[role nvr]\nservices = http\n[role dvr]\nservices = http\n[role nvr]\nservices = rtsp\n",
				"dup.conf", &e) < 0);
	CHECK(strstr(e.msg, "dup.conf: line 6") && strstr(e.msg, "defined twice"));
	CHECK(site_config_parse(&c, "[role x]\nports = 80, telnetz\n", "bad.conf", &e) < 0);
	CHECK(strstr(e.msg, "bad.conf: line 2") != NULL);
	CHECK(site_config_parse(&c, "[role x]\ncolour = red\n", "bad.conf", &e) < 0);
	site_config_release(&c);
}

static void add_host(struct resultset *rs, const char *ip, const uint16_t *tcp, const char *const *names, size_t n)
{
	struct obs_host h = { .how = HOW_ARP, .reason = "arp-response", .ts = 1e9 };
	ipaddr_parse(ip, &h.ip);
	resultset_add_host(rs, &h);
	for (size_t i = 0; i < n; i++) {
		struct obs_port p = { .ip = h.ip, .port = tcp[i], .proto = PROTO_TCP, .state = PORT_OPEN, .reason = "syn-ack" };
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
	CHECK_INT(analyze_assets(&in, NULL, &out, NULL), 0);
	findings_sort(&out);
	char got[512] = "";
	for (size_t i = 0; i < out.n; i++) {
		char ip[IPADDR_STRLEN], one[96];
		ipaddr_fmt(&out.v[i].ip, ip, sizeof(ip));
		snprintf(one, sizeof(one), "%s%s %s:%u", i ? ", " : "", out.v[i].rule, ip, out.v[i].port);
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	/* high first: telnet on the camera (a shell in clear text), the expired box, the decommissioned one */
	CHECK_STR(got, "unexpected-service 10.0.0.1:23, expired-test-device 10.0.0.4:0, decommissioned-alive 10.0.0.3:0, "
		       "unregistered-host 10.0.0.2:0");
	for (size_t i = 0; i < out.n; i++) CHECK(out.v[i].evidence[0] == '{' && out.v[i].remediation[0]);
	findings_release(&out);
	/* no register: no ownership findings */
	in.inv = NULL;
	CHECK_INT(analyze_assets(&in, NULL, &out, NULL), 0);
	CHECK_INT(out.n, 0); /* the camera's role came from the register */
	findings_release(&out);
	free(inv.v);
	resultset_release(&rs);
	site_config_release(&c);
}

SUITE(suite_join, "join", { "roles", test_roles }, { "join_rules", test_join_rules });
