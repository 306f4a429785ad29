/* Privileges: whether raw sockets are possible. The drop after they are
 * open is the command's (base/privsep.h). */
#pragma once
#include <stdbool.h>

bool can_open_raw(void);
