/* Lab helper: the audit pipeline run twice in one process, as the coming
 * long-running service will run it. Usage:
 *   pipeline-twice DB OUT PORTS TARGET...
 * runs the audit's stages over TARGET x PORTS (and the UDP defaults) into the store DB twice,
 * writing OUT.1.jsonl and OUT.2.jsonl; test-lab.sh compares them with two
 * `dormant audit` runs. It checks between the runs that each timed every
 * stage it ran and that the second run got the next run id; then runs the
 * discover stage alone, which must find the audit's hosts and no port. Privileges are
 * kept: the scanner drops them after its raw sockets are open, and a service
 * must keep (or hand over) its sockets to scan raw a second time. */
#include "base/log.h"
#include "creds/checker.h"
#include "pipeline/pipeline.h"
#include "scan/udp-payloads.h"
#include <stdio.h>
#include <string.h>

/* The hourly discovery of the service: the discover stage alone (with
 * enrich and save), into the same store; it must find the audit's hosts. */
static int discover_once(struct targets *t, struct portlist *pl, const char *db, size_t want_hosts)
{
	struct pipeline_config cfg = {
		.kind = "discover",
		.cmdline = "pipeline-twice",
		.db = db,
		.targets = t,
		.ports = pl,
		.stages = STAGE_BIT(STAGE_DISCOVER) | STAGE_BIT(STAGE_ENRICH) | STAGE_BIT(STAGE_SAVE),
		.scan = { .rate = 20000,
			  .retries = 1,
			  .quiet = 0.5,
			  .max_wait = 5,
			  .connect_timeout = 1.5,
			  .max_inflight = 1024,
			  .shards = 1 },
		.priv = { .keep = true }, /* a second run in one process needs its raw sockets again */
	};
	struct pipeline_result res;
	struct dm_err e = { "" };
	int r = pipeline_run(&cfg, &res, &e);
	size_t ports = 0;
	for (size_t i = 0; r == 0 && i < res.rs.n_hosts; i++) ports += res.rs.hosts[i].n_ports;
	if (r < 0)
		fprintf(stderr, "pipeline-twice: discovery: %s\n", e.msg);
	else if (res.rs.n_hosts != want_hosts || ports || res.clock.n != 4)
		fprintf(stderr,
			"pipeline-twice: discovery found %zu hosts (the audit %zu), %zu ports, %zu stages "
			"timed\n",
			res.rs.n_hosts, want_hosts, ports, res.clock.n);
	else
		printf("discovery run %lld: %zu hosts\n", (long long)res.run, res.rs.n_hosts);
	int bad = r < 0 || res.rs.n_hosts != want_hosts || ports || res.clock.n != 4;
	pipeline_result_release(&res);
	return bad;
}

static int audit_once(struct targets *t, struct portlist *pl, const char *db, const char *out,
		      int64_t *ret_run, size_t *ret_hosts)
{
	struct pipeline_config cfg = {
		.kind = "audit",
		.cmdline = "pipeline-twice",
		.stages = STAGES_AUDIT,
		.db = db,
		.targets = t,
		.ports = pl,
		.cred = CRED_CHECK_DEFAULTS,
		.out = { .jsonl = out },
		.changes = true,
		.scan = { .rate = 20000,
			  .retries = 1,
			  .quiet = 0.5,
			  .max_wait = 5,
			  .connect_timeout = 1.5,
			  .max_inflight = 1024,
			  .shards = 1 },
		.priv = { .keep = true }, /* a second run in one process needs its raw sockets again */
	};
	struct pipeline_result res;
	struct dm_err e = { "" };
	int r = pipeline_run(&cfg, &res, &e);
	if (r < 0) {
		fprintf(stderr, "pipeline-twice: %s: %s\n", out, e.msg);
		pipeline_result_release(&res);
		return 1;
	}
	char stages[512];
	stage_format(&res.clock, stages, sizeof(stages));
	printf("run %lld: %zu hosts, %zu findings; %s\n", (long long)res.run, res.rs.n_hosts, res.fs.n,
	       stages);
	/* prepare, traffic, scan, identify, enrich, vulns, join, save, report: discover is timed as scan */
	int bad = res.clock.n != 9 || strcmp(res.clock.v[0].name, "prepare") ||
		  strcmp(res.clock.v[8].name, "report");
	if (bad)
		fprintf(stderr, "pipeline-twice: the stage clock holds %zu stages: %s\n", res.clock.n,
			stages);
	*ret_run = res.run;
	*ret_hosts = res.rs.n_hosts;
	pipeline_result_release(&res);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: pipeline-twice DB OUT PORTS TARGET...\n");
		return 2;
	}
	log_level = LOG_WARN;
	struct targets t = { 0 };
	struct portlist pl = { 0 };
	struct dm_err e = { "" };
	int r = portlist_parse(&pl, argv[3], PROTO_TCP, &e);
	for (size_t i = 0; i < udp_default_ports_count && r == 0; i++) { /* as `dormant audit` adds them */
		char p[16];
		snprintf(p, sizeof(p), "U:%u", udp_default_ports[i]);
		r = portlist_parse(&pl, p, PROTO_UDP, &e);
	}
	for (int i = 4; i < argc && r == 0; i++) r = targets_add(&t, argv[i], argv[i], &e);
	if (r == 0) r = targets_finalize(&t, false, &e);
	if (r < 0) {
		fprintf(stderr, "pipeline-twice: %s\n", e.msg);
		return 2;
	}
	char out[2][4096];
	int64_t run[2] = { 0, 0 };
	size_t hosts = 0;
	int bad = 0;
	for (int i = 0; i < 2 && !bad; i++) {
		snprintf(out[i], sizeof(out[i]), "%s.%d.jsonl", argv[2], i + 1);
		bad = audit_once(&t, &pl, argv[1], out[i], &run[i], &hosts);
	}
	if (!bad) bad = discover_once(&t, &pl, argv[1], hosts);
	if (!bad && run[1] != run[0] + 1) {
		fprintf(stderr, "pipeline-twice: runs %lld then %lld\n", (long long)run[0],
			(long long)run[1]);
		bad = 1;
	}
	targets_release(&t);
	portlist_release(&pl);
	return bad;
}
