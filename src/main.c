/* dormant: the subcommand table. Each subcommand lives in src/cmd/. */
#include "base/escape.h"
#include "base/util.h"
#include "cmd/cmd.h"
#include "cmd/opts.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "audit", cmd_audit, "discover, scan and store a run, then report it with what changed" },
	{ "scan", cmd_scan, "host discovery and port scan (SYN, connect, UDP)" },
	{ "report", cmd_report, "print a stored run as text, JSON Lines or nmap XML; --list the runs" },
	{ "diff", cmd_diff, "what changed between two runs" },
	{ "rules", cmd_rules, "the finding rules: what each means, its evidence and the fix" },
	{ "flows", cmd_flows,
	  "traffic into flows: pcap/pcapng files or live capture; TLS SNI/JA3/JA4, SSH, DNS" },
	{ "collect", cmd_collect, "NetFlow v5/v9/IPFIX collector: export packets into flow records" },
	{ "inventory", cmd_inventory, "the asset register: import a CSV of what you own, list it" },
	{ "vulndb", cmd_vulndb,
	  "offline vulnerability data: import NVD/KEV/EPSS/CVE 5, stats, lookup, match" },
	{ "creds", cmd_creds,
	  "published default logins on identified services (opt-in, budgeted, never prints passwords)" },
	{ "secrets", cmd_secrets,
	  "files that hold credentials: password tables, exports, connection files, private keys" },
	{ "fingerprint", cmd_fingerprint, "verify Recog-format fingerprint databases; match a banner" },
	{ "import", cmd_import, "store nmap XML, masscan JSON/list or ZMap CSV results as runs, matched" },
	{ "findings", cmd_findings, "findings with a life: list, show, acknowledge, suppress, annotate" },
	{ "alerts", cmd_alerts, "the alert outbox: list it, deliver it to syslog, webhooks, mail, files" },
	{ "watch", cmd_watch,
	  "periodic jobs, live traffic judged in stream time, metrics: a service (systemd Type=notify)" },
	{ "exposure", cmd_exposure,
	  "what mapping platforms (Shodan, Censys, FOFA, ZoomEye, Hunter) indexed, joined with the inside" },
	{ "netdev", cmd_netdev, "ask routers and switches over SNMP: ARP, forwarding tables, ports, LLDP" },
	{ "sensors", cmd_sensors, "the sensors writing to the store: last contact, what they ran" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: dormant COMMAND [options]\n\n"
		   "dormant finds what is alive, exposed and unused on networks you own.\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'dormant COMMAND --help' describes each command; 'man dormant' all of them.\n"
		   "Scan only networks you own or are authorised to test.\n");
}

/* Standard output that could not be written: a reader that went away
 * (`dormant scan ... | head -1`) is not an error worth a word, the run is
 * saved all the same; anything else (a full disk) is said once. */
static int finish_stdout(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout)) return rc;
	int e = errno;
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	if (e == EPIPE || (poll(&p, 1, 0) == 1 && (p.revents & POLLERR))) return rc;
	fprintf(stderr, "dormant: writing standard output: %s\n", strerror(e));
	return rc ? rc : EXIT_RUNTIME;
}

int main(int argc, char **argv)
{
	/* A peer that closes or resets while we write must cost one probe, not
	 * the process: OpenSSL and libssh write to their sockets with write(),
	 * which raises SIGPIPE, and an unhandled SIGPIPE ends the whole audit
	 * before its run is saved. Our own send() calls also pass MSG_NOSIGNAL. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
		printf("dormant %s\n", DORMANT_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name)) return finish_stdout(commands[i].fn(argc - 2, argv + 2));
	struct buf b = BUF_INIT;
	fprintf(stderr, "dormant: unknown command \"%s\"; see dormant --help\n", term_str(&b, cmd));
	buf_release(&b);
	return EXIT_USAGE;
}
