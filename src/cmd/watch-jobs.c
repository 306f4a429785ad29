/* The commands a watch job may run (they observe and store: audit, scan,
 * creds, secrets), their options checked by the command's own parser, and
 * the run itself: the command's entry called in a child of the watcher,
 * since it drops privileges and installs its seccomp filter for good. */
#include "cmd/watch.h"
#include "base/log.h"
#include "cmd/cmd.h"
#include "cmd/scan-opts.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct scan_command *scan; /* NULL: secrets */
} commands[] = {
	{ "audit", cmd_audit, &audit_cmd },
	{ "scan", cmd_scan, &scan_cmd },
	{ "creds", cmd_creds, &creds_cmd },
	{ "secrets", cmd_secrets, NULL },
};

int (*watch_command(const char *name))(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name)) return commands[i].fn;
	return NULL;
}

int watch_job_check(const struct watch_job *j, struct dm_err *e)
{
	enum log_level keep = log_level; /* -q and -v set the level as they are parsed */
	int r = DM_EINPUT;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, j->argv[0])) continue;
		r = commands[i].scan ? scan_command_check(commands[i].scan, j->argc - 1, j->argv + 1, e)
				     : cmd_secrets_check(j->argc - 1, j->argv + 1, e);
	}
	log_level = keep;
	return r;
}

pid_t watch_job_spawn(const struct watch_job *j, const int *close_fds, size_t n_close)
{
	int (*fn)(int, char **) = watch_command(j->argv[0]);
	if (!fn) return DM_EINPUT;
	fflush(NULL);
	pid_t pid = fork();
	if (pid != 0) return pid < 0 ? -errno : pid;
	/* the child: the watcher's sockets and signal handling are not its own */
	for (size_t i = 0; i < n_close; i++)
		if (close_fds[i] >= 0) close(close_fds[i]);
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigaction(SIGHUP, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGCHLD, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	unsetenv("NOTIFY_SOCKET"); /* only the watcher speaks to systemd */
	char **argv = xcalloc((size_t)j->argc + 1, sizeof(*argv));
	for (int i = 0; i < j->argc; i++) argv[i] = xstrdup(j->argv[i]);
	int code = fn(j->argc - 1, argv + 1);
	fflush(NULL);
	_exit(code);
}
