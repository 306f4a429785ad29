/* Names of observation enums, shared by every output and the store. */
#include "model/obs.h"
#include <string.h>

static const char *const how_names[] = { "none", "arp", "icmp", "tcp", "udp", "connect", "user" };
static const char *const state_names[] = { "?", "open", "closed", "filtered", "open|filtered" };

const char *host_how_name(enum host_how h) { return (unsigned)h < 7 ? how_names[h] : "none"; }

enum host_how host_how_parse(const char *s)
{
	for (unsigned i = 0; i < 7; i++)
		if (!strcmp(s, how_names[i])) return (enum host_how)i;
	return HOW_NONE;
}

const char *port_state_name(enum port_state s) { return (unsigned)s < 5 ? state_names[s] : "?"; }

enum port_state port_state_parse(const char *s)
{
	for (unsigned i = 1; i < 5; i++)
		if (!strcmp(s, state_names[i])) return (enum port_state)i;
	return 0;
}

const char *reason_intern(const char *s)
{
	static const char *const known[] = {
		"arp-response", "echo-reply",   "timestamp-reply",  "syn-ack",      "reset",
		"host-unreach", "port-unreach", "admin-prohibited", "conn-refused", "udp-response",
		"no-response",  "user-set",     "net-unreach",      "proto-unreach"
	};
	for (size_t i = 0; s && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(s, known[i])) return known[i];
	return "unknown";
}
