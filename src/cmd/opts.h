/* Command-line parsing shared by the subcommands. Options are matched by
 * table: GNU long options (--rate 100, --rate=100) and nmap's multi-letter
 * single-dash options (-oJ FILE, -iL FILE, -Pn, -p22). Anything else that
 * starts with '-' is an error naming the argument. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"

struct opt {
	const char *name; /* "--rate", "-p", "-oJ" */
	int id;
	bool has_arg;
	const char *arg; /* argument name for --help, e.g. "PPS" */
	const char *help;
	bool repeat; /* may be given more than once; other options with an argument may not */
};

/* Calls back for each option and positional (id 0). An option with an
 * argument that is not marked repeat, given twice (under any of its
 * spellings), is an error naming both. Returns 0 or DM_EINPUT. */
int opts_parse(int argc, char **argv, const struct opt *table, size_t n,
	       int (*cb)(void *ctx, int id, const char *name, const char *arg, struct dm_err *e), void *ctx,
	       struct dm_err *e);
void opts_help(FILE *f, const char *usage, const char *about, const struct opt *table, size_t n);

int parse_double(const char *opt, const char *s, double min, double max, double *ret, struct dm_err *e);
int parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *ret, struct dm_err *e);
/* "1.5", "500ms", "2s", "1m" -> seconds */
int parse_seconds(const char *opt, const char *s, double *ret, struct dm_err *e);

/* --min-confidence: low, medium or high. */
int parse_confidence(const char *opt, const char *s, int *ret, struct dm_err *e);

/* Exit codes (docs/ARCHITECTURE.md). */
enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };
/* Prints "dormant: CMD: message" and returns the exit code for err. */
int cmd_error(const char *cmd, int err, const struct dm_err *e);
