/* Asset identity (model/identity.h): which MAC is identity, the host name
 * as fallback, conflicts that link nothing; the change list of a moved
 * device (model/rundiff.h); the store's rows and a key's history. */
#include "test.h"
#include "test-db.h"
#include "model/identity.h"
#include "model/rundiff.h"
#include "net/oui.h"
#include "store/store.h"
#include <stdlib.h>
#include <unistd.h>

static struct ident_obs obs(const char *ip, const char *mac, const char *name)
{
	struct ident_obs o = { .seen = 1000 };
	ipaddr_parse(ip, &o.ip);
	if (mac) {
		unsigned b[6];
		sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
		for (int i = 0; i < 6; i++) o.mac[i] = (uint8_t)b[i];
		o.has_mac = true;
		snprintf(o.mac_from, sizeof(o.mac_from), "scan");
	}
	if (name) snprintf(o.hostname, sizeof(o.hostname), "%s", name);
	return o;
}

static void add(struct ident_set *s, const char *ip, const char *mac, const char *name)
{
	struct ident_obs o = obs(ip, mac, name);
	ident_set_add(s, &o);
}

/* Links as "old>new by" lines, for one comparison. */
static void links_of(const struct ident_set *a, const struct ident_set *b, char *out, size_t n)
{
	struct ident_link *l;
	size_t k = ident_link(a, b, &l);
	out[0] = 0;
	for (size_t i = 0; i < k; i++) {
		char x[IPADDR_STRLEN], y[IPADDR_STRLEN];
		ipaddr_fmt(&a->v[l[i].prev].ip, x, sizeof(x));
		ipaddr_fmt(&b->v[l[i].cur].ip, y, sizeof(y));
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s>%s %s", len ? "; " : "", x, y, ident_by_name(l[i].by));
	}
	free(l);
}

static void test_keys(void)
{
	uint8_t global[6] = { 0x00, 0x1b, 0x21, 1, 2, 3 }, local[6] = { 0xda, 0xa1, 0x19, 1, 2, 3 };
	CHECK(!oui_mac_is_local(global));
	CHECK(oui_mac_is_local(local));
	char k[IDENT_KEY_MAX], nm[IDENT_NAME_MAX];
	struct ident_set s = { 0 };
	add(&s, "10.0.0.5", "00:1b:21:01:02:03", "Laptop-7.corp.example");
	add(&s, "10.0.0.6", "da:a1:19:01:02:03", "phone");
	add(&s, "10.0.0.7", "da:a1:19:01:02:04", NULL);
	CHECK(!s.v[0].mac_local && s.v[1].mac_local);
	CHECK_STR(s.v[0].hostname, "laptop-7");
	ident_key(&s.v[0], k);
	CHECK_STR(k, "mac:00:1b:21:01:02:03");
	ident_key(&s.v[1], k); /* a randomised MAC is never the key */
	CHECK_STR(k, "name:phone");
	ident_key(&s.v[2], k);
	CHECK_STR(k, "");
	ident_name_norm("bad name", nm);
	CHECK_STR(nm, "");
	ident_name_norm("", nm);
	CHECK_STR(nm, "");
	ident_set_release(&s);
}

static void test_link(void)
{
	struct ident_set a = { 0 }, b = { 0 };
	char got[256];
	/* a burnt-in MAC moved; a randomised one with a name moved; a
	 * randomised one without a name cannot be followed; a host that stayed */
	add(&a, "10.0.0.5", "00:1b:21:01:02:03", NULL);
	add(&a, "10.0.0.6", "da:a1:19:01:02:03", "phone");
	add(&a, "10.0.0.7", "da:a1:19:09:09:09", NULL);
	add(&a, "10.0.0.8", "00:1b:21:08:08:08", "nas");
	add(&b, "10.0.0.50", "00:1b:21:01:02:03", NULL);
	add(&b, "10.0.0.60", "da:a1:19:77:77:77", "Phone");
	add(&b, "10.0.0.70", "da:a1:19:09:09:09", NULL);
	add(&b, "10.0.0.8", "00:1b:21:08:08:08", "nas");
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "10.0.0.5>10.0.0.50 mac; 10.0.0.6>10.0.0.60 hostname");
	ident_set_release(&a);
	ident_set_release(&b);

	/* the name is the fallback when a run has no MAC (a routed scan) */
	add(&a, "10.1.0.5", "00:1b:21:01:02:03", "printer");
	add(&b, "10.1.0.9", NULL, "printer");
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "10.1.0.5>10.1.0.9 hostname");
	ident_set_release(&a);
	ident_set_release(&b);

	/* two burnt-in MACs are two devices, whatever their names */
	add(&a, "10.1.0.5", "00:1b:21:01:02:03", "printer");
	add(&b, "10.1.0.9", "00:1b:21:0a:0b:0c", "printer");
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "");
	ident_set_release(&a);
	ident_set_release(&b);

	/* MAC and name agree: one link, both said */
	add(&a, "10.1.0.5", "00:1b:21:01:02:03", "printer");
	add(&b, "10.1.0.9", "00:1b:21:01:02:03", "printer");
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "10.1.0.5>10.1.0.9 mac,hostname");
	ident_set_release(&a);
	ident_set_release(&b);
}

static void test_conflicts(void)
{
	struct ident_set a = { 0 }, b = { 0 };
	char got[256];
	/* two hosts of the later run share the name: no link */
	add(&a, "10.2.0.5", NULL, "kiosk");
	add(&b, "10.2.0.6", NULL, "kiosk");
	add(&b, "10.2.0.7", NULL, "kiosk");
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "");
	ident_set_release(&a);
	ident_set_release(&b);

	/* the old host matches one new host by MAC and another by name */
	add(&a, "10.2.0.5", "00:1b:21:01:02:03", "kiosk");
	add(&b, "10.2.0.6", "00:1b:21:01:02:03", NULL);
	add(&b, "10.2.0.7", NULL, "kiosk");
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "");
	ident_set_release(&a);
	ident_set_release(&b);

	/* still seen at its old address by its MAC: the name elsewhere is
	 * somebody else's */
	add(&a, "10.2.0.5", "00:1b:21:01:02:03", "kiosk");
	add(&b, "10.2.0.5", "00:1b:21:01:02:03", NULL);
	add(&b, "10.2.0.9", NULL, "kiosk");
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "");
	ident_set_release(&a);
	ident_set_release(&b);

	/* nothing on either side */
	links_of(&a, &b, got, sizeof(got));
	CHECK_STR(got, "");
}

static void host(struct resultset *rs, const char *ip, uint16_t port)
{
	struct obs_host h = { .how = HOW_ARP, .reason = "arp-response", .ts = 1000 };
	ipaddr_parse(ip, &h.ip);
	resultset_add_host(rs, &h);
	struct obs_port p = { .ip = h.ip, .port = port, .proto = PROTO_TCP, .state = PORT_OPEN, .ts = 1000 };
	resultset_add_port(rs, &p);
}

/* The gone/new pair of a moved device becomes its own port changes. */
static void test_rundiff_moved(void)
{
	struct resultset a = { 0 }, b = { 0 };
	host(&a, "10.0.0.5", 22);
	host(&a, "10.0.0.9", 80);
	host(&b, "10.0.0.50", 22);
	host(&b, "10.0.0.50", 443);
	host(&b, "10.0.0.9", 80);
	resultset_sort(&a);
	resultset_sort(&b);
	struct rundiff d;
	rundiff_compute(&a, &b, NULL, &d);
	CHECK_INT(d.counts[CHANGE_HOST_GONE], 1);
	CHECK_INT(d.counts[CHANGE_HOST_NEW], 1);
	struct ipaddr o, n, x;
	ipaddr_parse("10.0.0.5", &o);
	ipaddr_parse("10.0.0.50", &n);
	ipaddr_parse("10.0.0.9", &x);
	CHECK(!rundiff_moved(&d, &a, &b, NULL, &x, &n)); /* 10.0.0.9 still answers */
	CHECK(rundiff_moved(&d, &a, &b, NULL, &o, &n));
	CHECK_INT(d.counts[CHANGE_HOST_GONE], 0);
	CHECK_INT(d.counts[CHANGE_HOST_NEW], 0);
	CHECK_INT(d.counts[CHANGE_PORT_CLOSED], 0);
	CHECK_INT(d.counts[CHANGE_PORT_OPENED], 1);
	CHECK_INT(d.n, 1);
	if (d.n == 1) CHECK(d.v[0].port == 443 && !ipaddr_cmp(&d.v[0].ip, &n));
	rundiff_release(&d);
	resultset_release(&a);
	resultset_release(&b);
}

/* Rows per run, read back, and a key's addresses over the runs. */
static void test_store_rows(void)
{
	char path[256];
	snprintf(path, sizeof(path), "/tmp/dormant-unit-ident-%d/x.db", (int)getpid());
	if (test_db_pg()) test_db_path(path, sizeof(path), "");
	struct store *st = NULL;
	struct dm_err e = { "" };
	CHECK_INT(store_open(path, &st, &e), 0);
	if (!st) return;
	int64_t r1 = 0, r2 = 0;
	struct ident_set s1 = { 0 }, s2 = { 0 }, back = { 0 };
	add(&s1, "10.0.0.5", "00:1b:21:01:02:03", "nas");
	add(&s1, "10.0.0.6", "da:a1:19:01:02:03", NULL);
	add(&s2, "10.0.0.50", "00:1b:21:01:02:03", "nas");
	s2.v[0].seen = 2000;
	CHECK_INT(store_run_begin(st, "audit", "", 1000, &r1, &e), 0);
	CHECK_INT(store_idents_save(st, r1, &s1, &e), 0);
	CHECK_INT(store_idents_save(st, r1, &s1, &e), 0); /* again: replaced, not doubled */
	CHECK_INT(store_run_begin(st, "audit", "", 2000, &r2, &e), 0);
	CHECK_INT(store_idents_save(st, r2, &s2, &e), 0);
	CHECK_INT(store_idents_load(st, r1, &back, &e), 0);
	CHECK_INT(back.n, 2);
	if (back.n == 2) {
		CHECK(back.v[0].has_mac && !back.v[0].mac_local && back.v[1].mac_local);
		CHECK_STR(back.v[0].hostname, "nas");
		CHECK_STR(back.v[0].mac_from, "scan");
	}
	struct ident_addr *h = NULL;
	size_t n = 0;
	CHECK_INT(store_ident_history(st, "mac:00:1b:21:01:02:03", 0, &h, &n, &e), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		char ip[IPADDR_STRLEN];
		ipaddr_fmt(&h[1].ip, ip, sizeof(ip));
		CHECK_STR(ip, "10.0.0.50");
		CHECK(h[0].first == 1000 && h[0].runs == 1 && h[1].last == 2000);
	}
	free(h);
	CHECK_INT(store_ident_history(st, "mac:00:1b:21:01:02:03", r1, &h, &n, &e), 0);
	CHECK_INT(n, 1);
	free(h);
	ident_set_release(&s1);
	ident_set_release(&s2);
	ident_set_release(&back);
	store_close(st);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/dormant-unit-ident-%d", (int)getpid());
	CHECK(system(cmd) == 0);
}

SUITE(suite_identity, "identity", T(test_keys), T(test_link), T(test_conflicts), T(test_rundiff_moved),
      T(test_store_rows));
