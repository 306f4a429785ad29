/* Fuzz target: product names from nmap-service-probes lines
 * (src/vuln/nmap-names.c): every rule it adds names a vendor:product. */
#include "fuzz.h"
#include "vuln/nmap-names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536) return 0;
	struct aliases a = { 0 };
	int n = aliases_add_nmap_text(&a, (const char *)data, size);
	if (n < 0 || (size_t)n != a.n) __builtin_trap();
	for (size_t i = 0; i < a.n; i++)
		if (!a.v[i].from[0] || !strchr(a.v[i].to, ':') || strchr(a.v[i].from, '$')) __builtin_trap();
	aliases_release(&a);
	return 0;
}
