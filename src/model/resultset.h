/* A scan's results gathered per host: which hosts are up (and how we know),
 * their ports, and counts of closed/filtered ports. Duplicate reports
 * (retries, resumed scans) merge into one entry. Not thread-safe. */
#pragma once
#include "model/obs.h"
#include <stddef.h>

struct port_entry {
	uint16_t port;
	enum proto proto;
	enum port_state state;
	const char *reason; /* static string */
	uint8_t ttl;
	double ts;
};

struct host_entry {
	struct obs_host h; /* reason is a static string */
	bool up;
	struct port_entry *ports; /* open and open|filtered ports */
	size_t n_ports, cap_ports;
	uint64_t closed, filtered;
	/* of those, on UDP: counted in a scan; a stored run keeps none (0) */
	uint64_t udp_closed, udp_filtered;
	char vendor[64];          /* of the MAC, from the IEEE registry; empty if unknown */
	struct obs_service *svcs; /* one per (proto, port), the latest kept */
	size_t n_svcs, cap_svcs;
};

struct resultset {
	struct host_entry *hosts;
	size_t n_hosts, cap_hosts;
	uint32_t *slots; /* open addressing: index+1 into hosts, 0 empty */
	size_t n_slots;
	uint64_t *port_keys; /* set of (host index, proto, port) seen */
	size_t n_port_keys, cap_port_keys;
};

struct host_entry *resultset_host(struct resultset *rs, const struct ipaddr *ip, bool create);
void resultset_add_host(struct resultset *rs, const struct obs_host *h);
void resultset_add_port(struct resultset *rs, const struct obs_port *p);
void resultset_add_service(struct resultset *rs, const struct obs_service *s);
const struct obs_service *host_service(const struct host_entry *he, enum proto proto, uint16_t port);
/* Sorts hosts by address and each host's ports by protocol and number.
 * Invalidates nothing but the order; lookups keep working. */
void resultset_sort(struct resultset *rs);
size_t resultset_count_up(const struct resultset *rs);
size_t resultset_count_ports(const struct resultset *rs, enum port_state st);
void resultset_release(struct resultset *rs);
/* A sink that fills rs. */
struct obs_sink resultset_sink(struct resultset *rs);
