/* `dormant scan`: discovery and the port scan (with -sV the services and
 * their vulnerabilities), saved as a run, written as reports. */
#include "cmd/cmd.h"
#include "cmd/scan-opts.h"

const struct scan_command scan_cmd = {
	.name = "scan",
	.usage = "dormant scan [options] TARGET...",
	.about = "Find live hosts (ARP, ICMP, TCP) and their open ports (SYN or connect scan, UDP probes).",
	.stages = STAGES_SCAN,
};

int cmd_scan(int argc, char **argv) { return scan_command_run(&scan_cmd, argc, argv); }
