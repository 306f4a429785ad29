/* Fuzz target: threat-intelligence lists (model/intel.c) in any of their
 * formats, then matching against names, addresses and hashes taken from
 * the same input. A loaded indicator must match itself. */
#include "fuzz.h"
#include "base/log.h"
#include "model/intel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16) return 0;
	log_level = LOG_QUIET;
	struct intel_set s;
	intel_init(&s);
	struct dm_err e;
	intel_load_mem(&s, "fuzz", (const char *)data, size, &e);
	for (size_t i = 0; i < s.n; i++) {
		const struct intel_item *it = &s.v[i];
		if (it->type == INTEL_DOMAIN && !intel_match_domain(&s, it->value)) __builtin_trap();
		if ((it->type == INTEL_JA3 || it->type == INTEL_JA4 || it->type == INTEL_CERT) &&
		    !intel_match_hash(&s, it->type, it->value))
			__builtin_trap();
		if (it->type == INTEL_ADDR && !intel_match_addr(&s, &it->net.net)) __builtin_trap();
	}
	char *str = fuzz_cstr(data, size);
	intel_match_domain(&s, str);
	intel_match_hash(&s, INTEL_JA3, str);
	struct ipaddr a;
	if (ipaddr_parse(str, &a) == 0) intel_match_addr(&s, &a);
	free(str);
	intel_release(&s);
	return 0;
}
