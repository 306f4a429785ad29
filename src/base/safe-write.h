/* Safe output files: every file dormant writes goes through here. The
 * final name must not be a symbolic link; the data goes to a temporary
 * file with an unpredictable name in the same directory, created with
 * O_EXCL|O_NOFOLLOW and the caller's mode, and is renamed into place by
 * out_commit once it is complete and on disk. A kill -9 at any moment leaves
 * the old file or none, never a truncated one. Not thread-safe (the hooks
 * are process-wide). */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "base/err.h"

/* Modes: what can hold findings, secrets or the audit's picture of the
 * network is private; plain scan results (hosts and ports) may be read by
 * others, as nmap's are. */
#define OUT_PRIVATE 0600
#define OUT_PUBLIC 0644

struct out_file {
	FILE *f;          /* write here; NULL when not open */
	char *path;       /* the final name as given (for messages) */
	char *name;       /* its last component, relative to dirfd */
	char *tmp;        /* the temporary file in dirfd; NULL for stdout and devices */
	char *tmp_path;   /* the same with path's directory part, for a monitor's table */
	const char *what; /* what messages call it: "-oJ", "--html", "-o" */
	int dirfd;        /* the directory of path; -1 for stdout */
	bool is_stdout;
};

/* Opens path for writing ("-" is stdout). Refuses, with one line in e, a
 * path whose last component is a symbolic link or a directory. An existing
 * device or FIFO (/dev/null) is written in place, without rename. mode is
 * OUT_PRIVATE or OUT_PUBLIC (the umask still applies). Returns 0 or -errno. */
int out_open(struct out_file *o, const char *path, const char *what, mode_t mode, struct dm_err *e);
/* Flushes, fsyncs, closes and renames the temporary file onto the final
 * name (stdout: flushes). Releases o whatever happens; on failure the
 * temporary file is removed and the old file, if any, is untouched. */
int out_commit(struct out_file *o, struct dm_err *e);
/* Closes and removes the temporary file; the final name is untouched.
 * A no-op after out_commit or on a zeroed struct, so it fits every exit path. */
void out_discard(struct out_file *o);

/* Who renames the temporary file into place, or removes it when the output
 * is abandoned: by default renameat/unlinkat in the directory. After a
 * privilege drop the directory may be root's alone; a privileged monitor
 * (base/privmon.h) then does both, given tmp_path and path as out_open
 * made them (the working directory does not change in between). The
 * functions return 0 or -errno; NULL restores the default. */
struct out_hooks {
	int (*rename)(void *ctx, const char *tmp_path, const char *final_path);
	int (*unlink)(void *ctx, const char *tmp_path);
	void *ctx;
};
void out_set_hooks(const struct out_hooks *h);
