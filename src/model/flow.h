/* Flows: a conversation between two endpoints as traffic records show it
 * (pcap, NetFlow, Zeek), from the side that opened it ("out") and the side
 * that answered ("in"), with what the first packets said about it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "net/addr.h"

struct obs_flow {
	struct ipaddr src, dst; /* src opened the conversation */
	uint16_t sport, dport;  /* ICMP: type and code */
	uint8_t proto;
	double start, end; /* seconds since the epoch */
	uint64_t bytes_out, bytes_in, pkts_out, pkts_in;
	uint8_t flags_out, flags_in;         /* TCP flags seen each way */
	const char *app;                     /* tls, ssh, dns, http, or NULL when unknown */
	const char *sni, *ja3, *ja4, *alpn;  /* from the TLS ClientHello, NULL if none */
	const char *name;                    /* what DNS called dst, NULL if not seen */
	const char *ssh_client, *ssh_server; /* SSH version lines */
	int entropy;                         /* of the first upload payload, bits per byte x 10; -1 unknown */
	const char *country;                 /* of the external side, when known */
	const char *end_reason;              /* idle, active, fin, rst, evicted, end (of input) */
	const char *dns_query;               /* the first DNS question the client asked, NULL if none */
	uint16_t dns_qtype;                  /* its type (1 A, 16 TXT, 10 NULL ...); 0 unknown */
	const char *cert_hash;               /* hex SHA-1 or SHA-256 of the server's certificate */
	bool detail; /* from a protocol log (Zeek dns.log, ssl.log): details of a conversation
			counted elsewhere, kept for the rules that read names and hashes only */
};

struct obs_dns {
	const char *name;
	struct ipaddr addr;
	double ts;
};

/* Callbacks come from the thread that reads the traffic. */
struct flow_sink {
	void *ctx;
	void (*flow)(void *ctx, const struct obs_flow *f);
	void (*dns)(void *ctx, const struct obs_dns *d); /* may be NULL */
};
