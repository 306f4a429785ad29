/* Each stage of the pipeline (pipeline.h) as a function with an input and
 * an output struct. A stage reads only its input, writes only its output,
 * and adds to the observations (struct resultset) or the findings only
 * through the pointers its input names for that. pipeline.c wires them; a
 * service may call them one by one. */
#pragma once
#include <stdio.h>
#include "model/flowset.h"
#include "pipeline/pipeline.h"
#include "pipeline/stage-credentials.h"
#include "pipeline/stage-join.h"
#include "probe/fingerprint.h"
#include "probe/wappalyzer.h"
#include "probe/nmap-probes.h"
#include "report/report.h"
#include "base/privmon.h"
#include "base/privsep.h"
#include "base/safe-write.h"
#include "store/store.h"
#include "vuln/aliases.h"

/* --- report (first, because prepare opens what it writes) --- */

/* The output files, opened by the prepare stage (before privileges are
 * dropped) as temporary files beside their final names (base/safe-write.h)
 * and written, then renamed into place, by the report stage. */
struct outputs {
	struct output_file {
		const char *path, *opt; /* path NULL: not wanted; "-": stdout */
		bool shared; /* made to be passed on (HTML, CSV): secrets without tags by default */
		struct out_file o;
	} v[5];
	bool stdout_taken; /* an output writes to stdout: no table there */
};
/* Opens every output of paths (the one place output files are opened);
 * public: plain scan results (hosts, ports, services), 0644 for -oJ/-oX/-oN;
 * everything else is 0600. */
int outputs_open(const struct output_paths *paths, bool public, struct outputs *out, struct dm_err *e);
/* Closes them (the one place they are closed): without keep (the run
 * failed) the temporary files are removed and the old files stay. */
int outputs_close(struct outputs *o, bool keep, struct dm_err *e);

struct report_in {
	struct outputs *outs;
	const struct resultset *rs;
	const struct report_meta *meta;
	bool table;                         /* the text table on stdout when no output took it */
	const struct cred_stage_out *creds; /* NULL: no credential checks */
	const struct cred_check_opts *cred_opts;
	const char *html;         /* the HTML report's path, named under the table */
	bool changes;             /* the changes since the previous run (meta) belong on the table */
	int redact;               /* REDACT_DEFAULT, _TAG or _FULL (pipeline_config) */
	struct resultset *rs_mut; /* the same results and findings, whose secrets' tags an */
	struct findings *fs_mut;  /* output made to be shared leaves out for its write */
	struct rundiff *changes_mut;
	struct cred_stage_out *creds_mut;
	const struct exposure_rows *outside; /* audit --external: what answered, joined; NULL none */
};
int stage_report(const struct report_in *in, struct dm_err *e);

/* --- prepare --- */

struct prepare_in {
	const struct pipeline_config *cfg;
	struct resultset *rs; /* the results a --resume log replays are added to it */
};
struct prepared {
	struct store *st;
	char *dbpath;
	struct outputs outs;
	struct privsep_plan plan; /* who the run becomes at the drop */
	struct privmon mon;       /* renames the outputs after the drop */
	bool aliases_loaded;      /* vuln/aliases.csv, read before the drop */
	struct aliases al;
	bool identify; /* fingerprints loaded: services are identified */
	struct fp_set fps;
	struct wa_db wa;  /* Wappalyzer's rules when installed (wa.n == 0 without) */
	bool nmap_loaded; /* nmap's service probe database is loaded */
	struct nmap_db nmap;
	struct nmap_payloads payloads; /* nmap's UDP payloads (n == 0 without them) */
	bool creds;                    /* the credential database is loaded */
	struct cred_db cdb;
	bool join; /* the join inputs are loaded */
	struct join_inputs ji;
	struct scan_config scfg; /* the caller's, with targets, ports and the discovery flags */
	struct scan sc;
	bool scan_ready; /* sc is prepared: scan_release() it */
	int64_t run;     /* begun (or resumed) in the store */
};
int stage_prepare(const struct prepare_in *in, struct prepared *out, struct dm_err *e);
/* The privilege drop, once everything privileged is open (the scanner's
 * sockets, the store, the resume log, the flow files the traffic stage
 * read, the outputs): the rename monitor, the switch to the plan's user and
 * the seccomp deny-list (base/privsep.h, base/sandbox.h, docs/SECURITY.md). */
int stage_drop(struct prepared *p, const char *kind, struct dm_err *e);
/* The scanner's raw socket and capture, when it has a plan (scan_open_io):
 * after the traffic stage, before stage_drop. */
int stage_open_io(struct prepared *p, struct dm_err *e);
void prepared_release(struct prepared *p);

/* --- discover and scan --- */

/* The scan's sink: results into a result set, UDP replies identified on
 * the spot when fingerprints are given. */
struct collect {
	struct resultset *rs;
	const struct fp_set *fps; /* NULL: no identification */
};
void collect_sink(struct collect *c, struct obs_sink *ret);

/* Discovery and the port scan are one pass of the scanner (its phases
 * share the ARP table, the live-host set and the resume log): the prepare
 * stage set -sn / -Pn from which of the two stages run. */
struct scan_in {
	struct scan *sc;          /* prepared */
	const struct fp_set *fps; /* NULL: UDP replies are not identified */
	struct resultset *rs;     /* hosts and ports are added to it */
};
struct scan_out {
	struct scan_summary sum;
	double start; /* wall clock at the start */
};
int stage_scan(const struct scan_in *in, struct scan_out *out, struct dm_err *e);

struct identify_in {
	const struct fp_set *fps;
	const struct nmap_db *nmap;           /* NULL: nmap's probes are not used */
	const struct nmap_payloads *payloads; /* nmap's UDP payloads, may be NULL */
	unsigned intensity;                   /* 0-9 */
	unsigned per_host;                    /* probes at once to one host */
	const char *kind;                     /* for the log */
	struct resultset *rs;                 /* its open TCP ports are probed; services are added to it */
	const struct wa_db *wa;               /* web application rules, may be NULL */
};
struct identify_out {
	size_t probed; /* open TCP ports probed */
	double seconds;
};
void stage_identify(const struct identify_in *in, struct identify_out *out);

struct enrich_in {
	const char *kind;
	struct resultset *rs; /* MAC vendors are set; hosts and ports sorted */
};
struct enrich_out {
	size_t vendors; /* hosts whose MAC vendor is known */
};
void stage_enrich(const struct enrich_in *in, struct enrich_out *out);

/* The scanner's address: the SYN scan's source, else the kernel's choice
 * towards the first target (the join's vantage point). */
struct ipaddr scan_vantage(const struct scan_summary *sum, const struct targets *t);

/* --- vulns --- */

struct vulns_in {
	struct store *st;
	const struct aliases *al; /* loaded by prepare */
	const struct resultset *rs;
	enum confidence min_conf;
	bool quiet_if_empty; /* no log line when the store holds no vulnerability data */
	struct findings *fs; /* the findings are added to it */
};
struct vulns_out {
	size_t findings;
	uint64_t lookups; /* product lookups in the store */
};
int stage_vulns(const struct vulns_in *in, struct vulns_out *out, struct dm_err *e);

/* --- traffic --- */

struct traffic_in {
	struct store *st;
	const char *dbpath;
	int64_t run;
	const struct join_files *files; /* --flows, --config, --geoip */
	const struct targets *targets;  /* the audit's: internal by default */
};
struct traffic_out {
	struct findings found; /* the traffic rules' findings, ranked */
	size_t flows;
	uint64_t damaged;               /* records skipped in the flow files */
	struct traffic_profile profile; /* bytes by hour, countries: for the HTML report */
	/* versions seen in traffic, of internal hosts only (passive services):
	 * identified and added to the results by passive_services_merge */
	struct obs_service *passive;
	size_t n_passive;
};
int stage_traffic(const struct traffic_in *in, struct traffic_out *out, struct dm_err *e);

/* --- save --- */

struct save_in {
	struct store *st;
	const char *dbpath, *kind;
	int64_t run;
	const struct resultset *rs;
	struct findings *fs;           /* NULL: no analysis ran (the store may rank it in place) */
	bool changes;                  /* compare with the previous run of kind */
	const struct coverage *cov;    /* what the run covered, stored with it */
	const struct caveats *caveats; /* stored with the run */
	double finished;               /* when the run ended; 0: now (an import's: the file's) */
	/* findings with a life (pipeline/lifecycle.h): the site's name and its
	 * [alert NAME] channels; NULL: site "default", no alerts */
	const struct site_config *site;
};
struct save_out {
	struct rundiff changes;
	int64_t changes_from;       /* the run compared with; 0: none */
	struct life_apply_out life; /* what the findings' states did */
};
int stage_save(const struct save_in *in, struct save_out *out, struct dm_err *e);
