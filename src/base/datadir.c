/* Run-time location of data/: environment, then the build tree (a binary
 * run where it was built), then the installed share directory. */
#include "base/datadir.h"

#include "base/util.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DORMANT_INSTALL_DATADIR
#define DORMANT_INSTALL_DATADIR "/usr/share/dormant"
#endif
#ifndef DORMANT_SOURCE_DATADIR
#define DORMANT_SOURCE_DATADIR DORMANT_INSTALL_DATADIR
#endif
#ifndef DORMANT_BUILD_ROOT
#define DORMANT_BUILD_ROOT ""
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char datadir[PATH_MAX];

/* True when the running executable lies under the build tree: tests and
 * `make demo` then read the data they were built with, an installed copy
 * (even of the same build) reads the installed data. */
static int running_from_build_tree(void)
{
	const char *root = DORMANT_BUILD_ROOT;
	size_t n = strlen(root);
	if (n == 0) return 0;
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0) return 0;
	exe[len] = '\0';
	return strncmp(exe, root, n) == 0 && exe[n] == '/';
}

static void pick_datadir(void)
{
	const char *env = getenv("DORMANT_DATADIR");
	const char *dir = env && *env                 ? env
			  : running_from_build_tree() ? DORMANT_SOURCE_DATADIR
						      : DORMANT_INSTALL_DATADIR;
	snprintf(datadir, sizeof(datadir), "%s", dir);
	size_t n = strlen(datadir);
	while (n > 1 && datadir[n - 1] == '/') datadir[--n] = '\0';
}

const char *dm_datadir(void)
{
	pthread_once(&once, pick_datadir);
	return datadir;
}

/* Paths handed out are kept for the process's life: callers store them in
 * long-lived config structs, and there are only a handful of names. */
struct joined {
	struct joined *next;
	char *rel;
	char path[];
};
static struct joined *joined_list;
static pthread_mutex_t joined_lock = PTHREAD_MUTEX_INITIALIZER;

const char *dm_data(const char *rel)
{
	const char *dir = dm_datadir();
	pthread_mutex_lock(&joined_lock);
	for (struct joined *j = joined_list; j; j = j->next)
		if (strcmp(j->rel, rel) == 0) {
			pthread_mutex_unlock(&joined_lock);
			return j->path;
		}
	size_t need = strlen(dir) + 1 + strlen(rel) + 1;
	struct joined *j = xmalloc(sizeof(*j) + need);
	snprintf(j->path, need, "%s/%s", dir, rel);
	j->rel = xstrdup(rel);
	j->next = joined_list;
	joined_list = j;
	pthread_mutex_unlock(&joined_lock);
	return j->path;
}
