/* The reference of every finding rule dormant can emit: one table that
 * `dormant rules` prints and docs/rules.md is generated from (`dormant rules
 * --markdown`), so the two cannot drift apart. */
#pragma once
#include <stddef.h>

struct rule_doc {
	const char *id;       /* the stable rule id of "finding" records */
	const char *source;   /* what run produces it: the checks it needs */
	const char *severity; /* default severity, and when it changes */
	const char *meaning;  /* what the finding says */
	const char *why;      /* why it matters */
	const char *evidence; /* the keys of its evidence object */
	const char *fix;      /* how to fix it, or how to accept it */
};

extern const struct rule_doc rule_docs[];
extern const size_t rule_docs_count;

/* The rule's entry, or NULL. */
const struct rule_doc *rule_doc_find(const char *id);
