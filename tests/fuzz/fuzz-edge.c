/* Fuzz target: what a gateway answers, as the client library hands it on
 * (src/model/edge.c, src/exposure/edge.c): a mapping entry's eight strings
 * (the input's lines) and a control URL. A mapping accepted must hold a
 * port, a known transport and an address. */
#include "fuzz.h"
#include "exposure/edge.h"
#include "model/edge.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096) return 0;
	char *s = fuzz_cstr(data, size);
	const char *f[8] = { "", "", "", "", "", "", "", "" };
	char *p = s;
	for (int i = 0; i < 8 && p; i++) {
		f[i] = p;
		p = strchr(p, '\n');
		if (p) *p++ = 0;
	}
	struct edge_map m;
	char why[96];
	if (edge_map_from_strings(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], &m, why, sizeof(why)) ==
	    0) {
		if (!m.int_port || (m.proto != PROTO_TCP && m.proto != PROTO_UDP) || m.lease < 0)
			__builtin_trap();
		if (m.internal.family != AF_INET && m.internal.family != AF_INET6) __builtin_trap();
		if (strlen(m.desc) >= sizeof(m.desc)) __builtin_trap();
		edge_map_added_by(&m);
	} else if (!why[0]) {
		__builtin_trap();
	}
	struct ipaddr a;
	if (edge_url_addr(f[0], &a) == 0 && a.family != AF_INET && a.family != AF_INET6) __builtin_trap();
	free(s);
	return 0;
}
