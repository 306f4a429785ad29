/* The caveats of a run (model/caveat.h): a small fixed list, one per kind. */
#include "model/caveat.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const struct caveat *caveats_find(const struct caveats *cs, const char *code)
{
	for (size_t i = 0; cs && i < cs->n; i++)
		if (!strcmp(cs->v[i].code, code)) return &cs->v[i];
	return NULL;
}

void caveats_add(struct caveats *cs, const char *code, const char *fmt, ...)
{
	struct caveat *c = (struct caveat *)caveats_find(cs, code);
	if (!c) {
		if (cs->n >= CAVEATS_MAX) return;
		c = &cs->v[cs->n++];
	}
	snprintf(c->code, sizeof(c->code), "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->text, sizeof(c->text), fmt, ap);
	va_end(ap);
}
