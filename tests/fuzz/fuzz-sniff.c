/* Fuzz target: the sniffers of issue 20 on hostile bytes. The first byte
 * picks one: credential-store recognition and the store readers (mRemoteNG,
 * KeePass XML, Bitwarden/1Password JSON) through secrets_scan_memory; a TCP
 * payload through the packet sniffer (SSH line, HTTP Server header, TLS
 * certificate, split in two segments at the second byte); a Zeek
 * software/ssh/http log; a ServerHello of the weak-suite probe. */
#include "fuzz.h"
#include "base/log.h"
#include "creds/secret-sniff.h"
#include "creds/secrets.h"
#include "flow/payload-sniff.h"
#include "flow/zeek-software.h"
#include "probe/services.h"

static void packets(const uint8_t *d, size_t n)
{
	struct payload_sniff *ps = payload_sniff_new();
	struct pkt p = { .family = 4, .proto = 6, .sport = 443, .dport = 50000, .src = { 10, 0, 0, 1 } };
	size_t cut = n ? d[0] % (n + 1) : 0;
	if (cut > n) cut = n;
	p.payload = d, p.payload_len = (uint32_t)cut;
	if (cut) payload_sniff_packet(ps, 1, &p);
	p.payload = d + cut, p.payload_len = (uint32_t)(n - cut), p.seq = (uint32_t)cut;
	if (n > cut) payload_sniff_packet(ps, 2, &p);
	p.seq = 0;    /* out of order: the stream is dropped */
	p.sport = 22; /* the same bytes as an SSH or HTTP server's */
	if (n) payload_sniff_packet(ps, 3, &p);
	size_t k;
	const struct obs_service *v = payload_sniff_services(ps, &k, NULL);
	for (size_t i = 0; i < k; i++)
		if (!v[i].passive || strlen(v[i].banner) >= sizeof(v[i].banner)) __builtin_trap();
	payload_sniff_free(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct secrets *s;
	if (!s) {
		struct secrets_opts o = SECRETS_OPTS_DEFAULT;
		o.max_member = 1 << 20, o.max_expand = 4 << 20;
		log_level = LOG_QUIET;
		s = secrets_new(&o, NULL);
	}
	if (!size) return 0;
	const uint8_t *d = data + 1;
	size_t n = size - 1;
	switch (data[0] % 4) {
	case 0: {
		(void)secret_sniff_kind((const char *)d, n);
		struct secret_items out = { 0 };
		secrets_scan_memory(s, "export.bin", (const char *)d, n, 0, &out);
		secret_items_release(&out);
		break;
	}
	case 1: packets(d, n); break;
	case 2: {
		struct payload_sniff *ps = payload_sniff_new();
		struct zeek_software_stats st = { 0 };
		struct dm_err e = { 0 };
		zeek_software_read_mem("fuzz.log", (const char *)d, n, ps, &st, &e);
		payload_sniff_free(ps);
		break;
	}
	default: {
		uint16_t v, suite;
		(void)tls_server_hello_suite(d, n, &v, &suite);
	}
	}
	return 0;
}
