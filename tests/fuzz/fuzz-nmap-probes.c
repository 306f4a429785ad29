/* Fuzz target: the input as an nmap-service-probes file (--service-probes
 * names any file) and as an nmap-payloads file; when it loads, the input is
 * also a response matched through every probe's chain (and the prefilters
 * must never skip an expression that matches it). The input is then a
 * version template expanded over itself, and an expression rewritten by
 * pcre_util_flatten_nested(), which must compile whenever the original does. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "fuzz.h"
#include "probe/nmap-probes.h"
#include "probe/pcre-util.h"
#include "base/buf.h"
#include <pcre2.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	if (!fuzz_file(data, size, "nmap", path, sizeof(path))) return 0;
	struct nmap_db db;
	struct dm_err e;
	if (nmap_db_load(&db, path, &e) == 0) {
		struct nmap_result r;
		const struct nmap_probe *plan[32];
		for (size_t i = 0; i < db.n_probes; i++) nmap_db_match(&db, &db.probes[i], data, size, &r);
		/* the prefilters never skip an expression that matches */
		pcre2_match_data *md = pcre_util_match_data();
		pcre2_match_context *mc = pcre_util_match_context_tight();
		for (size_t i = 0; i < db.n_probes; i++)
			for (size_t k = 0; k < db.probes[i].n_matches; k++) {
				const struct nmap_match *m = &db.probes[i].matches[k];
				if (pcre2_match(m->code, data, size, 0, 0, md, mc) >= 0 &&
				    !nmap_match_may_match(m, data, size))
					abort();
			}
		nmap_db_plan(&db, PROTO_TCP, size & 0xffff, size & 1, (unsigned)(size % 10), NULL, plan, 32);
		nmap_db_release(&db);
	}
	struct nmap_payloads pl;
	if (nmap_payloads_load(&pl, path, &e) == 0) {
		const struct nmap_payload *p = NULL;
		while ((p = nmap_payloads_next(&pl, 53, p))) {
		}
		nmap_payloads_release(&pl);
	}
	unlink(path);

	char *s = fuzz_cstr(data, size);
	/* groups over the input: 1 the whole, 2 the first half, 3 unset */
	size_t ov[8] = { 0, size, 0, size, 0, size / 2, SIZE_MAX, SIZE_MAX };
	char out[256];
	nmap_expand(s, data, size, ov, 4, size & 1, out, sizeof(out));
	nmap_expand(s, NULL, 0, NULL, 0, false, NULL, 0);

	struct buf b = BUF_INIT;
	pcre_util_flatten_nested(s, &b);
	void *orig = pcre_util_compile(s, strlen(s), 0, false, NULL, 0, NULL);
	void *flat = pcre_util_compile(b.data ? b.data : "", b.len, 0, false, NULL, 0, NULL);
	if (orig && !flat) abort(); /* the rewrite broke a valid expression */
	if (orig && flat) {
		/* and both agree on whether the input matches itself */
		pcre2_match_data *md = pcre_util_match_data();
		pcre2_match_context *mc = pcre_util_match_context_tight();
		int a = pcre2_match(orig, data, size, 0, 0, md, mc),
		    c = pcre2_match(flat, data, size, 0, 0, md, mc);
		if ((a >= 0) != (c >= 0) && a != PCRE2_ERROR_MATCHLIMIT && c != PCRE2_ERROR_MATCHLIMIT &&
		    a != PCRE2_ERROR_DEPTHLIMIT && c != PCRE2_ERROR_DEPTHLIMIT &&
		    a != PCRE2_ERROR_HEAPLIMIT && c != PCRE2_ERROR_HEAPLIMIT)
			abort();
	}
	pcre_util_free(orig);
	pcre_util_free(flat);
	buf_release(&b);
	free(s);
	return 0;
}
