/* The option ids of scan, audit and creds (the table is scan-opts.c) and
 * the function that applies one option to struct scan_args
 * (scan-opt-apply.c). Private to those files and scan-run.c. */
#pragma once
#include "cmd/scan-opts.h"

enum scan_opt_id {
	O_PORTS = 1,
	O_TOP,
	O_UDP,
	O_SYN,
	O_CONNECT,
	O_PN,
	O_SN,
	O_IL,
	O_EXCLUDE,
	O_EXCLUDE_FILE,
	O_PUBLIC,
	O_RATE,
	O_RETRIES,
	O_WAIT,
	O_COOLDOWN,
	O_CTIMEOUT,
	O_INFLIGHT,
	O_SEED,
	O_SHARD,
	O_RESUME,
	O_IFACE,
	O_SOURCE,
	O_ROUTER,
	O_OJ,
	O_OX,
	O_ON,
	O_DB,
	O_QUIET,
	O_VERBOSE,
	O_HELP,
	O_NODROP,
	O_USER,
	O_REDACT,
	O_SERVICES,
	O_FPDIR,
	O_PERHOST,
	O_NOSERVICES,
	O_MINCONF,
	O_FAILON,
	O_OPEN,
	O_NOVULN,
	O_FLOWS,
	O_INVENTORY,
	O_CONFIG,
	O_GEOIP,
	O_HTML,
	O_LEASES,
	O_CSV,
	O_CHECKCREDS,
	O_CREDDB,
	O_BUDGET,
	O_HOSTBUDGET,
	O_LDELAY,
	O_LTIMEOUT,
	O_LPARALLEL,
	O_OA,
	O_TIMING,
	O_YES,
	O_VV,
	O_DEBUG,
	O_SVCPROBES,
	O_INTENSITY,
	O_SENSOR,
	/* edge (issue 23): numbered apart so that ids other branches append cannot collide */
	O_UPNP = 300,
	O_TESTMAP,
	O_GATEWAY,
	O_EXTERNAL,
	/* sites and run groups (issue 22): apart too */
	O_SITE = 400,
	O_RUNGROUP,
	/* files judged hour by hour (issue 21): apart too */
	O_FLOWS_HOURLY = 500,
	O_FLOWS_AT_ONCE,
};

/* Which options a -T template sets were given explicitly (scan_args.explicit_timing). */
enum { TIMING_RATE = 1, TIMING_RETRIES = 2, TIMING_WAIT = 4, TIMING_CTIMEOUT = 8, TIMING_INFLIGHT = 16 };

/* The opts_parse() callback: one option (id 0: a target) into ctx, a struct scan_args. */
int scan_opt_apply(void *ctx, int id, const char *name, const char *arg, struct dm_err *e);
