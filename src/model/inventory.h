/* The asset register: what the organisation says it owns, from a CSV file
 * with a header (ip, mac, hostname, owner, role, status, expires, and
 * optionally public_ip: the address the asset is reached at from the
 * internet, through NAT or a port mapping) or JSON. Every
 * row is checked, all in one pass; one bad row rejects the file, so an import
 * is never half-applied, and the operator fixes every row at once. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "net/addr.h"

enum inv_status { INV_ACTIVE = 0, INV_TEST, INV_SPARE, INV_DECOMMISSIONED };

struct inv_entry {
	struct ipaddr ip;
	char mac[18]; /* aa:bb:cc:dd:ee:ff or empty */
	char hostname[256], owner[128], role[64];
	enum inv_status status;
	double expires; /* end of the day given (UTC), 0 if none */
	bool has_public;
	struct ipaddr public_ip; /* its public (NAT) address, when has_public */
	unsigned line;           /* in the file it came from */
};

/* Always sorted by address (parsing and loading sort it), so lookups are
 * binary searches. */
struct inventory {
	struct inv_entry *v;
	size_t n, cap;
	unsigned ignored_columns;
	/* A rejected file's bad rows, each a sentence naming file and line: the
	 * first INV_ERRORS_KEPT kept, n_errors counts them all. */
	char **errors;
	size_t n_errors;
};
#define INV_ERRORS_KEPT 100

/* name stands for the file in messages. On a bad file: DM_EINPUT, no
 * entries, and errors holding every bad row; e is the one error when there
 * is one, else the first and how many more (the import command lists them all). */
int inventory_parse_csv(const char *name, const char *data, size_t len, struct inventory *out,
			struct dm_err *e);
/* JSON: an array of objects with the same members, an object whose
 * "assets" member holds that array, or one object per line. */
int inventory_parse_json(const char *name, const char *data, size_t len, struct inventory *out,
			 struct dm_err *e);
/* Reads and parses the file: JSON when it starts with [ or {, else CSV. */
int inventory_load_file(const char *path, struct inventory *out, struct dm_err *e);
/* Restores the order after entries were added by hand (loaders, tests). */
void inventory_sort(struct inventory *inv);
/* Adds the entries of add to inv, an entry of add replacing inv's for the
 * same address (the register's key); ret_added and ret_updated count them. */
void inventory_merge(struct inventory *inv, const struct inventory *add, size_t *ret_added,
		     size_t *ret_updated);
/* The entry for ip, or NULL. */
const struct inv_entry *inventory_find(const struct inventory *inv, const struct ipaddr *ip);
void inventory_release(struct inventory *inv);
const char *inv_status_name(enum inv_status s);
int inv_status_parse(const char *s); /* <0 if unknown */
