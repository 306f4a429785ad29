/* The options `dormant flows` and `dormant collect` share (site config,
 * GeoIP, store, rules, --fail-on), parsed into a traffic job's arguments. */
#pragma once
#include <stdio.h>
#include <sys/socket.h>
#include "cmd/opts.h"
#include "pipeline/traffic-job.h"

enum { T_CONFIG = 100, T_GEOIP, T_DB, T_RULES, T_NOANALYZE, T_FAILON, T_EXPLAIN, T_SITE };
#define TRAFFIC_OPTS                                                                                      \
	{ "--config", T_CONFIG, true, "FILE",                                                             \
	  "site policy: time zone, business hours, home countries, segments (INI)" },                     \
	    { "--geoip", T_GEOIP, true, "FILE",                                                           \
	      "country database (MaxMind format); default: the config's, else the installed one" },       \
	    { "--db", T_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" }, \
	    { "--site", T_SITE, true, "NAME", "the site observed (default: --config's [site] name)" },    \
	    { "--rules", T_RULES, true, "LIST", "run only these traffic rules (comma-separated ids)" },   \
	    { "--no-analyze", T_NOANALYZE, false, NULL,                                                   \
	      "only summarise the flows into the store; run no rule" },                                   \
	    { "--explain", T_EXPLAIN, true, "HOST",                                                       \
	      "print what each rule judged of HOST's flows and which allowlist entry set what aside" },   \
	{                                                                                                 \
		"--fail-on", T_FAILON, true, "SEVERITY", "exit 1 when a finding is at SEVERITY or above"  \
	}
/* The rules --rules accepts, for --help. */
void traffic_rules_help(FILE *f);
/* Handles the TRAFFIC_OPTS ids; 1 when id is not one of them. */
int traffic_args_opt(struct traffic_args *t, int id, const char *name, const char *arg, struct dm_err *e);
/* "198.18.0.1:2055", "[::1]:4739" into a socket address (ret may be NULL:
 * only checked); the error names --listen. */
int listen_parse(const char *s, struct sockaddr_storage *ret, socklen_t *ret_len, struct dm_err *e);
/* A collector's socket: a deep receive queue (COLLECTOR_RCVBUF bytes; it
 * absorbs the export while the reader waits for the judge or the disk) and
 * the kernel's drop counter with each datagram (SO_RXQ_OVFL). Says so
 * (what: the section or option) when the kernel grants less than asked:
 * SO_RCVBUFFORCE needs CAP_NET_ADMIN, else net.core.rmem_max caps it.
 * Returns the bytes granted. */
enum { COLLECTOR_RCVBUF = 256 << 20 };
int collector_socket_tune(int fd, const char *what);
