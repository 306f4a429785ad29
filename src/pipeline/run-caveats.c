/* What a run could not judge, in the words every output carries
 * (model/caveat.h): each caveat says what was not looked at, so that an
 * empty findings list is not read as a clean bill of health. */
#include "pipeline/run-caveats.h"
#include "pipeline/pipeline.h"
#include "base/buf.h"
#include "base/log.h"
#include "report/report.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "2024-05-01T10:00:00.000" as seconds since the epoch (the day's start), or 0. */
static double parse_day(const char *s)
{
	int y, mo, d;
	if (sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) != 3 || mo < 1 || mo > 12 || d < 1 || d > 31) return 0;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d };
	return (double)timegm(&tm);
}

static void vuln_caveats(const struct caveats_in *in, struct caveats *cs)
{
	struct dm_err e = { "" };
	struct vuln_stats vs = { 0 };
	int r = store_vuln_any(in->st, &e);
	if (r == 0) {
		caveats_add(cs, "no-vuln-data",
			    "no vulnerability data: services were not checked for known vulnerabilities "
			    "(dormant vulndb import NVD and KEV files)");
		return;
	}
	if (r < 0 || (r = store_vuln_stats(in->st, &vs, &e)) < 0) {
		log_warn("%s", e.msg);
		caveats_add(cs, "no-vuln-data", "the vulnerability data could not be read: %s", e.msg);
		return;
	}
	/* the feed's own date when it is newer than its newest record */
	const char *date = strcmp(vs.nvd_timestamp, vs.newest) > 0 ? vs.nvd_timestamp : vs.newest;
	unsigned max = in->vuln_max_age ? in->vuln_max_age : VULN_MAX_AGE_DEFAULT;
	double t = parse_day(date);
	if (!t) {
		caveats_add(cs, "vuln-data-old",
			    "the vulnerability data has no date: vulnerabilities published since it was "
			    "imported are not matched");
		return;
	}
	double days = (in->now - t) / 86400;
	if (days > max)
		caveats_add(
		    cs, "vuln-data-old",
		    "the vulnerability data is %.0f days old (newest record %.10s; more than %u days): "
		    "vulnerabilities published since are not matched",
		    days, date, max);
}

/* "TCP 22,80 (2 of 65535); UDP not scanned" */
static void port_caveats(const struct caveats_in *in, struct caveats *cs)
{
	if (!in->ports_scanned) {
		caveats_add(cs, "ports-not-scanned",
			    "ports were not scanned (-sn): only live hosts were found");
		return;
	}
	const struct portlist *pl = in->ports;
	if (!pl || pl->n_tcp >= 65535) return;
	struct buf t = BUF_INIT, u = BUF_INIT;
	format_port_ranges(&t, pl->tcp, pl->n_tcp);
	format_port_ranges(&u, pl->udp, pl->n_udp);
	char tcp[160], udp[160];
	/* a long list says how many, not which: the run's command line has them */
	if (!pl->n_tcp)
		snprintf(tcp, sizeof(tcp), "no TCP port");
	else if (t.len > 100)
		snprintf(tcp, sizeof(tcp), "%zu of 65535 TCP ports", pl->n_tcp);
	else
		snprintf(tcp, sizeof(tcp), "TCP %s (%zu of 65535)", t.data, pl->n_tcp);
	if (!pl->n_udp)
		snprintf(udp, sizeof(udp), "UDP not scanned");
	else if (u.len > 100)
		snprintf(udp, sizeof(udp), "%zu UDP ports", pl->n_udp);
	else
		snprintf(udp, sizeof(udp), "UDP %s", u.data);
	caveats_add(cs, "ports-not-scanned",
		    "only some ports were scanned: %s; %s: services on other ports were not seen", tcp, udp);
	buf_release(&t);
	buf_release(&u);
}

void run_caveats(const struct caveats_in *in, struct caveats *ret)
{
	*ret = (struct caveats){ 0 };
	unsigned s = in->stages;
	bool audit = s & (STAGE_BIT(STAGE_VULNS) | STAGE_BIT(STAGE_JOIN));
	if (s & STAGE_BIT(STAGE_VULNS)) {
		if (!in->identify)
			caveats_add(
			    ret, "no-services",
			    "services were not identified (--no-services): no vulnerability was matched");
		else
			vuln_caveats(in, ret);
	} else if (audit) {
		caveats_add(
		    ret, "vulns-not-checked",
		    "vulnerabilities were not matched (--no-vulns): services were not checked for known "
		    "vulnerabilities");
	}
	if (s & STAGE_BIT(STAGE_JOIN)) {
		if (!in->register_rows)
			caveats_add(
			    ret, "no-register",
			    "no asset register (--inventory or dormant inventory import): unregistered, "
			    "decommissioned and expired devices were not judged");
		if (!in->traffic_judged)
			caveats_add(
			    ret, "no-traffic",
			    "no traffic covering the live hosts (--flows): idle hosts and unused ports "
			    "were not judged");
	}
	if (audit && !in->creds)
		caveats_add(
		    ret, "credentials-not-checked",
		    "credentials were not checked (--check-credentials or dormant creds): default and "
		    "anonymous logins were not tried");
	port_caveats(in, ret);
}
