/* Fuzz target: the reassembly of TLS servers' first flights
 * (src/flow/cert-stream.c) on hostile segments. The input is a list of
 * segments, each a header of 4 bytes (which of 4 streams, a sequence
 * offset that may go back, repeat or skip, a length) and its bytes; a
 * ServerHello-shaped segment is made likely by the stream byte's top bit.
 * Whatever arrives, the streams and their bytes stay within the bounds
 * and a certificate read has sane fields. */
#include "fuzz.h"
#include "base/util.h"
#include "flow/cert-stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert_streams *cs = cert_streams_new();
	uint32_t seq[4] = { 0 };
	uint8_t seg[2048];
	size_t off = 0;
	while (off + 4 <= size) {
		uint8_t which = data[off] & 3;
		bool hello = data[off] & 0x80;
		int16_t delta = (int16_t)((uint16_t)data[off + 1] << 8 | data[off + 2]);
		size_t len = data[off + 3] * 8u;
		off += 4;
		if (len > size - off) len = size - off;
		size_t h = 0;
		if (hello) { /* a handshake record whose first message is a ServerHello */
			const uint8_t head[6] = { 0x16, 3, 3, 0, 0, 2 };
			memcpy(seg, head, sizeof(head));
			h = sizeof(head);
		}
		memcpy(seg + h, data + off, MIN(len, sizeof(seg) - h));
		size_t n = MIN(len + h, sizeof(seg));
		off += len;
		if (!n) continue;
		struct pkt p = { .family = 4, .proto = 6, .sport = 443, .dport = (uint16_t)(40000 + which) };
		p.src[0] = 10, p.src[3] = 1, p.dst[0] = 10, p.dst[3] = 2;
		p.seq = seq[which] + (uint32_t)(int32_t)delta;
		p.payload = seg, p.payload_len = (uint32_t)n;
		seq[which] = p.seq + (uint32_t)n;
		struct obs_tls t;
		if (cert_streams_packet(cs, 1, &p, &t) &&
		    (!t.present || strlen(t.subject) >= sizeof(t.subject) || t.key_bits < 0))
			__builtin_trap();
		size_t streams, bytes;
		cert_streams_usage(cs, &streams, &bytes);
		if (streams > CERT_STREAMS || bytes > CERT_STREAMS_BYTES) __builtin_trap();
	}
	/* the same bytes as one flight */
	struct obs_tls t;
	(void)tls_records_certificate(data, size, 1, &t);
	cert_streams_free(cs);
	return 0;
}
