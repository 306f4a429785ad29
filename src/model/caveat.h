/* What a run could not judge: no vulnerability data (or data too old), no
 * asset register, no traffic, credentials not checked, ports not scanned.
 * A report that shows "0 critical" without them reads as "clean" when it
 * only means "not looked at". Computed once by the pipeline
 * (pipeline/run-caveats.c), stored with the run and carried to every
 * reporter (struct report_meta). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define CAVEATS_MAX 8

struct caveat {
	char code[24];  /* stable id for machines: "no-vuln-data", "vuln-data-old", ... */
	char text[320]; /* the operator's sentence: what was not judged, and why */
};

/* A fixed list: a run has at most one caveat of each kind. */
struct caveats {
	struct caveat v[CAVEATS_MAX];
	size_t n;
};

/* Adds a caveat (a code already present is replaced; past CAVEATS_MAX: ignored). */
void caveats_add(struct caveats *cs, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The caveat of code, or NULL. */
const struct caveat *caveats_find(const struct caveats *cs, const char *code);
