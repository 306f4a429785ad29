/* The vulnerability data's operations, for `dormant vulndb` and a service
 * that keeps the data fresh: import of feed files and folders into the
 * store (one transaction per file), CVE lookup, matching of a product. */
#pragma once
#include <stdbool.h>
#include "base/err.h"
#include "model/vuln.h"
#include "store/store.h"

/* Imports a feed file, or every feed file (.json, .json.gz, .jsonl, .csv...)
 * of a folder and its sub-folders in name order; counts them in *files. */
int vulndb_import(struct store *st, const char *path, unsigned *files, struct dm_err *e);
/* Imports one feed held in memory (name names it in messages). */
int vulndb_import_data(struct store *st, const char *name, const void *data, size_t len, struct dm_err *e);

/* `vulndb fetch`: downloads the feeds, checks them, imports them into st
 * or writes them as one bundle for a machine without internet. */
struct vulndb_fetch_opts {
	const char *base_url;                     /* tests: one server for all feeds */
	const char *nvd_url, *kev_url, *epss_url; /* NULL: the real ones (or base_url's) */
	const char *api_key;                      /* NULL: $NVD_API_KEY, else none */
	const char *bundle;                       /* write this bundle instead of importing */
	bool feed[6];                             /* nvd, kev, epss, debian, ubuntu, redhat */
	unsigned page_size;                       /* NVD resultsPerPage, 1 to 2000 */
	double max_wait;                          /* cap of a Retry-After pause, seconds */
	bool full;                                /* NVD: everything, not the changes since the last fetch */
};
/* dbpath: the store's file; the work folder of an interrupted fetch lives beside it. */
int vulndb_fetch(struct store *st, const char *dbpath, const struct vulndb_fetch_opts *o, struct dm_err *e);
/* How long to wait before another request so that no more than limit of
 * them fall within window seconds; sent holds the n latest request times. */
double fetch_window_wait(const double *sent, size_t n, size_t limit, double window, double now);
/* 1 when path is a bundle (by content), else 0. */
int vulndb_is_bundle(const char *path);
/* Checks every file of the bundle against its manifest, then imports them. */
int vulndb_import_bundle(struct store *st, const char *path, struct dm_err *e);
/* Prints each feed's fetch and import time and age (stats). */
int vulndb_feed_ages(struct store *st, bool json, struct dm_err *e);

struct vulndb_query {
	bool json;                  /* JSON Lines instead of text */
	enum confidence min;        /* match: hits below are hidden */
	const char *aliases;        /* match: product aliases; NULL: data/vuln/aliases.csv */
	const char *from;           /* match: also every line of this file ("-": stdin) */
	const char *release;        /* match: the distribution release when the banner does not name it */
	bool explain;               /* match: also the CVEs the distribution fixed, and why */
	const char *service_probes; /* match: nmap's product names; NULL: the installed file if any */
};
/* Prints each CVE of ids (CVE-YYYY-NNNN) on stdout. */
int vulndb_lookup(struct store *st, char *const *ids, int n, const struct vulndb_query *q, struct dm_err *e);
/* Prints what each CPE, "PRODUCT VERSION" or raw banner ("SSH-2.0-OpenSSH_9.2p1
 * Debian-2+deb12u10", "Apache/2.4.62 (Debian)") of subjects (and of q->from)
 * is exposed to, judged by the distribution's data when it shows a build. */
int vulndb_match(struct store *st, char *const *subjects, int n, const struct vulndb_query *q,
		 struct dm_err *e);
/* Prints what the store holds. */
int vulndb_stats(struct store *st, const struct vulndb_query *q, struct dm_err *e);
