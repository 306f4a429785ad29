/* The subcommands. Each takes the arguments after its name and returns
 * the process exit code (docs/ARCHITECTURE.md: 0, 1 findings, 2 usage/input, 3 runtime). */
#pragma once

int cmd_scan(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_fingerprint(int argc, char **argv);
int cmd_vulndb(int argc, char **argv);
int cmd_flows(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_secrets(int argc, char **argv);
int cmd_creds(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_exposure(int argc, char **argv);
int cmd_findings(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_sensors(int argc, char **argv);
int cmd_netdev(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* The options of `secrets` checked without running (a watch job's `run =`). */
struct dm_err;
int cmd_secrets_check(int argc, char **argv, struct dm_err *e);

/* The progress line on a terminal (stderr), cleared by progress_done(). */
struct engine_progress;
void progress_print(void *ctx, const struct engine_progress *p);
void progress_done(void);
