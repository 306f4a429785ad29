/* Whether raw sockets are possible (libcap); the drop itself is base/privsep.c. */
#include "scan/privdrop.h"
#include <sys/capability.h>

bool can_open_raw(void)
{
	cap_t c = cap_get_proc();
	if (!c) return false;
	cap_flag_value_t v = CAP_CLEAR;
	cap_get_flag(c, CAP_NET_RAW, CAP_EFFECTIVE, &v);
	cap_free(c);
	return v == CAP_SET;
}
