/* The drop point of `flows --iface` and `collect` (receiver-drop.h). */
#include "pipeline/receiver-drop.h"
#include "base/log.h"
#include "base/sandbox.h"

void receiver_outputs(struct privmon *mon, const struct out_file *oj)
{
	if (oj && oj->tmp_path) privmon_allow(mon, oj->tmp_path, oj->path);
	out_set_hooks(&(struct out_hooks){ privmon_rename, privmon_unlink, mon });
}

int receiver_drop(const struct privsep_plan *plan, struct privmon *mon, int recv_fd, const char *kind,
		  struct dm_err *e)
{
	int r;
	if ((plan->switch_user && (r = privmon_start(mon, e)) < 0) || (r = privsep_apply(plan, e)) < 0)
		return r;
	if (plan->drop &&
	    (r = sandbox_apply(SANDBOX_PARSE,
			       (struct sandbox_fds){ .recv_only = recv_fd, .send_ok = mon->fd }, e)) < 0)
		return r;
	if (plan->switch_user)
		log_debug("%s: running as %s (uid %u, from %s)", kind, plan->u.name, (unsigned)plan->u.uid,
			  plan->u.why);
	return 0;
}
