/* Observations: what sources report (a host answered, a port is in some
 * state), and the sink interface they report through. Sources know only
 * this; src/cmd/ connects a sink to the store and the reporters. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "net/addr.h"
#include "net/ports.h"

enum host_how { HOW_NONE = 0, HOW_ARP, HOW_ICMP, HOW_TCP, HOW_UDP, HOW_CONNECT, HOW_USER };
enum port_state { PORT_OPEN = 1, PORT_CLOSED, PORT_FILTERED, PORT_OPEN_FILTERED };

struct obs_host {
	struct ipaddr ip;
	bool has_mac;
	uint8_t mac[6];
	enum host_how how;
	const char *reason; /* nmap vocabulary: arp-response, echo-reply, syn-ack, reset, ... */
	uint8_t ttl;
	double ts;          /* seconds since the epoch */
};

struct obs_port {
	struct ipaddr ip;
	uint16_t port;
	enum proto proto;
	enum port_state state;
	const char *reason; /* syn-ack, reset, conn-refused, udp-response, port-unreach, ... */
	uint8_t ttl;
	double ts;
};

/* Callbacks may be invoked from a source's receive thread, never concurrently. */
struct obs_sink {
	void *ctx;
	void (*host)(void *ctx, const struct obs_host *h);
	void (*port)(void *ctx, const struct obs_port *p);
};

const char *host_how_name(enum host_how h);
enum host_how host_how_parse(const char *s);
const char *port_state_name(enum port_state s);
/* The static copy of a reason word read back from a file or database ("unknown" if foreign). */
const char *reason_intern(const char *s);
enum port_state port_state_parse(const char *s);
