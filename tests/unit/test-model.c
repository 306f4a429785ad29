/* model/: result aggregation, run coverage and run-to-run changes. */
#include "test.h"
#include "model/coverage.h"
#include "model/resultset.h"
#include "model/rundiff.h"
#include <arpa/inet.h>
#include <string.h>

static struct obs_port port(uint32_t ip, uint16_t p, enum port_state st)
{
	return (struct obs_port){
		.ip = ipaddr_v4(ip), .port = p, .proto = PROTO_TCP, .state = st, .reason = "syn-ack", .ts = 1
	};
}

static void results_merge_duplicates(void)
{
	struct resultset rs = { 0 };
	struct obs_port a = port(3, 22, PORT_OPEN), b = port(1, 80, PORT_OPEN), c = port(3, 23, PORT_CLOSED);
	for (int i = 0; i < 3; i++) {
		resultset_add_port(&rs, &a);
		resultset_add_port(&rs, &b);
		resultset_add_port(&rs, &c);
	}
	struct obs_host h = { .ip = ipaddr_v4(2), .how = HOW_ARP, .reason = "arp-response", .has_mac = true };
	resultset_add_host(&rs, &h);
	resultset_sort(&rs);
	CHECK_INT(rs.n_hosts, 3);
	CHECK_INT(resultset_count_up(&rs), 3);
	CHECK_INT(resultset_count_ports(&rs, PORT_OPEN), 2);
	CHECK_INT(rs.hosts[0].h.ip.v4, 1);
	CHECK_INT(rs.hosts[2].closed, 1);
	CHECK(rs.hosts[1].h.has_mac);
	/* after sorting, duplicates are still recognised */
	resultset_add_port(&rs, &a);
	CHECK_INT(resultset_count_ports(&rs, PORT_OPEN), 2);
	resultset_release(&rs);
}

static void many_hosts(void)
{
	struct resultset rs = { 0 };
	for (uint32_t i = 0; i < 70000; i++) {
		struct obs_port p = port(0xc6130000 + (i * 7919) % 70000, (uint16_t)(1 + i % 4), PORT_CLOSED);
		resultset_add_port(&rs, &p);
	}
	CHECK_INT(rs.n_hosts, 70000);
	CHECK(resultset_host(&rs, &(struct ipaddr){ .family = AF_INET, .v4 = 0xc6130000 + 69999 }, false) !=
	      NULL);
	resultset_release(&rs);
}

static void diff_finds_changes(void)
{
	struct resultset a = { 0 }, b = { 0 };
	struct obs_port p1 = port(1, 22, PORT_OPEN), p2 = port(1, 80, PORT_OPEN),
			p3 = port(2, 443, PORT_OPEN);
	struct obs_port p4 = port(1, 8080, PORT_OPEN), p5 = port(3, 21, PORT_OPEN);
	resultset_add_port(&a, &p1);
	resultset_add_port(&a, &p2);
	resultset_add_port(&a, &p3);
	resultset_add_port(&b, &p1);
	resultset_add_port(&b, &p4);
	resultset_add_port(&b, &p5);
	resultset_sort(&a);
	resultset_sort(&b);
	struct rundiff d;
	rundiff_compute(&a, &b, NULL, &d);
	CHECK_INT(d.counts[CHANGE_HOST_NEW], 1);    /* .3 */
	CHECK_INT(d.counts[CHANGE_HOST_GONE], 1);   /* .2 went silent */
	CHECK_INT(d.counts[CHANGE_PORT_OPENED], 2); /* 1:8080, 3:21 */
	CHECK_INT(d.counts[CHANGE_PORT_CLOSED], 2); /* 1:80, 2:443 */
	rundiff_release(&d);
	resultset_release(&a);
	resultset_release(&b);
}

/* Coverage of addresses lo..hi (IPv4) and the TCP ports of spec. */
static void cover(struct coverage *c, uint32_t lo, uint32_t hi, const char *spec, unsigned checks)
{
	struct rangeset v4 = { 0 };
	struct portlist pl = { 0 };
	rangeset_add(&v4, lo, hi);
	rangeset_normalize(&v4);
	if (spec) CHECK(portlist_parse(&pl, spec, PROTO_TCP, NULL) == 0);
	coverage_set(c, &v4, NULL, 0, spec ? &pl : NULL, checks);
	rangeset_release(&v4);
	portlist_release(&pl);
}

static void add_open(struct resultset *rs, uint32_t ip, uint16_t p)
{
	struct obs_port o = port(ip, p, PORT_OPEN);
	resultset_add_port(rs, &o);
}

/* audit .1-.3 then audit .1 (issue 25): .2 was not scanned the second time,
 * so it is not gone; a port the second run did not scan is not closed; a
 * port really closed inside the overlap is. */
static void diff_only_inside_overlap(void)
{
	struct resultset a = { 0 }, b = { 0 };
	add_open(&a, 1, 22), add_open(&a, 1, 80), add_open(&a, 1, 8080), add_open(&a, 2, 22);
	add_open(&b, 1, 22);
	resultset_sort(&a);
	resultset_sort(&b);
	struct coverage ca, cb;
	cover(&ca, 1, 3, "22,80,8080", CHECK_DISCOVER | CHECK_PORTS | CHECK_CREDS);
	cover(&cb, 1, 1, "22,80", CHECK_DISCOVER | CHECK_PORTS);
	struct coverage_overlap ov;
	coverage_intersect(&ca, &cb, &ov);
	CHECK(ov.known);
	CHECK_INT(coverage_addrs(&ov.both), 1);
	CHECK_INT(ov.both.ports.n_tcp, 2);
	CHECK_INT(ov.addrs_only_a, 2);
	CHECK_INT(ov.ports_only_a, 1);
	CHECK_INT(ov.ports_only_b, 0);
	struct rundiff d;
	rundiff_compute(&a, &b, &ov, &d);
	CHECK_INT(d.counts[CHANGE_HOST_GONE], 0);
	CHECK_INT(d.counts[CHANGE_PORT_CLOSED], 1); /* 1:80, scanned by both */
	CHECK_INT(d.v[0].port, 80);
	CHECK_INT(d.scope.outside, 3); /* .2 gone, 2:22 and 1:8080 closed */
	CHECK(d.scope.known);
	CHECK_INT(d.scope.addrs, 1);
	CHECK_INT(d.scope.checks_only_a, CHECK_CREDS);

	/* findings: a credential finding is not resolved by a run without
	 * credential checks; one about a host outside the overlap neither; a
	 * traffic finding needs traffic in both runs, not the host in the targets */
	struct findings fa = { 0 }, fb = { 0 };
	struct finding f = { .rule = "default-credentials", .has_ip = true, .ip = ipaddr_v4(1), .port = 22 };
	findings_add(&fa, &f);
	struct finding g = { .rule = "unregistered-host", .has_ip = true, .ip = ipaddr_v4(3) };
	findings_add(&fa, &g);
	struct finding h = { .rule = "unregistered-host", .has_ip = true, .ip = ipaddr_v4(1) };
	findings_add(&fa, &h);
	rundiff_findings(&fa, &fb, &b, &ov, &d);
	CHECK_INT(d.counts[CHANGE_FINDING_RESOLVED], 0); /* unregistered-host needs the register in both */
	CHECK_INT(d.scope.outside, 6);
	coverage_overlap_release(&ov);
	rundiff_release(&d);
	coverage_release(&ca);
	coverage_release(&cb);

	cover(&ca, 1, 3, "22,80", CHECK_DISCOVER | CHECK_PORTS | CHECK_REGISTER | CHECK_TRAFFIC);
	cover(&cb, 1, 1, "22,80", CHECK_DISCOVER | CHECK_PORTS | CHECK_REGISTER | CHECK_TRAFFIC);
	coverage_intersect(&ca, &cb, &ov);
	struct finding t = { .rule = "beacon", .has_ip = true, .ip = ipaddr_v4(9) };
	findings_add(&fb, &t);
	rundiff_compute(&a, &b, &ov, &d);
	rundiff_findings(&fa, &fb, &b, &ov, &d);
	CHECK_INT(d.counts[CHANGE_FINDING_RESOLVED], 1); /* unregistered-host of .1 */
	CHECK_INT(d.counts[CHANGE_FINDING_NEW], 1);      /* the beacon of .9, seen in flows */
	coverage_overlap_release(&ov);
	rundiff_release(&d);

	/* a run stored without coverage: everything is compared, and it says so */
	struct coverage unknown = { 0 };
	coverage_intersect(&ca, &unknown, &ov);
	CHECK(!ov.known);
	rundiff_compute(&a, &b, &ov, &d);
	CHECK(!d.scope.known && d.scope.a_known && !d.scope.b_known);
	CHECK_INT(d.counts[CHANGE_HOST_GONE], 1);
	CHECK_INT(d.counts[CHANGE_PORT_CLOSED], 3);
	CHECK(coverage_overlaps(&ca, &unknown));
	coverage_overlap_release(&ov);
	rundiff_release(&d);
	coverage_release(&cb);
	cover(&cb, 4, 9, "22", CHECK_DISCOVER);
	CHECK(!coverage_overlaps(&ca, &cb));
	coverage_release(&ca);
	coverage_release(&cb);
	findings_release(&fa);
	findings_release(&fb);
	resultset_release(&a);
	resultset_release(&b);
}

static void coverage_text_round_trip(void)
{
	struct coverage c, back;
	struct rangeset v4 = { 0 };
	struct portlist pl = { 0 };
	struct in6_addr v6[2];
	inet_pton(AF_INET6, "::1", &v6[1]);
	inet_pton(AF_INET6, "fd00::5", &v6[0]);
	rangeset_add(&v4, 0x7f000001, 0x7f000003);
	rangeset_add(&v4, 0x0a000000, 0x0a0000ff);
	rangeset_add(&v4, 0xc0a80001, 0xc0a80001);
	rangeset_normalize(&v4);
	CHECK(portlist_parse(&pl, "22,80,8000-8100,U:53,161", PROTO_TCP, NULL) == 0);
	coverage_set(&c, &v4, v6, 2, &pl, CHECK_DISCOVER | CHECK_PORTS | CHECK_USE);
	struct buf t = BUF_INIT, p = BUF_INIT, k = BUF_INIT;
	coverage_format(&c, &t, &p, &k);
	CHECK_STR(t.data, "10.0.0.0-10.0.0.255,127.0.0.1-127.0.0.3,192.168.0.1,::1,fd00::5");
	CHECK_STR(p.data, "T:22,80,8000-8100,U:53,161");
	CHECK_STR(k.data, "discover,ports,use");
	CHECK(coverage_parse(&back, t.data, p.data, k.data) == 0);
	CHECK(back.known);
	CHECK_INT(coverage_addrs(&back), 256 + 3 + 1 + 2);
	CHECK_INT(back.ports.n_tcp, 103);
	CHECK_INT(back.ports.n_udp, 2);
	CHECK_INT(back.checks, CHECK_DISCOVER | CHECK_PORTS | CHECK_USE);
	struct ipaddr one;
	CHECK(ipaddr_parse("::1", &one) == 0 && coverage_has_addr(&back, &one));
	CHECK(ipaddr_parse("127.0.0.4", &one) == 0 && !coverage_has_addr(&back, &one));
	CHECK(coverage_has_port(&back, PROTO_UDP, 161) && !coverage_has_port(&back, PROTO_TCP, 161));
	coverage_release(&back);
	/* a damaged row is an error, and the run compares as stored */
	CHECK(coverage_parse(&back, "127.0.0.1-", "", "") < 0 && !back.known);
	CHECK(coverage_parse(&back, "", "T:99999", "") < 0 && !back.known);
	CHECK(coverage_parse(&back, "", "", "ports,telepathy") < 0 && !back.known);
	CHECK(coverage_parse(&back, "", "", "") == 0 && back.known && coverage_addrs(&back) == 0);
	coverage_release(&back);
	buf_release(&t);
	buf_release(&p);
	buf_release(&k);
	coverage_release(&c);
	rangeset_release(&v4);
	portlist_release(&pl);
}

SUITE(suite_model, "model", T(results_merge_duplicates), T(many_hosts), T(diff_finds_changes),
      T(diff_only_inside_overlap), T(coverage_text_round_trip));
