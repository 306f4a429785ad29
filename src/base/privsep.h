/* Privilege separation as tcpdump and OpenSSH do it: a command opens what
 * needs root (raw sockets, pcap handles, privileged binds, the store and
 * its output files) first, then calls privsep_drop() once, which shrinks
 * the bounding set, becomes an unprivileged user, locks the securebits so
 * that uid 0 could never regain a capability, sets no_new_privs and checks
 * the result before it returns. Every step is checked; a failure is one
 * sentence in e and the caller must stop.
 *
 * Not thread-safe: call before any thread is started (glibc applies setuid
 * to every thread, but the checks read only the calling one). */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include "base/err.h"

/* The unprivileged user a command runs as after the drop. */
struct privsep_user {
	uid_t uid;
	gid_t gid;
	char name[64];   /* for messages: the login name or "uid N" */
	const char *why; /* "--user", "SUDO_UID", "the dormant user", "nobody" */
	bool invoker;    /* the user who ran sudo: outputs may be given to them */
};

/* What the command asked for. */
struct privsep_opts {
	const char *user; /* --user NAME (NULL: the default) */
	bool keep;        /* --keep-privileges: no drop at all */
};

/* Which user to become: --user NAME (a login name or a number), else the
 * invoking user from SUDO_UID/SUDO_GID, else the system user "dormant"
 * when it exists, else "nobody". uid 0 is refused. Runs NSS, so call it
 * before the drop (and before any seccomp filter). */
int privsep_resolve(const char *name, struct privsep_user *ret, struct dm_err *e);

/* The drop, in this order: tzset() (the zone file is read now), bounding
 * set emptied (checked), supplementary groups set to u->gid alone, gid and
 * uid set (real, effective, saved), securebits NOROOT, NO_SETUID_FIXUP,
 * KEEP_CAPS off, all locked, every capability set and the ambient set
 * cleared, no_new_privs; then privsep_verify(). Without u (an ordinary
 * user, perhaps with file capabilities) the capability sets are cleared
 * and no_new_privs set, and that is verified. */
int privsep_drop(const struct privsep_user *u /* NULL: no uid change */, struct dm_err *e);

/* The checks privsep_drop() ends with: no uid or gid 0 left (real,
 * effective, saved, fs), no capability in any set nor in the bounding set,
 * no_new_privs on, and setuid(0) refused. 0 or -EPERM with the first
 * failed check named in e. The uid, gid and bounding-set checks apply
 * when switched (an ordinary user cannot empty its bounding set). */
int privsep_verify(bool switched, struct dm_err *e);

/* What a command will do, decided right after its options are parsed so
 * that a bad --user fails before anything is opened. */
struct privsep_plan {
	bool drop;        /* false with --keep-privileges */
	bool switch_user; /* privileged now: the uid changes to u */
	struct privsep_user u;
};

/* Fills p: with o->keep nothing is dropped; when privileged the user is
 * resolved; --user without privileges is an error (there is nobody to
 * switch from). */
int privsep_plan(const struct privsep_opts *o, struct privsep_plan *ret, struct dm_err *e);

/* The drop point: privsep_drop(&p->u) when p->drop and p->switch_user,
 * privsep_drop(NULL) (no_new_privs and its check) when p->drop alone. */
int privsep_apply(const struct privsep_plan *p, struct dm_err *e);
