/* Fuzz target: vulnerability feeds as files bring them (NVD pages and
 * records, KEV, CVE 5, EPSS CSV): the streaming JSON reader, the record
 * converters, the configuration encoder and packer, and back through the
 * decoder, the unpacker and the evaluator. */
#include "fuzz.h"
#include "vuln/config.h"
#include "vuln/feeds.h"
#include <string.h>

static int on_cve(void *ctx, const struct vuln_cve *c, struct dm_err *e)
{
	(void)ctx;
	(void)e;
	struct vconfigs cfg = { 0 };
	/* what the importer encoded must decode */
	if (vconfigs_decode(c->configs, &cfg) != 0) __builtin_trap();
	struct vsubject s = { 0 };
	cpe_parse("cpe:2.3:a:openbsd:openssh:7.7:p1:*:*:*:*:*:*", &s.cpe);
	struct vverdict v;
	vconfigs_eval(&cfg, &s, &v);
	for (size_t i = 0; i < c->n_products; i++)
		if (!c->products[i].vendor[0] || !c->products[i].product[0]) __builtin_trap();
	/* what the importer packed must unpack to as many configurations */
	size_t n = cfg.n_cfg;
	if (!c->packed || vconfigs_unpack(c->packed, c->packed_len, &cfg) != 0 || cfg.n_cfg != n)
		__builtin_trap();
	vconfigs_release(&cfg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20) return 0;
	struct vuln_sink sink = { NULL, on_cve, NULL, NULL, NULL };
	struct feed_counts fc;
	struct dm_err e;
	feed_import_mem(data, size, "fuzz", &sink, &fc, &e);
	/* the decoder alone, on arbitrary text */
	char *s = fuzz_cstr(data, size);
	struct vconfigs cfg = { 0 };
	vconfigs_decode(s, &cfg);
	/* and the unpacker, on arbitrary bytes; into an arena, the same verdict and counts */
	int r = vconfigs_unpack(data, size, &cfg);
	struct arena a = { 0 };
	struct vconfigs in;
	int ri = vconfigs_unpack_in(data, size, &a, &in);
	if (ri != r || (r == 0 && (in.n_cfg != cfg.n_cfg || in.n_nodes != cfg.n_nodes || in.n_m != cfg.n_m)))
		__builtin_trap();
	for (size_t i = 0; r == 0 && i < in.n_m; i++)
		if (strcmp(in.m[i].criteria, cfg.m[i].criteria) || strcmp(in.m[i].end, cfg.m[i].end))
			__builtin_trap();
	arena_release(&a);
	vconfigs_release(&cfg);
	free(s);
	return 0;
}
