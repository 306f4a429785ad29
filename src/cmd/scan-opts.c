/* The options `dormant scan`, `audit` and `creds` share: one table, one
 * parser into struct scan_args, and the checks that turn them into a
 * pipeline configuration (targets finalized, ports chosen). */
#include "cmd/scan-opt-ids.h"
#include "base/redact.h"
#include "base/log.h"
#include <string.h>

const struct opt scan_opts[] = {
	{ "-p", O_PORTS, true, "PORTS", "ports: 22,80,8000-8100, -p- for all, U:161 for UDP" },
	{ "--top-ports", O_TOP, true, "N", "the N most common TCP ports (default 1000)" },
	{ "-sU", O_UDP, false, NULL, "also probe the UDP services dormant has payloads for" },
	{ "-sV", O_SERVICES, false, NULL, "identify the services on open ports (default for audit)" },
	{ "--services", O_SERVICES, false, NULL, "same as -sV" },
	{ "--no-services", O_NOSERVICES, false, NULL, "audit: skip service identification" },
	{ "--fingerprints", O_FPDIR, true, "DIR", "also use the Recog-format databases in DIR" },
	{ "--min-confidence", O_MINCONF, true, "LEVEL",
	  "report vulnerabilities at this confidence or above (low, medium, high)" },
	{ "--no-vulns", O_NOVULN, false, NULL, "do not match services against the vulnerability data" },
	{ "--fail-on", O_FAILON, true, "SEVERITY", "exit 1 when a finding is at SEVERITY or above" },
	{ "--open", O_OPEN, false, NULL, "the table lists only open ports, and only hosts with one" },
	{ "--flows", O_FLOWS, true, "FILE",
	  "audit: traffic (pcap, pcapng, Zeek conn.log) to judge use by; repeatable", true },
	{ "--flows-at-once", O_FLOWS_AT_ONCE, false, NULL,
	  "audit: keep every flow of --flows and judge them at once (the default judges an hour at a time "
	  "as `watch` judges live traffic: a few hours of flows in memory, findings merged per episode)" },
	{ "--flows-hourly", O_FLOWS_HOURLY, false, NULL, "audit: the default now (accepted, does nothing)" },
	{ "--inventory", O_INVENTORY, true, "FILE",
	  "audit: the asset register (CSV or JSON) to judge ownership by; replaces the stored one" },
	{ "--leases", O_LEASES, true, "FILE",
	  "audit: DHCP leases (dnsmasq or ISC dhcpd) as evidence of presence; repeatable", true },
	{ "--config", O_CONFIG, true, "FILE",
	  "audit: site policy: usage window, roles, segments, time zone (INI)" },
	{ "--geoip", O_GEOIP, true, "FILE",
	  "audit: country database for the traffic rules (MaxMind format)" },
	{ "--upnp", O_UPNP, false, NULL,
	  "audit: read the LAN's internet gateways (UPnP IGD by SSDP, NAT-PMP on the default gateway): "
	  "their port mappings, each an internet-exposed finding on its inside host" },
	{ "--test-mapping", O_TESTMAP, false, NULL,
	  "audit --upnp: ask each gateway to add a 60 s mapping of a closed port of ours, deleted at once: "
	  "does it let any LAN host open the network?" },
	{ "--gateway", O_GATEWAY, true, "URL",
	  "audit --upnp: the IGD's root description URL (http://ADDRESS:PORT/rootDesc.xml): no SSDP search" },
	{ "--external", O_EXTERNAL, false, NULL,
	  "audit from a vantage outside the perimeter: the targets must lie in --config's [site] public "
	  "ranges (with --allow-public); what answers is joined with the inside (default --rate "
	  "100)" },
	{ "--service-probes", O_SVCPROBES, true, "FILE",
	  "nmap's service probe database (default /usr/share/nmap/nmap-service-probes; none: not used)" },
	{ "--version-intensity", O_INTENSITY, true, "0-9",
	  "nmap probes tried on a port nothing named: those listing the port, then rarity up to N (default "
	  "7)" },
	{ "--probe-per-host", O_PERHOST, true, "N", "service probes at once to one host (default 4)" },
	{ "-sS", O_SYN, false, NULL, "SYN scan (default when raw sockets are allowed)" },
	{ "-sT", O_CONNECT, false, NULL, "connect() scan" },
	{ "--connect", O_CONNECT, false, NULL, "same as -sT" },
	{ "-Pn", O_PN, false, NULL, "skip host discovery: scan every target" },
	{ "-sn", O_SN, false, NULL, "host discovery only, no port scan" },
	{ "-iL", O_IL, true, "FILE", "read targets from FILE (- for standard input); repeatable", true },
	{ "--exclude", O_EXCLUDE, true, "LIST", "never probe these (comma-separated); always wins", true },
	{ "--exclude-file", O_EXCLUDE_FILE, true, "FILE", "never probe what FILE lists", true },
	{ "--allow-public", O_PUBLIC, false, NULL, "allow public (Internet) addresses as targets" },
	{ "-T", O_TIMING, true, "0-5",
	  "timing template: 0 paranoid, 1 sneaky, 2 polite, 3 normal (default), 4 aggressive, 5 insane; "
	  "explicit options win" },
	{ "--rate", O_RATE, true, "PPS", "packets per second (default 2000; 0 = unlimited)" },
	{ "--retries", O_RETRIES, true, "N", "extra passes over probes that got no answer (default 1)" },
	{ "--wait", O_WAIT, true, "TIME", "longest cooldown after the last probe (default 5s)" },
	{ "--cooldown", O_COOLDOWN, true, "TIME", "silence that ends the cooldown early (default 500ms)" },
	{ "--connect-timeout", O_CTIMEOUT, true, "TIME", "connect() scan: per attempt (default 1.5s)" },
	{ "--max-inflight", O_INFLIGHT, true, "N", "connect() scan: attempts at once (default 1024)" },
	{ "--seed", O_SEED, true, "N", "seed of the probe order (shards and resumes share it)" },
	{ "--shard", O_SHARD, true, "I/N", "scan shard I of N (1-based) of the seeded order" },
	{ "--resume", O_RESUME, true, "FILE", "log progress to FILE; if it exists, continue that scan" },
	{ "-e", O_IFACE, true, "IFACE", "send and capture on IFACE" },
	{ "-S", O_SOURCE, true, "ADDR", "source IPv4 address" },
	{ "--router-mac", O_ROUTER, true, "MAC",
	  "next-hop MAC for routed targets (skips ARP for the gateway)" },
	{ "-oJ", O_OJ, true, "FILE", "write JSON Lines (- for stdout)" },
	{ "-oX", O_OX, true, "FILE", "write nmap-compatible XML (- for stdout)" },
	{ "-oN", O_ON, true, "FILE", "write the text table to FILE" },
	{ "-oA", O_OA, true, "BASE", "write BASE.nmap (text), BASE.xml and BASE.jsonl" },
	{ "--html", O_HTML, true, "FILE",
	  "write the HTML report (one self-contained page with charts) to FILE" },
	{ "-oH", O_HTML, true, "FILE", NULL },
	{ "--check-credentials", O_CHECKCREDS, false, NULL,
	  "audit: also try the services' published default logins (opt-in; budgeted)" },
	{ "--credentials", O_CREDDB, true, "FILE",
	  "credential checks: the database of defaults (default data/credentials.csv)" },
	{ "--budget", O_BUDGET, true, "N", "credential checks: database entries per service (default 3)" },
	{ "--host-budget", O_HOSTBUDGET, true, "N",
	  "credential checks: attempts per host, checks included (default 16)" },
	{ "--login-delay", O_LDELAY, true, "SECONDS",
	  "credential checks: pause between attempts on a host (default 1)" },
	{ "--login-timeout", O_LTIMEOUT, true, "SECONDS",
	  "credential checks: wait for each answer at most (default 5)" },
	{ "--login-parallel", O_LPARALLEL, true, "N",
	  "credential checks: hosts checked at once (default 16)" },
	{ "--csv", O_CSV, true, "FILE",
	  "write CSV to FILE: a row per finding (audit, -sV), else a row per open port" },
	{ "--db", O_DB, true, "PATH", "store database (default $XDG_DATA_HOME/dormant/dormant.db)" },
	{ "--sensor", O_SENSOR, true, "NAME",
	  "the sensor this run is recorded as (registered in the store)" },
	{ "--run-group", O_RUNGROUP, true, "ID",
	  "this shard (--shard I/N, --seed) is part of run group ID: n sensors, one logical run" },
	{ "--site", O_SITE, true, "NAME",
	  "the site observed: its assets, register and findings are kept apart from other sites' "
	  "(default: --config's [site] name, else default)" },
	{ "--redact", O_REDACT, true, "MODE",
	  "secrets in every output: tag (first character, length, the store's keyed tag) or full (length "
	  "only); default tag, full for --html and --csv" },
	{ "--user", O_USER, true, "NAME",
	  "run as NAME once the raw sockets, store and outputs are open "
	  "(default: SUDO_UID's user, else dormant, else nobody)" },
	{ "--keep-privileges", O_NODROP, false, NULL,
	  "do not drop privileges (no --user, no seccomp filter)" },
	{ "--yes", O_YES, false, NULL, "start a large scan at once, without stating it and waiting 5 s" },
	{ "-q", O_QUIET, false, NULL, "quiet: no table, no progress" },
	{ "-v", O_VERBOSE, false, NULL, "verbose: each stage with its counts" },
	{ "-vv", O_VV, false, NULL, "more verbose: also each host's events" },
	{ "-d", O_DEBUG, false, NULL, "debug: everything" },
	{ "--help", O_HELP, false, NULL, "this help" },
	{ "-h", O_HELP, false, NULL, NULL },
};

const size_t scan_opts_count = ARRAY_SIZE(scan_opts);

/* -T0 ... -T5 as nmap users expect them (docs/dormant.1 has the table):
 * the slow ones send one probe at a time with nmap's delays between probes
 * (T0 5 minutes, T1 15 s, T2 0.4 s), T3 is the default, the fast ones send
 * more at once and wait less. An explicit --rate, --retries, --wait,
 * --connect-timeout or --max-inflight wins, whatever the order. */
static const struct timing_template {
	double rate, wait, connect_timeout;
	unsigned retries, inflight;
} timing_templates[6] = {
	{ 1.0 / 300, 10, 5, 1, 1 }, { 1.0 / 15, 10, 5, 1, 1 }, { 2.5, 10, 3, 1, 16 },
	{ 2000, 5, 1.5, 1, 1024 },  { 10000, 3, 1, 1, 4096 },  { 50000, 2, 0.5, 0, 8192 },
};

static void apply_timing(struct scan_args *a)
{
	const struct timing_template *t = &timing_templates[a->timing];
	struct scan_config *c = &a->p.scan;
	unsigned x = a->explicit_timing;
	if (!(x & TIMING_RATE)) c->rate = t->rate;
	if (!(x & TIMING_RETRIES)) c->retries = t->retries;
	if (!(x & TIMING_WAIT)) c->max_wait = t->wait;
	if (!(x & TIMING_CTIMEOUT)) c->connect_timeout = t->connect_timeout;
	if (!(x & TIMING_INFLIGHT)) c->max_inflight = t->inflight;
}

int scan_args_parse(struct scan_args *a, const struct scan_command *cmd, int argc, char **argv,
		    struct dm_err *e)
{
	*a = (struct scan_args){ .fail_on = -1, .timing = -1, .check_creds = cmd->creds };
	a->p = (struct pipeline_config){
		.kind = cmd->name, .stages = cmd->stages, .cred = CRED_CHECK_DEFAULTS, .changes = cmd->audit
	};
	a->p.scan = (struct scan_config){ .rate = 2000,
					  .retries = 1,
					  .quiet = 0.5,
					  .max_wait = 5,
					  .connect_timeout = 1.5,
					  .max_inflight = 1024,
					  .shards = 1 };
	for (int i = 0; i < argc; i++) buf_printf(&a->cmdline, "%s%s", i ? " " : "", argv[i]);
	int r = opts_parse(argc, argv, scan_opts, scan_opts_count, scan_opt_apply, a, e);
	if (r == 0 && a->timing >= 0) apply_timing(a);
	return r;
}

void scan_args_release(struct scan_args *a)
{
	free(a->p.join.flows);
	free(a->p.join.lease_files);
	targets_release(&a->targets);
	portlist_release(&a->ports);
	buf_release(&a->cmdline);
	for (int i = 0; i < 3; i++) free(a->oa[i]);
}
