/* Per-host aggregation of observations with hashing for de-duplication. */
#include "model/resultset.h"
#include "base/siphash.h"
#include "base/util.h"
#include <string.h>

static const struct sipkey hkey = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

static uint64_t hash_ip(const struct ipaddr *ip)
{
	return ip->family == AF_INET ? siphash24(&hkey, &ip->v4, 4) : siphash24(&hkey, &ip->v6, 16);
}

static void rehash(struct resultset *rs)
{
	size_t n = rs->n_slots ? rs->n_slots * 2 : 1024;
	free(rs->slots);
	rs->slots = xcalloc(n, sizeof(*rs->slots));
	rs->n_slots = n;
	for (size_t i = 0; i < rs->n_hosts; i++) {
		size_t s = hash_ip(&rs->hosts[i].h.ip) & (n - 1);
		while (rs->slots[s]) s = (s + 1) & (n - 1);
		rs->slots[s] = (uint32_t)i + 1;
	}
}

struct host_entry *resultset_host(struct resultset *rs, const struct ipaddr *ip, bool create)
{
	if (rs->n_slots) {
		size_t s = hash_ip(ip) & (rs->n_slots - 1);
		while (rs->slots[s]) {
			struct host_entry *he = &rs->hosts[rs->slots[s] - 1];
			if (ipaddr_cmp(&he->h.ip, ip) == 0) return he;
			s = (s + 1) & (rs->n_slots - 1);
		}
	}
	if (!create) return NULL;
	if (rs->n_hosts == rs->cap_hosts) {
		rs->cap_hosts = rs->cap_hosts ? rs->cap_hosts * 2 : 64;
		rs->hosts = xrealloc(rs->hosts, rs->cap_hosts * sizeof(*rs->hosts));
	}
	struct host_entry *he = &rs->hosts[rs->n_hosts++];
	memset(he, 0, sizeof(*he));
	he->h.ip = *ip;
	if (rs->n_hosts * 2 > rs->n_slots)
		rehash(rs);
	else {
		size_t s = hash_ip(ip) & (rs->n_slots - 1);
		while (rs->slots[s]) s = (s + 1) & (rs->n_slots - 1);
		rs->slots[s] = (uint32_t)rs->n_hosts;
	}
	return he;
}

void resultset_add_host(struct resultset *rs, const struct obs_host *h)
{
	struct host_entry *he = resultset_host(rs, &h->ip, true);
	/* Keep the first reason; ARP evidence (with a MAC) beats later ones. */
	if (!he->up || (h->has_mac && !he->h.has_mac)) {
		struct ipaddr ip = he->h.ip;
		bool had_mac = he->h.has_mac;
		uint8_t mac[6];
		memcpy(mac, he->h.mac, 6);
		if (!he->up || h->how == HOW_ARP) he->h = *h;
		he->h.ip = ip;
		if (had_mac && !h->has_mac) he->h.has_mac = true, memcpy(he->h.mac, mac, 6);
		if (h->has_mac) he->h.has_mac = true, memcpy(he->h.mac, h->mac, 6);
	}
	he->up = true;
}

/* The port-key set: (host index, proto, port) packed into 64 bits. */
static bool port_key_insert(struct resultset *rs, uint64_t key)
{
	if (rs->n_port_keys * 2 >= rs->cap_port_keys) {
		size_t old = rs->cap_port_keys;
		uint64_t *ok = rs->port_keys;
		rs->cap_port_keys = old ? old * 2 : 1024;
		rs->port_keys = xcalloc(rs->cap_port_keys, sizeof(uint64_t));
		rs->n_port_keys = 0;
		for (size_t i = 0; i < old; i++)
			if (ok[i]) port_key_insert(rs, ok[i]);
		free(ok);
	}
	size_t mask = rs->cap_port_keys - 1;
	size_t s = siphash24(&hkey, &key, 8) & mask;
	while (rs->port_keys[s]) {
		if (rs->port_keys[s] == key) return false;
		s = (s + 1) & mask;
	}
	rs->port_keys[s] = key;
	rs->n_port_keys++;
	return true;
}

void resultset_add_port(struct resultset *rs, const struct obs_port *p)
{
	struct host_entry *he = resultset_host(rs, &p->ip, true);
	if (!he->up) {
		he->up = true;
		he->h.how = p->state == PORT_OPEN_FILTERED ? HOW_NONE
							   : (p->proto == PROTO_UDP ? HOW_UDP : HOW_TCP);
		he->h.reason = p->reason;
		he->h.ttl = p->ttl;
		he->h.ts = p->ts;
		if (p->state == PORT_OPEN_FILTERED || p->state == PORT_FILTERED) he->up = false;
	}
	uint64_t key = ((uint64_t)(he - rs->hosts + 1) << 24) | ((uint64_t)p->proto << 16) | p->port;
	if (!port_key_insert(rs, key)) return;
	if (p->state == PORT_CLOSED) {
		he->closed++;
		he->udp_closed += p->proto == PROTO_UDP;
		return;
	}
	if (p->state == PORT_FILTERED) {
		he->filtered++;
		he->udp_filtered += p->proto == PROTO_UDP;
		return;
	}
	if (he->n_ports == he->cap_ports) {
		he->cap_ports = he->cap_ports ? he->cap_ports * 2 : 8;
		he->ports = xrealloc(he->ports, he->cap_ports * sizeof(*he->ports));
	}
	he->ports[he->n_ports++] =
	    (struct port_entry){ p->port, p->proto, p->state, p->reason, p->ttl, p->ts };
}

void resultset_add_service(struct resultset *rs, const struct obs_service *sv)
{
	struct host_entry *he = resultset_host(rs, &sv->ip, true);
	for (size_t i = 0; i < he->n_svcs; i++)
		if (he->svcs[i].port == sv->port && he->svcs[i].proto == sv->proto) {
			/* a later probe of the port (nmap's, a second SNMP reply) that
			 * did not see the device's fingerprints keeps those seen */
			struct obs_service was = he->svcs[i];
			he->svcs[i] = *sv;
			if (!sv->ssh_key[0]) memcpy(he->svcs[i].ssh_key, was.ssh_key, sizeof(was.ssh_key));
			if (!sv->snmp_engine[0])
				memcpy(he->svcs[i].snmp_engine, was.snmp_engine, sizeof(was.snmp_engine));
			if (!sv->netbios_name[0])
				memcpy(he->svcs[i].netbios_name, was.netbios_name, sizeof(was.netbios_name));
			return;
		}
	if (he->n_svcs == he->cap_svcs) {
		he->cap_svcs = he->cap_svcs ? he->cap_svcs * 2 : 4;
		he->svcs = xrealloc(he->svcs, he->cap_svcs * sizeof(*he->svcs));
	}
	he->svcs[he->n_svcs++] = *sv;
}

const struct obs_service *host_service(const struct host_entry *he, enum proto proto, uint16_t port)
{
	for (size_t i = 0; i < he->n_svcs; i++)
		if (he->svcs[i].port == port && he->svcs[i].proto == proto) return &he->svcs[i];
	return NULL;
}

static int cmp_host(const void *a, const void *b)
{
	return ipaddr_cmp(&((const struct host_entry *)a)->h.ip, &((const struct host_entry *)b)->h.ip);
}

static int cmp_port(const void *a, const void *b)
{
	const struct port_entry *x = a, *y = b;
	if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
	return (int)x->port - (int)y->port;
}

void resultset_sort(struct resultset *rs)
{
	/* Port keys embed host indexes: sorting hosts would orphan them, so
	 * they are rebuilt from the sorted order. */
	if (rs->n_hosts > 1) qsort(rs->hosts, rs->n_hosts, sizeof(*rs->hosts), cmp_host);
	for (size_t i = 0; i < rs->n_hosts; i++)
		if (rs->hosts[i].n_ports > 1)
			qsort(rs->hosts[i].ports, rs->hosts[i].n_ports, sizeof(struct port_entry), cmp_port);
	free(rs->port_keys);
	rs->port_keys = NULL;
	rs->n_port_keys = rs->cap_port_keys = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++)
			port_key_insert(rs, ((uint64_t)(i + 1) << 24) |
						((uint64_t)rs->hosts[i].ports[j].proto << 16) |
						rs->hosts[i].ports[j].port);
	rs->n_slots = rs->n_slots / 2;
	rehash(rs);
}

size_t resultset_count_up(const struct resultset *rs)
{
	size_t n = 0;
	for (size_t i = 0; i < rs->n_hosts; i++) n += rs->hosts[i].up;
	return n;
}

size_t resultset_count_ports(const struct resultset *rs, enum port_state st)
{
	size_t n = 0;
	for (size_t i = 0; i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_ports; j++) n += rs->hosts[i].ports[j].state == st;
	return n;
}

void resultset_release(struct resultset *rs)
{
	for (size_t i = 0; i < rs->n_hosts; i++) free(rs->hosts[i].ports), free(rs->hosts[i].svcs);
	free(rs->hosts);
	free(rs->slots);
	free(rs->port_keys);
	memset(rs, 0, sizeof(*rs));
}

static void sink_host(void *ctx, const struct obs_host *h) { resultset_add_host(ctx, h); }
static void sink_port(void *ctx, const struct obs_port *p) { resultset_add_port(ctx, p); }

static void sink_service(void *ctx, const struct obs_service *s) { resultset_add_service(ctx, s); }

struct obs_sink resultset_sink(struct resultset *rs)
{
	return (struct obs_sink){ rs, sink_host, sink_port, sink_service, NULL };
}
