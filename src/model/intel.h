/* Threat-intelligence indicators, loaded from the files the site config
 * names ([intel] files =): addresses and prefixes, domain names (matching
 * their subdomains too), TLS client fingerprints (JA3, JA4) and
 * certificate hashes (SHA-1, SHA-256). Three list formats, told apart by
 * their first lines: Zeek intel files (a #fields header with indicator and
 * indicator_type), CSV with a header holding a type column, and one
 * indicator a line with the type guessed from its shape. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"
#include "net/cidr.h"

enum intel_type { INTEL_ADDR = 0, INTEL_DOMAIN, INTEL_JA3, INTEL_JA4, INTEL_CERT, INTEL_TYPES };

struct intel_item {
	enum intel_type type;
	char *value;        /* lower case; for INTEL_ADDR the prefix as written */
	struct cidr net;    /* INTEL_ADDR */
	const char *source; /* the file it came from */
	unsigned line;
	char *note; /* what the list says about it (Zeek meta.desc, a CSV description), may be NULL */
};

struct intel_set {
	struct intel_item *v;
	size_t n, cap;
	char **files;
	size_t n_files;
	uint64_t bad;         /* lines skipped, each named in a warning (the first few per file) */
	uint64_t unsupported; /* indicators of types not matched (URLs, file hashes, e-mail) */
	/* lookup indexes into v, built at the first match */
	bool sorted;
	uint32_t *keyed, *hosts, *nets; /* by (type, value); single addresses by address; prefixes */
	size_t n_keyed, n_hosts, n_nets;
};

void intel_init(struct intel_set *s);
void intel_release(struct intel_set *s);
/* A file that cannot be read, or has lines but no indicator among them, is
 * an error naming it; a bad line is a warning "file:line: why", skipped. */
int intel_load_file(struct intel_set *s, const char *path, struct dm_err *e);
/* The same over text in memory; name stands for the file in messages. */
int intel_load_mem(struct intel_set *s, const char *name, const char *text, size_t len, struct dm_err *e);
/* Parses "a, b" (the site config's value) and loads each; relative paths
 * are taken from base_dir (the config file's folder) when given. */
int intel_load_list(struct intel_set *s, const char *files, const char *base_dir, struct dm_err *e);

/* Matches; NULL when none. Domain names match the listed name and every
 * name under it. Hashes compare without case. */
const struct intel_item *intel_match_addr(struct intel_set *s, const struct ipaddr *a);
const struct intel_item *intel_match_domain(struct intel_set *s, const char *name);
const struct intel_item *intel_match_hash(struct intel_set *s, enum intel_type t, const char *hash);
const char *intel_type_name(enum intel_type t);
