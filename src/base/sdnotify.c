/* sd_notify(3)'s protocol by hand: a datagram on an AF_UNIX socket, whose
 * path starts with '@' for the abstract namespace. Used by `dormant watch`
 * under Type=notify for readiness, reloads and the watchdog. */
#include "base/sdnotify.h"
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sd_notify_state(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (!path || !*path) return 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path)) return -EINVAL;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@') sa.sun_path[0] = 0;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return -errno;
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	ssize_t w = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	int err = w < 0 ? -errno : 0;
	close(fd);
	return err;
}

double sd_watchdog_period(void)
{
	const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	if (!us) return 0;
	if (pid && strtol(pid, NULL, 10) != (long)getpid()) return 0;
	char *end;
	unsigned long long v = strtoull(us, &end, 10);
	return *end || !v ? 0 : (double)v / 1e6;
}
