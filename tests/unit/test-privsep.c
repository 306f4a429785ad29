/* The privilege drop, the seccomp filters and the rename monitor, each in
 * a forked child (none of them can be undone). They need root, as CI has;
 * as an ordinary user only the resolution and the refusals are tested. */
#include "test.h"
#include "base/privmon.h"
#include "base/privsep.h"
#include "base/sandbox.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn in a child; returns its wait status. The child leaves with
 * _exit: no atexit handler, no leak check of the parent's memory. */
static int in_child(int (*fn)(void *), void *ctx)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) _exit(fn(ctx));
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

static const char *secret_dir(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/dormant-privsep-XXXXXX");
	return mkdtemp(buf); /* 0700, root's */
}

static void user_resolution(void)
{
	struct privsep_user u;
	struct dm_err e = { "" };
	CHECK_INT(privsep_resolve("no-such-user-here", &u, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "--user no-such-user-here: no such user") != NULL);
	CHECK_INT(privsep_resolve("root", &u, &e), DM_EINPUT);
	CHECK(strstr(e.msg, "uid or gid 0") != NULL);
	CHECK_INT(privsep_resolve("0", &u, &e), DM_EINPUT);
	char *old = getenv("SUDO_UID") ? strdup(getenv("SUDO_UID")) : NULL;
	setenv("SUDO_UID", "4242", 1);
	setenv("SUDO_GID", "4343", 1);
	CHECK_INT(privsep_resolve(NULL, &u, &e), 0);
	CHECK_INT(u.uid, 4242);
	CHECK_INT(u.gid, 4343);
	CHECK_STR(u.why, "SUDO_UID");
	setenv("SUDO_UID", "0", 1); /* sudo from root: not a user to become */
	CHECK_INT(privsep_resolve(NULL, &u, &e), 0);
	CHECK(u.uid != 0 && strcmp(u.why, "SUDO_UID"));
	if (old)
		setenv("SUDO_UID", old, 1);
	else
		unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	free(old);
	struct privsep_plan p;
	struct privsep_opts both = { .user = "nobody", .keep = true };
	CHECK_INT(privsep_plan(&both, &p, &e), DM_EINPUT);
}

static int drop_child(void *ctx)
{
	const char *file = ctx;
	struct privsep_user u;
	struct dm_err e = { "" };
	if (privsep_resolve("nobody", &u, &e) < 0) return 10;
	if (privsep_drop(&u, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 11;
	}
	if (getuid() == 0 || geteuid() == 0 || getgid() == 0) return 12;
	if (setuid(0) == 0 || setresuid(0, 0, 0) == 0) return 13;
	if (open(file, O_RDONLY) >= 0 || errno != EACCES) return 14; /* a root-only file is out of reach */
	if (prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) != 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 15;
	if (socket(AF_PACKET, SOCK_RAW, 0) >= 0) return 16;
	return privsep_verify(true, &e) == 0 ? 0 : 17;
}

static void drop_to_nobody(void)
{
	if (geteuid() != 0) return;
	char dir[64], file[96];
	CHECK(secret_dir(dir, sizeof(dir)) != NULL);
	snprintf(file, sizeof(file), "%s/secret", dir);
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	close(fd);
	int st = in_child(drop_child, file);
	CHECK(WIFEXITED(st));
	CHECK_INT(WEXITSTATUS(st), 0);
	unlink(file);
	rmdir(dir);
}

static int parse_child(void *ctx)
{
	(void)ctx;
	int sv[2], pfd[2];
	struct dm_err e = { "" };
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0 || pipe(pfd) < 0) return 10;
	if (sandbox_apply(SANDBOX_PARSE, (struct sandbox_fds){ .recv_only = sv[0], .send_ok = -1 }, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 11;
	}
	if (open("/tmp/dormant-seccomp-test", O_WRONLY | O_CREAT, 0600) >= 0 || errno != EPERM) return 12;
	if (socket(AF_INET, SOCK_DGRAM, 0) >= 0 || errno != EPERM) return 13;
	if (write(sv[0], "x", 1) >= 0 || errno != EPERM) return 14; /* receive-only, */
	if (syscall(SYS_write, (long)sv[0] | (1L << 32), "x", 1L) >= 0 || errno != EPERM)
		return 19;                                            /* even so */
	if (send(sv[1], "x", 1, 0) >= 0 || errno != EPERM) return 15; /* no send at all */
	if (write(pfd[1], "x", 1) != 1) return 16;                    /* other descriptors stay writable */
	char c;
	if (read(pfd[0], &c, 1) != 1 || c != 'x') return 17;
	char *argv[] = { (char *)"/bin/true", NULL };
	execv(argv[0], argv); /* killed here */
	return 18;
}

static void parse_allow_list(void)
{
	int st = in_child(parse_child, NULL);
	CHECK(WIFSIGNALED(st));
	if (WIFSIGNALED(st))
		CHECK_INT(WTERMSIG(st), SIGSYS);
	else
		CHECK_INT(WEXITSTATUS(st), -1);
}

static int deny_child(void *ctx)
{
	(void)ctx;
	struct dm_err e = { "" };
	if (sandbox_apply(SANDBOX_DENY, SANDBOX_FDS_NONE, &e) < 0) return 11;
	int fd = open("/dev/null", O_WRONLY); /* the deny-list leaves files and sockets alone */
	if (fd < 0) return 12;
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) return 13;
	close(fd);
	if (geteuid() != 0) return 0;
	if (setuid(65534) < 0) return 15; /* killed: the setuid family is on the deny-list */
	return 14;
}

static void deny_list(void)
{
	int st = in_child(deny_child, NULL);
	if (geteuid() != 0) {
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		return;
	}
	CHECK(WIFSIGNALED(st));
	if (WIFSIGNALED(st))
		CHECK_INT(WTERMSIG(st), SIGSYS);
	else
		CHECK_INT(WEXITSTATUS(st), -1);
}

struct mon_case {
	char a_tmp[96], a_out[96], b_tmp[96], b_out[96], c_out[96], d_tmp[96], d_out[96];
};

static int monitor_child(void *ctx)
{
	struct mon_case *m = ctx;
	struct privmon mon = { .fd = -1 };
	struct privsep_user u;
	struct dm_err e = { "" };
	privmon_allow(&mon, m->a_tmp, m->a_out);
	privmon_allow(&mon, m->b_tmp, m->b_out);
	privmon_allow(&mon, m->d_tmp, m->d_out); /* left alone: removed when the monitor ends */
	if (privmon_start(&mon, &e) < 0 || privsep_resolve("nobody", &u, &e) < 0 || privsep_drop(&u, &e) < 0)
		return 10;
	if (rename(m->a_tmp, m->a_out) == 0 || errno != EACCES) return 11; /* we cannot, */
	if (privmon_rename(&mon, m->a_tmp, m->a_out) != 0) return 12;      /* the monitor can, */
	if (privmon_rename(&mon, m->a_tmp, m->a_out) != -EPERM) return 13; /* once, */
	if (privmon_rename(&mon, m->b_tmp, m->c_out) != -EPERM) return 14; /* and only the pairs allowed */
	if (privmon_unlink(&mon, m->b_tmp) != 0) return 15;
	if (privmon_rename(&mon, m->b_tmp, m->b_out) != -EPERM) return 16;
	privmon_stop(&mon);
	return 0;
}

static void rename_monitor(void)
{
	if (geteuid() != 0) return;
	char dir[64];
	struct mon_case m;
	CHECK(secret_dir(dir, sizeof(dir)) != NULL);
	snprintf(m.a_tmp, sizeof(m.a_tmp), "%s/a.tmp", dir);
	snprintf(m.a_out, sizeof(m.a_out), "%s/a.out", dir);
	snprintf(m.b_tmp, sizeof(m.b_tmp), "%s/b.tmp", dir);
	snprintf(m.b_out, sizeof(m.b_out), "%s/b.out", dir);
	snprintf(m.c_out, sizeof(m.c_out), "%s/c.out", dir);
	snprintf(m.d_tmp, sizeof(m.d_tmp), "%s/d.tmp", dir);
	snprintf(m.d_out, sizeof(m.d_out), "%s/d.out", dir);
	close(open(m.a_tmp, O_WRONLY | O_CREAT | O_EXCL, 0600));
	close(open(m.b_tmp, O_WRONLY | O_CREAT | O_EXCL, 0600));
	close(open(m.d_tmp, O_WRONLY | O_CREAT | O_EXCL, 0600));
	int st = in_child(monitor_child, &m);
	CHECK(WIFEXITED(st));
	CHECK_INT(WEXITSTATUS(st), 0);
	CHECK(access(m.a_out, F_OK) == 0 && access(m.a_tmp, F_OK) < 0);
	CHECK(access(m.b_tmp, F_OK) < 0 && access(m.b_out, F_OK) < 0 && access(m.c_out, F_OK) < 0);
	CHECK(access(m.d_tmp, F_OK) < 0 && access(m.d_out, F_OK) < 0);
	unlink(m.a_out);
	rmdir(dir);
}

SUITE(suite_privsep, "privsep", T(user_resolution), T(drop_to_nobody), T(parse_allow_list), T(deny_list),
      T(rename_monitor));
