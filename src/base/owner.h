/* Which process on which boot owns something (a run in the store), as a
 * short text "BOOT_ID:PID", and whether that process is still there: a run
 * whose owner is gone was interrupted (killed, crashed, power lost). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* This process: "BOOT_ID:PID" (the boot id from the kernel, else "-"). */
void owner_self(char *out, size_t n);
/* False when the owner ran on an earlier boot, or its PID is gone or now
 * belongs to a program that is not dormant. Unparseable: false. */
bool owner_alive(const char *owner);
