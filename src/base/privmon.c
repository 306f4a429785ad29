/* The rename monitor of base/privmon.h: the table of allowed renames is
 * copied into the monitor by fork(), so nothing the unprivileged side
 * sends can name another path; a request is a 32-bit index, the answer
 * 0 or -errno. */
#include "base/privmon.h"
#include "base/util.h"
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { DISCARD = 1u << 31 }; /* in a request: unlink the temporary file instead */

void privmon_allow(struct privmon *m, const char *from, const char *to)
{
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	m->v[m->n++] = (struct privmon_pair){ xstrdup(from), xstrdup(to), false };
}

/* The monitor's own confinement; any failure ends it (renames then fail
 * with EPIPE on the other side, which reports them). */
static void confine(void)
{
	cap_value_t keep = CAP_DAC_OVERRIDE;
	/* run by an unprivileged user (`flows FILE`): nothing to shed, the
	 * renames are done with that user's own rights */
	bool root = geteuid() == 0;
	for (cap_value_t cap = 0; root && cap < cap_max_bits(); cap++)
		if (cap != keep && CAP_IS_SUPPORTED(cap) && cap_get_bound(cap) > 0 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			_exit(1);
	cap_t c = cap_init();
	if (!c || cap_set_flag(c, CAP_PERMITTED, 1, &keep, CAP_SET) < 0 ||
	    cap_set_flag(c, CAP_EFFECTIVE, 1, &keep, CAP_SET) < 0 || (cap_set_proc(c) < 0 && root))
		_exit(1);
	cap_free(c);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) _exit(1);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	static const char *const allowed[] = { "read",   "write",    "rename", "renameat",   "renameat2",
					       "unlink", "unlinkat", "exit",   "exit_group", "rt_sigreturn",
					       "brk",    "mmap",     "munmap", "futex" };
	if (!ctx) _exit(1);
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0) _exit(1);
	}
	if (seccomp_load(ctx) < 0) _exit(1);
	/* the context stays: freeing it would call more than the filter allows */
}

/* dormant closed its end (at the end, or it died: a kill -9 included):
 * a temporary file it neither committed nor discarded is removed, so an
 * interrupted run leaves the old output or none, never a partial one. */
static void leave(struct privmon *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (!m->v[i].done) unlink(m->v[i].from);
	_exit(0);
}

static void serve(struct privmon *m, int fd)
{
	for (;;) {
		uint32_t i;
		if (read(fd, &i, sizeof(i)) != (ssize_t)sizeof(i)) leave(m);
		int32_t res = -EPERM;
		uint32_t k = i & ~DISCARD;
		if (k < m->n && !m->v[k].done) {
			m->v[k].done = true;
			if (i & DISCARD)
				res = unlink(m->v[k].from) < 0 ? -errno : 0;
			else
				res = rename(m->v[k].from, m->v[k].to) < 0 ? -errno : 0;
		}
		if (write(fd, &res, sizeof(res)) != (ssize_t)sizeof(res)) _exit(0);
	}
}

int privmon_start(struct privmon *m, struct dm_err *e)
{
	m->pid = 0;
	m->fd = -1;
	if (!m->n) return 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return dm_fail(e, -errno, "privileges: rename monitor: socketpair: %s", strerror(errno));
	fflush(NULL); /* nothing buffered may be written twice */
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		int err = errno;
		close(sv[0]);
		close(sv[1]);
		return dm_fail(e, -err, "privileges: rename monitor: fork: %s", strerror(err));
	}
	if (pid == 0) {
		/* no PDEATHSIG: when dormant dies its end closes and the monitor cleans up */
		if (getppid() != parent) _exit(0);
		/* nothing of dormant's stays open here: sockets, pcap, store, outputs */
		if (sv[1] != 3 && dup2(sv[1], 3) < 0) _exit(1);
		close_range(0, 2, 0);
		close_range(4, ~0U, 0);
		confine();
		serve(m, 3);
	}
	close(sv[1]);
	m->pid = pid;
	m->fd = sv[0];
	return 0;
}

static int request(struct privmon *m, const char *from, const char *to, uint32_t flag)
{
	uint32_t i = 0;
	while (i < m->n && (strcmp(m->v[i].from, from) || (to && strcmp(m->v[i].to, to)))) i++;
	if (i == m->n) return -EPERM;
	i |= flag;
	if (send(m->fd, &i, sizeof(i), MSG_NOSIGNAL) != (ssize_t)sizeof(i)) return errno ? -errno : -EIO;
	int32_t res;
	if (read(m->fd, &res, sizeof(res)) != (ssize_t)sizeof(res)) return -EPIPE;
	return res;
}

int privmon_rename(void *ctx, const char *from, const char *to)
{
	struct privmon *m = ctx;
	if (!m || !m->pid) return rename(from, to) < 0 ? -errno : 0;
	return request(m, from, to, 0);
}

int privmon_unlink(void *ctx, const char *from)
{
	struct privmon *m = ctx;
	if (!m || !m->pid) return unlink(from) < 0 ? -errno : 0;
	return request(m, from, NULL, DISCARD);
}

void privmon_stop(struct privmon *m)
{
	if (m->pid) {
		close(m->fd);
		while (waitpid(m->pid, NULL, 0) < 0 && errno == EINTR) {
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].from);
		free(m->v[i].to);
	}
	free(m->v);
	*m = (struct privmon){ .fd = -1 };
}
