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
	int r = store_vuln_any(st, e);
	if (r < 0) return r;
	if (r == 0) {
		if (!in->quiet_if_empty)
			log_info("audit: no vulnerability data in the store; 'dormant vulndb import' NVD and "
				 "KEV files to match services");
		return 0;
	}
	struct vuln_matcher m;
	vuln_matcher_init(&m, st, in->al);
	double t0 = now_mono();
	size_t before = in->fs->n;
	r = analyze_vulnerable(&m, in->rs, in->min_conf, in->fs, e);
	out->findings = in->fs->n - before;
	out->lookups = m.queries;
	log_debug("vulnerabilities: %zu findings, %llu product lookups, %.3f s", in->fs->n,
		  (unsigned long long)m.queries, now_mono() - t0);
	vuln_matcher_release(&m);
	findings_sort(in->fs);
	return r;
}
