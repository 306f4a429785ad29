/* Fuzz target: a DNS server's or an mDNS responder's answer to a PTR
 * query (src/probe/dns-ptr.c). The answer is read for the address and ID
 * the query had (198.18.1.5, 0x1234, as the corpus was made) and for
 * another: a name found is printable and within bounds, a refusal says
 * why, and what the identity keeps of the name is a DNS name or nothing. */
#include "fuzz.h"
#include "base/err.h"
#include "model/identity.h"
#include "probe/dns-ptr.h"

static void one(const uint8_t *data, size_t size, const char *addr, uint16_t id)
{
	struct ipaddr ip;
	if (ipaddr_parse(addr, &ip) < 0) __builtin_trap();
	char name[DNS_NAME_MAX], why[160];
	int r = dns_ptr_parse(data, size, id, &ip, name, why, sizeof(why));
	if (r == 1) {
		size_t n = strlen(name);
		if (!n || n >= DNS_NAME_MAX) __builtin_trap();
		for (size_t i = 0; i < n; i++)
			if (name[i] < 0x21 || name[i] > 0x7e) __builtin_trap();
		struct ident_obs o = { .ip = ip };
		ident_obs_set_names(&o, name, name);
		for (const char *p = o.dns_name; *p; p++)
			if (*p == '?' || (*p >= 'A' && *p <= 'Z')) __builtin_trap();
		if (strchr(o.mdns_name, '.')) __builtin_trap();
	} else if (r == DM_EINPUT) {
		if (!why[0] || strlen(why) >= sizeof(why)) __builtin_trap();
	} else if (r != 0 || name[0]) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, "198.18.1.5", 0x1234);
	one(data, size, "2001:db8::1", dns_msg_id(data, size));
	return 0;
}
