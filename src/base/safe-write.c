/* Output files written to a temporary file and renamed into place, never
 * through a symbolic link (see safe-write.h). dormant starts as root and
 * writes where the operator says: a link planted in that directory must not
 * turn a report into an overwrite of some other file. */
#include "base/safe-write.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

static struct out_hooks hooks; /* .rename NULL: renameat/unlinkat in the directory */

void out_set_hooks(const struct out_hooks *h) { hooks = h ? *h : (struct out_hooks){ 0 }; }

static int do_rename(struct out_file *o)
{
	if (hooks.rename) return hooks.rename(hooks.ctx, o->tmp_path, o->path);
	return renameat(o->dirfd, o->tmp, o->dirfd, o->name) < 0 ? -errno : 0;
}

static void do_unlink(struct out_file *o)
{
	if (hooks.unlink)
		hooks.unlink(hooks.ctx, o->tmp_path);
	else
		unlinkat(o->dirfd, o->tmp, 0);
}

static void out_release(struct out_file *o)
{
	if (!o->path) return; /* never opened, or released already */
	if (o->f && !o->is_stdout) fclose(o->f);
	if (o->dirfd >= 0) close(o->dirfd);
	free(o->path);
	free(o->name);
	free(o->tmp);
	free(o->tmp_path);
	*o = (struct out_file){ .dirfd = -1 };
}

static int fail(struct out_file *o, struct dm_err *e, int r, const char *why)
{
	dm_fail(e, r, "%s %s: %s", o->what, o->path, why ? why : strerror(-r));
	out_discard(o);
	return r;
}

/* ".NAME.XXXXXXXXXXXX": hidden, beside the final name, 64 random bits. */
static int open_tmp(struct out_file *o, mode_t mode)
{
	for (int tries = 0; tries < 16; tries++) {
		uint64_t rnd;
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd)) return -errno;
		char name[NAME_MAX + 1];
		snprintf(name, sizeof(name), ".%.200s.%016llx", o->name, (unsigned long long)rnd);
		int fd = openat(o->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd < 0 && errno == EEXIST) continue;
		if (fd < 0) return -errno;
		o->tmp = xstrdup(name);
		const char *slash = strrchr(o->path, '/');
		int dl = slash ? (int)(slash - o->path) + 1 : 0;
		size_t n = (size_t)dl + strlen(name) + 1;
		o->tmp_path = xmalloc(n);
		snprintf(o->tmp_path, n, "%.*s%s", dl, o->path, name);
		return fd;
	}
	return -EEXIST;
}

int out_open(struct out_file *o, const char *path, const char *what, mode_t mode, struct dm_err *e)
{
	*o = (struct out_file){ .dirfd = -1, .what = what, .path = xstrdup(path) };
	if (!strcmp(path, "-")) {
		o->is_stdout = true;
		o->f = stdout;
		return 0;
	}
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : xstrdup(".");
	o->name = xstrdup(slash ? slash + 1 : path);
	if (!dir) abort();
	o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (o->dirfd < 0) return fail(o, e, -errno, NULL);
	if (!o->name[0] || !strcmp(o->name, ".") || !strcmp(o->name, ".."))
		return fail(o, e, -EISDIR, "is a directory");
	struct stat st;
	int fd;
	if (fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISLNK(st.st_mode))
			return fail(o, e, -ELOOP, "is a symbolic link; refusing to write through it");
		if (S_ISDIR(st.st_mode)) return fail(o, e, -EISDIR, "is a directory");
		/* a device or FIFO (/dev/null, a named pipe): nothing to replace, written in place */
		fd = openat(o->dirfd, o->name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) fd = -errno;
	} else {
		fd = open_tmp(o, mode);
	}
	if (fd < 0)
		return fail(o, e, fd,
			    fd == -ELOOP ? "is a symbolic link; refusing to write through it" : NULL);
	if (!(o->f = fdopen(fd, "w"))) {
		int r = -errno;
		close(fd);
		return fail(o, e, r, NULL);
	}
	return 0;
}

int out_commit(struct out_file *o, struct dm_err *e)
{
	if (!o->path || !o->f) return 0;
	if (o->is_stdout) {
		int r = fflush(stdout) != 0 || ferror(stdout) ? -(errno ? errno : EIO) : 0;
		if (r == -EPIPE)
			r = 0; /* the reader has gone (| head): not an error, as main() says at exit */
		if (r < 0) dm_fail(e, r, "%s: standard output: %s", o->what, strerror(-r));
		out_release(o);
		return r;
	}
	int r = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		r = -(errno ? errno : EIO);
	else if (o->tmp && fsync(fileno(o->f)) < 0)
		r = -errno;
	FILE *f = o->f;
	o->f = NULL;
	if (fclose(f) != 0 && r == 0) r = -errno;
	if (r == 0 && o->tmp && (r = do_rename(o)) == 0) {
		free(o->tmp);
		o->tmp = NULL;
		fsync(o->dirfd); /* the rename itself survives a crash */
	}
	if (r < 0) return fail(o, e, r, NULL);
	out_release(o);
	return 0;
}

void out_discard(struct out_file *o)
{
	if (!o->path) return;
	if (o->f && !o->is_stdout) {
		fclose(o->f);
		o->f = NULL;
	}
	if (o->tmp && o->dirfd >= 0) do_unlink(o);
	out_release(o);
}
