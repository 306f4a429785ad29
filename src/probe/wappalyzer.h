/* Wappalyzer's technology rules (the technologies JSON that
 * enthec/webappanalyzer maintains; installed by scripts/deps, read at run
 * time) and their matcher over a struct webpage. Read: headers, cookies,
 * meta, html, scriptSrc, url and scripts (on inline scripts) patterns with "\;version:" and
 * "\;confidence:" tags, implies, excludes, requires, requiresCategory and
 * cpe. Not read: js, dom, css, text, dns, xhr, robots (they need a
 * browser, other requests or other protocols). Expressions are compiled
 * with PCRE2 (caseless) and matched under the pcre-util limits. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "probe/webpage.h"

#define WA_DEFAULT_DIR "/usr/local/share/dormant/webapps"

struct wa_tech;

struct wa_db {
	struct wa_tech *t;
	size_t n;
	size_t patterns; /* compiled */
	size_t refused;  /* expressions PCRE2 would not compile (skipped) */
	char *path;
};

/* One technology found on a page. */
struct wa_hit {
	const char *name;
	const char *cpe; /* the rule's CPE 2.3 with '*' version, or NULL */
	char version[32];
	int confidence; /* 0..100 */
	bool implied;   /* only implied by another */
	int cats[4];
	size_t n_cats;
};

/* Loads path: a technologies JSON file (one object, name -> rule), or a
 * directory holding technologies.json or technologies/ *.json. An
 * expression PCRE2 refuses skips that pattern (counted); a file that is
 * not such JSON fails with one line in e naming it and the position. */
int wa_db_load(struct wa_db *db, const char *path, struct dm_err *e);
int wa_db_load_mem(struct wa_db *db, const char *json, size_t len, const char *name, struct dm_err *e);
void wa_db_release(struct wa_db *db);
/* Matches the rules against pg; fills at most max hits, strongest first,
 * those under min_confidence left out; returns how many. */
size_t wa_match(const struct wa_db *db, const struct webpage *pg, int min_confidence, struct wa_hit *hits,
		size_t max);
