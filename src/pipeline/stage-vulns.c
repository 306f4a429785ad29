/* The vulns stage: vulnerable-service and known-exploited findings for the
 * identified services, from the vulnerability data in the store. */
#include "pipeline/stages.h"
#include "analyze/vulnerable.h"
#include "base/log.h"
#include "base/timeutil.h"

int stage_vulns(const struct vulns_in *in, struct vulns_out *out, struct dm_err *e)
{
	struct store *st = in->st;
	*out = (struct vulns_out){ 0 };
	if (store_vuln_any(st) <= 0) {
		if (!in->quiet_if_empty)
			log_info("audit: no vulnerability data in the store; 'dormant vulndb import' NVD and KEV files to match services");
		return 0;
	}
	struct aliases al = { 0 };
	int r = aliases_load(&al, ALIASES_DEFAULT_PATH, e);
	if (r < 0) return r;
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, &al);
	double t0 = now_mono();
	size_t before = in->fs->n;
	if ((r = analyze_vulnerable(&m, in->rs, in->min_conf, in->fs)) < 0)
		r = dm_fail(e, r, "vulnerability matching: %s", store_errmsg(st));
	out->findings = in->fs->n - before;
	out->lookups = m.queries;
	log_debug("vulnerabilities: %zu findings, %llu product lookups, %.3f s", in->fs->n, (unsigned long long)m.queries,
		  now_mono() - t0);
	vuln_matcher_release(&m);
	aliases_release(&al);
	findings_sort(in->fs);
	return r;
}
