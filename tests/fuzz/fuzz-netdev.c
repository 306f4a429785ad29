/* Fuzz target: what a network device's agent sends back in its tables
 * (src/probe/netdev-snmp.c take()): any column (ifTable, ARP, FDB, LLDP,
 * CDP, ENTITY-MIB), any index and any value type, as Net-SNMP hands the
 * variable bindings on. The tables stay within what a walk could hold. */
#include "fuzz.h"
#include "probe/netdev-snmp.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192) return 0;
	struct netdev_result r = { 0 };
	netdev_take_bytes(data, size, &r);
	if (r.rows > size) __builtin_trap();
	for (size_t i = 0; i < r.n_lldp; i++)
		if (strlen(r.lldp[i].chassis) >= sizeof(r.lldp[i].chassis)) __builtin_trap();
	for (size_t i = 0; i < r.n_cdp; i++)
		if (strlen(r.cdp[i].device_id) >= sizeof(r.cdp[i].device_id) ||
		    (r.cdp[i].addr.family && r.cdp[i].addr.family != AF_INET))
			__builtin_trap();
	if (strlen(r.id.ent_model) >= sizeof(r.id.ent_model)) __builtin_trap();
	for (size_t i = 0; i < r.n_ifs; i++) netdev_is_access_port(&r, &r.ifs[i]);
	netdev_result_release(&r);
	return 0;
}
