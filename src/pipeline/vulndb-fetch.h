/* Shared by the feed fetcher (vulndb-fetch.c) and the bundle writer and
 * reader (vulndb-bundle.c): the work folder's state, one line per fact,
 * that lets an interrupted fetch go on where it stopped. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

/* The distributions' feeds come after the three of NVD, CISA and FIRST. */
enum { FEED_NVD, FEED_KEV, FEED_EPSS, FEED_DEBIAN, FEED_UBUNTU, FEED_REDHAT, FEED_N };
extern const char *const feed_names[FEED_N];

#define FETCH_MAX_FILES 4096

struct fetch_file {
	char name[32]; /* in the work folder: nvd-000001.json, kev.json, epss.csv.gz */
	int feed;
	double fetched; /* epoch seconds */
	char *url;
};

struct fetch_state {
	char *nvd_url;            /* the NVD endpoint the pages came from */
	double since;             /* NVD: changes from here (0: everything) */
	double until;             /* ...up to here, the time the fetch started */
	double win_start;         /* the 120-day window being paged */
	unsigned long next_index; /* its next startIndex */
	unsigned pages;
	bool done[FEED_N];
	double fetched[FEED_N];
	char part_id[FEED_N][160]; /* the validator of a kept part (If-Range) */
	struct fetch_file *files;
	size_t n_files;
	unsigned long ubuntu_next; /* Ubuntu's CVE JSON: the next page's offset */
};

struct vulndb_fetch_opts;
struct http_answer;
/* One fetch under way (vulndb-fetch.c; the distributions' feeds in vulndb-fetch-distro.c). */
struct fetcher {
	const struct vulndb_fetch_opts *o;
	char *dir, *state_path;
	char nvd_url[1024], kev_url[1024], epss_url[1024];
	char debian_url[1024], ubuntu_url[1024], redhat_url[1024];
	char key_header[256];
	double sent[64]; /* monotonic times of the last NVD requests, a ring */
	size_t n_sent, limit;
	double redhat_since; /* Red Hat: VEX files changed after this (0: all) */
	struct fetch_state s;
};
/* One GET with the retries on 403, 429 and 503 (nvd: the NVD's rate limit and key). */
int fetch_get(struct fetcher *F, const char *url, bool nvd, uint64_t resume, const char *if_range,
	      struct http_answer *a, struct dm_err *e);
int fetch_write(const char *dir, const char *name, const void *p, size_t n, struct dm_err *e);
int fetch_save_state(struct fetcher *F, struct dm_err *e);
void fetch_add_file(struct fetch_state *s, const char *name, int feed, double t, const char *url);
/* The feed parses as the importer reads it and is of that kind. */
int fetch_check(const char *url, const void *p, size_t n, const char *kind, struct dm_err *e);
/* A feed that is one file (KEV, EPSS, Debian's tracker), resumed with a Range request. */
int fetch_single(struct fetcher *F, int feed, struct dm_err *e);
/* Ubuntu's CVE JSON, page by page; Red Hat's VEX files changed since the last fetch. */
int fetch_ubuntu(struct fetcher *F, struct dm_err *e);
int fetch_redhat(struct fetcher *F, struct dm_err *e);

void fetch_state_release(struct fetch_state *s);
/* The work folder's files in the order they are imported: NVD pages, KEV, EPSS. */
int fetch_write_bundle(const char *bundle, const char *dir, const struct fetch_state *s, struct dm_err *e);
/* Reads a whole file of the work folder. */
int fetch_read(const char *dir, const char *name, struct buf *b, struct dm_err *e);
/* Inflates gzip data whole; refuses a damaged or truncated stream, naming what. */
int gunzip_mem(const void *p, size_t n, const char *what, struct buf *out, struct dm_err *e);
/* RFC 3339 in UTC to the second, and back (0 when unparsable). */
void fmt_utc(double t, char *out, size_t n);
double parse_utc(const char *s);
/* Lower-case hex SHA-256 of data into out[65]. */
void sha256_hex(const void *data, size_t len, char out[65]);
/* Stores feed.<name>.fetched / .imported (and nvd's .through) after an import. */
int fetch_record_meta(struct store *st, int feed, double fetched, double through, struct dm_err *e);
/* Stamps feed.<kind>.imported (now) inside an import's transaction. */
int fetch_note_import(struct store *st, const char *kind, struct dm_err *e);
