/* The store: dormant's model on disk, with history. Runs (one per command
 * that observes), assets (ip, mac, first/last seen), ports (state,
 * first/last seen and run), and what each run observed, so that a later
 * run can say what changed. Backends implement struct store_ops; SQLite
 * (WAL, file mode 0600) is the one built in. Not thread-safe: one thread
 * per handle. */
#pragma once
#include <stdint.h>
#include "base/err.h"
#include "model/resultset.h"

struct store;

struct run_info {
	int64_t id;
	double started, finished; /* seconds since the epoch; finished 0 while running */
	char kind[16];            /* scan, audit */
	char status[16];          /* running, done, failed, interrupted */
	char args[512];
	uint64_t hosts_up, open_ports;
};

struct store_ops {
	const char *name;
	int (*open)(const char *path, struct store **ret, struct dm_err *e);
	void (*close)(struct store *s);
	int (*run_begin)(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id);
	int (*run_get)(struct store *s, int64_t id, struct run_info *ret);
	int (*run_finish)(struct store *s, int64_t id, const char *status, double finished);
	int (*save_results)(struct store *s, int64_t run, const struct resultset *rs);
	int (*load_results)(struct store *s, int64_t run, struct resultset *rs);
	int (*runs_list)(struct store *s, struct run_info **ret, size_t *ret_n);
	const char *(*errmsg)(struct store *s);
};

/* Opens the store at path (created with its folders if missing). */
int store_open(const char *path, struct store **ret, struct dm_err *e);
void store_close(struct store *s);
int store_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id);
int store_run_get(struct store *s, int64_t id, struct run_info *ret);
int store_run_finish(struct store *s, int64_t id, const char *status, double finished);
/* Records what the run saw, updates assets and ports; one transaction. */
int store_save_results(struct store *s, int64_t run, const struct resultset *rs);
int store_load_results(struct store *s, int64_t run, struct resultset *rs);
/* All runs, oldest first; the caller frees *ret. */
int store_runs_list(struct store *s, struct run_info **ret, size_t *ret_n);
const char *store_errmsg(struct store *s);
/* $XDG_DATA_HOME/dormant/dormant.db, or ~/.local/share/dormant/dormant.db */
char *store_default_path(void);

extern const struct store_ops store_sqlite_ops;
