/* The rename monitor: an OpenSSH-style privileged helper, forked before
 * the privilege drop, whose only power is to rename the temporary output
 * files created before the drop into their final names, on request over a
 * socketpair. After the drop dormant may run as `nobody` while its outputs
 * are due in a folder only root may change (/root): the temporary files
 * were created there by root and are written through descriptors opened
 * before the drop, but the final rename needs write access to the folder.
 *
 * The pairs (temporary name, final name) are fixed before the fork: a
 * request carries only an index into that table and each pair is renamed
 * (or, on failure, removed) at most once, so a subverted dormant can do no more than finish the
 * renames it would have done anyway. The monitor keeps uid 0 and only
 * CAP_DAC_OVERRIDE (to reach folders of other users), closes every other
 * descriptor, sets no_new_privs and runs under a seccomp allow-list of
 * read, write, rename, unlink and exit. It ends when dormant closes its
 * end or dies, and then removes the temporary files not yet renamed.
 *
 * Use: privmon_allow() for each output, privmon_start() just before
 * privsep_drop(), then privmon_rename() as the rename function of the
 * output writer (safeout's out_set_renamer(privmon_rename, &mon)), and
 * privmon_stop() at the end. Not thread-safe. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "base/err.h"

struct privmon_pair {
	char *from, *to;
	bool done;
};

struct privmon {
	struct privmon_pair *v;
	size_t n;
	pid_t pid; /* 0: not started (privmon_rename renames itself) */
	int fd;    /* our end of the socketpair */
};

/* Adds a pair (copied); only before privmon_start(). */
void privmon_allow(struct privmon *m, const char *from, const char *to);

/* Forks the monitor when there is a pair to rename; 0 or <0 with e set. */
int privmon_start(struct privmon *m, struct dm_err *e);

/* Renames from to to: through the monitor when it runs, else directly.
 * 0 or -errno (-EPERM for a pair that was not allowed or was done). The
 * signature is the rename hook of the output writer. */
int privmon_rename(void *m, const char *from, const char *to);

/* Removes a temporary file instead (an output abandoned after a failure);
 * the pair is done after it. The signature of an unlink hook. */
int privmon_unlink(void *m, const char *from);

/* Ends the monitor (closes the socket, waits for it) and frees the table. */
void privmon_stop(struct privmon *m);
