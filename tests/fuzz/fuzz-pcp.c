/* Fuzz target: what a PCP server (or anything on UDP 5351 of the LAN)
 * sends back (src/exposure/pcp-wire.c). A reply accepted keeps its
 * fields in range; a refusal always says why. */
#include "fuzz.h"
#include "base/err.h"
#include "exposure/pcp.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcp_reply r;
	char why[160];
	int k = pcp_reply_parse(data, size, &r, why, sizeof(why));
	if (k == 0) {
		if (r.version != 0 && (size < PCP_HEADER || size > PCP_MAX_MSG || size % 4)) __builtin_trap();
		if (r.has_map && (r.ext_ip.family != AF_INET && r.ext_ip.family != AF_INET6))
			__builtin_trap();
		if (r.has_map && size < PCP_HEADER + PCP_MAP_PAYLOAD) __builtin_trap();
		if (r.opcode > 0x7f) __builtin_trap();
		char rb[24];
		if (!*pcp_result_name(r.result, rb, sizeof(rb))) __builtin_trap();
	} else if (k != DM_EINPUT || !why[0] || strlen(why) >= sizeof(why)) {
		__builtin_trap();
	}
	return 0;
}
