/* The checks of `audit --external` (scan-opts.h): it scans addresses on
 * the internet, so only the organisation's own public ranges, named in the
 * site config, and only when the operator says --allow-public; its rate
 * is conservative unless the operator raises it. */
#include "cmd/scan-opts.h"
#include "cmd/scan-opt-ids.h"
#include "base/log.h"
#include "model/site-config.h"
#include <stdio.h>

int scan_external_check(struct scan_args *a, const struct scan_command *cmd, struct dm_err *e)
{
	if (!cmd->audit) return dm_fail(e, DM_EINPUT, "--external belongs to 'dormant audit'");
	if (!a->allow_public)
		return dm_fail(e, DM_EINPUT,
			       "--external scans the organisation's public addresses from outside: it needs "
			       "--allow-public");
	if (a->edge_given || a->p.join.n_flows || a->check_creds)
		return dm_fail(e, DM_EINPUT,
			       "--external runs from outside the perimeter: --upnp, --flows and "
			       "--check-credentials belong to the inside audit");
	if (!a->p.join.config)
		return dm_fail(
		    e, DM_EINPUT,
		    "--external needs --config FILE whose [site] public = lists the organisation's "
		    "public ranges");
	struct site_config c;
	site_config_defaults(&c);
	int r = site_config_load(&c, a->p.join.config, e);
	if (r == 0 && !c.public_ranges.n)
		r = dm_fail(
		    e, DM_EINPUT,
		    "--external: %s has no [site] public = (the organisation's public ranges, the only "
		    "targets scanned from outside)",
		    a->p.join.config);
	struct ipaddr out;
	if (r == 0 && !targets_within(&a->targets, &c.public_ranges, &out)) {
		char s[IPADDR_STRLEN];
		ipaddr_fmt(&out, s, sizeof(s));
		r = dm_fail(e, DM_EINPUT,
			    "--external: target %s is outside [site] public = of %s; only the organisation's "
			    "own public ranges are scanned from outside",
			    s, a->p.join.config);
	}
	site_config_release(&c);
	if (r < 0) return r;
	/* conservative unless raised: --rate or a -T template */
	if (!(a->explicit_timing & TIMING_RATE) && a->timing < 0) a->p.scan.rate = EXTERNAL_DEFAULT_RATE;
	log_info("external: the targets are scanned from outside at %.0f packets per second%s",
		 a->p.scan.rate,
		 a->p.scan.rate == EXTERNAL_DEFAULT_RATE ? " (the default; --rate raises it)" : "");
	a->p.external = true;
	a->p.kind = "external";
	a->p.stages &= ~(STAGE_BIT(STAGE_VULNS) | STAGE_BIT(STAGE_CREDENTIALS) | STAGE_BIT(STAGE_TRAFFIC));
	return 0;
}
