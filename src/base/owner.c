/* Process ownership tags "BOOT_ID:PID" (owner.h) and whether the owner lives. */
#include "base/owner.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void boot_id(char *out, size_t n)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (!f || !fgets(out, (int)n, f)) snprintf(out, n, "-");
	if (f) fclose(f);
	out[strcspn(out, "\n")] = 0;
}

void owner_self(char *out, size_t n)
{
	char b[64];
	boot_id(b, sizeof(b));
	snprintf(out, n, "%s:%ld", b, (long)getpid());
}

bool owner_alive(const char *owner)
{
	const char *colon = owner ? strrchr(owner, ':') : NULL;
	if (!colon) return false;
	char b[64];
	boot_id(b, sizeof(b));
	if (strlen(b) != (size_t)(colon - owner) || strncmp(owner, b, (size_t)(colon - owner))) return false;
	char *end;
	long pid = strtol(colon + 1, &end, 10);
	if (*end || pid <= 0) return false;
	if (pid == (long)getpid()) return true;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) return false;
	/* a PID reused by another program is not our run's process */
	char path[64], comm[32] = "";
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	FILE *f = fopen(path, "r");
	if (!f) return true; /* cannot tell: do not take its run away */
	if (!fgets(comm, sizeof(comm), f)) comm[0] = 0;
	fclose(f);
	return !strncmp(comm, "dormant", 7);
}
