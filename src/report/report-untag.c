/* Takes the redaction tags out of what a shareable output shows, and puts
 * them back for the outputs written after it (report-untag.h). Every string
 * only shrinks, so the original always fits back where it was. */
#include "report/report-untag.h"
#include "base/redact.h"
#include "base/util.h"
#include <stdlib.h>
#include <string.h>

static void untag(char *s, struct untag_undo *u)
{
	if (!s || !strstr(s, "…(")) return;
	char *was = u ? xstrdup(s) : NULL;
	if (!redact_untag(s)) {
		free(was);
		return;
	}
	if (!u) return;
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 16;
		u->at = xrealloc(u->at, u->cap * sizeof(*u->at));
		u->was = xrealloc(u->was, u->cap * sizeof(*u->was));
	}
	u->at[u->n] = s;
	u->was[u->n++] = was;
}

void report_untag(struct resultset *rs, struct findings *fs, struct rundiff *changes, struct untag_undo *u)
{
	for (size_t i = 0; rs && i < rs->n_hosts; i++)
		for (size_t j = 0; j < rs->hosts[i].n_svcs; j++) {
			untag(rs->hosts[i].svcs[j].info, u);
			untag(rs->hosts[i].svcs[j].banner, u);
		}
	for (size_t i = 0; fs && i < fs->n; i++) {
		untag(fs->v[i].title, u);
		untag(fs->v[i].evidence, u);
		untag(fs->v[i].remediation, u);
	}
	for (size_t i = 0; changes && i < changes->n; i++) untag(changes->v[i].title, u);
}

void report_untag_undo(struct untag_undo *u)
{
	for (size_t i = 0; i < u->n; i++) {
		strcpy(u->at[i], u->was[i]);
		free(u->was[i]);
	}
	free(u->at);
	free(u->was);
	*u = (struct untag_undo){ 0 };
}
