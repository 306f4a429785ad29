/* Fuzz target: captured frames into the one packet decoder (net/decode.c)
 * on every link type it reads (and one it does not), and each decoded
 * frame through the scanner's probe modules as the engine's receiver hands
 * it over. A decoded packet must point only inside the frame. */
#include "fuzz.h"
#include "net/decode.h"
#include "scan/engine.h"
#include <pcap/dlt.h>

static struct engine *scanner(void)
{
	static const uint16_t ports[] = { 22, 80, 443, 8080 };
	static struct engine_config cfg = { .src = 0xc6120001, .key = { 1, 2 }, .ports = ports, .subs = 4 };
	static struct engine *en;
	if (!en) {
		en = calloc(1, sizeof(*en));
		if (!en) abort();
		en->cfg = &cfg;
		memset(en->port_index, 0xff, sizeof(en->port_index));
		for (unsigned i = 0; i < cfg.subs; i++) en->port_index[ports[i]] = (int32_t)i;
	}
	return en;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact copy, so that the replay driver's larger buffer hides no over-read */
	uint8_t *frame = malloc(size ? size : 1);
	if (!frame) abort();
	memcpy(frame, data, size);
	static const struct probe_module *const mods[] = { &probe_module_arp, &probe_module_ping,
							   &probe_module_syn };
	/* every link type the decoder reads, then one it refuses (802.11) */
	for (size_t i = 0; i <= pkt_n_link_types; i++) {
		int link = i < pkt_n_link_types ? pkt_link_types[i] : 105;
		struct pkt d;
		const char *why = NULL;
		int r = pkt_decode(link, frame, size, &d, &why);
		if (r < 0) {
			if (!why || !*why) __builtin_trap(); /* every refusal names its reason */
			continue;
		}
		if (r != 0 || (d.family != 0 && d.family != 4 && d.family != 6)) __builtin_trap();
		if (d.payload_len && (d.payload < frame || d.payload + d.payload_len > frame + size))
			__builtin_trap();
		if (d.family == 4)
			for (int k = 4; k < 16; k++)
				if (d.src[k] | d.dst[k]) __builtin_trap();
		if (d.fragment) continue;
		for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++) {
			struct reply rep = { 0 };
			if (mods[m]->classify(scanner(), &d, &rep) && rep.is_port && rep.sub >= 4)
				__builtin_trap();
		}
	}
	free(frame);
	return 0;
}
