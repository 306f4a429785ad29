/* Fuzz target: a saved traffic state as the store gives it back when a
 * watcher's source starts again (analyze/traffic-state-save.c). Read or
 * refused, never past the input; a state read is saved again and that
 * save reads back to the same bytes; lookups on it stay in bounds. */
#include "fuzz.h"
#include "analyze/traffic-state-save.h"
#include "model/flowset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct traffic_state *s = NULL;
	struct dm_err e = { "" };
	if (traffic_state_decode(data, size, &s, &e) < 0) {
		if (s || !strstr(e.msg, "byte")) abort(); /* refused: nothing made, the place said */
		return 0;
	}
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct traffic_state *t = NULL;
	if (traffic_state_encode(s, &a) < 0 || traffic_state_decode(a.data, a.len, &t, &e) < 0 ||
	    traffic_state_encode(t, &b) < 0 || a.len != b.len || memcmp(a.data, b.data, a.len))
		abort();
	struct ipaddr h = ipaddr_v4(0x0a000005), d = ipaddr_v4(0x5b000007);
	const struct traffic_host_day *days;
	struct traffic_beat beats[TRAFFIC_STATE_BEATS];
	traffic_state_host_days(t, &h, &days);
	traffic_state_beats(t, &h, "c2.example", &d, 443, beats);
	traffic_state_beats(t, &h, NULL, &d, 443, beats);
	traffic_state_chatter(t, &h, 0, 1e10);
	struct flowset fs;
	flowset_init(&fs);
	struct traffic_state_pair *pairs;
	traffic_state_pairs_for(t, &fs, &pairs);
	free(pairs);
	flowset_release(&fs);
	buf_release(&a), buf_release(&b);
	traffic_state_free(s), traffic_state_free(t);
	return 0;
}
