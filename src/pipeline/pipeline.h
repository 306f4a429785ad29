/* The audit as a pipeline of stages, below the commands and above the
 * sources, the store, the analyzers and the reporters:
 *
 *   prepare -> traffic -> discover -> scan -> identify -> enrich -> vulns
 *           -> credentials -> join -> save -> report
 *
 * Traffic runs right after prepare although only the join needs it: the
 * flows are an audit's largest memory (hundreds of MB for millions of
 * flows), and read first they are summarised into the store and freed
 * before the scanner and the probes allocate theirs, so the audit's peak is
 * the flows' alone (bench: 568 MB; 670 MB with traffic after identify).
 * Its findings join the audit's list where the join begins, as before.
 *
 * `dormant scan`, `audit` and `creds` are sets of stages over one
 * configuration; a long-running service calls pipeline_run() as often as it
 * likes in one process (discovery every hour, the full audit at night).
 * Each stage is a function with an input and an output struct
 * (pipeline/stages.h); pipeline_run() wires one stage's output into the next
 * one's input and times each stage (wall time, peak memory) for -v.
 * Not thread-safe: one pipeline_run() at a time per process (the scanner
 * and the probes own the process's sockets and signals while they run). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "base/err.h"
#include "model/caveat.h"
#include "model/finding.h"
#include "model/resultset.h"
#include "model/rundiff.h"
#include "model/vuln.h"
#include "net/ports.h"
#include "net/targets.h"
#include "pipeline/stage-clock.h"
#include "pipeline/stage-credentials.h"
#include "pipeline/stage-join.h"
#include "base/privsep.h"
#include "exposure/edge.h"
#include "scan/scan.h"

enum pipeline_stage {
	STAGE_PREPARE, /* open the store and the outputs, load the data files, open raw I/O, drop privileges, begin the run */
	STAGE_TRAFFIC,     /* flow files summarised into the store, the traffic rules (first: see below) */
	STAGE_DISCOVER,    /* live hosts: ARP, ICMP, TCP pings */
	STAGE_SCAN,        /* open ports: SYN or connect scan, UDP probes */
	STAGE_IDENTIFY,    /* services on the open TCP ports (UDP replies are identified as they arrive) */
	STAGE_ENRICH,      /* MAC vendors; hosts and ports in order */
	STAGE_VULNS,       /* vulnerable-service and known-exploited findings */
	STAGE_CREDENTIALS, /* default and anonymous logins (opt-in) */
	STAGE_JOIN,        /* exposure x use x ownership: the asset rules, risk per asset */
	STAGE_SAVE,        /* results and findings into the store; what changed since the last run */
	STAGE_REPORT,      /* the output files and the table on the terminal */
	STAGE_COUNT
};
#define STAGE_BIT(s) (1u << (s))
/* What the commands run (prepare always runs). */
#define STAGES_SCAN                                                                    \
	(STAGE_BIT(STAGE_DISCOVER) | STAGE_BIT(STAGE_SCAN) | STAGE_BIT(STAGE_ENRICH) | \
	 STAGE_BIT(STAGE_SAVE) | STAGE_BIT(STAGE_REPORT))
#define STAGES_AUDIT                                                                                   \
	(STAGES_SCAN | STAGE_BIT(STAGE_IDENTIFY) | STAGE_BIT(STAGE_VULNS) | STAGE_BIT(STAGE_TRAFFIC) | \
	 STAGE_BIT(STAGE_JOIN))
#define STAGES_CREDS (STAGES_SCAN | STAGE_BIT(STAGE_IDENTIFY) | STAGE_BIT(STAGE_CREDENTIALS))

/* "scan", "identify", ...: the stage's name in the -v line. */
const char *pipeline_stage_name(enum pipeline_stage s);

/* Where the reports go; NULL: not written, "-": stdout. */
struct output_paths {
	const char *jsonl, *xml, *text, *html, *csv;
};

struct pipeline_config {
	const char *kind;      /* the run's kind in the store and in messages: "scan", "audit", "creds" */
	const char *cmdline;   /* recorded with the run and in the XML */
	unsigned stages;       /* STAGE_BIT()s; without DISCOVER every target is scanned (-Pn), without SCAN
				      * only the live hosts are found (-sn) */
	const char *db;        /* the store; NULL: store_default_path() */
	const char *sensor;    /* --sensor: the run is this sensor's (store_set_sensor); NULL none */
	const char *site;      /* --site: the site observed; NULL: the config's [site] name, else default */
	const char *run_group; /* --run-group: the run is shard scan.shard of scan.shards of it; NULL none */
	struct targets *targets; /* finalized; the caller's */
	struct portlist *ports;  /* the caller's */
	struct scan_config scan; /* rate, mode, shards, resume...; targets, ports and the discovery flags are
				      * the pipeline's to set from the fields above */
	const char *fpdir;       /* more Recog-format databases; NULL: the built-in ones only */
	unsigned per_host;       /* service probes at once to one host; 0: 4 */
	const char *service_probes; /* nmap-service-probes; NULL: Debian's, if installed; "none": not used */
	unsigned intensity;         /* --version-intensity 0-9, when intensity_given (else 7) */
	bool intensity_given;
	enum confidence min_conf;    /* vulnerabilities reported at this confidence or above */
	unsigned vuln_max_age;       /* days: older vulnerability data is a caveat of the run; 0: 30 */
	const char *cred_db;         /* credentials: the database of defaults; NULL: data/credentials.csv */
	struct cred_check_opts cred; /* credentials: budgets, delays */
	struct join_files join;      /* traffic and join: --flows, --leases, --inventory, --config, --geoip */
	struct output_paths out;
	int redact;               /* REDACT_DEFAULT (each output its own), REDACT_TAG or REDACT_FULL */
	struct privsep_opts priv; /* who to become once everything privileged is open; .keep: stay */
	bool table;               /* the text table on stdout, unless an output writes to stdout */
	bool only_open;           /* --open: the table lists open ports, and hosts with one */
	bool changes; /* save: what changed since the previous run of kind, for the table and HTML */
	/* audit: the LAN's internet gateways and their port mappings (--upnp,
	 * --test-mapping, --gateway); also read when the site config says
	 * [site] edge = on */
	struct edge_opts edge;
	/* audit --external: the targets are the organisation's public ranges,
	 * scanned from outside; the join compares what answered with the inside
	 * (pipeline/stage-external.h) instead of running the inside rules */
	bool external;
	/* Called when the scanner's pass ends (scan.progress drew its last line). NULL: none. */
	void (*progress_end)(void *ctx);
	/* Called before each stage that runs (run: 0 before the run is begun), and
	 * once with STAGE_COUNT when every stage succeeded; for the command's
	 * interrupt message. NULL: none. */
	void (*on_stage)(void *ctx, enum pipeline_stage next, int64_t run);
	void *on_stage_ctx;
};

/* What a run gives the caller (and the reporters): owned by it, freed by
 * pipeline_result_release(). */
struct pipeline_result {
	int64_t run;            /* the store's run id */
	struct resultset rs;    /* hosts, ports, services: sorted */
	struct findings fs;     /* ranked */
	bool analysed;          /* fs is meaningful (vulns, credentials or join ran) */
	struct caveats caveats; /* what the run could not judge (pipeline/run-caveats.h) */
	struct scan_summary sum;
	struct stage_clock clock; /* wall time and peak memory of each stage that ran */
};

/* Runs the selected stages of cfg once. Returns 0 or a negative error with
 * the operator's sentence in e; a run that fails after it was begun is
 * marked failed in the store. */
int pipeline_run(const struct pipeline_config *cfg, struct pipeline_result *ret, struct dm_err *e);
void pipeline_result_release(struct pipeline_result *r);
