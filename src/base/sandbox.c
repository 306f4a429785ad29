/* The seccomp filters of base/sandbox.h, built with libseccomp. Names are
 * resolved for the running architecture; a call the architecture does not
 * have is skipped, every other rule is checked. The deny-list kills the
 * process (nothing dormant does after the drop needs those calls: their
 * use means a parser was subverted); outside an allow-list a call fails
 * with EPERM, so a library that tries to open a file lazily gets an error
 * it reports, not a dead capture. */
#include "base/sandbox.h"
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static const char *const denied[] = {
	"execve",
	"execveat",
#ifndef UNDER_SANITIZER /* LeakSanitizer traces the process at exit */
	"ptrace",
#endif
	"process_vm_readv",
	"process_vm_writev",
	"pidfd_getfd",
	"kcmp",
	"mount",
	"umount2",
	"pivot_root",
	"chroot",
	"move_mount",
	"open_tree",
	"fsopen",
	"fsconfig",
	"fsmount",
	"fspick",
	"mount_setattr",
	"unshare",
	"setns",
	"bpf",
	"perf_event_open",
	"userfaultfd",
	"io_uring_setup",
	"io_uring_enter",
	"io_uring_register",
	"init_module",
	"finit_module",
	"delete_module",
	"kexec_load",
	"kexec_file_load",
	"setuid",
	"setgid",
	"setreuid",
	"setregid",
	"setresuid",
	"setresgid",
	"setgroups",
	"setfsuid",
	"setfsgid",
	"capset",
	"personality",
	"keyctl",
	"add_key",
	"request_key",
	"open_by_handle_at",
	"name_to_handle_at",
	"fanotify_init",
	"lookup_dcookie",
	"swapon",
	"swapoff",
	"reboot",
	"acct",
	"quotactl",
	"quotactl_fd",
	"iopl",
	"ioperm",
	"syslog",
	"vhangup",
	"settimeofday",
	"clock_settime",
	"clock_adjtime",
	"adjtimex",
	"sethostname",
	"setdomainname",
};

/* What parsing and computing on open descriptors needs, glibc, SQLite (on
 * its open connections), libpcap's ring and threads included. */
static const char *const parse_allowed[] = {
	"read",
	"readv",
	"pread64",
	"preadv",
	"lseek",
	"close",
	"fstat",
	"newfstatat",
	"statx",
	"fcntl",
	"flock",
	"fsync",
	"fdatasync",
	"ftruncate",
	"fallocate",
	"getdents64",
	"poll",
	"ppoll",
	"select",
	"pselect6",
	"epoll_wait",
	"epoll_pwait",
	"epoll_ctl",
	"recvfrom",
	"recvmsg",
	"recvmmsg",
	"getsockopt",
	"getsockname",
	"mmap",
	"munmap",
	"mremap",
	"mprotect",
	"madvise",
	"brk",
	"mincore",
	"futex",
	"set_robust_list",
	"get_robust_list",
	"rseq",
	"clone",
	"clone3",
	"set_tid_address",
	"membarrier",
	"wait4",
	"exit",
	"exit_group",
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigreturn",
	"sigaltstack",
	"restart_syscall",
	"tgkill",
	"tkill",
	"getpid",
	"gettid",
	"getppid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getresuid",
	"getresgid",
	"getgroups",
	"clock_gettime",
	"clock_getres",
	"gettimeofday",
	"time",
	"nanosleep",
	"clock_nanosleep",
	"sched_yield",
	"sched_getaffinity",
	"getrandom",
	"prlimit64",
	"getrlimit",
	"getrusage",
	"uname",
	"sysinfo",
#ifdef UNDER_SANITIZER /* LeakSanitizer at exit: /proc/self/task and maps, then ptrace of the threads */
	"ptrace",
	"prctl",
	"getdents",
	"readlink",
	"readlinkat",
	"pipe",
	"pipe2",
	"dup",
	"dup2",
	"dup3",
#endif
};

/* Writes: to any descriptor but the receive-only one (a second filter). */
static const char *const write_calls[] = { "write", "writev", "pwrite64", "pwritev" };

const char *sandbox_name(enum sandbox_level l)
{
	switch (l) {
	case SANDBOX_DENY: return "deny-list";
	case SANDBOX_PARSE: return "parse allow-list";
	case SANDBOX_PARSE_READ: return "parse allow-list with read-only open";
	}
	return "?";
}

static int add(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
	       const struct scmp_arg_cmp *cmp, struct dm_err *e)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) return 0; /* not a call of this architecture */
	int r = seccomp_rule_add_array(ctx, action, nr, n, cmp);
	if (r < 0) return dm_fail(e, r, "seccomp: rule for %s: %s", name, strerror(-r));
	return 0;
}

static int add_parse_rules(scmp_filter_ctx ctx, enum sandbox_level l, struct sandbox_fds fds,
			   struct dm_err *e)
{
	int r;
	uint32_t allow = SCMP_ACT_ALLOW;
	for (size_t i = 0; i < ARRAY_SIZE(parse_allowed); i++)
		if ((r = add(ctx, allow, parse_allowed[i], 0, NULL, e)) < 0) return r;
	/* Descriptors and ioctl numbers are compared on their low 32 bits, as
	 * the kernel reads them (a plain 64-bit compare lets fd | 1 << 32 by). */
	for (size_t i = 0; i < ARRAY_SIZE(write_calls); i++)
		if ((r = add(ctx, allow, write_calls[i], 0, NULL, e)) < 0) return r;
	if (fds.send_ok >= 0) {
		struct scmp_arg_cmp only =
		    SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)(unsigned)fds.send_ok);
		if ((r = add(ctx, allow, "sendto", 1, &only, e)) < 0) return r;
	}
	/* stdio asks whether stdout is a terminal before its first write */
	struct scmp_arg_cmp tcgets = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TCGETS);
	if ((r = add(ctx, allow, "ioctl", 1, &tcgets, e)) < 0) return r;
	bool read_open = l == SANDBOX_PARSE_READ;
#ifdef UNDER_SANITIZER
	read_open = true;
#endif
	if (read_open) {
		/* read-only: no write access, no create, no truncate, no O_TMPFILE */
		scmp_datum_t mask = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | (O_TMPFILE & ~O_DIRECTORY);
		struct scmp_arg_cmp ro2 = SCMP_A2(SCMP_CMP_MASKED_EQ, mask, 0),
				    ro1 = SCMP_A1(SCMP_CMP_MASKED_EQ, mask, 0);
		if ((r = add(ctx, allow, "openat", 1, &ro2, e)) < 0 ||
		    (r = add(ctx, allow, "open", 1, &ro1, e)) < 0)
			return r;
	}
	return 0;
}

/* A second filter on top: writes to the receive-only descriptor refused.
 * The kernel applies every filter and the strictest answer wins, so the
 * allow-list can keep write unconditional. */
static int add_recv_only(int fd, struct dm_err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) return dm_fail(e, -ENOMEM, "seccomp: cannot create a filter");
	struct scmp_arg_cmp is_fd = SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)(unsigned)fd);
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(write_calls) && r == 0; i++)
		r = add(ctx, SCMP_ACT_ERRNO(EPERM), write_calls[i], 1, &is_fd, e);
	if (r == 0 && (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		r = dm_fail(e, r, "seccomp: thread sync: %s", strerror(-r));
	if (r == 0 && (r = seccomp_load(ctx)) < 0)
		r = dm_fail(e, r, "seccomp: loading the receive-only filter: %s", strerror(-r));
	seccomp_release(ctx);
	return r;
}

int sandbox_apply(enum sandbox_level l, struct sandbox_fds fds, struct dm_err *e)
{
	bool allow_list = l != SANDBOX_DENY;
	int r;
	/* first: the allow-list does not let seccomp() itself through */
	if (allow_list && fds.recv_only >= 0 && (r = add_recv_only(fds.recv_only, e)) < 0) return r;
	scmp_filter_ctx ctx = seccomp_init(allow_list ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_ALLOW);
	if (!ctx) return dm_fail(e, -ENOMEM, "seccomp: cannot create a filter");
	r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(denied) && r == 0; i++)
		r = add(ctx, SCMP_ACT_KILL_PROCESS, denied[i], 0, NULL, e);
	if (r == 0 && allow_list) r = add_parse_rules(ctx, l, fds, e);
	/* the filter covers every thread already running (libraries' helpers) */
	if (r == 0 && (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		r = dm_fail(e, r, "seccomp: thread sync: %s", strerror(-r));
	if (r == 0 && (r = seccomp_load(ctx)) < 0)
		r = dm_fail(e, r, "seccomp: loading the %s filter: %s", sandbox_name(l), strerror(-r));
	seccomp_release(ctx);
	return r;
}
