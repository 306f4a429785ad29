/* systemd's notification protocol without libsystemd: one datagram a state
 * ("READY=1", "WATCHDOG=1", "RELOADING=1", "STOPPING=1", "STATUS=...") to
 * the socket $NOTIFY_SOCKET names; nothing when it is not set. */
#pragma once
#include <stdbool.h>

/* 0 (sent, or no socket to send to) or -errno. */
int sd_notify_state(const char *state);
/* The watchdog's period in seconds ($WATCHDOG_USEC, for this process), 0: none. */
double sd_watchdog_period(void);
