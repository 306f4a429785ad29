/* What `dormant scan`, `audit` and `creds` share: the option table and its
 * parser (scan-opts.c), the parsed arguments (a pipeline configuration and
 * what the command checks), the checks and the run of the pipeline with its
 * exit code (scan-run.c). */
#pragma once
#include "base/buf.h"
#include "cmd/opts.h"
#include "pipeline/pipeline.h"

/* One of the three commands. */
struct scan_command {
	const char *name; /* "scan", "audit", "creds": the run's kind */
	const char *usage, *about;
	unsigned stages; /* STAGES_SCAN, STAGES_AUDIT, STAGES_CREDS */
	bool audit;      /* takes --flows, --inventory, --leases, --config, --geoip; reports changes */
	bool creds;      /* the credential checks are the point (--check-credentials implied) */
};

struct scan_args {
	struct pipeline_config p;
	struct targets targets;
	struct portlist ports;
	struct buf cmdline;
	int positional;
	long top;
	bool ports_given, udp, help, allow_public, services, no_services, no_vulns, check_creds, join_given;
	int fail_on;              /* -1: never */
	int timing;               /* -T: 0..5; -1: not given */
	unsigned explicit_timing; /* which of the options a -T template sets were given (TIMING_*) */
	bool yes;                 /* --yes: no statement of a large scope */
	bool edge_given;          /* --upnp, --test-mapping or --gateway */
	bool external;            /* --external: from outside, against [site] public ranges */
	/* the option that set each exclusive choice, for an error naming both */
	const char *mode_opt, *sn_opt, *ports_opt, *level_opt, *services_opt;
	const char *out_opt[3]; /* -oJ, -oX, -oN or -oA as given */
	char *oa[3];            /* -oA's BASE.jsonl, BASE.xml, BASE.nmap */
};

/* audit --external: packets per second unless --rate or -T says otherwise */
#define EXTERNAL_DEFAULT_RATE 100
/* --external's checks (allow-public, [site] public covering every target)
 * and its settings: kind "external", the rate, the stages. After the
 * targets are final. */
int scan_external_check(struct scan_args *a, const struct scan_command *cmd, struct dm_err *e);

extern const struct opt scan_opts[];
extern const size_t scan_opts_count;

/* Parses argv into a (help set: print it and stop), with the command's defaults. */
int scan_args_parse(struct scan_args *a, const struct scan_command *cmd, int argc, char **argv,
		    struct dm_err *e);
/* Checks the combination, finalizes targets and ports, picks the stages. */
int scan_args_finish(struct scan_args *a, const struct scan_command *cmd, struct dm_err *e);
void scan_args_release(struct scan_args *a);
/* Addresses and probes a scan will cover (after scan_args_finish). */
uint64_t scan_args_addresses(const struct scan_args *a);
uint64_t scan_args_probes(const struct scan_args *a);
/* The whole command: options, the pipeline, the exit code. */
int scan_command_run(const struct scan_command *cmd, int argc, char **argv);
/* Only the options and their combination, as the command would check them
 * before running (`dormant watch --check` on a job's `run =`). */
int scan_command_check(const struct scan_command *cmd, int argc, char **argv, struct dm_err *e);

extern const struct scan_command scan_cmd, audit_cmd, creds_cmd;
