/* PCRE2 helpers shared by the fingerprint matchers (Recog's XML databases in
 * fingerprint.c, nmap's service probes in nmap-probes.c): compilation with
 * JIT, per-thread match data under backtracking limits, and a rewrite of
 * nested quantifiers that would otherwise backtrack exponentially.
 * Thread-safety: every function may be called from any thread; the match
 * data returned by pcre_util_match_data() belongs to the calling thread. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Backtracking limits for every match: a hostile banner must not stall the
 * matcher. PCRE2 counts one unit per backtracking step (JIT counts
 * differently but in the same order); 10^7 is well under a second. */
#define PCRE_UTIL_MATCH_LIMIT 10000000
#define PCRE_UTIL_DEPTH_LIMIT 10000

/* Compiles pattern (len bytes) with options, and JIT-compiles it if jit;
 * returns the pcre2_code (as void *, so that callers need not include
 * pcre2.h) or NULL with the error text and offset in err (may be NULL). The
 * caller frees the code with pcre_util_free().
 * JIT pays when few expressions meet much text. It does not for nmap's
 * database, where one response meets thousands of expressions once each:
 * measured, the interpreter's compact code matched an HTTP reply against
 * the 8,860 expressions of GetRequest and NULL faster than the JIT's
 * machine code (the instruction cache misses dominate), and loading took a
 * third of the time. */
void *pcre_util_compile(const char *pattern, size_t len, uint32_t options, bool jit, char *err, size_t errlen,
			size_t *ret_offset);
void pcre_util_free(void *code);

/* nmap's own limits for its service probe expressions, which are written
 * to stay within them: 20x tighter, since one response meets thousands. */
#define PCRE_UTIL_TIGHT_MATCH_LIMIT 50000
#define PCRE_UTIL_TIGHT_DEPTH_LIMIT 1000

/* The calling thread's match data (64 pairs) and match contexts with the
 * limits above (default or tight); created on first use, never freed
 * before the thread ends. */
void *pcre_util_match_data(void);
void *pcre_util_match_context(void);
void *pcre_util_match_context_tight(void);
/* Frees the calling thread's match state; a thread that matched calls it
 * before it returns (the next match makes them again). */
void pcre_util_thread_end(void);

/* Appends pattern to out with every group whose body is one repeated
 * single-character item and which is itself repeated, "(X+)*", "(?:X*)+",
 * rewritten to the same group repeated at most once: "(X+)?", "(?:X*)".
 * Both accept the same strings and leave the same text in the group at the
 * first match the backtracking finds (X+ repeated is X+; the engine tries
 * the longest run first either way), but the nested form tries every way to
 * split a run between iterations, 2^n of them for a run of n characters that
 * then fails: Recog's "(.+)* http" exceeded any sensible match limit on its
 * own example. X is one character item: a literal, an escape such as \d or
 * \x41, '.', or a bracket class. Returns how many groups were rewritten. */
unsigned pcre_util_flatten_nested(const char *pattern, struct buf *out);
