/* What `flows` and `collect` share after reading traffic: the site config,
 * countries from the GeoIP database, the flows kept for the traffic rules,
 * the hourly summaries saved to the store, and the findings. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include "analyze/traffic.h"
#include "flow/capture.h"
#include "flow/geo.h"
#include "flow/payload-sniff.h"
#include "model/flowset.h"
#include "model/site-config.h"
#include "store/store.h"

/* The options `flows` and `collect` take (cmd/traffic-opts.h parses them). */
struct traffic_args {
	const char *config, *geoip, *db, *rules;
	const char *site;        /* --site: overrides the config's [site] name; NULL: keep it */
	const char *config_text; /* set: the policy's text, read in config's name (a watcher's snapshot) */
	bool no_analyze;
	int fail_on;                   /* -1: never */
	struct store *store;           /* set: the job runs inside this open store's run (audit): */
	int64_t run;                   /* it neither begins nor ends it, nor saves the findings */
	const struct targets *targets; /* the audit's targets, internal by default; may be NULL */
	struct ipaddr explain;         /* family 0: none; else --explain HOST, printed on stdout */
	/* set (an hour of a file judged hour by hour, traffic-batch.c, with
	 * store and run): the job whose config, GeoIP, intelligence (its
	 * indexes built at the first match) and summaries' connection the hour
	 * uses, read once before the privilege drop; it says what the hours
	 * would each say (flows set aside, an input summarised before) */
	struct traffic_job *parent;
};
struct traffic_job {
	struct site_config cfg;
	struct geo *geo; /* NULL: countries unknown */
	struct flowset flows;
	struct intel_set intel; /* the config's [intel] files */
	const struct traffic_args *args;
	struct store *store;
	struct store *writer; /* the hourly summaries' connection (a thread of its own) */
	char *dbpath;
	int64_t run;
	bool finished;
	double rules_seconds, save_seconds; /* of traffic_job_finish: the rules, the summaries (beside) */
	/* the same in CPU seconds, and the summaries' sort (before both) */
	double rules_cpu, save_cpu, sort_cpu;
	struct findings found;
	bool known;    /* finish found these flows summarised in the store before */
	bool borrowed; /* store and run are the caller's */
	/* versions seen in traffic (captures, Zeek software/ssh/http logs),
	 * made by traffic_job_read_files */
	struct payload_sniff *sniff;
	/* set (traffic-stream.c): the earlier hours' state the rules read and
	 * this job's flows are added to; borrowed */
	struct traffic_state *state;
	/* set (traffic-stream-state.c): saves the findings and ends the run
	 * (with the state, in one transaction) in place of finish's own */
	int (*save_hour)(struct traffic_job *j, void *ctx, struct dm_err *e);
	void *save_ctx;
	/* set on the parent (traffic-batch.c) when its writer holds the
	 * hours' summaries in one transaction (store_flow_hold_begin): its
	 * hours read the store's history on the writer, which sees the
	 * earlier hours held, and save after their rules, not beside them */
	bool hold;
};

/* Reads the config (defaults without one), opens the GeoIP database (the
 * option's, else the config's, else the installed default when present)
 * and the store, and begins a run of kind (what: its input). */
int traffic_job_init(struct traffic_job *j, const struct traffic_args *args, const char *kind,
		     const char *what, struct dm_err *e);
/* Keeps the flow and sets f->country (of the external side) when known. */
void traffic_job_flow(struct traffic_job *j, struct obs_flow *f);
/* Runs the rules against the flows and the stored history, saves the
 * summaries and the findings (j->found), and ends the run. */
int traffic_job_finish(struct traffic_job *j, struct dm_err *e);
/* After finish (flows, collect): the findings into their life with the
 * site policy's allowlist as suppressions (pipeline/lifecycle.h). Nothing
 * is resolved: flows that lack a finding do not prove an episode ended. */
int traffic_job_life(struct traffic_job *j, struct dm_err *e);
/* The findings as JSON Lines into json (may be NULL) and as the ranked
 * text section on text (may be NULL); true when one is at --fail-on or above. */
bool traffic_job_report(struct traffic_job *j, FILE *json, FILE *text);
/* A Zeek conn.log (TSV or JSON, plain or gzip) rather than a capture. */
bool traffic_file_is_zeek(const char *path);
/* A Zeek software.log, ssh.log or http.log (versions, not flows). */
bool traffic_file_is_zeek_software(const char *path);
/* A capture's packets also read for versions (into j->sniff, made here). */
void traffic_job_sniff(struct traffic_job *j, struct capture_config *cc);
/* Reads capture files and conn.logs into the job's flows (no progress
 * line), and what servers said of their versions in the captures and in
 * Zeek software/ssh/http logs into j->sniff; damaged records are counted
 * in *ret_damaged and skipped. */
int traffic_job_read_files(struct traffic_job *j, char *const *files, size_t n, uint64_t *ret_damaged,
			   struct dm_err *e);
/* The same, the flows to sink rather than into the job's flows. */
int traffic_job_read_files_into(struct traffic_job *j, char *const *files, size_t n,
				const struct flow_sink *sink, uint64_t *ret_damaged, struct dm_err *e);
/* Marks an unfinished run failed and frees everything. */
void traffic_job_release(struct traffic_job *j);
