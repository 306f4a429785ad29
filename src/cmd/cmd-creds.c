/* `dormant creds`: scan, identify, then the services' published default
 * logins (opt-in by running this command), budgeted and never printed. */
#include "cmd/cmd.h"
#include "cmd/scan-opts.h"

const struct scan_command creds_cmd = {
	.name = "creds",
	.usage = "dormant creds [options] TARGET...",
	.about =
	    "Scan the targets, identify their services, then try each service's published default logins\n"
	    "(HTTP Basic/Digest, RTSP, FTP and anonymous FTP, Telnet, SSH, SNMP communities, MQTT, Redis)\n"
	    "from the credential database: the anonymous check and a random login that must fail first,\n"
	    "then at most --budget entries chosen by the device identified, --login-delay apart, stopping "
	    "at\n"
	    "the first success or any sign of lockout. Passwords are never printed. Only your own networks.",
	.stages = STAGES_CREDS,
	.creds = true,
};

int cmd_creds(int argc, char **argv) { return scan_command_run(&creds_cmd, argc, argv); }
