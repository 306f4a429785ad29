/* Store front: picks the backend and forwards. */
#include "store/store.h"
#include "base/util.h"
#include <string.h>
#include <stdio.h>

struct store {
	const struct store_ops *ops;
};

int store_open(const char *path, struct store **ret, struct dm_err *e)
{
	if (!strncmp(path, "postgresql:", 11) || !strncmp(path, "postgres:", 9))
		return dm_fail(e, DM_EINPUT, "--db %s: this build has no PostgreSQL backend", path);
	return store_sqlite_ops.open(path, ret, e);
}

#define OPS(s) (*(const struct store_ops *const *)(s))
void store_close(struct store *s) { if (s) OPS(s)->close(s); }
int store_run_begin(struct store *s, const char *kind, const char *args, double started, int64_t *ret_id)
{
	return OPS(s)->run_begin(s, kind, args, started, ret_id);
}
int store_run_get(struct store *s, int64_t id, struct run_info *ret) { return OPS(s)->run_get(s, id, ret); }
int store_run_finish(struct store *s, int64_t id, const char *status, double finished)
{
	return OPS(s)->run_finish(s, id, status, finished);
}
int store_save_results(struct store *s, int64_t run, const struct resultset *rs) { return OPS(s)->save_results(s, run, rs); }
int store_load_results(struct store *s, int64_t run, struct resultset *rs) { return OPS(s)->load_results(s, run, rs); }
int store_runs_list(struct store *s, struct run_info **ret, size_t *n) { return OPS(s)->runs_list(s, ret, n); }
const char *store_errmsg(struct store *s) { return OPS(s)->errmsg(s); }

char *store_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char buf[4096];
	if (xdg && *xdg) snprintf(buf, sizeof(buf), "%s/dormant/dormant.db", xdg);
	else snprintf(buf, sizeof(buf), "%s/.local/share/dormant/dormant.db", home && *home ? home : ".");
	return xstrdup(buf);
}
