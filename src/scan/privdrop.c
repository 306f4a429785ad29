/* Capability checks and dropping with libcap. */
#include "scan/privdrop.h"
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

bool can_open_raw(void)
{
	cap_t c = cap_get_proc();
	if (!c) return false;
	cap_flag_value_t v = CAP_CLEAR;
	cap_get_flag(c, CAP_NET_RAW, CAP_EFFECTIVE, &v);
	cap_free(c);
	return v == CAP_SET;
}

int drop_privileges(struct dm_err *e)
{
	cap_t c = cap_init(); /* empty: no capability in any set */
	if (!c) return dm_fail(e, -errno, "cap_init: %s", strerror(errno));
	int r = cap_set_proc(c);
	int err = errno;
	cap_free(c);
	if (r < 0) return dm_fail(e, -err, "dropping capabilities: %s", strerror(err));
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return dm_fail(e, -errno, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	return 0;
}
