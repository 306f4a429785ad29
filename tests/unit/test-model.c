/* model/: result aggregation and run-to-run changes. */
#include "test.h"
#include "model/resultset.h"
#include "model/rundiff.h"

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
	rundiff_compute(&a, &b, &d);
	CHECK_INT(d.counts[CHANGE_HOST_NEW], 1);    /* .3 */
	CHECK_INT(d.counts[CHANGE_HOST_GONE], 1);   /* .2 went silent */
	CHECK_INT(d.counts[CHANGE_PORT_OPENED], 2); /* 1:8080, 3:21 */
	CHECK_INT(d.counts[CHANGE_PORT_CLOSED], 2); /* 1:80, 2:443 */
	rundiff_release(&d);
	resultset_release(&a);
	resultset_release(&b);
}

SUITE(suite_model, "model", T(results_merge_duplicates), T(many_hosts), T(diff_finds_changes));
