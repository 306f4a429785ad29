/* Network devices (model/netdev.c): the [netdev NAME] sections of the site
 * policy and of a --netdev file, checked key by key with file and line;
 * the file mode of a file that holds device secrets; access ports. */
#include "test.h"
#include "test-db.h"
#include "store/store.h"
#include "analyze/netdev-rules.h"
#include "model/netdev.h"
#include "model/site-config.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(const char *text, struct site_config *c, struct dm_err *e)
{
	site_config_defaults(c);
	return site_config_parse(c, text, "site.conf", e);
}

static void test_sections(void)
{
	struct site_config c;
	struct dm_err e = { "" };
	CHECK_INT(parse("[netdev sw1]\naddress = 198.18.9.2\ncommunity = s3cret-ro\n"
			"[netdev rtr]\naddress = 2001:db8::1\nversion = 3\nuser = audit\nauth = SHA-256\n"
			"auth_pass = authpass123\npriv = AES\npriv_pass = privpass123\ncontext = c1\n"
			"bulk = 10\nmax_rows = 500\ndeadline = 5\ntimeout = 0.5\nport = 1161\n",
			&c, &e),
		  0);
	CHECK_INT(c.netdevs.n, 2);
	CHECK(c.netdevs.secrets);
	if (c.netdevs.n == 2) {
		const struct netdev_conf *a = &c.netdevs.v[0], *b = &c.netdevs.v[1];
		CHECK_INT(a->version, 2);
		CHECK_INT(a->port, 161);
		CHECK_INT(a->bulk, 25);
		CHECK_INT(a->max_rows, 20000);
		CHECK_STR(a->community, "s3cret-ro");
		CHECK_INT(b->version, 3);
		CHECK_INT(b->auth, NETDEV_AUTH_SHA256);
		CHECK_INT(b->priv, NETDEV_PRIV_AES);
		CHECK_INT(b->addr.family, AF_INET6);
		CHECK_INT(b->bulk, 10);
		CHECK_INT(b->max_rows, 500);
		CHECK_INT(b->port, 1161);
		CHECK_STR(b->context, "c1");
		CHECK(b->deadline == 5 && b->timeout == 0.5);
	}
	site_config_release(&c);
}

static void bad(const char *text, const char *msg)
{
	struct site_config c;
	struct dm_err e = { "" };
	CHECK_INT(parse(text, &c, &e), DM_EINPUT);
	if (!strstr(e.msg, msg)) test_fail(__FILE__, __LINE__, "\"%s\" lacks \"%s\"", e.msg, msg);
	site_config_release(&c);
}

static void test_bad_sections(void)
{
	bad("[netdev a]\naddress = 198.18.9.2\n", "[netdev a] has no community (version 2c)");
	bad("[netdev a]\ncommunity = x\n", "[netdev a] has no address");
	bad("[netdev a]\naddress = 198.18.9.2\nversion = 1\n", "line 3: version \"1\": expected 2c or 3");
	bad("[netdev a]\naddress = 224.0.0.1\n", "line 2: address 224.0.0.1: multicast");
	bad("[netdev a]\naddress = router1\n", "line 2: address \"router1\"");
	bad("[netdev a]\naddress = 198.18.9.2\nversion = 3\nuser = u\nauth = SHA\n",
	    "[netdev a] has no auth_pass");
	bad("[netdev a]\naddress = 198.18.9.2\nversion = 3\nuser = u\npriv = AES\npriv_pass = 12345678\n",
	    "[netdev a] has no auth (priv needs authentication)");
	bad("[netdev a]\naddress = 198.18.9.2\nversion = 3\nuser = u\nauth = SHA\nauth_pass = short\n",
	    "line 6: auth_pass: at least 8 characters");
	bad("[netdev a]\naddress = 198.18.9.2\nauth = SHA-512\n", "line 3: auth \"SHA-512\"");
	bad("[netdev a]\naddress = 198.18.9.2\ncommunity = x\nuser = u\n",
	    "user, context, auth and priv belong to version 3");
	bad("[netdev a]\naddress = 198.18.9.2\ncommunity = x\nbulk = 0\n", "line 4: bulk \"0\"");
	bad("[netdev a]\naddress = 198.18.9.2\ncommunity = x\nwalk = all\n",
	    "line 4: unknown key \"walk\" in [netdev a]");
	bad("[netdev a]\naddress = 198.18.9.2\ncommunity = x\n[netdev b]\naddress = 198.18.9.3\ncommunity = "
	    "y\n"
	    "[netdev a]\ncommunity = z\n",
	    "line 8: netdev \"a\" defined twice");
}

static void test_file_mode(void)
{
	char path[] = "/tmp/dormant-netdev-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0) return;
	const char *text = "[netdev sw]\naddress = 198.18.9.2\ncommunity = private\n";
	CHECK_INT(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
	struct netdev_confs c = { 0 };
	struct dm_err e = { "" };
	CHECK_INT(netdev_conf_load(&c, path, &e), 0); /* mkstemp makes 0600 */
	CHECK_INT(c.n, 1);
	netdev_confs_release(&c);
	chmod(path, 0640);
	CHECK_INT(netdev_conf_load(&c, path, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "holds SNMP credentials and is readable by others (mode 0640)") != NULL);
	netdev_confs_release(&c);
	struct site_config s;
	site_config_defaults(&s);
	CHECK_INT(site_config_load(&s, path, &e), DM_EINPUT); /* the site policy is checked the same way */
	CHECK(strstr(e.msg, "mode 0640") != NULL);
	site_config_release(&s);
	/* a site policy without device secrets may stay readable */
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("[usage]\nwindow_days = 3\n", f);
		fclose(f);
	}
	site_config_defaults(&s);
	CHECK_INT(site_config_load(&s, path, &e), 0);
	site_config_release(&s);
	/* a --netdev file holds devices only */
	f = fopen(path, "w");
	if (f) {
		fputs("[netdev sw]\naddress = 198.18.9.2\ncommunity = x\n[usage]\nwindow_days = 3\n", f);
		fclose(f);
	}
	chmod(path, 0600);
	CHECK_INT(netdev_conf_load(&c, path, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "line 5: [usage]: a --netdev file holds [netdev NAME] sections only") != NULL);
	netdev_confs_release(&c);
	unlink(path);
}

static void test_access_ports(void)
{
	struct netdev_conf conf = { .name = "sw" };
	struct netdev_result r = { .conf = &conf, .uptime = 100 * 8640000 };
	struct netdev_if *a = netdev_if_get(&r, 10101), *b = netdev_if_get(&r, 10107);
	a = netdev_if_get(&r, 10101); /* the same row again */
	CHECK_INT(r.n_ifs, 2);
	a->type = b->type = 6;
	a->bridge_port = 1;
	b->bridge_port = 7;
	a->last_change = 10 * 8640000;
	r.fdb = calloc(6, sizeof(*r.fdb));
	for (int i = 0; i < 6; i++)
		r.fdb[r.n_fdb++] = (struct netdev_fdb){ .mac = { 2, 0, 0, 0, 0, (uint8_t)i },
							.ifindex = i ? 10107 : 10101,
							.status = 3 };
	CHECK(netdev_is_access_port(&r, &r.ifs[0]));
	CHECK(!netdev_is_access_port(&r, &r.ifs[1])); /* five MACs: a trunk */
	CHECK_INT(netdev_port_macs(&r, 10107), 5);
	CHECK(netdev_if_idle_days(&r, &r.ifs[0]) == 90);
	r.fdb[5].ifindex = 10101;
	r.fdb[4].ifindex = 10101; /* three MACs on 10107 now, but an LLDP neighbour */
	r.lldp = calloc(1, sizeof(*r.lldp));
	r.lldp[r.n_lldp++] = (struct netdev_lldp){ .local_port = 7 };
	CHECK(!netdev_is_access_port(&r, &r.ifs[1]));
	netdev_result_release(&r);
}

/* The switch-port rules on a walk built here: a port up without link for
 * longer than the window is idle, a recent one or one with a MAC is not;
 * an unregistered MAC on an access port is unknown, a registered one (by
 * MAC, or by the address ARP gives it) is not; a partial walk is not judged. */
static void test_port_rules(void)
{
	struct netdev_conf conf = { .name = "sw", .addr = { .family = AF_INET, .v4 = 0xc6120902 } };
	struct netdev_result r = { .conf = &conf, .uptime = 100 * 8640000, .ok = true, .ts = 1e9 };
	uint32_t idx[4] = { 1, 2, 3, 4 };
	for (int i = 0; i < 4; i++) {
		struct netdev_if *f = netdev_if_get(&r, idx[i]);
		f->type = 6, f->admin = 1, f->oper = 2, f->bridge_port = idx[i];
		snprintf(f->name, sizeof(f->name), "Gi0/%u", idx[i]);
	}
	r.ifs[1].last_change = 99 * 8640000; /* changed a day ago */
	r.ifs[2].oper = r.ifs[3].oper = 1;   /* with link, and a MAC each */
	r.fdb = calloc(2, sizeof(*r.fdb));
	r.fdb[r.n_fdb++] =
	    (struct netdev_fdb){ .mac = { 2, 0, 0, 0, 0, 3 }, .ifindex = 3, .status = 3, .vlan = 20 };
	r.fdb[r.n_fdb++] =
	    (struct netdev_fdb){ .mac = { 2, 0, 0, 0, 0, 4 }, .ifindex = 4, .status = 3, .vlan = 20 };
	r.arp = calloc(1, sizeof(*r.arp));
	r.arp[r.n_arp++] = (struct netdev_arp){ .ip = { .family = AF_INET, .v4 = 0xc6120904 },
						.mac = { 2, 0, 0, 0, 0, 4 },
						.type = 3 };
	struct inventory inv = { 0 };
	struct dm_err e = { "" };
	const char *csv = "ip,hostname\n198.18.9.4,known\n";
	CHECK_INT(inventory_parse_csv("reg.csv", csv, strlen(csv), &inv, &e), 0);
	struct site_config cfg;
	site_config_defaults(&cfg);
	struct netdev_rules_input in = { .cfg = &cfg, .nv = { &r, 1 }, .inv = &inv, .now = 1e9 };
	struct findings fs = { 0 };
	CHECK_INT(analyze_netdev(&in, &fs, &e), 0);
	CHECK_INT(fs.n, 2);
	if (fs.n == 2) {
		CHECK_STR(fs.v[0].rule, "idle-switch-port");
		CHECK(strstr(fs.v[0].title, "Gi0/1") && strstr(fs.v[0].title, "100 days (no link)"));
		CHECK_STR(fs.v[1].rule, "unknown-device-on-port");
		CHECK(strstr(fs.v[1].title, "02:00:00:00:00:03") && strstr(fs.v[1].title, "Gi0/3, VLAN 20"));
	}
	findings_release(&fs);
	r.ok = false; /* partial: proves no absence */
	CHECK_INT(analyze_netdev(&in, &fs, &e), 0);
	CHECK_INT(fs.n, 0);
	findings_release(&fs);
	inventory_release(&inv);
	site_config_release(&cfg);
	netdev_result_release(&r);
}

static int64_t save_walk(struct store *st, double started, bool ok, uint64_t in_octets)
{
	struct netdev_conf conf = { .name = "sw", .addr = { .family = AF_INET, .v4 = 0xc6120902 } };
	struct netdev_result r = {
		.conf = &conf, .uptime = 100, .ok = ok, .started = started, .ts = started + 1
	};
	snprintf(r.sys_name, sizeof(r.sys_name), "core-sw");
	struct netdev_if *f = netdev_if_get(&r, 7);
	f->oper = 1, f->in_octets = in_octets, f->out_octets = 5;
	snprintf(f->name, sizeof(f->name), "Gi0/7");
	r.fdb = calloc(1, sizeof(*r.fdb));
	r.fdb[r.n_fdb++] = (struct netdev_fdb){ .mac = { 2, 0, 0, 0, 0, 3 }, .ifindex = 7, .status = 3 };
	r.arp = calloc(1, sizeof(*r.arp));
	r.arp[r.n_arp++] = (struct netdev_arp){ .ip = { .family = AF_INET, .v4 = 0xc6120904 }, .type = 3 };
	r.lldp = calloc(1, sizeof(*r.lldp));
	r.lldp[r.n_lldp++] = (struct netdev_lldp){ .local_port = 7 };
	snprintf(r.lldp[0].sys_name, sizeof(r.lldp[0].sys_name), "edge-sw");
	struct dm_err e = { "" };
	int64_t run = 0;
	CHECK_INT(store_run_begin(st, "netdev", "", started, &run, &e), 0);
	CHECK_INT(store_netdev_save(st, run, &r, 1, &e), 0);
	netdev_result_release(&r);
	return run;
}

/* Walks are kept per run; the previous complete walk before a time gives
 * a port's counters (a partial walk is not one), on either backend. */
static void test_store(void)
{
	char path[256];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-netdev-%d/x.db", (int)getpid());
	if (test_db_pg()) test_db_path(path, sizeof(path), ""); /* DM_TEST_DB: on PostgreSQL */
	struct store *st = NULL;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	if (!st) return;
	save_walk(st, 1000, true, 111);
	save_walk(st, 2000, false, 222); /* partial */
	save_walk(st, 3000, true, 333);
	struct netdev_if *v = NULL;
	size_t n = 0;
	double ts = 0;
	CHECK_INT(store_netdev_prev(st, "sw", 3000, &v, &n, &ts, &e), 0);
	CHECK_INT(n, 1);
	CHECK(ts == 1000);
	if (n == 1) {
		CHECK_INT(v[0].index, 7);
		CHECK(v[0].in_octets == 111 && v[0].out_octets == 5 && v[0].oper == 1);
	}
	free(v);
	CHECK_INT(store_netdev_prev(st, "sw", 3500, &v, &n, &ts, &e), 0);
	CHECK(n == 1 && ts == 3000 && v[0].in_octets == 333);
	free(v);
	CHECK_INT(store_netdev_prev(st, "other", 3500, &v, &n, &ts, &e), 0);
	CHECK_INT(n, 0);
	free(v);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/dormant-unit-netdev-%d", (int)getpid());
	CHECK(system(cmd) == 0);
}

SUITE(suite_netdev, "netdev", T(test_sections), T(test_bad_sections), T(test_file_mode), T(test_access_ports),
      T(test_port_rules), T(test_store));
