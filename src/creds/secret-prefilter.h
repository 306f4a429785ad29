/* The multi-pattern prefilter of the password-table finder: one pass over
 * a file's bytes tells whether anything in it could be a credential
 * (password words in several languages, key headers, user:pass@ URLs,
 * sshpass, IPv4 addresses for tables without a header). Files without a
 * hit are done after this pass; the rest are read again by the structural
 * detector. Hyperscan (Vectorscan) when built with it, else PCRE2. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum prefilter_engine { PF_AUTO, PF_HYPERSCAN, PF_PCRE2 };

struct prefilter;
/* NULL with a message in err when the engine is not available. */
struct prefilter *prefilter_new(enum prefilter_engine want, char *err, size_t errlen);
void prefilter_free(struct prefilter *pf);
const char *prefilter_engine_name(const struct prefilter *pf);

/* Scanning one file in chunks of any size: begin, feed..., then end tells
 * whether any pattern matched. */
void prefilter_begin(struct prefilter *pf);
void prefilter_feed(struct prefilter *pf, const char *p, size_t n);
bool prefilter_end(struct prefilter *pf);
