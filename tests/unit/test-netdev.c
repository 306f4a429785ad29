/* Network devices (model/netdev.c): the [netdev NAME] sections of the site
 * policy and of a --netdev file, checked key by key with file and line;
 * the file mode of a file that holds device secrets; access ports. */
#include "test.h"
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

SUITE(suite_netdev, "netdev", T(test_sections), T(test_bad_sections), T(test_file_mode),
      T(test_access_ports));
