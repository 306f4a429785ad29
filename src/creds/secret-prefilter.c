/* Prefilter: Hyperscan streaming mode, or PCRE2 over chunks that overlap
 * by the longest match we care about. */
#include "creds/secret-prefilter.h"
#include "base/util.h"
#include <stdio.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

/* Case-insensitive. Kept simple enough for every engine (and ripgrep). */
static const char *const patterns[] = {
	"pass", /* password, passwd, passwort, ProxyPassword */
	"pwd",
	"kennwort|contrase|senha|mot de passe|密码|口令",
	"PRIVATE KEY-----",
	"PuTTY-User-Key-File",
	"sshpass",
	"://[^\\s/:@]{1,64}:[^\\s/@]{1,128}@",
	"[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
	"secret",
	"machine\\s",
	"mysql",
	"curl\\s",
};
#define OVERLAP 256 /* PCRE2: a match may straddle two chunks */

struct prefilter {
	enum prefilter_engine engine;
	bool hit;
#ifdef HAVE_HYPERSCAN
	/* two databases: the IPv4 pattern with the words makes Hyperscan pick
	 * slower engines for all of them (0.7 GB/s together, 1.9 and 3 apart) */
	hs_database_t *db[2];
	hs_scratch_t *scratch;
	hs_stream_t *stream[2];
#endif
	pcre2_code *re;
	pcre2_match_data *md;
	char tail[OVERLAP];
	size_t tail_n;
};

static bool pcre_setup(struct prefilter *pf, char *err, size_t errlen)
{
	char all[1024] = "";
	for (size_t i = 0; i < ARRAY_SIZE(patterns); i++) {
		strcat(all, i ? "|(?:" : "(?:");
		strcat(all, patterns[i]);
		strcat(all, ")");
	}
	int e;
	PCRE2_SIZE off;
	pf->re = pcre2_compile((PCRE2_SPTR)all, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &e, &off, NULL);
	if (!pf->re) {
		snprintf(err, errlen, "PCRE2 rejected the prefilter at %zu", (size_t)off);
		return false;
	}
	pcre2_jit_compile(pf->re, PCRE2_JIT_COMPLETE);
	pf->md = pcre2_match_data_create(1, NULL);
	return true;
}

#ifdef HAVE_HYPERSCAN
static bool is_ipv4_pattern(const char *p) { return strstr(p, "[0-9]{1,3}\\.") == p; }

static bool hs_setup(struct prefilter *pf, char *err, size_t errlen)
{
	for (int k = 0; k < 2; k++) {
		const char *pat[ARRAY_SIZE(patterns)];
		unsigned flags[ARRAY_SIZE(patterns)], ids[ARRAY_SIZE(patterns)], n = 0;
		for (size_t i = 0; i < ARRAY_SIZE(patterns); i++)
			if (is_ipv4_pattern(patterns[i]) == (k == 1))
				pat[n] = patterns[i], flags[n] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH,
				ids[n] = (unsigned)i, n++;
		hs_compile_error_t *ce = NULL;
		if (hs_compile_multi(pat, flags, ids, n, HS_MODE_STREAM, NULL, &pf->db[k], &ce) !=
		    HS_SUCCESS) {
			snprintf(err, errlen, "Hyperscan rejected the prefilter: %s", ce ? ce->message : "?");
			hs_free_compile_error(ce);
			return false;
		}
		if (hs_alloc_scratch(pf->db[k], &pf->scratch) != HS_SUCCESS) {
			snprintf(err, errlen, "Hyperscan could not allocate scratch space");
			return false;
		}
	}
	return true;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	(void)id, (void)from, (void)to, (void)flags;
	((struct prefilter *)ctx)->hit = true;
	return 1; /* one is enough: stop scanning */
}
#endif

struct prefilter *prefilter_new(enum prefilter_engine want, char *err, size_t errlen)
{
	struct prefilter *pf = xcalloc(1, sizeof(*pf));
#ifdef HAVE_HYPERSCAN
	if (want != PF_PCRE2) {
		if (hs_setup(pf, err, errlen)) {
			pf->engine = PF_HYPERSCAN;
			return pf;
		}
		prefilter_free(pf);
		return NULL;
	}
#else
	if (want == PF_HYPERSCAN) {
		snprintf(err, errlen, "this dormant was built without Hyperscan; use --engine pcre2");
		free(pf);
		return NULL;
	}
#endif
	if (!pcre_setup(pf, err, errlen)) {
		prefilter_free(pf);
		return NULL;
	}
	pf->engine = PF_PCRE2;
	return pf;
}

void prefilter_free(struct prefilter *pf)
{
	if (!pf) return;
#ifdef HAVE_HYPERSCAN
	for (int k = 0; k < 2; k++) {
		if (pf->stream[k]) hs_close_stream(pf->stream[k], pf->scratch, NULL, NULL);
		hs_free_database(pf->db[k]);
	}
	hs_free_scratch(pf->scratch);
#endif
	pcre2_match_data_free(pf->md);
	pcre2_code_free(pf->re);
	free(pf);
}

const char *prefilter_engine_name(const struct prefilter *pf)
{
	return pf->engine == PF_HYPERSCAN ? "hyperscan" : "pcre2";
}

void prefilter_begin(struct prefilter *pf)
{
	pf->hit = false;
	pf->tail_n = 0;
#ifdef HAVE_HYPERSCAN
	if (pf->engine == PF_HYPERSCAN)
		for (int k = 0; k < 2; k++) {
			if (pf->stream[k]) hs_close_stream(pf->stream[k], pf->scratch, NULL, NULL);
			pf->stream[k] = NULL;
			if (hs_open_stream(pf->db[k], 0, &pf->stream[k]) != HS_SUCCESS)
				pf->hit = true; /* cannot tell: look */
		}
#endif
}

void prefilter_feed(struct prefilter *pf, const char *p, size_t n)
{
	if (pf->hit || !n) return;
#ifdef HAVE_HYPERSCAN
	if (pf->engine == PF_HYPERSCAN) {
		for (int k = 0; k < 2 && !pf->hit; k++)
			if (pf->stream[k])
				hs_scan_stream(pf->stream[k], p, (unsigned)MIN(n, (size_t)UINT32_MAX), 0,
					       pf->scratch, on_match, pf);
		return;
	}
#endif
	/* PCRE2: the seam between the previous chunk's tail and this one, then the chunk */
	if (pf->tail_n) {
		size_t head = MIN(n, (size_t)OVERLAP);
		char seam[2 * OVERLAP];
		memcpy(seam, pf->tail, pf->tail_n);
		memcpy(seam + pf->tail_n, p, head);
		if (pcre2_match(pf->re, (PCRE2_SPTR)seam, pf->tail_n + head, 0, 0, pf->md, NULL) >= 0)
			pf->hit = true;
	}
	if (!pf->hit && pcre2_match(pf->re, (PCRE2_SPTR)p, n, 0, 0, pf->md, NULL) >= 0) pf->hit = true;
	if (n >= OVERLAP) {
		memcpy(pf->tail, p + n - OVERLAP, OVERLAP);
		pf->tail_n = OVERLAP;
	} else {
		size_t keep = MIN(pf->tail_n, (size_t)OVERLAP - n);
		memmove(pf->tail, pf->tail + pf->tail_n - keep, keep);
		memcpy(pf->tail + keep, p, n);
		pf->tail_n = keep + n;
	}
}

bool prefilter_end(struct prefilter *pf)
{
#ifdef HAVE_HYPERSCAN
	if (pf->engine == PF_HYPERSCAN)
		for (int k = 0; k < 2; k++)
			if (pf->stream[k]) {
				hs_close_stream(pf->stream[k], pf->scratch, pf->hit ? NULL : on_match, pf);
				pf->stream[k] = NULL;
			}
#endif
	return pf->hit;
}
