/* Real request payloads for UDP services, so that they answer: without a
 * valid request most UDP services stay silent and look filtered. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct udp_payload {
	uint16_t port;
	const char *name;
	const uint8_t *data;
	size_t len;
};

/* The payload for port, or NULL (then an empty datagram is sent). */
const struct udp_payload *udp_payload_for(uint16_t port);
/* The port's next payload after prev (several versions of a protocol), or NULL. */
const struct udp_payload *udp_payload_next(const struct udp_payload *prev);
extern const uint16_t udp_default_ports[];
extern const size_t udp_default_ports_count;
