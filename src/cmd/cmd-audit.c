/* `dormant audit`: every stage of the pipeline in one run, findings ranked
 * per asset, and what changed since the previous audit. */
#include "cmd/cmd.h"
#include "cmd/scan-opts.h"

const struct scan_command audit_cmd = {
	.name = "audit",
	.usage = "dormant audit [options] TARGET...",
	.about =
	    "Audit the targets end to end: discovery, TCP and UDP port scan, service identification\n"
	    "and vulnerability matching (with data from 'dormant vulndb import'), traffic (--flows) and\n"
	    "the asset register (--inventory) joined: idle, unregistered, decommissioned and expired\n"
	    "hosts, unused ports, unexpected services; saved as a run in the store, findings ranked by\n"
	    "severity and risk per asset, with what changed since the previous audit.",
	.stages = STAGES_AUDIT,
	.audit = true,
};

int cmd_audit(int argc, char **argv) { return scan_command_run(&audit_cmd, argc, argv); }
