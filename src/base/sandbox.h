/* Seccomp filters (libseccomp) installed after the privilege drop, so that
 * a bug in a parser of hostile bytes cannot start programs, trace others,
 * load kernel code or, in the stages that only parse and compute, open a
 * file or a socket. docs/SECURITY.md lists which stage gets which filter.
 * A filter stays for the life of the process and its threads (install it
 * before starting threads, or they keep running unfiltered). */
#pragma once
#include <stdbool.h>
#include "base/err.h"

enum sandbox_level {
	/* Deny-list: everything but execve/execveat, ptrace and
	 * process_vm_*, mount and namespace calls, bpf, module and kexec
	 * loading, the setuid family and capset, keyrings, perf, io_uring,
	 * userfaultfd, clock and host changes (killed). For stages that
	 * still connect, open TLS or read data files (scan, audit, creds). */
	SANDBOX_DENY,
	/* Allow-list: reading and writing descriptors already open, memory,
	 * time, signals, threads, polling and receiving; no open, no socket,
	 * no connect, no send (refused with EPERM), plus the deny-list
	 * (killed). For the live capture and collector packet loops. */
	SANDBOX_PARSE,
	/* SANDBOX_PARSE plus open/openat for reading only (no write access,
	 * no create, no truncate): `flows FILE` reads its inputs one by one. */
	SANDBOX_PARSE_READ,
};

/* Descriptors the allow-lists treat apart (-1: none). */
struct sandbox_fds {
	int recv_only; /* write, writev, pwrite on it refused: a packet socket cannot inject frames */
	int send_ok;   /* the one descriptor send/sendto may use (the rename monitor's socket) */
};
#define SANDBOX_FDS_NONE ((struct sandbox_fds){ -1, -1 })

/* Installs the filter of level l (fds matter to the allow-lists only).
 * 0 or <0 with e set; the caller must stop on failure. */
int sandbox_apply(enum sandbox_level l, struct sandbox_fds fds, struct dm_err *e);

/* The level's name for messages and docs ("deny-list", ...). */
const char *sandbox_name(enum sandbox_level l);
