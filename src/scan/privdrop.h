/* Privileges: whether raw sockets are possible, and dropping every
 * capability once they are open (the process keeps its uid, so files it
 * owns stay writable; nothing it runs can regain privileges). */
#pragma once
#include <stdbool.h>
#include "base/err.h"

bool can_open_raw(void);
int drop_privileges(struct dm_err *e);
