/* Fuzz target: captured frames into the reply decoder (both link types). */
#include "fuzz.h"
#include "net/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded d;
	const char *why = NULL;
	if (packet_decode(data, size, LINK_ETHERNET, &d, &why) == 0 && d.has_inner) {
		volatile uint16_t sink = d.in_dport; /* the inner fields must be readable */
		(void)sink;
	}
	packet_decode(data, size, LINK_LINUX_SLL, &d, &why);
	return 0;
}
